"""Plain text and HTML: decoding that never fails, and HTML reduced to its visible text."""
from __future__ import annotations

from .model import Extracted


def decode(data: bytes, charset: str | None = None) -> str:
    """UTF-8 (BOM or not) if it decodes strictly, else the declared charset, else Windows-1252, else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for enc in (charset, "cp1252"):
        if enc:
            try:
                return data.decode(enc)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("latin-1")


def html_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    # mailto: links and other hrefs carry addresses the visible text may not show
    hrefs = [a.get("href", "") for a in soup.find_all("a") if str(a.get("href", "")).startswith("mailto:")]
    return "\n".join([soup.get_text(" "), *hrefs])


def read_text(data: bytes) -> Extracted:
    return Extracted(decode(data))


def read_html(data: bytes) -> Extracted:
    return Extracted(html_text(decode(data)))
