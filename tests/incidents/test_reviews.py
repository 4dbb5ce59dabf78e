"""Root-cause reviews: opened when an incident resolves, due 7 business days later on the
operations calendar (weekends and public holidays skipped), owned by the commander (or whoever
resolved it), completed on time or late, with action items linked to a tracker issue or a
backlog ticket the writer may see."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client

from caredesk.core.clock import now
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.incidents import reviews
from caredesk.incidents.models import ActionItem, Review
from caredesk.incidents.services import incident_acknowledge, incident_declare, incident_resolve
from caredesk.sla.models import Calendar
from tests.factories import (
    AgentFactory,
    ContactFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db

ET = ZoneInfo("America/New_York")


def _resolved(clock, captured, *, severity=2, commander=None, resolver=None, at=None):
    """Declare at `at` (or now), acknowledge 3 minutes later, resolve 40 minutes later."""
    if at is not None:
        clock.set(at)
    resolver = resolver or AgentFactory()
    with captured(execute=True):
        incident = incident_declare(
            title="Video rooms fail to connect", severity=severity, actor=resolver,
            commander=commander, body="Patients cannot join video visits.",
        )  # fmt: skip
    clock.advance(minutes=3)
    incident_acknowledge(incident=incident, user=resolver)
    clock.advance(minutes=37)
    with captured(execute=True):
        incident_resolve(incident=incident, actor=resolver, body="The media relay is back.")
    return Review.objects.select_related("incident").get(incident=incident)


def test_a_fresh_install_ships_the_operations_calendar():
    row = Calendar.objects.get(name=reviews.OPERATIONS_CALENDAR)
    assert row.holiday_country == "US"
    assert sorted(row.weekly_hours) == ["0", "1", "2", "3", "4"]


def test_due_seven_business_days_later_skipping_the_weekend_and_thanksgiving(
    clock, django_capture_on_commit_callbacks
):
    # resolved on Friday 20 November 2026 at 15:40 in New York; Thanksgiving is Thursday 26th
    commander = AgentFactory(name="Odile Marchetti")
    review = _resolved(
        clock, django_capture_on_commit_callbacks, commander=commander,
        at=datetime(2026, 11, 20, 15, 0, tzinfo=ET),
    )  # fmt: skip
    # Mon 23, Tue 24, Wed 25, (Thu 26 off), Fri 27, Mon 30, Tue 1, Wed 2 December
    assert review.due_at == datetime(2026, 12, 2, 15, 40, tzinfo=ET)
    assert review.owner == commander
    assert "Patients cannot join video visits." in review.timeline
    assert "Resolved: The media relay is back." in review.timeline
    assert review.timeline.index("acknowledged") < review.timeline.index("Resolved")
    assert "Time to acknowledge: 3 min." in review.impact


def test_resolved_on_a_saturday_it_is_due_at_the_end_of_the_seventh_business_day(
    clock, django_capture_on_commit_callbacks
):
    resolver = AgentFactory()
    review = _resolved(
        clock, django_capture_on_commit_callbacks, resolver=resolver,
        at=datetime(2026, 11, 7, 9, 0, tzinfo=ET),
    )  # fmt: skip
    # Mon 9, Tue 10, (Wed 11 Veterans Day off), Thu 12, Fri 13, Mon 16, Tue 17, Wed 18: ends at
    # Wednesday's midnight
    assert review.due_at == datetime(2026, 11, 19, 0, 0, tzinfo=ET)
    assert review.owner == resolver  # no commander: whoever resolved it


def test_a_second_resolution_keeps_the_first_review(clock, django_capture_on_commit_callbacks):
    review = _resolved(clock, django_capture_on_commit_callbacks)
    again = reviews.review_open(incident=review.incident)
    assert again.pk == review.pk
    assert Review.objects.count() == 1


def test_completing_needs_a_summary_and_a_root_cause_and_is_on_time_or_late(
    clock, django_capture_on_commit_callbacks
):
    owner = AgentFactory()
    first = _resolved(clock, django_capture_on_commit_callbacks, commander=owner)
    with pytest.raises(ValidationFailed) as refused:
        reviews.review_save(
            review=first, actor=owner, parts={"impact": "All video visits."}, complete=True
        )
    assert set(refused.value.errors) == {"summary", "root_cause"}
    first.refresh_from_db()
    assert first.impact != "All video visits." and first.completed_at is None  # nothing saved

    other = AgentFactory()
    with pytest.raises(PermissionDenied):
        reviews.review_save(review=first, actor=other, parts={"summary": "x"})

    done = reviews.review_save(
        review=first, actor=owner, complete=True,
        parts={"summary": "The media relay ran out of ports.", "root_cause": "A port leak."},
    )  # fmt: skip
    assert done.completed_at is not None and done.completed_at <= done.due_at
    with pytest.raises(Conflict):
        reviews.review_save(review=done, actor=owner, parts={"summary": "changed"})

    late = _resolved(clock, django_capture_on_commit_callbacks, commander=owner)
    clock.set(late.due_at)
    clock.advance(minutes=1)
    lead = supervisor()
    client = Client()
    login_verified(client, lead)
    listed = client.get("/agent/incidents/reviews/?show=all").content.decode()
    assert "Completed on time" in listed and "Overdue" in listed
    response = client.post(
        f"/agent/incidents/reviews/{late.pk}/",
        {"summary": "Late but done.", "root_cause": "A bad deploy.", "complete": "1"},
    )
    assert response.status_code == 302
    listed = client.get("/agent/incidents/reviews/?show=completed").content.decode()
    assert "Completed late" in listed and "Completed on time" in listed


def test_the_complete_button_shows_field_errors(clock, django_capture_on_commit_callbacks):
    owner = AgentFactory()
    review = _resolved(clock, django_capture_on_commit_callbacks, commander=owner)
    client = Client()
    login_verified(client, owner)
    response = client.post(
        f"/agent/incidents/reviews/{review.pk}/", {"lessons": "Page sooner.", "complete": "1"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Summary: Write the summary before completing the review." in body
    assert "Root cause: Write the root cause before completing the review." in body
    assert "Page sooner." in body  # what was typed is kept


def test_action_items_link_a_tracker_issue_or_a_ticket_the_writer_may_see(
    clock, django_capture_on_commit_callbacks
):
    team, other_team = TeamFactory(), TeamFactory()
    owner = AgentFactory(teams=[team])
    review = _resolved(clock, django_capture_on_commit_callbacks, commander=owner)
    mine = make_ticket(ContactFactory(), team=team, subject="Relay port leak fix")
    hidden = make_ticket(ContactFactory(), team=other_team, subject="Another team's work")
    client = Client()
    login_verified(client, owner)
    url = f"/agent/incidents/reviews/{review.pk}/actions/"

    refused = client.post(url, {"title": "Fix the leak"})
    assert refused.status_code == 422
    assert "Link a tracker issue, a backlog ticket, or both." in refused.content.decode()
    refused = client.post(url, {"title": "Fix the leak", "ticket_ref": hidden.ref})
    assert refused.status_code == 422
    assert f"No ticket {hidden.ref} that you can see." in refused.content.decode()
    refused = client.post(url, {"title": "", "tracker_url": "not a link"})
    assert refused.status_code == 422
    assert ActionItem.objects.count() == 0

    added = client.post(
        url,
        {
            "title": "Fix the leak",
            "ticket_ref": mine.ref,
            "tracker_url": "https://tracker.example/ENG-481",
        },
    )
    assert added.status_code == 302
    item = ActionItem.objects.get()
    assert (item.ticket, item.tracker_url) == (mine, "https://tracker.example/ENG-481")
    page = client.get(f"/agent/incidents/reviews/{review.pk}/").content.decode()
    assert mine.ref in page and "ENG-481" in page

    assert (
        client.post(f"/agent/incidents/reviews/actions/{item.pk}/done/", {"done": "1"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.done

    outsider = Client()
    login_verified(outsider, AgentFactory(teams=[other_team]))
    assert (
        outsider.post(url, {"title": "x", "tracker_url": "https://t.example/1"}).status_code == 403
    )


def _count_queries(client: Client, path: str) -> tuple[int, str]:
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200
    return len(seen), response.content.decode()


def test_the_list_costs_the_same_queries_for_many_reviews(
    clock, django_capture_on_commit_callbacks, long_sessions
):
    lead = supervisor()
    client = Client()
    login_verified(client, lead)
    _resolved(clock, django_capture_on_commit_callbacks)
    path = "/agent/incidents/reviews/?show=all"
    client.get(path)
    few, _body = _count_queries(client, path)
    assert few <= 12
    for _ in range(6):
        review = _resolved(clock, django_capture_on_commit_callbacks)
        ActionItem.objects.create(
            review=review, title="Fix", tracker_url="https://t.example/1", created_at=now()
        )
    client.get(path)  # the session notes the moved clock
    many, body = _count_queries(client, path)
    assert many == few
    assert body.count("Video rooms fail to connect") == 7


def test_due_dates_land_on_business_days_only():
    cal = reviews.operations_calendar()
    start = datetime(2026, 12, 21, 17, 0, tzinfo=UTC)  # Christmas week
    due = reviews.review_due(start, cal).astimezone(ET)
    # Mon 21 (partial) -> Tue 22, Wed 23, Thu 24, (Fri 25 off), Mon 28, Tue 29, Wed 30, Thu 31
    assert due == datetime(2026, 12, 31, 12, 0, tzinfo=ET)
