"""Why a file's text could not be read. One root, :class:`Unreadable`, so a caller catches one thing and
turns it into a "could not read" item: ``reason`` says why, ``check`` what staff should do by hand."""
from __future__ import annotations


class Unreadable(Exception):
    """The file could not be read; never fatal to a search (it becomes a reported item)."""

    reason = "could not be read"
    check = "open it by hand and check whether it is about the data subject"

    def __init__(self, reason: str | None = None, check: str | None = None) -> None:
        if reason:
            self.reason = reason
        if check:
            self.check = check
        super().__init__(self.reason)

    def as_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "check": self.check}


class Encrypted(Unreadable):
    check = "ask the owner for the password (or an unprotected copy) and check it by hand"


class Corrupt(Unreadable):
    check = "open it by hand; if it will not open, ask the owner for a good copy"


class TooLarge(Unreadable):
    check = "download it and search it by hand"


class TooDeep(Unreadable):
    check = "open the attached message by hand and check its attachments"
