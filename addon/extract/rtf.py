"""Rich Text Format via striprtf (control words removed, \\'xx and \\u escapes decoded)."""
from __future__ import annotations

from .errors import Corrupt
from .model import Extracted
from .text import decode


def read(data: bytes) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    raw = decode(data)
    if not raw.lstrip().startswith("{\\rtf"):
        raise Corrupt("damaged RTF (no {\\rtf header)")
    try:
        return Extracted(rtf_to_text(raw, errors="replace"))
    except Exception as e:  # noqa: BLE001
        raise Corrupt(f"damaged RTF ({type(e).__name__})") from None
