"""The safety screen on the held-out set of record, `heldout27.jsonl`, written apart by people who
have not seen the screen's rules, its model or its training data; it is for measuring only, never
trained or tuned on (tests/safety/data/README.md; scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Earlier held-out sets and
their one measurement each are history in docs/benchmarks.md ("Safety screen"); once measured,
a set becomes training data and the next one takes its place here.
"""

import pytest

from tests.safety.labelled import HELDOUT27, LANGS, measure


@pytest.mark.skipif(
    not HELDOUT27.exists(),
    reason="the next held-out set enters the repository only after the model it measures",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT27)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT27.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
