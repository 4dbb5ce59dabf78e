"""The safety screen on the held-out set of record, `heldout27.jsonl`, written apart by people who
have not seen the screen's rules, its model or its training data; it is for measuring only, never
trained or tuned on (tests/safety/data/README.md; scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Earlier held-out sets and
their one measurement each are history in docs/benchmarks.md ("Safety screen"); once measured,
a set becomes training data and the next one takes its place here.
"""

import pytest

from tests.safety.labelled import HELDOUT27, LANGS, measure


# Measured once, on 2026-12-08, with the model and thresholds of commit d102755 committed before
# the set entered the repository: recall 99.6 % (events 203 of 204, possible 68 of 68), false
# alarms 6.8 % (en 100/4.5, es 98.5/6.8, fr 100/11.4, de 100/4.5). The bar is not met yet: one
# short Spanish safety event was missed and 12 of 176 plain reports flagged (at most eight meet
# it). This stays a strict expected failure until it is, so a screen that meets it turns the
# test red on purpose.
@pytest.mark.xfail(
    strict=True,
    reason="held-out bar not met: recall 99.6 %, false alarms 6.8 % on heldout27 "
    "(docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT27)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT27.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
