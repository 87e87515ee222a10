"""``dsar letter``: draft a case's response letter as HTML (and PDF), keep it in the data folder, record it.

Why in the data folder with owner-only permissions: a letter names the subject and says what was done with
their data, so it is kept where the case store is, never in a log; the case records the file, its SHA-256,
the template used and who drafted it (``case show``'s history). The PDF is made from the same HTML with
fpdf2 (pure Python), with DejaVu Sans when the system has it so any name prints; without the font, the PDF is
skipped and the command says why.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

from ..cases.letters_log import record_letter
from ..cases.model import Case
from .render import check_outcome, context, render

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def organisation(settings) -> dict[str, str]:
    """The letterhead: ``[organisation]`` name/contact in DSAR_CONFIG, else the domain; the DPO's address."""
    from ..roles import holders

    org = (settings.extra or {}).get("organisation") or {}
    if not isinstance(org, dict):
        org = {"name": str(org)}
    dpo = sorted(holders("dpo", settings))
    return {"name": str(org.get("name") or settings.domain or "Our organisation"),
            "contact": str(org.get("contact") or ""), "dpo": str(org.get("dpo") or (dpo[0] if dpo else ""))}


def letters_dir(home: Path, ref: str) -> Path:
    out = Path(home) / "letters-out" / ref
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out.parent, 0o700)
    return out


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def pdf_bytes(html: str) -> bytes | None:
    """The letter as PDF, or None when no Unicode font is installed (core PDF fonts are Latin-1 only)."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.exists():
        return None
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold if bold.exists() else regular))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    body = html.split("<body>", 1)[-1].rsplit("</body>", 1)[0]  # write_html renders body markup only
    pdf.write_html(body, font_family="DejaVu")
    return bytes(pdf.output())


def draft_letter(services, case: Case, outcome: str, actor: str, reason: str | None = None, pdf: bool = True,
                 today: dt.date | None = None) -> dict[str, Any]:
    """Render, write and record the letter; returns the record (files, SHA-256, template origin)."""
    from ..cases.clock import CaseClock

    reason = check_outcome(case, outcome, reason)
    today = today or dt.date.today()
    ext = CaseClock(services.store).extension(case.ref)
    ctx = context(case, outcome, reason, organisation(services.settings), actor, today,
                  extension_reason=ext.reason if ext and outcome == "extended" else None)
    html, origin = render(services.settings.home, case, outcome, ctx)
    out = letters_dir(services.settings.home, case.ref)
    n = 1 + sum(1 for p in out.glob(f"{case.ref}-{outcome}-*.html"))
    path = out / f"{case.ref}-{outcome}-{n}.html"
    data = html.encode("utf-8")
    _write(path, data)
    result: dict[str, Any] = {"html": str(path), "pdf": None, "pdf_note": None}
    if pdf:
        made = pdf_bytes(html)
        if made is None:
            result["pdf_note"] = f"no PDF: the DejaVu fonts are not installed in {FONT_DIR} (apt-get install fonts-dejavu-core)"
        else:
            pdf_path = path.with_suffix(".pdf")
            _write(pdf_path, made)
            result["pdf"] = str(pdf_path)
    rec = record_letter(services.store, case.ref, actor, outcome, path.name, hashlib.sha256(data).hexdigest(), origin)
    return {**rec, **result}
