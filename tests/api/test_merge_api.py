"""POST /tickets/{id}/merge and the people in copy: answers, refusals with fields, the portal
requester's own CCs, and the merged ticket's `merged_into`."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.services import ticket_update
from tests.api.conftest import assert_problem, counts
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_merging_answers_with_the_target_and_the_source_points_to_it(world, api):
    target = make_ticket(world.requester, team=world.team_a)
    source = make_ticket(world.colleague, team=world.team_a)
    response = api(world.agent).post(f"/tickets/{source.pk}/merge", {"into": target.pk})
    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk and response.json()["merged_into"] is None
    merged = api(world.agent).get(f"/tickets/{source.pk}").json()
    assert merged["merged_into"] == target.pk and merged["status"] == Status.CLOSED
    ccs = api(world.agent).get(f"/tickets/{target.pk}/ccs").json()
    assert [c["email"] for c in ccs] == [world.colleague.email]


@pytest.mark.parametrize(
    ("case", "status"),
    [("itself", 422), ("closed", 409), ("other organization", 409), ("unknown", 404)],
)
def test_refused_merges_name_the_field_and_change_nothing(world, api, case, status):
    source = make_ticket(world.requester, team=world.team_a)
    into = make_ticket(world.colleague, team=world.team_a)
    if case == "itself":
        into = source
    elif case == "closed":
        ticket_update(ticket=into, changes={"status": Status.CLOSED}, actor=world.agent)
    elif case == "other organization":
        into = make_ticket(world.outsider, team=world.team_a)
    pk = 999_999 if case == "unknown" else into.pk
    before = counts()
    body = assert_problem(
        api(world.agent).post(f"/tickets/{source.pk}/merge", {"into": pk}), status, "into"
    )
    assert body["errors"]["into"][0]
    assert counts() == before
    assert Ticket.objects.get(pk=source.pk).merged_into_id is None


@pytest.mark.parametrize("body", [{}, {"into": "CD-1"}, {"into": 0}, {"into": 1, "x": 1}])
def test_bad_merge_bodies_are_422_with_fields(world, api, body):
    source = make_ticket(world.requester, team=world.team_a)
    assert_problem(api(world.agent).post(f"/tickets/{source.pk}/merge", body), 422)


def test_the_requester_adds_and_removes_people_in_copy_with_field_errors(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    me = api(world.requester.user)
    assert_problem(me.post(f"/tickets/{ticket.pk}/ccs", {"email": "not-an-address"}), 422, "email")
    assert_problem(
        me.post(f"/tickets/{ticket.pk}/ccs", {"email": world.requester.email}), 422, "email"
    )
    response = me.post(
        f"/tickets/{ticket.pk}/ccs", {"email": "Ruth@Family.example", "name": "Ruth"}
    )
    assert response.status_code == 201 and response.json()["email"] == "ruth@family.example"
    cc_id = response.json()["id"]
    deleted = me.send("delete", f"/tickets/{ticket.pk}/ccs/{cc_id}", "")
    assert deleted.status_code == 204
    assert me.get(f"/tickets/{ticket.pk}/ccs").json() == []
