"""The safety screen on the held-out set of record, `heldout26.jsonl`, written apart by people who
have not seen the screen's rules, its model or its training data; it is for measuring only, never
trained or tuned on (tests/safety/data/README.md; scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Earlier held-out sets and
their one measurement each are history in docs/benchmarks.md ("Safety screen"); once measured,
a set becomes training data and the next one takes its place here.
"""

import pytest

from tests.safety.labelled import HELDOUT26, LANGS, measure


# Measured once, on 2026-12-08, with the model and thresholds of commit 45e1de2 committed before
# the set entered the repository: recall 100 % (events 204 of 204, possible 68 of 68), false
# alarms 8.5 % (en 100/6.8, es 100/11.4, fr 100/6.8, de 100/9.1). The bar is not met yet: every
# harm report was caught, but 15 of 176 plain reports were flagged (at most eight meet it). This
# stays a strict expected failure until it is, so a screen that meets it turns the test red on
# purpose.
@pytest.mark.xfail(
    strict=True,
    reason="held-out bar not met: recall 100 %, false alarms 8.5 % on heldout26 "
    "(docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT26)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT26.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
