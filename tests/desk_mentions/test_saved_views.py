"""Saved views: personal and team views, who may share and change them, and their sidebar counts
(one statement, however many views)."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.desk.views import forget_counts
from caredesk.workspace.models import SavedView
from caredesk.workspace.selectors import view_get, views_for
from caredesk.workspace.services import ViewData, savedview_delete, savedview_save
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    login_verified(client, user)
    return client


def test_an_agent_keeps_a_personal_view_that_no_colleague_sees(clock) -> None:  # type: ignore[no-untyped-def]
    team = TeamFactory()
    dana, sam = AgentFactory(teams=[team]), AgentFactory(teams=[team])

    view = savedview_save(
        actor=dana,
        data=ViewData(
            name="Urgent unassigned",
            filters={"queue": "unassigned", "priority": 1},
            sort="due",
            columns=("state", "updated"),
        ),
    )

    assert view.filters == {"queue": "unassigned", "priority": 1}
    assert view.columns == ["state", "updated"]
    assert views_for(dana) == [view]
    assert views_for(sam) == []


def test_a_lead_shares_a_view_with_a_team_and_only_leads_change_it(clock) -> None:  # type: ignore[no-untyped-def]
    tier1, tier2 = TeamFactory(name="Tier 1"), TeamFactory()
    lead = supervisor(teams=[tier2])
    member, outsider = AgentFactory(teams=[tier1]), AgentFactory(teams=[tier2])

    shared = savedview_save(
        actor=lead, data=ViewData(name="Tier 1 backlog", filters={"queue": "team"}, team=tier1)
    )

    assert views_for(member) == [shared] and views_for(outsider) == []
    with pytest.raises(PermissionDenied):
        savedview_save(actor=member, data=ViewData(name="Mine now"), view=shared)
    with pytest.raises(PermissionDenied):
        savedview_delete(actor=member, view=shared)
    other_lead = supervisor()
    savedview_save(actor=other_lead, data=ViewData(name="Renamed", team=tier1), view=shared)
    assert view_get(user=member, pk=shared.pk).name == "Renamed"


def test_an_agent_cannot_share_a_view_and_bad_filters_are_refused_by_field(clock) -> None:  # type: ignore[no-untyped-def]
    agent = AgentFactory()
    with pytest.raises(ValidationFailed) as refused:
        savedview_save(
            actor=agent,
            data=ViewData(
                name=" ",
                filters={"queue": "everything", "status": "lost", "priority": 9, "team": "x"},
                sort="random",
                columns=("colour",),
                team=TeamFactory(),
            ),
        )
    assert set(refused.value.errors) == {
        "name",
        "queue",
        "status",
        "priority",
        "team",
        "sort",
        "columns",
    }
    assert "support lead" in refused.value.errors["team"][0]
    assert not SavedView.objects.exists()


def test_sidebar_counts_every_view_in_one_statement(
    clock, settings, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    settings.CAREDESK_SIDEBAR_COUNTS_SECONDS = 0
    team = TeamFactory()
    agent = AgentFactory(teams=[team])
    org = OrganizationFactory()
    for level in (1, 1, 2, 3):
        make_ticket(priority=level, team=team)
    make_ticket(priority=1, team=team).organization  # noqa: B018
    savedview_save(actor=agent, data=ViewData(name="Level 1", filters={"priority": 1}))
    client = _signed_in(agent)

    with django_assert_max_num_queries(40) as one_view:
        page = client.get("/agent/views/")
    assert [(v.name, n) for v, _url, n in page.context["saved_views"]] == [("Level 1", 3)]

    for i in range(12):
        savedview_save(
            actor=agent, data=ViewData(name=f"Org {i}", filters={"organization": org.pk})
        )
    forget_counts(agent)
    with django_assert_max_num_queries(len(one_view.captured_queries)):
        page = client.get("/agent/views/")
    assert len(page.context["saved_views"]) == 13


def test_a_view_opens_the_queue_with_its_filters_name_and_columns(clock) -> None:  # type: ignore[no-untyped-def]
    agent = AgentFactory()
    urgent = make_ticket(priority=1, subject="Cannot start the visit")
    make_ticket(priority=3, subject="Invoice copy")
    client = _signed_in(agent)

    response = client.post(
        "/agent/views/new/",
        {
            "name": "Level 1 open",
            "queue": "open",
            "priority": "1",
            "sort": "-updated",
            "columns": ["state", "assignee"],
        },
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"])

    assert page.context["queue_label"] == "Level 1 open"
    assert [t.pk for t in page.context["page"].items] == [urgent.pk]
    assert page.context["hidden_columns"] == ["requester", "updated"]
    assert 'class="tickets hide-requester hide-updated"' in page.content.decode()
    assert f'href="/agent/?queue=open&amp;priority=1&amp;sort=-updated&amp;view={view.pk}"' in (
        page.content.decode()
    )


def test_a_view_without_a_name_is_refused_with_the_field_and_nothing_saved(clock) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(AgentFactory())
    response = client.post("/agent/views/new/", {"name": "", "queue": "open", "priority": "1"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert 'name="priority" value="1"' in response.content.decode()  # kept for the retry
    assert not SavedView.objects.exists()


def test_an_unknown_filter_value_posted_is_a_422_not_a_crash(clock) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(AgentFactory())
    response = client.post(
        "/agent/views/new/", {"name": "Odd", "queue": "nope", "team": "abc", "sort": "x"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "queue: Choose one of" in body and "team: Choose one from the list." in body


def test_a_views_count_stops_at_99_plus(clock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CAREDESK_SIDEBAR_COUNTS_SECONDS = 0
    lead = supervisor()
    from caredesk.tickets.models import Ticket

    first = make_ticket(priority=1)
    rows = [
        Ticket(
            subject=f"Copy {i}",
            requester_id=first.requester_id,
            organization_id=first.organization_id,
            priority=1,
            created_at=first.created_at,
            updated_at=first.updated_at,
        )
        for i in range(120)
    ]
    Ticket.objects.bulk_create(rows)
    savedview_save(actor=lead, data=ViewData(name="Level 1", filters={"priority": 1}))

    page = _signed_in(lead).get("/agent/views/")

    assert [n for _v, _url, n in page.context["saved_views"]] == [100]
    assert 'aria-label="more than 99 tickets">99+</span>' in page.content.decode()
