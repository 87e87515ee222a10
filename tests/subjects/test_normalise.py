from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from addon.subjects.normalise import fold, fold_with_map, original_span, strip_marks, tokens, word_tokens


def test_fold_unifies_case_diacritics_apostrophes_and_hyphens():
    assert fold("ZOË O’Brien–Smith") == fold("zoe o'brien-smith") == "zoe o'brien-smith"
    assert fold("Straße") == "strasse"
    assert fold("Søren Łukasz") == "soren lukasz"
    assert fold("İlker") == "ilker"
    assert fold("ﬁona") == "fiona"


def test_strip_marks_keeps_case():
    assert strip_marks("Zoë Ørsted") == "Zoe Orsted"
    assert strip_marks("Jane") == "Jane"


def test_tokens_are_letter_digit_runs():
    assert tokens("O'Brien-Smith, Zoë (CUST_0045)") == ["O", "Brien", "Smith", "Zoë", "CUST", "0045"]
    assert word_tokens("CUST_0045 x") == ["CUST_0045", "x"]
    assert tokens("Zoe\u0308") == ["Zoë"]  # decomposed input stays one token
    assert tokens('" OR {} -:*\\') == ["OR"]


@given(st.text(max_size=40))
def test_fold_map_points_back_into_the_original(text):
    folded, origin = fold_with_map(text)
    assert folded == fold(text)
    if origin is None:  # every character folded to one: indexes are shared
        assert len(folded) == len(text)
        origin = list(range(len(text)))
    assert len(folded) == len(origin)
    assert origin == sorted(origin)
    for k in range(len(folded)):
        a, b = original_span(origin, k, k + 1)
        assert fold(text[a:b]) and folded[k] in fold(text[a:b])


def test_length_changing_folds_keep_a_map():
    folded, origin = fold_with_map("Straße ﬁx")
    assert folded == "strasse fix"
    assert origin == [0, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8]
    assert fold_with_map("Zoë")[1] is None
