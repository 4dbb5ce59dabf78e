"""Replies too short for the model: the word lists alone decide them."""

import pytest

from caredesk.safety.screen import MIN_WORDS_FOR_MODEL, screen


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        ("fr", "Il a chuté.", "fall"),
        ("es", "Se cayó.", "fall"),
        ("en", "Smoke!", "smoke_fire"),
        ("de", "Sie ist gestürzt.", "fall"),
    ],
)
def test_a_short_report_the_word_lists_place_is_flagged_whatever_the_model_says(lang, text, kind):
    found = screen(text, lang=lang)
    assert found.flagged
    assert kind in found.kinds
    assert not any(reason.startswith("model:") for reason in found.reasons)


def test_the_short_reply_gate_counts_the_words_of_the_newest_message_only():
    # Four words quoted below a two-word reply do not make it long enough for the model.
    text = "Thanks, fine.\n\nOn Mon, 2 Nov, Support wrote:\n> did anything else happen there?\n"
    assert MIN_WORDS_FOR_MODEL > 2
    assert screen(text).outcome == "none"
    assert screen(text).score == 0.0
