"""What an extractor gives back: the text a matcher reads, and for tables each row with its tab name and
1-based row number (as a spreadsheet shows it), so a match can be reported down to the row."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    sheet: str  # tab name (a CSV's file name without extension, as Sheets names the tab of an import)
    row: int  # 1-based
    cells: tuple[str, ...]


@dataclass
class Extracted:
    text: str = ""
    rows: list[Row] = field(default_factory=list)
    #: True for tabular formats: a match is reported per row, not per file
    tabular: bool = False
    #: parts inside that could not be read (an attached message's encrypted PDF): reason/check dicts
    unreadable: list[dict] = field(default_factory=list)

    def all_text(self) -> str:
        if not self.rows:
            return self.text
        return "\n".join([self.text, *("\t".join(r.cells) for r in self.rows)])
