"""Strings chosen to break query syntax if they were ever pasted into a query unescaped."""
from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = ['"', "'", "\\", "\\'", " OR ", " AND ", "{", "}", "(", ")", "from:", "to:", "in:trash", "-", "*", "\n",
             "\r\n", "\t", " ", "é", "Zoë", "ß", "İ", "_", "名前", "🙂", "or", "and", "not", "trashed = true",
             "' or fullText contains '", '" OR "', "AROUND 5", ":", "+", "@", ".", "=", "\u2019", "\u00a0"]

hostile = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), min_size=1, max_size=8).map("".join)

EXAMPLES = [
    'Jane" OR from:evil@x.com "', "O'Brien", "Smith\\", "Jane OR Doe", "{Jane} (Doe)", "-Doe", "Doe*",
    "Jane\nDoe", "from:boss", "' or trashed = true or name contains '", "\\' or 1=1", "Zoë Ørsted", '"', "AND",
    "in:anywhere", "Jane_Doe", "名前 テスト", "🙂",
]
