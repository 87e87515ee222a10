"""Calendar invitations (.ics) via icalendar: each event's summary, description, location, organiser and
attendees (with their CN display names), where a subject's name or address usually sits."""
from __future__ import annotations

from .errors import Corrupt
from .model import Extracted

_TEXT_PROPS = ("SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "ORGANIZER", "ATTENDEE")


def read(data: bytes) -> Extracted:
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except Exception as e:  # noqa: BLE001 - icalendar raises ValueError and friends
        raise Corrupt(f"damaged calendar file ({type(e).__name__})") from None
    out: list[str] = []
    for comp in cal.walk():
        for prop in _TEXT_PROPS:
            values = comp.get(prop)
            if values is None:
                continue
            for v in values if isinstance(values, list) else [values]:
                out.append(str(v))
                cn = getattr(v, "params", {}).get("CN")
                if cn:
                    out.append(str(cn))
    return Extracted("\n".join(out))
