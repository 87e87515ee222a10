"""Evidence entries: kind, part and confidence only; merged per (kind, part); described in one line."""
from __future__ import annotations

from addon.search import evidence
from addon.search.content import MessageText
from addon.subjects import Matcher, make_subject

M = Matcher(make_subject(["Jane Doe"], ["jane.doe@example.com"], ["07700 900123"], ["CUST-004512"]))


def test_message_evidence_names_the_parts():
    text = MessageText(headers={"from": "Jane Doe <jane.doe@example.com>", "subject": "CUST-004512"},
                       bodies=["Call Jane M. Doe on 7700900123"], filenames=["notes.txt"])
    got = evidence.message_evidence(M, text)
    assert {"kind": "name", "part": "header", "confidence": "exact"} in got
    assert {"kind": "email", "part": "header", "confidence": "exact"} in got
    assert {"kind": "identifier", "part": "header", "confidence": "exact"} in got
    assert {"kind": "name", "part": "body", "confidence": "variant"} in got
    assert {"kind": "phone", "part": "body", "confidence": "variant"} in got
    assert all(set(e) == {"kind", "part", "confidence"} for e in got)  # no text, no span


def test_merge_keeps_the_surest():
    a = [{"kind": "name", "part": "body", "confidence": "variant"}]
    b = [{"kind": "name", "part": "body", "confidence": "exact"}]
    assert evidence.merge(a, b) == b


def test_describe():
    assert evidence.describe([{"kind": "name", "part": "body", "confidence": "exact"},
                              {"kind": "phone", "part": "cell", "confidence": "variant"}]) == \
        "name in body; phone in cell (variant)"
    assert evidence.describe(None) == ""


def test_recorder_keeps_hits_of_matching_rows():
    rec = evidence.Recorder(M)
    assert not rec.match_row(["nobody"], None)
    assert rec.match_row(["x", "07700 900123"], None)
    assert len(rec.row_hits) == 1 and rec.row_hits[0][0].kind == "phone"
