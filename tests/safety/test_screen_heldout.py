"""The safety screen on the held-out sets, written apart from it by people who had not seen its
rules; they are for measuring only (tests/safety/data/README.md).

A miss is reported by its language and kinds only, never by its text. Each set's one measurement
(docs/benchmarks.md, "Safety screen") fell short of the bar, so these tests are expected to fail
until a screen built without reading these texts reaches it.
"""

import pytest

from tests.safety.labelled import HELDOUT, HELDOUT3, LANGS, measure

SHORT = {
    HELDOUT.name: "recall 80.4 %, false alarms 25.4 % (second pass, 2026-12-06)",
    HELDOUT3.name: "recall 81.8 %, false alarms 7.1 % (third pass, 2026-12-06)",
}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=pytest.mark.xfail(
                strict=True,  # a pass means the bar is reached: make it a plain test then
                reason="the safety screen is short of issue 14's bar (recall 100 %, false alarms "
                f"at most 5 %) on this unseen set: {why}; it stays unread, so only a screen "
                "improved from other data can pass it",
            ),
        )
        for p, why in ((HELDOUT, SHORT[HELDOUT.name]), (HELDOUT3, SHORT[HELDOUT3.name]))
    ],
    ids=lambda p: p.name,
)
def test_heldout_recall_is_complete_and_false_alarms_stay_under_five_percent(path):
    figures = measure(None, path)
    for lang in LANGS:
        assert figures.safety.get(lang), f"no {lang} safety reports in {path.name}"
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
