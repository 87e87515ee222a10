"""Redacted copies: text with each hidden span replaced by a black box reading "[redacted: third party]"
(HTML for emails and documents), or by the same words (CSV cells). The box is drawn over a replacement,
never over the hidden text, so nothing can be copied or un-styled out of it. Pure."""
from __future__ import annotations

import html
from typing import Callable, Iterable, Sequence

from .model import MARK, Part, Redaction

BOX = ('<span class="redacted" style="background:#000;color:#fff;padding:0 .2em;border-radius:2px" '
       'title="withheld: another person\'s personal data">' + html.escape(MARK) + "</span>")
_STYLE = ("body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1b1b1b}"
          "pre{white-space:pre-wrap;word-wrap:break-word;font:14px/1.45 ui-monospace,monospace;background:#fafafa;"
          "padding:.8em;border:1px solid #e3e3e3}th{text-align:left;padding-right:1em;vertical-align:top}"
          ".note{background:#f7f7f2;padding:.6em 1em;border-left:4px solid #6a6}")


def _spans(redactions: Iterable[Redaction], part: str) -> list[tuple[int, int]]:
    return sorted(r.span for r in redactions if r.part == part)


def _replace_spans(text: str, spans: Sequence[tuple[int, int]], keep: Callable[[str], str], box: str) -> str:
    """Text with every (possibly overlapping) span replaced by ``box``: one walk for both the CSV and HTML forms."""
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            a = pos
        if a >= b:
            continue
        out += [keep(text[pos:a]), box]
        pos = b
    return "".join(out) + keep(text[pos:])


def redacted_text(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Plain text with every span replaced by the mark (for CSV cells)."""
    return _replace_spans(text, spans, str, MARK)


def redacted_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped HTML with every span replaced by the black box."""
    return _replace_spans(text, spans, html.escape, BOX)


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _note(what: str, count: int) -> str:
    return (f'<p class="note">A copy of {html.escape(what)} in which other people\'s personal data is hidden '
            f"({count} place{'s' if count != 1 else ''} marked {html.escape(MARK)}), as UK GDPR Art. 15(4) and the "
            "Data Protection Act 2018 (Sch. 2 para 16) allow. The original is kept unchanged; the redaction "
            "schedule (redactions.csv) lists each place by kind.</p>")


def email_html(date: str, parts: Sequence[Part], redactions: Sequence[Redaction], not_shown: Sequence[str] = ()) -> str:
    """A redacted email: headers, body, attachments (text), and the attachments that are not reproduced."""
    rows = [f"<tr><th>Date</th><td>{html.escape(date)}</td></tr>"] if date else []
    body, attachments = "", []
    by_name = {p.name: p for p in parts}
    for p in parts:
        shown = redacted_html(p.text, _spans(redactions, p.name))
        if p.name.startswith("header:"):
            rows.append(f"<tr><th>{html.escape(p.name.split(':', 1)[1])}</th><td>{shown}</td></tr>")
        elif p.name == "body":
            body = f"<pre>{shown}</pre>"
        elif p.name.startswith("attachment-name:"):
            n = p.name.split(":", 1)[1]
            text = by_name.get(f"attachment:{n}")
            inner = (f"<pre>{redacted_html(text.text, _spans(redactions, text.name))}</pre>" if text is not None else
                     "<p><em>Not reproduced in this copy: its content cannot be checked automatically for other "
                     "people's data. Ask us if you want it; we will review it by hand.</em></p>")
            attachments.append(f"<h2>Attachment: {shown}</h2>\n{inner}")
    subject = by_name.get("header:Subject")
    title = "Email" + (f": {subject.text}" if subject and not _spans(redactions, subject.name) else "")
    return _page(title, "\n".join([f"<h1>Email (redacted copy)</h1>", _note("an email", len(redactions)),
                                   "<table>" + "".join(rows) + "</table>", body, *attachments]))


def document_html(parts: Sequence[Part], redactions: Sequence[Redaction]) -> str:
    """A redacted document: its name and its text."""
    blocks = [f"<h1>{redacted_html(p.text, _spans(redactions, p.name))}</h1>" if p.name == "name" else
              f"<pre>{redacted_html(p.text, _spans(redactions, p.name))}</pre>" for p in parts]
    return _page("Document (redacted copy)", "\n".join([_note("a document", len(redactions)), *blocks]))
