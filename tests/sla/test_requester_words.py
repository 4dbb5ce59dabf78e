"""What the requester is told, from a ticket's clocks as they stand (worked examples)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.sla.models import Metric
from caredesk.sla.requester import Due, Standing, promise_lines

AT = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)


def due(metric: str, standing: Standing) -> Due:
    return Due(metric=metric, due_at=AT, zone="UTC", standing=standing)


@pytest.mark.parametrize(
    ("clocks", "told"),
    [
        ([], [("We will reply as soon as we can.", False)]),
        (
            [due(Metric.FIRST_RESPONSE, Standing.AHEAD), due(Metric.RESOLUTION, Standing.AHEAD)],
            [
                ("We will reply by Tuesday 8 December, 14:00 (UTC).", False),
                ("We aim to resolve it by Tuesday 8 December, 14:00 (UTC).", False),
            ],
        ),
        (
            [due(Metric.FIRST_RESPONSE, Standing.PASSED)],
            [
                (
                    "We promised to reply by Tuesday 8 December, 14:00 (UTC) and have not yet. "
                    "We are sorry: your request is with our team and we will reply as soon as "
                    "we can.",
                    True,
                )
            ],
        ),
        (  # the first reply was sent (late); the next one is what matters now
            [
                due(Metric.FIRST_RESPONSE, Standing.LATE),
                due(Metric.NEXT_RESPONSE, Standing.AHEAD),
                due(Metric.RESOLUTION, Standing.PASSED),
            ],
            [
                ("We will reply by Tuesday 8 December, 14:00 (UTC).", False),
                (
                    "We aimed to resolve it by Tuesday 8 December, 14:00 (UTC) and have not yet. "
                    "We are sorry: we are still working on it.",
                    True,
                ),
            ],
        ),
        ([due(Metric.FIRST_RESPONSE, Standing.KEPT)], []),  # replied; nothing more promised
    ],
)
def test_what_the_requester_is_told(clocks, told):
    lines = promise_lines({d.metric: d for d in clocks})
    assert [(line.text, line.late) for line in lines] == told
