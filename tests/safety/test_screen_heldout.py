"""The safety screen on the held-out reports, which were never read while it was built.

A miss is reported by its language and kinds only, never by its text.
"""

from tests.safety.labelled import LANGS, measure


def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent():
    figures = measure("heldout")
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in the held-out part"
