"""Local matching: accepts the ways people write an identifier, refuses near misses."""
from __future__ import annotations

import unicodedata

import phonenumbers

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from addon.subjects import Hit, Matcher, Subject, make_subject

SUBJECT = make_subject(
    ["Zoë O'Brien-Smith", "Jane Doe"], ["jane.doe@example.com"], ["07700 900123"], ["CUST-004512"],
)
M = Matcher(SUBJECT)


def kinds(text: str) -> set[tuple[str, int]]:
    return {(h.kind, h.index) for h in M.match_text(text)}


# --- emails --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "jane.doe@example.com", "Mail JANE.DOE@EXAMPLE.COM today", "<jane.doe@example.com>", "(jane.doe@example.com)",
    "write to jane.doe@example.com.", "mailto:jane.doe@example.com", "'jane.doe@example.com'",
    '"Jane" <Jane.Doe@Example.com>, bob@x.com',
])
def test_email_matches(text):
    assert ("email", 0) in kinds(text)


@pytest.mark.parametrize("text", [
    "jane.doe2@example.com", "xjane.doe@example.com", "jane.doe@example.co", "jane.doe@example.com.au",
    "jane.doe@example.comx", "a.jane.doe@example.com", "jane.doe@example.com-x.org", "jane.doe@sub.example.com",
    "mary+jane.doe@example.com", "o'jane.doe@example.com", "jane_doe@example.com",
])
def test_email_near_misses(text):
    assert ("email", 0) not in kinds(text)


def test_email_span_is_in_the_original_text():
    text = "Zoë wrote to JANE.DOE@EXAMPLE.COM."
    (hit,) = [h for h in M.match_text(text) if h.kind == "email"]
    assert text[hit.span[0]:hit.span[1]] == "JANE.DOE@EXAMPLE.COM"


def test_international_domain_matches_its_ascii_form():
    m = Matcher(make_subject(["A B"], ["jane@bücher.de"]))
    assert m.match_text("jane@xn--bcher-kva.de") and m.match_text("JANE@BÜCHER.DE")


# --- phones --------------------------------------------------------------------------------------------

FORMS = [
    "+44 {a4} {b6}", "{n5} {m6}", "{n}", "+44 (0){a4} {b6}", "44{nsn}", "0044 {a4} {b6}", "{n5}-{m3}-{m3b}",
    "+44{nsn}", "(0{a4}) {b6}", "{n5}.{m3}.{m3b}", "+44 {a4} {b3} {b3b}", "+44 (0) {a4} {b6}", "{n4} {n3} {n4b}",
]


def _e164(national: str) -> str:
    """E.164 without the case validation (which asks for an allocated range): matching is tested on any number."""
    return phonenumbers.format_number(phonenumbers.parse(national, "GB"), phonenumbers.PhoneNumberFormat.E164)


def render(form: str, national: str) -> str:
    nsn = national[1:]
    return form.format(n=national, nsn=nsn, a4=nsn[:4], b6=nsn[4:], b3=nsn[4:7], b3b=nsn[7:], n5=national[:5],
                       m6=national[5:], m3=national[5:8], m3b=national[8:], n4=national[:4], n3=national[4:7],
                       n4b=national[7:])


mobiles = st.builds(lambda d, rest: "07" + d + rest, st.sampled_from("45789"), st.text("0123456789", min_size=8,
                                                                                        max_size=8))
context = st.text(alphabet="abcdefghij XYZ,:;!?", max_size=20)


@pytest.mark.parametrize("form", FORMS)
def test_every_written_phone_form_matches(form):
    text = "Call me on " + render(form, "07700900123") + ", thanks"
    hits = [h for h in M.match_text(text) if h.kind == "phone"]
    assert len(hits) == 1
    assert text[hits[0].span[0]:hits[0].span[1]] == render(form, "07700900123")


