"""``dsar worker`` and ``dsar beat``: Celery processes for searches at scale; and the ``--queue`` mode of
``dsar search``, which fans a case out to the workers and shows its progress from the job rows."""
from __future__ import annotations

import click

from ..errors import ConfigError
from .output import err_console


def _check_broker() -> str:
    from ..scale import broker_url

    url = broker_url()
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as e:  # refused, unknown host, auth: one clear line
        raise ConfigError(f"DSAR_BROKER_URL: no Redis answers at {url} ({type(e).__name__}: {e})") from None
    return url


def _check_database() -> None:
    from audit.pg_store import is_postgres_url

    from ..config import load

    if not is_postgres_url(load().database_url):
        raise ConfigError("DSAR_DATABASE_URL: workers share cases, job checkpoints and the audit trail through "
                          "PostgreSQL; set it to postgresql://USER@HOST:5432/DB (then run 'dsar db upgrade')")


@click.command()
@click.option("--concurrency", "-c", type=click.IntRange(1, 256), default=None,
              help="Processes (or threads); default: one per CPU.")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True)
@click.option("--loglevel", "-l", default="INFO", show_default=True)
@click.option("--hostname", "-n", default=None, help="Node name, e.g. w1@%h.")
@click.option("--beat", is_flag=True, help="Also run the scheduler in this worker (run it in one place only).")
def worker(concurrency: int | None, pool: str, loglevel: str, hostname: str | None, beat: bool) -> None:
    """Run a search worker: takes mailbox and Drive tasks from the queue until stopped.

    Needs DSAR_DATABASE_URL (PostgreSQL), DSAR_BROKER_URL (Redis; default redis://127.0.0.1:6379/0), and the
    same DSAR_HOME keys (master.key, audit-signing.key) or DSAR_MASTER_KEY as the web app."""
    _check_database()
    _check_broker()
    from ..scale.celery_app import app, queue_name

    argv = ["worker", f"--pool={pool}", f"--loglevel={loglevel}", "-Q", queue_name()]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    if hostname:
        argv.append(f"--hostname={hostname}")
    if beat:
        argv.append("--beat")
    app.worker_main(argv)


@click.command()
@click.option("--loglevel", "-l", default="INFO", show_default=True)
def beat(loglevel: str) -> None:
    """Run the scheduler: an audit checkpoint every minute; intent recovery and reconciliation with
    Google's token audit log every DSAR_RECONCILE_EVERY seconds (default 3600). One beat per deployment."""
    _check_database()
    _check_broker()
    from ..config import load
    from ..scale.celery_app import app

    from ..data_folder import open_home

    home = open_home(load())
    app.start(["beat", f"--loglevel={loglevel}", f"--schedule={home / 'celerybeat-schedule'}"])


def queued_search(services, ref: str, actor: str, quiet: bool = False, timeout: float | None = None) -> list[dict]:
    """Fan the case out to the workers and follow it to the end (Ctrl-C leaves it running; the same
    command follows it again)."""
    from ..scale.fanout import dispatch, follow

    _check_database()
    _check_broker()
    sent = dispatch(services, ref, actor)
    if quiet:
        return follow(services, sent.ref, sent.run_no, timeout=timeout)
    from ..search.coverage import units_phrase

    what = units_phrase(sent.units)  # the unit keys name their sources: "mailboxes, Drives and calendars"
    if sent.queued:
        err_console.print(f"{sent.ref}: {len(sent.queued)} of {len(sent.units)} tasks queued ({what})")
    else:
        err_console.print(f"{sent.ref}: following the job already running")
    from .output import progress

    with progress(f"Searching {sent.ref} (workers)", what) as bar:  # plain lines off a terminal

        def show(p) -> None:
            bar(p.units_done, max(p.units_total, 1), f"{p.items} items · {p.fetched}/{p.candidates} candidates read")

        return follow(services, sent.ref, sent.run_no, on_progress=show, timeout=timeout)
