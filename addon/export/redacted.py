"""The redaction step of the access package: every included item goes in as a redacted **copy** where it
shows other people's personal data (addon/redaction), and as the original otherwise. The originals in
Workspace are only ever read.

* an email becomes ``gmail/<account>/<id> (redacted).html``: headers, text and attachments' text with black
  boxes; attachments no library reads are listed by name only (they cannot be checked automatically);
* a Drive file (a Google Doc's PDF export, an uploaded .docx, .pdf, .txt...) becomes ``<path> (redacted).html``
  of its text; files whose text cannot be read are kept and listed as not checked;
* a sheet extract keeps its CSV form, with the hidden part of each cell replaced by "[redacted: third party]".

:class:`RedactingStager` does it as each item is staged, so ``package.py`` only swaps its stager; the
schedule (``redactions.csv`` and the report's section) is collected on the way."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable

from ..extract import MAX_BYTES, Unreadable, extract, readable
from ..redaction.decide import apply_decision
from ..redaction.detect import Detector
from ..redaction.mailview import mail_view
from ..redaction.model import Part, Person
from ..redaction.people import header_people, merge, requester_filter
from ..redaction.render import document_html, email_html, redacted_text
from ..redaction.schedule import DEFAULT_CODE, Entry, entries, schedule_csv, summary
from .sources import Staged, Stager, _csv_text

SCHEDULE = "redactions.csv"
#: In place of an email whose MIME could not be parsed to look for other people's data: staff check it by hand.
UNREADABLE_MAIL = ("<!doctype html><meta charset=utf-8><title>Email not reproduced</title><p>This email could not be "
                   "read automatically to hide other people's personal data ({why}), so it is not reproduced here. "
                   "Our staff review it by hand and send it separately.</p>\n")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _item_key(item: dict) -> str:
    try:
        from ..review.keys import item_key
    except ImportError:  # pragma: no cover - review lives beside us; kept for a tree without it
        row = f":{item['sheet']}:{item['row']}" if "row" in item else ""
        ident = item.get("message_id") or item.get("file_id")
        return f"{item['source']}:{str(item.get('account', '')).lower()}:{ident}{row}"
    return item_key(item)


def load_decisions(services, ref: str) -> dict[str, Any]:
    """Staff's decisions (addon/review), or none: with no review store every item counts as included."""
    try:
        from ..review.service import decisions
    except ImportError:  # pragma: no cover
        return {}
    return decisions(services, ref)


def third_party_code(settings) -> str:
    """The organisation's exemption code for other people's data (its exemptions TOML), else the default."""
    try:
        from ..review.exemptions import load_exemptions
    except ImportError:  # pragma: no cover
        return DEFAULT_CODE
    codes = load_exemptions(settings)
    if "third_party" in codes:
        return "third_party"
    return next((c for c, e in codes.items() if "third" in c or "para 16" in e.basis), DEFAULT_CODE)


