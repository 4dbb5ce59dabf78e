"""The rollups against a brute-force recount of the event log, on generated histories."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum

from caredesk.reports import fold, rollup
from caredesk.reports.models import Contribution, Cursor, DimRollup, Rollup, TicketFacts
from caredesk.tickets.models import TicketEvent
from tests.factories import make_ticket
from tests.reports.histories import cast, recount, write_history

pytestmark = pytest.mark.django_db

COUNTED = [m for m in fold.METRICS if m != "open_delta"]


def _rolled() -> dict[tuple[Any, ...], Counter[str]]:
    rows: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for r in Rollup.objects.values():
        key = tuple(r[k] for k in rollup.KEY)
        rows[key].update({m: r[m] for m in COUNTED if r[m]})
    return {k: v for k, v in rows.items() if +v}


def _backlog_from_rollups(days: list[Any]) -> dict[Any, Counter[tuple[Any, ...]]]:
    deltas: dict[Any, Counter[tuple[Any, ...]]] = defaultdict(Counter)
    for r in Rollup.objects.values():
        deltas[r["day"]][tuple(r[k] for k in fold.DIMENSIONS)] += r["open_delta"]
    running: Counter[tuple[Any, ...]] = Counter()
    out = {}
    for day in sorted(set(days) | set(deltas)):
        running.update(deltas.get(day, Counter()))
        out[day] = Counter({k: v for k, v in running.items() if v})
    return out


def _single_dimension_rows_agree() -> None:
    """The rows per day and one dimension hold the sums of every combination's rows."""
    expected: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for r in Rollup.objects.values():
        for dim, value in [("all", ""), *((d, str(r[d])) for d in fold.DIMENSIONS)]:
            expected[(dim, value, r["day"])].update({m: r[m] for m in fold.METRICS})
    got = {
        (r["dim"], r["value"], r["day"]): Counter({m: r[m] for m in fold.METRICS})
        for r in DimRollup.objects.values()
    }
    assert got == dict(expected)


def _agree() -> None:
    counts, listed, backlog = recount()
    assert _rolled() == {k: +v for k, v in counts.items() if +v}
    _single_dimension_rows_agree()
    for metric in fold.LISTED:
        behind = set(Contribution.objects.filter(metric=metric).values_list("ticket_id", flat=True))
        assert behind == listed.get(metric, set()), metric
    rolled_backlog = _backlog_from_rollups(list(backlog))
    for day, open_then in backlog.items():
        assert rolled_backlog[day] == +open_then, day


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_agree_with_a_recount_of_the_events(clock: Any, seed: int) -> None:
    rng = random.Random(seed)
    people = cast()
    write_history(rng, clock, people, steps=260, between=rollup.advance)
    rollup.advance()
    assert Cursor.objects.get().last_id == TicketEvent.objects.order_by("-id").first().pk
    totals = Rollup.objects.aggregate(s=Sum("solved"), f=Sum("fcr"), r=Sum("reopened"))
    # the history exercised what the test is about
    assert totals["s"] > 10 and totals["r"] > 0 and 0 < totals["f"] < totals["s"]
    _agree()


def test_small_batches_and_a_rebuild_give_the_same_figures(clock: Any) -> None:
    write_history(random.Random(7), clock, cast(), steps=150, between=lambda: None)
    rollup.advance(batch=7)
    once = _rolled()
    assert once
    rollup.rebuild()
    assert _rolled() == once
    _agree()


def test_reading_twice_counts_nothing_twice(clock: Any) -> None:
    write_history(random.Random(11), clock, cast(), steps=80, between=rollup.advance)
    rollup.advance()
    before = _rolled()
    assert rollup.advance() == 0
    assert _rolled() == before


def test_a_reopen_takes_back_first_contact_resolution_from_the_day_it_was_counted(
    clock: Any,
) -> None:
    from caredesk.tickets.services import Body, message_add, ticket_update
    from tests.factories import AgentFactory

    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    message_add(ticket=ticket, kind="public", body=Body(text="Fixed."), actor=agent)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    solved_day = rollup.day_of(clock())
    rollup.advance()
    assert Rollup.objects.get(day=solved_day, solved=1).fcr == 1
    clock.advance(days=3)
    message_add(
        ticket=ticket, kind="public", body=Body(text="It broke again."), actor=ticket.requester
    )
    rollup.advance()
    assert Rollup.objects.get(day=solved_day, solved=1).fcr == 0
    assert not Contribution.objects.filter(metric="fcr").exists()
    assert Rollup.objects.aggregate(r=Sum("reopened"))["r"] == 1


