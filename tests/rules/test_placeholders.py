"""Placeholders in macros (pure): filled from the ticket's values, unknown names left visible."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.rules.placeholders import fill, first_name

VALUES = {
    "requester.first_name": "June",
    "requester.name": "June Halloway",
    "ticket.reference": "CD-1042",
    "agent.name": "Ines Marlow",
    "organization.name": "",
}


@pytest.mark.parametrize(
    ("text", "expected", "unknown", "empty"),
    [
        ("Hello {{requester.first_name}},", "Hello June,", (), ()),
        ("Hello {{ requester.first_name }},", "Hello June,", (), ()),
        ("{{ticket.reference}} by {{agent.name}}", "CD-1042 by Ines Marlow", (), ()),
        # the shipped macros' older names still work
        ("Hi {requester_first_name}, about {ref}", "Hi June, about CD-1042", (), ()),
        # a name the desk does not know stays as typed, and is reported
        ("Dear {{patient.nickname}}", "Dear {{patient.nickname}}", ("patient.nickname",), ()),
        # other braces are text (JSON in a note, a set in maths)
        ('Send {"a": 1} and {x}', 'Send {"a": 1} and {x}', (), ()),
        # a known name with nothing to say for this ticket is reported as empty
        ("From {{organization.name}}", "From ", (), ("organization.name",)),
        ("{{a.b}} {{a.b}}", "{{a.b}} {{a.b}}", ("a.b",), ()),
    ],
)
def test_fill_worked_examples(text, expected, unknown, empty):
    filled = fill(text, VALUES)
    assert (filled.text, filled.unknown, filled.empty) == (expected, unknown, empty)


@given(st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_text_without_braces_is_left_exactly_as_written(text):
    filled = fill(text, VALUES)
    assert filled.text == text and not filled.unknown


@given(st.text())
def test_filling_never_raises_and_unknown_names_stay_in_the_text(text):
    filled = fill(text, VALUES)
    for name in filled.unknown:
        assert name in filled.text


def test_first_name():
    assert first_name("  June   Halloway ") == "June"
    assert first_name("") == ""