@settings(max_examples=60, deadline=None)
@given(mobiles, st.sampled_from(FORMS), context, context)
def test_property_every_phone_form_matches(national, form, pre, post):
    m = Matcher(Subject(("A B",), phones=(_e164(national),)))
    written = render(form, national)
    text = f"{pre} {written} {post}"
    hits = [h for h in m.match_text(text) if h.kind == "phone"]
    assert any(h.span == (len(pre) + 1, len(pre) + 1 + len(written)) for h in hits)


@settings(max_examples=120, deadline=None)
@given(mobiles, st.sampled_from(FORMS), st.data())
def test_property_one_digit_off_never_matches(national, form, data):
    m = Matcher(Subject(("A B",), phones=(_e164(national),)))
    written = render(form, national)
    positions = [i for i, c in enumerate(written) if c.isdigit()]
    i = data.draw(st.sampled_from(positions))
    d = data.draw(st.sampled_from([x for x in "0123456789" if x != written[i]]))
    changed = written[:i] + d + written[i + 1:]
    assert not [h for h in m.match_text(f"Tel {changed}.") if h.kind == "phone"], changed


@settings(max_examples=60, deadline=None)
@given(mobiles, st.sampled_from(["{n}", "44{nsn}", "{n5} {m6}", "+44{nsn}"]), st.sampled_from("0123456789"),
       st.booleans())
def test_property_longer_digit_run_never_matches(national, form, extra, at_end):
    m = Matcher(Subject(("A B",), phones=(_e164(national),)))
    written = render(form, national)
    longer = written + extra if at_end else (extra + written if written[0].isdigit() else written[0] + extra + written[1:])
    assert not [h for h in m.match_text(f"ref {longer} x") if h.kind == "phone"], longer


@pytest.mark.parametrize("text", [
    "07700 900124", "077009001234", "0770090012", "107700900123", "+45 7700 900123", "0033 7700 900123",
    "ref07700900123", "07700900123abc", "4044 7700 900123", "+1 7700 900123",
])
def test_phone_near_misses(text):
    assert ("phone", 0) not in kinds(text)


def test_phone_after_other_numbers_on_the_line():
    assert ("phone", 0) in kinds("2024-01-05 07700 900123")
    assert ("phone", 0) in kinds("12/03 0044 7700 900123")


def test_phone_stored_as_a_number_in_a_sheet():
    assert ("phone", 0) in kinds("7700900123")  # the leading 0 lost by a spreadsheet
    assert ("phone", 0) in kinds("447700900123")


def test_london_landline():
    m = Matcher(make_subject(["A B"], phones=["020 7946 0000"]))
    for t in ["020 7946 0000", "+44 20 7946 0000", "0207 946 0000", "02079460000", "+44 (0)20 7946 0000"]:
        assert m.match_text(t), t
    assert not m.match_text("020 7946 0001")


# --- names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,idx", [
    ("Zoë O'Brien-Smith", 0), ("zoe o’brien–smith", 0), ("ZOE O'BRIEN-SMITH", 0), ("Dear Zoe  O'Brien-Smith,", 0),
    ("O'Brien-Smith, Zoë", 0), ("O'BRIEN-SMITH Zoe", 0), ("Jane Doe", 1), ("jane\n  doe", 1), ("Doe, Jane", 1),
    ("DOE Jane", 1), ("Jane Doe's account", 1), ("(Jane Doe)", 1), ("Smith, John; Doe, Jane", 1),
    ("Zoe\u0308 O'Brien-Smith", 0), ("Jane\u00a0Doe", 1), ("Patient: DOE, JANE", 1),
])
def test_name_forms_match(text, idx):
    assert ("name", idx) in kinds(text)


@pytest.mark.parametrize("text", [
    "Jane", "Doe", "Jane Smith", "John Doe", "J Doe", "J. Doe", "Jane to Doe", "Mary-Jane Doe", "Jane Doe-Smith", "Jane Does",
    "Janet Doe", "xJane Doe", "John Doe, Jane Smith", "Doe Jane", "DOE JANE", "Jane, Doe", "Jane.Doe",
])
def test_name_near_misses(text):
    assert ("name", 1) not in kinds(text)


