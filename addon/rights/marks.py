"""The marks a restriction (Art. 18) leaves, as pure functions: what staff see, how to add a mark only
once, and how to take away exactly our mark and nothing else (a label or note text staff added stays)."""
from __future__ import annotations

APP_PROPERTY = "dsar_restricted"


def label_name(ref: str) -> str:
    return f"DSAR restricted/{ref}"


def description_prefix(ref: str) -> str:
    return f"[DSAR restricted {ref}] "


def note_marker(ref: str) -> str:
    return (f"[DSAR restricted {ref}] Processing of this row is restricted (UK GDPR Art. 18): keep it, but do not "
            "use, change, share or delete it without the DPO.")


def marked_description(ref: str, description: str | None) -> str | None:
    """The description with our prefix in front; None when it already has it (nothing to write)."""
    text = description or ""
    return None if text.startswith(description_prefix(ref)) else description_prefix(ref) + text


def unmarked_description(ref: str, description: str | None) -> str | None:
    """The description without our prefix; None when it has none (nothing to write)."""
    text = description or ""
    p = description_prefix(ref)
    return text[len(p):] if text.startswith(p) else None


def marked_property(ref: str, value: str | None) -> str | None:
    """The appProperty value with ``ref`` added (several cases may restrict one file); None if present."""
    refs = [r for r in (value or "").split(",") if r]
    return None if ref in refs else ",".join(sorted(refs + [ref]))


def unmarked_property(ref: str, value: str | None) -> tuple[bool, str | None]:
    """(changed, new value; None deletes the key) once ``ref`` is taken out."""
    refs = [r for r in (value or "").split(",") if r]
    if ref not in refs:
        return False, value
    rest = [r for r in refs if r != ref]
    return True, (",".join(rest) if rest else None)


def marked_note(ref: str, note: str | None) -> str | None:
    """The cell note with our marker on top of whatever staff wrote; None if already marked."""
    text = note or ""
    m = note_marker(ref)
    if text.startswith(m) or f"\n{m}" in text:
        return None
    return m + ("\n" + text if text else "")


def unmarked_note(ref: str, note: str | None) -> str | None:
    """The note without our marker (staff text kept; "" removes the note); None if ours is not there."""
    text = note or ""
    m = note_marker(ref)
    if text.startswith(m):
        return text[len(m):].removeprefix("\n")
    if f"\n{m}" in text:
        return text.replace(f"\n{m}", "")
    return None
