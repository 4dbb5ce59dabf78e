"""The on-call API: who is on call now and next, overrides, pages and their acknowledgement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from caredesk.accounts.services import token_create
from caredesk.oncall.models import Override, PageState
from caredesk.oncall.services import page_open
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/oncall"


def call(user, method: str, path: str, body=None):  # type: ignore[no-untyped-def]
    _token, secret = token_create(user=user, name="oncall")
    kwargs = {"headers": {"Authorization": f"Bearer {secret}"}}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(Client(), method)(f"{API}{path}", **kwargs)


def test_now_names_who_is_on_call_and_who_takes_over_when(clinical, clock):
    listed = call(clinical.primary, "get", "/schedules").json()
    assert {s["name"] for s in listed} == {"Liaisons", "Secondary"}
    now = call(clinical.primary, "get", f"/schedules/{clinical.schedule.pk}/now").json()
    assert now["on_call"] == {"id": clinical.primary.pk, "name": "Teodor Brannigan"}
    first = clinical.rotation[0]
    assert now["next"] == {"id": first.pk, "name": first.name}
    assert now["next_from"] == "2026-11-09T14:00:00Z"  # Monday 09:00 EST
    assert call(clinical.primary, "get", "/schedules/999999/now").status_code == 404


def test_a_lead_adds_and_removes_an_override_and_agents_may_not(clinical, clock):
    cover = AgentFactory(name="Wendeline Prusk", teams=[clinical.team])
    body = {
        "user_id": cover.pk,
        "start": "2026-11-02T15:00:00Z",
        "end": "2026-11-02T20:00:00Z",
        "reason": "appointment",
    }
    path = f"/schedules/{clinical.schedule.pk}/overrides"
    assert call(clinical.primary, "post", path, body).status_code == 403
    made = call(clinical.lead, "post", path, body)
    assert made.status_code == 201, made.content
    assert made.json()["user"]["name"] == "Wendeline Prusk"
    clock.advance(hours=2)
    now = call(clinical.lead, "get", f"/schedules/{clinical.schedule.pk}/now").json()
    assert now["on_call"]["id"] == cover.pk
    assert now["next"]["id"] == clinical.primary.pk and now["next_from"] == "2026-11-02T20:00:00Z"
    backwards = call(clinical.lead, "post", path, {**body, "end": "2026-11-02T14:00:00Z"})
    assert backwards.status_code == 422 and "end" in backwards.json()["errors"]
    naive = call(clinical.lead, "post", path, {**body, "start": "2026-11-02T15:00:00"})
    assert naive.status_code == 422
    override = Override.objects.get()
    assert call(clinical.lead, "delete", f"/overrides/{override.pk}").status_code == 204
    assert not Override.objects.exists()


def test_pages_list_their_times_and_are_acknowledged(clinical, clock, twilio_peer):
    page = page_open(team=clinical.team, text="Incident: e-prescribing down")
    clock.advance(seconds=75)
    acked = call(clinical.secondary, "post", f"/pages/{page.pk}/ack")
    assert acked.status_code == 200
    data = acked.json()
    assert data["state"] == PageState.ACKNOWLEDGED and data["seconds_to_ack"] == 75.0
    assert data["acknowledged_by"]["id"] == clinical.secondary.pk
    listed = call(clinical.primary, "get", "/pages?state=acknowledged").json()
    assert [p["code"] for p in listed] == [page.code]
    assert call(clinical.primary, "get", "/pages?state=bogus").status_code == 422
    again = call(clinical.primary, "post", f"/pages/{page.pk}/ack").json()
    assert again["acknowledged_by"]["id"] == clinical.secondary.pk, "the first one keeps it"
    assert timedelta(seconds=data["seconds_to_ack"]) == timedelta(seconds=75)
