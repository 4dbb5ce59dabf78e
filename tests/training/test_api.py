"""Training through the API: a gated ticket refused with the assignee's field error, a held
reply said to be held, exam questions without their answers, field errors for bad bodies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_SUPERVISOR
from caredesk.accounts.services import token_create
from caredesk.training.models import Certification, HeldReply
from tests.factories import AgentFactory, make_ticket
from tests.training.conftest import bank

pytestmark = pytest.mark.django_db
API = "/api/v1"


def call(user: Any, method: str, path: str, body: Any = None) -> Any:
    _token, secret = token_create(user=user, name="training test")
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(Client(), method)(f"{API}{path}", **kwargs)


def test_assigning_a_gated_ticket_to_an_uncertified_agent_is_a_field_error(clock, gated):
    ticket = make_ticket(category=gated["category"], team=gated["team"])
    refused = call(
        gated["novice"], "patch", f"/tickets/{ticket.pk}", {"assignee": gated["novice"].pk}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["assignee"] == [
        "Needs the Infusion pumps certification; Elio Marsh has none."
    ]
    taken = call(
        gated["certified"], "patch", f"/tickets/{ticket.pk}", {"assignee": gated["certified"].pk}
    )
    assert taken.status_code == 200


def test_a_held_reply_through_the_api_says_so_and_is_approved_there(clock, gated):
    ticket = make_ticket(category=gated["category"], team=gated["team"])
    held = call(gated["novice"], "post", f"/tickets/{ticket.pk}/messages", {"body": "Reseat it."})
    assert held.status_code == 201
    assert held.json()["held"] is True and held.json()["kind"] == "internal"
    row = HeldReply.objects.get()
    own = call(gated["novice"], "post", f"/training/held-replies/{row.pk}/send")
    assert own.status_code == 403
    empty = call(
        gated["certified"], "post", f"/training/held-replies/{row.pk}/return", {"note": ""}
    )
    assert empty.status_code == 422 and "note" in empty.json()["errors"]
    sent = call(gated["certified"], "post", f"/training/held-replies/{row.pk}/send")
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    again = call(gated["certified"], "post", f"/training/held-replies/{row.pk}/send")
    assert again.status_code == 409
    direct = call(gated["certified"], "post", f"/tickets/{ticket.pk}/messages", {"body": "Done."})
    assert direct.json()["held"] is False and direct.json()["kind"] == "public"


def test_exam_questions_come_without_answers_and_are_graded_on_submit(clock, gated, settings):
    settings.CAREDESK_TRAINING_SHADOWING_REQUIRED = 0
    bank(gated["skill"])
    started = call(gated["novice"], "post", f"/training/exams/{gated['skill'].pk}/attempts")
    assert started.status_code == 201
    body = started.json()
    assert len(body["questions"]) == 3
    assert all(set(q) == {"id", "text", "kind", "choices"} for q in body["questions"])
    answers = {str(q["id"]): [0] for q in body["questions"]}
    bad = call(
        gated["novice"], "post", f"/training/attempts/{body['id']}/submit", {"answers": {"x": "y"}}
    )
    assert bad.status_code == 422
    graded = call(
        gated["novice"], "post", f"/training/attempts/{body['id']}/submit", {"answers": answers}
    )
    assert graded.status_code == 200 and graded.json()["score"] == 100
    assert Certification.objects.filter(agent=gated["novice"]).exists()
    mine = call(gated["novice"], "get", "/training/me").json()
    assert [c["skill"] for c in mine["certifications"]] == ["Infusion pumps"]


def test_shadow_logs_refuse_bad_fields(clock, gated):
    bad = call(
        gated["novice"], "post", "/training/shadow-logs",
        {"skill_id": gated["skill"].pk, "ticket_ref": "CD-4", "occurred_on": "2026-11-01",
         "shadowed_id": gated["novice"].pk},
    )  # fmt: skip
    assert bad.status_code == 422 and "shadowed" in bad.json()["errors"]
    unknown = call(
        gated["novice"], "post", "/training/shadow-logs",
        {"skill_id": 999999, "ticket_ref": "CD-4", "occurred_on": "2026-11-01",
         "shadowed_id": gated["certified"].pk},
    )  # fmt: skip
    assert unknown.status_code == 422 and "skill_id" in unknown.json()["errors"]
    good = call(
        gated["novice"], "post", "/training/shadow-logs",
        {"skill_id": gated["skill"].pk, "ticket_ref": "CD-4", "occurred_on": "2026-11-01",
         "shadowed_id": gated["certified"].pk},
    )  # fmt: skip
    assert good.status_code == 201
    signed = call(gated["certified"], "post", f"/training/shadow-logs/{good.json()['id']}/sign-off")
    assert signed.status_code == 200 and signed.json()["signed_off_by_id"] == gated["certified"].pk


def test_leads_only_grant_certifications_and_need_a_reason(clock, gated):
    body = {"agent_id": gated["novice"].pk, "skill_id": gated["skill"].pk, "reason": ""}
    assert call(gated["certified"], "post", "/training/certifications", body).status_code == 403
    lead = AgentFactory(role=ROLE_SUPERVISOR)
    empty = call(lead, "post", "/training/certifications", body)
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    body["reason"] = "Vendor certificate on file"
    granted = call(lead, "post", "/training/certifications", body)
    assert granted.status_code == 201 and granted.json()["via"] == "lead"
    listed = call(lead, "get", "/training/certifications").json()
    assert {c["agent"] for c in listed} == {"Noor Hallberg", "Elio Marsh"}
