"""Search tokens and the text a reader sees in an HTML part.

Tokens are maximal runs of Unicode letters and digits (``_`` separates, as any other symbol does), after NFC
composition and lower-casing; no stemming, no diacritic folding. The same function tokenises the index and the
query, so the two can never disagree about what a word is.

HTML is converted with the standard library's tolerant parser rather than BeautifulSoup: it is several times
faster, which is what lets 20,000 messages load in seconds, and it renders what matters for search the way a
browser would: inline tags join their text (``Jo<b>hn</b>`` reads ``John``), block tags separate it, and
``<script>``, ``<style>`` and ``<head>`` are not text.
"""
from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_TOKEN = re.compile(r"[^\W_]+")

#: Tags whose text runs straight into the neighbouring text when rendered.
_INLINE = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark q s samp small span strike strong sub "
    "sup time tt u var wbr".split()
)
_HIDDEN = frozenset(("script", "style", "head", "title", "template", "noscript"))


def normal(text: str) -> str:
    """The form both sides of a comparison are reduced to: NFC, lower case."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normal(text))


def joined(toks: list[str] | tuple[str, ...]) -> str:
    """Tokens as one string; a phrase matches a segment when ``" "+phrase+" "`` is inside ``" "+segment+" "``."""
    return " ".join(toks)


def phrase_in(phrase: str, segment: str) -> bool:
    """Whether the joined token run ``phrase`` occurs as consecutive whole tokens of ``segment``."""
    if phrase == segment:
        return True
    return f" {phrase} " in f" {segment} "


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag not in _INLINE:
            self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in _INLINE:
            self.out.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in _INLINE:
            self.out.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML document or fragment; never raises on malformed markup."""
    p = _TextCollector()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):  # the stdlib parser's rare complaints about hopeless markup
        pass
    return "".join(p.out)


def collapse(text: str) -> str:
    return " ".join(text.split())