def test_middle_names_given_must_be_written():
    m = Matcher(make_subject(["Jane Mary Doe"]))
    assert m.match_text("Jane Mary Doe") and m.match_text("Doe, Jane Mary")
    assert not m.match_text("Jane Doe")


@pytest.mark.parametrize("text", ["Jane Mary Doe", "Jane M. Doe", "Jane M Doe", "JANE M DOE", "jane mary doe"])
def test_middle_name_or_initial_not_given_is_a_variant(text):
    (hit,) = [h for h in M.match_text(text) if h.kind == "name"]
    assert hit.confidence == "variant" and hit.span == (0, len(text))


@pytest.mark.parametrize("text", ["Jane and Doe", "Jane mary Doe", "Jane Smith and Doe", "Jane, Doe"])
def test_words_between_that_are_not_a_middle_name(text):
    assert ("name", 1) not in kinds(text)


def test_name_span_covers_the_original_characters():
    text = "From: ZOË O’BRIEN–SMITH <z@x.org>"
    (hit,) = [h for h in M.match_text(text) if h.kind == "name"]
    assert text[hit.span[0]:hit.span[1]] == "ZOË O’BRIEN–SMITH"


words = st.text(alphabet="abcdefghijklmnopqrstuvw", min_size=2, max_size=8)
MARKS = ["\u0308", "\u0301", "\u0300", "\u0302", ""]
APOS = ["'", "\u2019", "\u02bc", "`"]
SPACES = [" ", "  ", "\n", "\t", "\u00a0", " \n "]


def _decorate(word: str, data) -> str:
    out = []
    for c in word:
        c = c.upper() if data.draw(st.booleans()) else c
        out.append(c + data.draw(st.sampled_from(MARKS)))
    return unicodedata.normalize("NFC", "".join(out))


@settings(max_examples=80, deadline=None)
@given(words, words, st.booleans(), st.data())
def test_property_name_in_text_matches(first, last, apostrophe, data):
    surname = ("o'" + last) if apostrophe else last
    name = f"{_decorate(first, data)} {_decorate(surname, data)}"
    m = Matcher(make_subject([name]))
    written_surname = _decorate(last, data)
    if apostrophe:
        written_surname = "O" + data.draw(st.sampled_from(APOS)) + written_surname
    written = _decorate(first, data) + data.draw(st.sampled_from(SPACES)) + written_surname
    pre = data.draw(st.text(alphabet="xyz .,;:!()", max_size=15))
    post = data.draw(st.text(alphabet="xyz .,;:!()", max_size=15))
    text = f"{pre} {written} {post}"
    start, end = len(pre) + 1, len(pre) + 1 + len(written)
    assert any(h.kind == "name" and h.span[0] == start and h.span[1] == end for h in m.match_text(text)), text


@settings(max_examples=60, deadline=None)
@given(words, words, st.booleans(), st.data())
def test_property_first_name_or_surname_alone_never_matches(first, last, use_first, data):
    assume(first != last)
    m = Matcher(make_subject([f"{first} {last}"]))
    alone = _decorate(first if use_first else last, data)
    filler = data.draw(st.text(alphabet="xyz .,;:!()\n", max_size=30))
    text = f"{filler} {alone} {filler} {alone}"
    assert not m.match_text(text)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=8), st.sampled_from(["example.com", "x.co.uk"]),
       st.sampled_from(list("abcxyz019._+-%")), st.sampled_from(list("abcxyz019-_")) | st.sampled_from([".uk", ".x"]),
       st.integers(0, 2))
def test_property_email_with_extra_characters_never_matches(local, domain, before, after, where):
    address = f"{local}@{domain}"
    m = Matcher(make_subject(["A B"], [address]))
    assert m.match_text(f"see {address}, thanks")
    longer = before + address if where == 0 else address + after if where == 1 else f"{local}{before}@{domain}"
    assert not m.match_text(f"see {longer}, thanks"), longer


