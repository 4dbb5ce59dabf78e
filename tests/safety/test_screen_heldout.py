"""The safety screen on the held-out reports, which were never read while it was built.

A miss is reported by its language and kinds only, never by its text. The held-out part was
measured twice while the screen was built (see tests/safety/data/README.md); the second and last
measurement fell short of the bar, so this test is expected to fail until the screen is improved
from general knowledge of each language (never from the held-out texts) and measured again.
"""

import pytest

from tests.safety.labelled import LANGS, measure


@pytest.mark.xfail(
    strict=False,
    reason="held-out bar not reached at the last permitted measurement: recall 85.5 %, "
    "false alarms 18.1 % (docs/benchmarks.md, Safety screen)",
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure("heldout")
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in the held-out part"
