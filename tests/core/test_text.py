"""Text every database can store: what is refused, what cleaning keeps, where a problem is."""

from __future__ import annotations

import pytest

from caredesk.core import text


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("Odette Larkin", None),
        ("tabs\tnew lines\r\nand ünïcödé 😀 stay", None),
        ("a\x00b", text.NUL_MESSAGE),
        ("half \ud83d a smile", text.SURROGATE_MESSAGE),
        ("\udfff", text.SURROGATE_MESSAGE),
    ],
)
def test_problem_names_what_cannot_be_stored(value, why):
    assert text.problem(value) == why


def test_clean_drops_nul_and_replaces_half_characters():
    assert text.clean("Od\x00ette\x00") == "Odette"
    assert text.clean("a\ud800b") == "a\ufffdb"
    same = "nothing to do here"
    assert text.clean(same) is same
    assert text.problem(text.clean("\x00\ud800\udc00\x00")) is None


def test_find_problem_gives_the_path_of_the_first_bad_string_or_key():
    assert text.find_problem({"subject": "ok", "tags": ["a", 1, None, True, 2.5]}) is None
    assert text.find_problem({"tickets": [{"subject": "ok"}, {"subject": "b\x00d"}]}) == (
        ("tickets", 1, "subject"),
        text.NUL_MESSAGE,
    )
    assert text.find_problem({"form": {"vis\ud800it": "V88"}}) == (
        ("form",),
        text.SURROGATE_MESSAGE,
    )
    assert text.find_problem("\x00") == ((), text.NUL_MESSAGE)
