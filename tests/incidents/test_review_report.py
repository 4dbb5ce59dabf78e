"""The reviews report against a brute-force recomputation over generated incidents: the share
of reviews completed within their due date per month and severity, and MTTA and MTTR per
severity with the targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.incidents.models import Incident, Review, SeverityTarget
from caredesk.incidents.review_report import report
from tests.factories import login_verified, supervisor

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 1, 1, tzinfo=UTC)
START, END = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 4, 15, 12, tzinfo=UTC)

incident_st = st.tuples(
    st.integers(1, 4),  # severity
    st.integers(0, 180 * 24 * 60),  # start, minutes after BASE (some outside the period)
    st.one_of(st.none(), st.integers(0, 600)),  # seconds to acknowledge
    st.one_of(st.none(), st.integers(0, 6000)),  # minutes to resolve
    st.one_of(st.none(), st.integers(0, 14 * 24 * 60)),  # minutes from due to completion
    st.booleans(),  # completed before the due instant (True) or after
)


class _Rollback(Exception):
    pass


def _brute_response(rows, targets):
    out = {}
    for sev in (1, 2, 3, 4):
        mine = [r for r in rows if r[0] == sev and START <= r[1] < END]
        acks = [r[2] - r[1] for r in mine if r[2] is not None]
        ress = [r[3] - r[1] for r in mine if r[3] is not None]

        def mean(values):
            if not values:
                return None
            micro = Fraction(sum(v // timedelta(microseconds=1) for v in values), len(values))
            return timedelta(microseconds=round(micro))

        ack_t, res_t = (timedelta(minutes=m) for m in targets[sev])
        out[sev] = (
            len(mine), mean(acks), mean(ress),
            sum(1 for a in acks if a <= ack_t), sum(1 for r in ress if r <= res_t),
        )  # fmt: skip
    return out


def _brute_on_time(reviews):
    cells = {}
    for sev, due, done in reviews:
        if not (START <= due < END):
            continue
        key = (due.year, due.month, sev)
        cell = cells.setdefault(key, [0, 0, 0])
        if done is not None and done <= due:
            cell[0] += 1
        elif done is not None or due < NOW:
            cell[1] += 1
        else:
            cell[2] += 1
    return cells


@settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(st.lists(incident_st, max_size=25))
def test_the_report_matches_a_brute_force_recomputation(generated):
    try:
        with transaction.atomic():
            _check(generated)
            raise _Rollback
    except _Rollback:
        pass


def _check(generated):
    rows, review_rows = [], []
    for number, (sev, start_min, ack_s, res_min, done_min, early) in enumerate(generated, 1):
        started = BASE + timedelta(minutes=start_min)
        acked = started + timedelta(seconds=ack_s) if ack_s is not None else None
        resolved = started + timedelta(minutes=res_min) if res_min is not None else None
        incident = Incident.objects.create(
            number=number, title=f"Generated {number}", severity=sev, started_at=started,
            acknowledged_at=acked, resolved_at=resolved, updated_at=started,
            state="resolved" if resolved else "investigating",
        )  # fmt: skip
        rows.append((sev, started, acked, resolved))
        if resolved is not None:
            due = resolved + timedelta(days=9)
            done = None
            if done_min is not None:
                done = due + timedelta(minutes=-done_min if early else done_min + 1)
            Review.objects.create(incident=incident, due_at=due, completed_at=done, created_at=due)
            review_rows.append((sev, due, done))
    targets = {
        t.severity: (t.acknowledge_minutes, t.resolve_minutes) for t in SeverityTarget.objects.all()
    }
    got = report(start=START, end=END, now=NOW)

    want = _brute_response(rows, targets)
    for row in got.response:
        assert (
            row.incidents,
            row.mtta,
            row.mttr,
            row.acknowledged_in_time,
            row.resolved_in_time,
        ) == want[row.severity]
        assert row.acknowledge_target == timedelta(minutes=targets[row.severity][0])

    cells = _brute_on_time(review_rows)
    assert {
        (r.month.year, r.month.month, r.severity): [r.on_time, r.late, r.pending]
        for r in got.on_time
    } == cells
    total_settled = sum(c[0] + c[1] for c in cells.values())
    if total_settled:
        assert got.on_time_total is not None
        assert got.on_time_total.share == pytest.approx(
            100 * sum(c[0] for c in cells.values()) / total_settled
        )


def test_the_sev_1_targets_are_the_guides_and_the_report_page_shows_them(clock, long_sessions):
    target = SeverityTarget.objects.get(severity=1)
    assert (target.acknowledge_minutes, target.resolve_minutes) == (5, 60)
    client = Client()
    login_verified(client, supervisor())
    page = client.get("/agent/incidents/reviews/report/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "5 min" in body and "1 h 00 min" in body
    bad = client.get("/agent/incidents/reviews/report/?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 422
    assert "The last day comes after the first." in bad.content.decode()
    assert client.get("/agent/incidents/reviews/report/?start=soon&end=").status_code == 422
