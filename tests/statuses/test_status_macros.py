"""Macros and the API's "then set status" name custom statuses, not only the categories."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.core.errors import ValidationFailed
from caredesk.rules.macros import MacroIn, macro_actions, macro_apply, macro_save
from caredesk.rules.models import Macro
from caredesk.tickets.models import CustomStatus, Status, Ticket
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.api.conftest import api, assert_problem, world  # noqa: F401 - the fixtures
from tests.factories import login_verified, make_ticket
from tests.factories import supervisor as make_supervisor

pytestmark = pytest.mark.django_db


def lab(active: bool = True) -> CustomStatus:
    return status_save(
        status=None,
        data=StatusIn(
            "Awaiting lab results", "Waiting for your lab results", "pending", active=active
        ),
    )


def test_a_macro_sets_a_custom_status_and_names_it(world):  # noqa: F811
    status = lab()
    lead = make_supervisor(name="Ruth Calloway", teams=[world.team_a])
    macro = macro_save(
        macro=None,
        data=MacroIn(
            name="Labs", body="We wait for the lab.", set_status=str(status.pk), shared=True
        ),
        actor=lead,
    )
    assert macro_actions(macro) == ["Status: Awaiting lab results (Pending)"]
    ticket = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    applied = macro_apply(macro=macro, ticket=ticket, actor=world.agent)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.custom_status_id) == (Status.PENDING, status.pk)
    assert applied.changed == ("status",)
    again = macro_apply(macro=macro, ticket=fresh, actor=world.agent)
    assert again.changed == ()


def test_a_macro_refuses_a_status_out_of_use_or_unknown(world):  # noqa: F811
    gone = lab(active=False)
    lead = make_supervisor(name="Ruth Calloway")
    for value, words in ((str(gone.pk), "no longer in use"), ("99999", "in use"), ("x", "in use")):
        with pytest.raises(ValidationFailed) as exc:
            macro_save(macro=None, data=MacroIn(name="L", body="b", set_status=value), actor=lead)
        assert words in exc.value.errors["set_status"][0]


def test_the_macro_screens_offer_and_preview_custom_statuses(world):  # noqa: F811
    status = lab()
    lead = make_supervisor(name="Ruth Calloway", teams=[world.team_a])
    client = Client()
    login_verified(client, lead)
    form = client.get("/agent/macros/new/").content.decode()
    assert f'<option value="{status.pk}">Awaiting lab results</option>' in form
    response = client.post(
        "/agent/macros/new/",
        {"name": "Labs", "kind": "public", "body": "Hi", "set_status": str(status.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    macro = Macro.objects.get(name="Labs")
    assert macro.set_status == str(status.pk)
    refused = client.post(
        "/agent/macros/new/",
        {"name": "Closer", "kind": "public", "body": "Hi", "set_status": "closed"},
    )
    assert refused.status_code == 422 and "A macro sets open" in refused.content.decode()
    ticket = make_ticket(world.requester, team=world.team_a, assignee=lead)
    preview = client.get(f"/agent/tickets/{ticket.pk}/macros/{macro.pk}/").content.decode()
    assert "Status: Awaiting lab results (Pending)" in preview
    assert f'<option value="{status.pk}">Awaiting lab results</option>' in preview
    fragment = client.get(f"/agent/tickets/{ticket.pk}/macros/{macro.pk}/?fragment=1")
    assert "Awaiting lab results (Pending)" in fragment.content.decode()
    sent = client.post(
        f"/agent/tickets/{ticket.pk}/macros/{macro.pk}/",
        {"kind": "public", "body": "Hi June", "status_after": ""},
    )
    assert sent.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).custom_status_id == status.pk


def test_a_macro_kept_with_a_category_edits_as_its_default_status(world):  # noqa: F811
    lead = make_supervisor(name="Ruth Calloway")
    macro = macro_save(
        macro=None, data=MacroIn(name="Wait", body="b", set_status="pending"), actor=lead
    )
    client = Client()
    login_verified(client, lead)
    page = client.get(f"/agent/macros/{macro.pk}/").content.decode()
    default = CustomStatus.objects.get(category="pending", default=True)
    assert f'<option value="{default.pk}" selected>Pending customer</option>' in page


def test_the_api_sets_a_custom_status_after_a_reply(world, api):  # noqa: F811
    status = lab()
    ticket = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    client = api(world.agent)
    sent = client.post(
        f"/tickets/{ticket.pk}/messages",
        {"body": "Waiting for the lab.", "status_after": status.pk},
    )
    assert sent.status_code == 201, sent.content
    got = client.get(f"/tickets/{ticket.pk}").json()
    assert got["custom_status"] == {"id": status.pk, "name": "Awaiting lab results"}
    assert got["status"] == "pending"
    for bad in (99999, 0, "waiting"):
        refused = client.post(f"/tickets/{ticket.pk}/messages", {"body": "x", "status_after": bad})
        assert_problem(refused, 422, "status_after")
    status.active = False
    status.save()
    other = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    refused = client.post(f"/tickets/{other.pk}/messages", {"body": "x", "status_after": status.pk})
    assert_problem(refused, 422, "status_after")


def test_openapi_documents_status_after_as_a_category_or_an_id(world, api):  # noqa: F811
    schema = Client().get("/api/v1/openapi.json").json()
    prop = schema["components"]["schemas"]["MessageIn"]["properties"]["status_after"]
    kinds = {branch.get("type") for branch in prop["anyOf"]}
    assert {"string", "integer"} <= kinds
