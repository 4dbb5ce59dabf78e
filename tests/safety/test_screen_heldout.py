"""The safety screen on the held-out set of record, `heldout10.jsonl`, written apart by people who
have not seen the screen's rules, its model or its training data; it is for measuring only, never
trained or tuned on (tests/safety/data/README.md; scripts/train_safety_model.py refuses it).

A miss is reported by its language and kinds only, never by its text. Earlier held-out sets and
their one measurement each are history in docs/benchmarks.md ("Safety screen"); once measured,
a set becomes training data and the next one takes its place here.
"""

import pytest

from tests.safety.labelled import HELDOUT10, LANGS, measure


# Measured once, on 2026-12-06, with the model and thresholds of commit 83ae559 committed before
# the set entered the repository: recall 99.2 % (events 180 of 180, possible 58 of 60), false
# alarms 1.2 % (en 98.3/2.5, es 100/2.5, fr 98.3/0.0, de 100/0.0). The bar is not met yet: two
# possible reports were missed. This stays a strict expected failure until it is, so a screen that
# meets it turns the test red on purpose.
@pytest.mark.xfail(
    strict=True,
    reason="held-out bar not met: recall 99.2 %, false alarms 1.2 % on heldout10 "
    "(docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure(None, HELDOUT10)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {HELDOUT10.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