class Redactor:
    """Proposes, applies staff decisions, renders copies and keeps the schedule for one package."""

    def __init__(self, subject, items: Iterable[dict], directory: list[Person], decisions: dict[str, Any],
                 code: str = DEFAULT_CODE, region: str = "GB") -> None:
        self.detector = Detector(subject, region)
        self.subject = subject
        self.decisions = decisions
        self.code = code
        self.schedule: list[Entry] = []
        self.unchecked: list[str] = []
        self.items: dict[tuple[str, str, str], dict] = {}
        senders: list[Person] = []
        for it in items:
            ident = it.get("message_id") or it.get("file_id") or ""
            self.items.setdefault((it["source"], it.get("account", ""), ident), it)
            if it.get("source") == "gmail" and it.get("from"):
                senders += header_people({"From": [str(it["from"])]})
        #: everyone the case's items name, so a sender of one email is found in a document too
        self.pool = requester_filter(merge(list(directory) + senders), subject)
        self._seen: list[Person] = []  # the emails' other header people, for the documents and rows after them
        self._wide: list[Person] | None = None

    def _final(self, key: str, parts: list[Part], people: list[Person], extra: list[Person] | None = None):
        proposed = self.detector.propose(key, parts, people, extra or ())
        return apply_decision(proposed, self.decisions.get(key), key, parts, self.detector)

    # -- emails ---------------------------------------------------------------------------------------
    def email(self, raw: bytes, item: dict) -> tuple[str, list, Any]:
        view = mail_view(raw)
        known = {e.casefold() for p in self.pool for e in p.emails} | {p.name.casefold() for p in self.pool}
        extra = [p for p in requester_filter(header_people(view.headers, view.text("body")), self.subject)
                 if not (any(e.casefold() in known for e in p.emails) or (p.name and p.name.casefold() in known
                                                                           and not p.emails))]
        self._seen += extra
        self._wide = None
        return _item_key(item), self._final(_item_key(item), view.parts, self.pool, extra), view

    @property
    def wide(self) -> list[Person]:
        """The pool and everyone the packaged emails' headers name (emails are packaged first)."""
        if self._wide is None:
            self._wide = requester_filter(merge(self.pool + self._seen), self.subject)
        return self._wide

    # -- documents ------------------------------------------------------------------------------------
    def document(self, text: str, item: dict) -> tuple[str, list, list[Part]]:
        parts = [Part("content", text)]
        key = _item_key(item)
        return key, self._final(key, parts, self.wide), parts

    # -- sheet rows -----------------------------------------------------------------------------------
    def row(self, cells: list[str], item: dict) -> tuple[list[str], list]:
        parts = [Part(f"cell:{i}", c) for i, c in enumerate(cells)]
        final = self._final(_item_key(item), parts, self.wide)
        out = [redacted_text(c, [r.span for r in final if r.part == f"cell:{i}"]) for i, c in enumerate(cells)]
        return out, final

    def item(self, source: str, account: str, ident: str) -> dict:
        return self.items.get((source, account, ident)) or {"source": source, "account": account,
                                                             ("message_id" if source == "gmail" else "file_id"): ident}

    def note(self, what: str, file: str, redactions: list) -> None:
        self.schedule += entries(what, file, redactions, self.code)

    def schedule_bytes(self) -> bytes:
        return schedule_csv(self.schedule)

    def report(self) -> dict:
        return {**summary(self.schedule), "unchecked": list(self.unchecked)}


def _renamed(arcname: str) -> str:
    stem = arcname.rsplit(".", 1)[0] if "." in arcname.rsplit("/", 1)[-1] else arcname
    return f"{stem} (redacted).html"