def test_an_event_missing_below_the_cursor_is_waited_for_then_forgotten(clock: Any) -> None:
    first = make_ticket()
    rollup.advance()
    cursor = Cursor.objects.get()
    # an id below the newest read that is not there (a transaction open, or rolled back)
    Cursor.objects.filter(pk=1).update(last_id=cursor.last_id - 1)
    last = TicketEvent.objects.filter(ticket=first).order_by("-id").first()
    assert last is not None
    make_ticket()
    rollup.advance()
    # the earlier event was read again as new: nothing below the cursor is missing, and the
    # ids skipped by nothing are remembered only for GAP_WAIT
    clock.advance(seconds=rollup.GAP_WAIT.total_seconds() + 1)
    rollup.advance()
    assert Cursor.objects.get().gaps == {}
    assert TicketFacts.objects.count() == 2


def test_a_ticket_whose_events_began_before_the_reports_is_counted_from_what_it_is_now(
    clock: Any,
) -> None:
    from caredesk.tickets.services import ticket_update
    from tests.factories import AgentFactory

    agent = AgentFactory()
    ticket = make_ticket()
    Cursor.objects.create(pk=1, last_id=TicketEvent.objects.order_by("-id").first().pk)
    clock.advance(hours=2)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    rollup.advance()
    row = Rollup.objects.get(solved=1)
    assert (row.team, row.level, row.created) == (ticket.team_id or 0, ticket.priority, 0)
    assert row.resolution_seconds == int(timedelta(hours=2).total_seconds())


def test_the_dashboards_figures_are_the_same_whichever_rows_they_read(clock: Any) -> None:
    """With no filter or one the dashboards read the rows per dimension, with more the rows of
    every combination: both give the figures summed from the combinations."""
    from caredesk.reports import selectors

    people = cast()
    write_history(random.Random(5), clock, people, steps=200, between=lambda: None)
    rollup.advance()
    days = sorted(Rollup.objects.values_list("day", flat=True).distinct())
    start, end = days[len(days) // 3], days[-1]
    team, agent = people.teams[0].pk, people.agents[0].pk
    for given in ({}, {"team": team}, {"agent": agent}, {"team": team, "level": 3}):
        filters = selectors.Filters(start=start, end=end, **given)
        board = selectors.dashboard(filters, by="team", top=True)
        rows = Rollup.objects.filter(**given)
        period = rows.filter(day__gte=start, day__lte=end)
        assert board.totals == {m: period.aggregate(n=Sum(m))["n"] or 0 for m in fold.METRICS}
        assert board.backlog_end == (
            rows.filter(day__lte=end).aggregate(n=Sum("open_delta"))["n"] or 0
        )
        by_team = {
            r["team"]: r["created"]
            for r in period.values("team").annotate(created=Sum("created"))
            if r["created"]
        }
        assert {r["key"]: r["created"] for r in board.breakdown if r["created"]} == by_team
        top = {
            r["organization"]: r["created"]
            for r in period.exclude(organization=0)
            .values("organization")
            .annotate(created=Sum("created"))
            if r["created"]
        }
        assert {r["organization"]: r["created"] for r in board.top_organizations} == top


def test_a_ticket_retention_deletes_leaves_its_figures_and_no_row_behind_them(
    clock: Any,
) -> None:
    from caredesk.tickets.services.erasure import tickets_delete

    kept, purged = make_ticket(), make_ticket()
    rollup.advance()
    assert Contribution.objects.filter(ticket_id=purged.pk).exists()
    tickets_delete(ids=[purged.pk])
    assert not Contribution.objects.filter(ticket_id=purged.pk).exists()
    assert not TicketFacts.objects.filter(ticket_id=purged.pk).exists()
    assert Contribution.objects.filter(ticket_id=kept.pk).exists()
    assert DimRollup.objects.get(dim="all").created == 2  # counted when it happened
