"""The safety screen on the held-out set of record, written apart from it by people who had not
seen its rules or its training data; it is for measuring only, never trained or tuned on
(tests/safety/data/README.md, scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Its one measurement
(docs/benchmarks.md, "Safety screen") fell short of the bar, so the test is expected to fail
until a screen built without reading these texts reaches it.
"""

import pytest

from tests.safety.labelled import HELDOUT4, LANGS, measure


@pytest.mark.xfail(
    strict=True,  # a pass means the bar is reached: make it a plain test then
    reason="the safety screen is short of the bar (recall 100 %, false alarms at most 5 %) on "
    "this unseen set: recall 98.3 %, false alarms 19.4 % (model and word lists, 2026-12-06); it "
    "stays unread, so only a screen improved from other data can pass it",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT4)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT4.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
