"""The safety screen on the second held-out set (data/heldout.jsonl), written apart from the
screen by someone who had not seen its rules; it is for measuring only.

A miss is reported by its language and kinds only, never by its text. Its one measurement
(2026-12-06, docs/benchmarks.md, "Safety screen") fell short of the bar, so this test is
expected to fail until a screen built without reading these texts reaches it.
"""

import pytest

from tests.safety.labelled import HELDOUT, LANGS, measure


@pytest.mark.xfail(
    strict=False,
    reason="held-out bar not reached at its one measurement: recall 80.4 %, false alarms "
    "25.4 % (docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in the held-out set"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
