"""Finding @mentions in a note's text (pure)."""

from __future__ import annotations

import pytest

from caredesk.tickets.mentions import mention_query, mentions_find

PEOPLE = {1: "Dana Reyes", 2: "Dana", 3: "Sam Okafor", 4: "Zoë Brandt"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("@Dana Reyes please check the logs", [1]),  # the longest name wins
        ("@Dana please check", [2]),
        ("ask @dana reyes and @SAM OKAFOR.", [1, 3]),  # case does not matter; punctuation ends
        ("@Sam Okafor, @Sam Okafor again", [3]),  # once each
        ("mail ops@Dana Reyes.example", []),  # an @ inside a word is an address, not a mention
        ("@Danaher is someone else", []),  # a name must end at a word boundary
        ("(@Zoë Brandt)", [4]),
        ("@nobody here", []),
        ("", []),
    ],
)
def test_mentions_are_found_by_the_longest_known_name(text: str, found: list[int]) -> None:
    assert mentions_find(text, PEOPLE) == found


@pytest.mark.parametrize(
    ("text", "caret", "typed"),
    [
        ("hello @da", 9, "da"),
        ("hello @", 7, ""),
        ("hello @Dana Re", 14, "Dana Re"),
        ("mail a@b", 8, None),
        ("no mention", 10, None),
        ("@x\nnext line", 12, None),
    ],
)
def test_what_is_typed_after_the_at_sign_is_the_list_query(
    text: str, caret: int, typed: str | None
) -> None:
    assert mention_query(text, caret) == typed
