"""``dsar serve``: run the HTTP add-on (card endpoints, web sign-in, auditor view; the card preview too
when ``DSAR_SANDBOX_URL`` is set) on 127.0.0.1 until stopped. Put an HTTPS proxy in front of it for Google."""
from __future__ import annotations

import logging

import click

from ..errors import InputError


@click.command()
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
def serve(port: int) -> None:
    """Serve the Workspace add-on's HTTP endpoints in the foreground (Ctrl-C stops it)."""
    from werkzeug.serving import make_server

    from ..web.app import create_app, describe

    app = create_app()
    state = app.extensions["dsar"]
    state.verifier.check_configuration()
    info = describe(app)
    try:
        server = make_server("127.0.0.1", port, app, threaded=True)
    except OSError as e:
        raise InputError("--port", f"cannot listen on 127.0.0.1:{port} ({e.strerror})") from None
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    url = f"http://127.0.0.1:{server.server_port}"
    click.echo(f"DSAR add-on on {url}  (public origin: {state.base_url or 'as requested'})")
    if not state.base_url and not info["preview"]:
        click.echo("  warning: set DSAR_ADDON_BASE_URL to the HTTPS origin Google calls (the audience it signs for)",
                   err=True)
    click.echo(f"  requests must carry a Google ID token for {info['service_account']} (certificates: {info['certs']})")
    click.echo(f"  user identity: userIdToken for OAuth client {info['oauth_client_id']}")
    click.echo(f"  health {url}/healthz · auditor view {url}/audit"
               + (f" · card preview {url}/preview" if info["preview"] else ""))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        state.runner.shutdown(wait=False)
