"""A device that strikes a person is an injury; a crash of the software is not."""

import pytest

from caredesk.safety.screen import screen


@pytest.mark.parametrize(
    "text",
    [
        "The patient lift crashed into the wall and hit her leg.",
        "The hoist crashed down onto his foot.",
        "The monitor fell onto her foot when the stand tipped.",
        "The wheelchair crashed into the door and he cut his hand.",
        "The bed rail gave way and she hit her head against the wall.",
        "I slipped off the step and hit my head against the wall, there is a lump.",
    ],
)
def test_a_device_that_strikes_a_person_is_flagged(text):
    assert screen(text, lang="en").flagged


@pytest.mark.parametrize(
    "text",
    [
        "The app crashed again after the update.",
        "The portal keeps crashing when I open my results.",
        "The sensor fell off in the shower, can you send a new patch?",
        "Third call about the same invoice, it's like banging my head against a brick wall.",
        "I could hit my head against the wall, the portal logged me out again.",
    ],
)
def test_a_crash_of_the_software_or_a_part_that_came_off_is_not(text):
    assert screen(text, lang="en").outcome == "none"
