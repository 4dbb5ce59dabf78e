"""The safety screen on the held-out set of record, `heldout6.jsonl`, written apart by people who
have not seen the screen's rules, its model or its training data; it is for measuring only, never
trained or tuned on (tests/safety/data/README.md; scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Earlier held-out sets and
their one measurement each are history in docs/benchmarks.md ("Safety screen"); once measured,
a set becomes training data and the next one takes its place here.
"""

import pytest

from tests.safety.labelled import HELDOUT6, LANGS, measure


# Measured once, on 2026-12-06, with the model and thresholds of commit 54f1e6b committed before
# the set entered the repository: recall 98.3 % (events 178 of 180, possible 58 of 60), false
# alarms 5.6 % (en 96.7/5.0, es 100/2.5, fr 96.7/7.5, de 100/7.5). The bar is not met yet; this
# stays a strict expected failure until it is, so a screen that meets it turns the test red on
# purpose.
@pytest.mark.xfail(
    strict=True,
    reason="held-out bar not met: recall 98.3 %, false alarms 5.6 % on heldout6 "
    "(docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT6)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT6.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