# --- identifiers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["CUST-004512", "ref cust-004512.", "(CUST-004512)", "CUST-004512/CUST-9",
                                  "id:CUST‐004512", "CUST-004512's", "CUST 004512", "cust004512",
                                  "CUST_004512", "CUST/004512", "CUST - 004512"])
def test_identifier_matches(text):
    assert ("identifier", 0) in kinds(text)


@pytest.mark.parametrize("text", ["CUST-004513", "CUST-0045123", "XCUST-004512", "CUST-004512-A", "A-CUST-004512",
                                  "CUST-004512_2", "CUST-004512.5", "CUST-04512", "CUST-0045120",
                                  "CUST 0045 12", "CUS T004512"])
def test_identifier_near_misses(text):
    assert ("identifier", 0) not in kinds(text)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="ABCDEFGHJK0123456789-", min_size=4, max_size=12).filter(lambda s: s.strip("-")),
       st.data())
def test_property_identifier_one_char_off_never_matches(ident, data):
    m = Matcher(make_subject(["A B"], identifiers=[ident]))
    assert m.match_text(f"ref {ident} ok")
    i = data.draw(st.integers(0, len(ident) - 1))
    c = data.draw(st.sampled_from([x for x in "ABZ0189" if x.casefold() != ident[i].casefold()]))
    changed = ident[:i] + c + ident[i + 1:]
    assert not [h for h in m.match_text(f"ref {changed} ok") if h.kind == "identifier"], changed


# --- sheet rows ----------------------------------------------------------------------------------------

def test_row_with_first_and_surname_columns():
    header = ["ID", "First Name", "Notes", "Surname"]
    assert M.match_row(["1", "Jane", "", "Doe"], header) == [Hit("name", 1, None, (1, 3))]
    assert M.match_row(["1", " JANE ", "", "doe"], ["id", "given_name", "x", "family name"])
    assert M.match_row(["1", "Zoe", "", "O’Brien-Smith"], ["#", "Forename", "", "Customer Last Name"])


@pytest.mark.parametrize("cells,header", [
    (["1", "Jane", "", "Smith"], ["ID", "First Name", "Notes", "Surname"]),
    (["1", "John", "", "Doe"], ["ID", "First Name", "Notes", "Surname"]),
    (["1", "Jane", "", "Doe"], None),                                      # no header: no column meaning
    (["1", "Jane", "", "Doe"], ["ID", "Name", "Notes", "Manager"]),        # not first/surname columns
    (["1", "Doe", "", "Jane"], ["ID", "First Name", "Notes", "Surname"]),  # swapped
])
def test_row_non_matches(cells, header):
    assert not M.match_row(cells, header)


def test_row_with_middle_name_column_and_compound_surname():
    m = Matcher(make_subject(["Ana Maria de la Cruz"]))
    header = ["first", "middle name", "last"]
    assert m.match_row(["Ana", "Maria", "de la Cruz"], header)
    assert not m.match_row(["Ana", "", "de la Cruz"], header)


def test_row_cell_hits_carry_the_column():
    hits = M.match_row(["x", "CUST-004512", "call 07700 900123"], ["a", "b", "c"])
    assert [(h.kind, h.cells) for h in hits] == [("identifier", (1,)), ("phone", (2,))]
    assert hits[1].span == (5, 17)


def test_blank_identifiers_in_an_unvalidated_subject_match_nothing():
    m = Matcher(Subject(names=("  ",), identifiers=("",)))
    assert m.match_text("anything at all") == []
    assert m.match_row(["a", "b"], ["first", "last"]) == []


def test_header_row_below_a_title_row():
    from addon.subjects.matching import header_row

    rows = [["Customer list (export)"], [], ["Ref", "First name", "Surname"], ["1", "Jane", "Doe"]]
    assert header_row(rows) == 2
    assert header_row([["Ref", "Name"], ["1", "Jane Doe"]]) == 0
    assert M.match_row(rows[3], rows[header_row(rows)])
