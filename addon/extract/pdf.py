"""PDF text via pypdf. A PDF with only an owner password (printing/copying restrictions) opens with the
empty user password, as any viewer does; one that needs a user password is reported as encrypted."""
from __future__ import annotations

import io

from .errors import Corrupt, Encrypted
from .model import Extracted


def read(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (DependencyError, NotImplementedError) as e:
                raise Encrypted(f"encrypted PDF ({str(e)[:60]})") from None
            if not ok:
                raise Encrypted("encrypted PDF (needs a password to open)")
        return Extracted("\n".join(page.extract_text() or "" for page in reader.pages))
    except (Encrypted, Corrupt):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError) as e:
        raise Corrupt(f"damaged PDF ({type(e).__name__})") from None
