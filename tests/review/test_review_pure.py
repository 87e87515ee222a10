"""Keys, folding, filters and exemption codes: pure, no sandbox."""
from __future__ import annotations

import pytest

from addon.errors import ConfigError, InputError
from addon.review.exemptions import parse, starter_text
from addon.review.groups import find, fold, matches
from addon.review.keys import fold_key, item_key, short_id
from addon.review.store import Decision, check_decision

MID = "<CAF=abc123@mail.example.com>"


def mail(account: str, mid: str, rfc: str = MID, **kw) -> dict:
    return {"source": "gmail", "account": account, "message_id": mid, "rfc822_message_id": rfc,
            "labels": ["INBOX"], "subject": "Callback", "matched": [{"kind": "name", "part": "body",
                                                                      "confidence": "exact"}], **kw}


def test_item_key_is_where_the_item_lives_not_what_it_says():
    a = mail("Aisha@x.test", "m1")
    assert item_key(a) == "gmail:aisha@x.test:m1"
    assert item_key({**a, "subject": "changed", "matched": []}) == item_key(a)  # a re-search finds it again
    row = {"source": "sheets", "account": "a@x.test", "file_id": "F", "sheet": "Active", "row": 7}
    assert item_key(row) == "sheets:a@x.test:F:Active:7" != item_key({**row, "row": 8})
    assert item_key({"source": "drive", "account": "a@x.test", "file_id": "F"}) == "drive:a@x.test:F"


def test_same_message_in_three_mailboxes_is_one_thing_with_three_copies():
    items = [mail("a@x.test", "m1"), mail("b@x.test", "m9"), mail("c@x.test", "m4", rfc=MID.lower()),
             mail("a@x.test", "m2", rfc="<other@x>")]
    groups = fold(items)
    assert len(groups) == 2
    big = next(g for g in groups if len(g.items) == 3)
    assert [i["account"] for i in big.items] == ["a@x.test", "b@x.test", "c@x.test"]
    assert big.fold == "msg:caf=abc123@mail.example.com"
    assert find(groups, "gmail:b@x.test:m9") is big and find(groups, big.id) is big
    assert big.id == short_id(big.fold)  # the same handle after a re-search


def test_identical_attachment_and_drive_file_fold_by_hash_and_the_file_is_disclosed():
    att = mail("a@x.test", "m1", rfc="<one@x>", attachment={"name": "letter.pdf", "mime_type": "application/pdf",
                                                            "sha256": "ab" * 32})
    att2 = mail("b@x.test", "m7", rfc="<two@x>", attachment={"name": "copy.pdf", "mime_type": "application/pdf",
                                                             "sha256": "ab" * 32})
    f = {"source": "drive", "account": "c@x.test", "file_id": "F1", "path": "Letters/letter.pdf", "sha256": "ab" * 32}
    other = {"source": "drive", "account": "c@x.test", "file_id": "F2", "path": "Letters/other.pdf", "sha256": "cd" * 32}
    groups = fold([att, att2, f, other])
    assert len(groups) == 2
    g = next(g for g in groups if len(g.items) == 3)
    assert g.primary["source"] == "drive" and fold_key(att) == fold_key(f)


def test_group_status_is_undecided_until_every_copy_agrees():
    items = [mail("a@x.test", "m1"), mail("b@x.test", "m2")]
    (g,) = fold(items, {"gmail:a@x.test:m1": Decision("include", by="d", at="2026-01-01T00:00:00+00:00")})
    assert g.status == "undecided"
    (g,) = fold(items, {k: Decision("include", by="d", at="t") for k in ("gmail:a@x.test:m1", "gmail:b@x.test:m2")})
    assert g.status == "include"


def test_filters_select_by_source_account_label_folder_kind_and_status():
    items = [mail("a@x.test", "m1", rfc="<1@x>", labels=["CATEGORY_PROMOTIONS"]),
             {"source": "drive", "account": "b@x.test", "file_id": "F", "path": "HR/Reviews/x.docx",
              "matched": [{"kind": "phone", "part": "content", "confidence": "variant"}]}]
    gm, dr = sorted(fold(items), key=lambda g: g.primary["source"] != "gmail")
    assert matches(gm, {"label": "category_promotions"}) and not matches(dr, {"label": "category_promotions"})
    assert matches(dr, {"folder": "HR"}) and matches(dr, {"folder": "HR/Reviews/"}) and not matches(dr, {"folder": "H"})
    assert matches(dr, {"kind": "phone"}) and not matches(gm, {"kind": "phone"})
    assert matches(gm, {"account": "A@X.TEST", "source": "gmail"}) and not matches(gm, {"source": "drive"})
    assert matches(gm, {"status": "undecided"}) and not matches(gm, {"status": "include"})


def test_an_exclusion_needs_a_known_code_and_a_note():
    codes = ["third_party", "negotiations"]
    check_decision("exclude", "negotiations", "offer pending", codes)
    with pytest.raises(InputError, match="--exclude: an exclusion needs an exemption code"):
        check_decision("exclude", None, "x", codes)
    with pytest.raises(InputError, match="not an exemption code of this organisation"):
        check_decision("exclude", "because", "x", codes)
    with pytest.raises(InputError, match="--note"):
        check_decision("exclude", "negotiations", "  ", codes)
    with pytest.raises(InputError, match="only with an exclusion"):
        check_decision("include", "negotiations", None, codes)
    with pytest.raises(InputError, match="--status"):
        check_decision("maybe", None, None, codes)


def test_the_starter_lists_the_schedule_2_exemptions_a_business_meets():
    ex = parse(starter_text(), "starter")
    assert {"third_party", "legal_privilege", "management_forecasts", "negotiations", "confidential_reference",
            "crime_taxation"} <= set(ex)
    assert ex["third_party"].basis.startswith("DPA 2018 Sch. 2 Part 3 para 16")
    assert ex["legal_privilege"].basis == "DPA 2018 Sch. 2 Part 4 para 19"


@pytest.mark.parametrize("text, message", [
    ("[[exemption]\ncode='x'", "is not valid TOML"),
    ("", r"lists no \[\[exemption\]\]"),
    ("[[exemption]]\ncode='Bad Code'\ntitle='t'\nbasis='b'", "must be 2-40"),
    ("[[exemption]]\ncode='aa'\ntitle='t'\nbasis='b'\n[[exemption]]\ncode='aa'\ntitle='t'\nbasis='b'", "listed twice"),
    ("[[exemption]]\ncode='aa'\ntitle='t'", "needs basis"),
    ("[[exemption]]\ncode='aa'\ntitle='t'\nbasis='b'\ncolour='red'", "unknown key 'colour'"),
])
def test_a_bad_exemptions_file_is_one_line_naming_it(text, message):
    with pytest.raises(ConfigError, match=message) as e:
        parse(text, "/org/exemptions.toml")
    assert "/org/exemptions.toml" in str(e.value) and "\n" not in str(e.value)