def _uncsv(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in _FORMULA_START else cell


class RedactingStager(Stager):
    """A :class:`~.sources.Stager` whose staged files are already the redacted copies."""

    def __init__(self, workdir: Path, redactor: Redactor | None) -> None:
        super().__init__(workdir)
        self.redactor = redactor

    def from_bytes(self, data: bytes, arcname: str, **meta: Any) -> Staged:
        r = self.redactor
        if r is None:
            return super().from_bytes(data, arcname, **meta)
        if meta.get("source") == "gmail":
            return self._email(data, arcname, meta)
        if meta.get("source") == "sheets":
            return self._rows(data, arcname, meta)
        return super().from_bytes(data, arcname, **meta)

    def download(self, request: Any, arcname: str, md5: str | None = None, **meta: Any) -> Staged:
        staged = super().download(request, arcname, md5, **meta)
        if self.redactor is None or meta.get("source") != "drive":
            return staged
        return self._document(staged)

    # -- each kind --------------------------------------------------------------------------------------
    def _email(self, raw: bytes, arcname: str, meta: dict) -> Staged:
        r = self.redactor
        item = r.item("gmail", meta.get("account", ""), meta.get("item_id", ""))
        try:
            _, final, view = r.email(raw, item)
        except Exception as e:  # noqa: BLE001 - hostile MIME: the copy must not go out unchecked
            r.unchecked.append(arcname)
            note = UNREADABLE_MAIL.format(why=type(e).__name__).encode("utf-8")
            return super().from_bytes(note, _renamed(arcname), **{**meta, "detail": {
                **(meta.get("detail") or {}), "from": "", "subject": "(could not be checked)", "redacted": 0}})
        if not final:
            return super().from_bytes(raw, arcname, **meta)
        detail = dict(meta.get("detail") or {})
        for h, k in (("From", "from"), ("Subject", "subject")):
            part = next((p for p in view.parts if p.name == f"header:{h}"), None)
            if part is not None and k in detail:
                detail[k] = redacted_text(part.text, [x.span for x in final if x.part == part.name])
        detail["redacted"] = len(final)
        page = email_html(view.date, view.parts, final, view.not_shown).encode("utf-8")
        staged = super().from_bytes(page, _renamed(arcname), **{**meta, "detail": detail})
        r.note(f"email: {detail.get('subject', '')}"[:200], staged.arcname, final)
        return staged

    def _document(self, staged: Staged) -> Staged:
        r = self.redactor
        mime = staged.detail.get("mime_type") or _exported_mime(staged.detail.get("form", ""))
        name = staged.arcname
        if not readable(mime, name):
            return staged  # images, audio, archives: no text to check
        if staged.size > MAX_BYTES:
            r.unchecked.append(name)
            return staged
        try:
            got = extract(staged.path.read_bytes(), mime, name)
        except Unreadable:
            got = None
        if got is None:
            r.unchecked.append(name)
            return staged
        item = r.item("drive", staged.account, staged.item_id)
        _, final, parts = r.document(got.all_text(), item)
        if not final:
            return staged
        staged.path.unlink(missing_ok=True)
        page = document_html(parts, final).encode("utf-8")
        copy = super().from_bytes(page, _renamed(name), source=staged.source, account=staged.account,
                                  item_id=staged.item_id, detail={**staged.detail, "redacted": len(final),
                                                                  "form": "redacted copy (HTML) of the " + (
                                                                      "exported document" if "exported" in
                                                                      str(staged.detail.get("form")) else "original file")})
        r.note(str(item.get("path") or staged.detail.get("name") or name), copy.arcname, final)
        return copy

    def _rows(self, data: bytes, arcname: str, meta: dict) -> Staged:
        r = self.redactor
        detail = meta.get("detail") or {}
        file_id, _, tab = str(meta.get("item_id", "")).partition(":")
        table = [[_uncsv(c) for c in row] for row in csv.reader(io.StringIO(data.decode("utf-8")))]
        if not table:
            return super().from_bytes(data, arcname, **meta)
        nums = [n for n in detail.get("rows", []) if n != 1]
        out, done = [table[0]], []
        for num, cells in zip(nums, table[1:]):
            item = {"source": "sheets", "account": meta.get("account", ""), "file_id": file_id, "sheet": tab,
                    "row": num}
            cells2, final = r.row(cells, item)
            out.append(cells2)
            done.append((num, final))
        total = sum(len(f) for _, f in done)
        if not total:
            return super().from_bytes(data, arcname, **meta)
        staged = super().from_bytes(_csv_text(out).encode("utf-8"), arcname,
                                    **{**meta, "detail": {**detail, "redacted": total}})
        for num, final in done:
            r.note(f"{detail.get('name', '')} › {tab} › row {num}", staged.arcname, final)
        return staged


def _exported_mime(form: str) -> str:
    return form.removeprefix("exported as ").strip() if form.startswith("exported as ") else ""


def open_redactor(services, case, items: list[dict]) -> Redactor:
    """The case's redactor: the directory read through the seam (call inside the export's purpose), staff
    decisions, and the organisation's exemption code for other people's data."""
    from ..redaction.directory import read_directory

    region = str(getattr(services.settings, "extra", {}).get("phone_region") or "GB")
    return Redactor(case.subject, items, read_directory(services), load_decisions(services, case.ref),
                    third_party_code(services.settings), region)
