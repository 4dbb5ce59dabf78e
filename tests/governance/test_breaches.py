"""Data breaches: recording one starts the GDPR and HIPAA clocks as tasks with letter drafts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.core.errors import ValidationFailed
from caredesk.governance.models import Breach, BreachStatus, BreachTask
from caredesk.governance.pure import breach_deadlines
from caredesk.governance.selectors import breach_alerts
from caredesk.governance.services.breaches import NewBreach, breach_record, breach_task_done
from tests.factories import AgentFactory, OrganizationFactory, login_verified

pytestmark = pytest.mark.django_db

FOUND = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def _due(people: int) -> dict[str, datetime]:
    return {d.kind: d.due_at for d in breach_deadlines(discovered_at=FOUND, people_affected=people)}


def test_gdpr_authority_is_due_72_hours_after_discovery():
    assert _due(10)["gdpr_authority"] == datetime(2026, 3, 13, 9, 30, tzinfo=UTC)


def test_hipaa_individuals_are_due_within_60_days():
    assert _due(10)["hipaa_individuals"] == FOUND + timedelta(days=60)


def test_small_breach_goes_to_hhs_within_60_days_of_the_years_end_and_not_to_the_media():
    due = _due(499)
    assert due["hipaa_hhs"] == datetime(2027, 3, 2, tzinfo=UTC)  # by the end of 1 March 2027
    assert "hipaa_media" not in due


def test_large_breach_goes_to_hhs_and_the_media_within_60_days():
    due = _due(500)
    assert due["hipaa_hhs"] == due["hipaa_media"] == FOUND + timedelta(days=60)


@pytest.fixture
def officer(clock):
    clock.set(FOUND + timedelta(hours=2))
    return AgentFactory(role=ROLE_ADMIN)


def _record(officer, people=1200):
    org = OrganizationFactory()
    data = NewBreach(
        title="Lost laptop",
        description="A laptop with exported tickets was left on a train.",
        discovered_at=FOUND,
        people_affected=people,
        organizations=(org,),
    )
    return breach_record(data=data, actor=officer)


def test_recording_a_breach_creates_its_tasks_and_is_audited(officer):
    breach = _record(officer)
    kinds = set(breach.tasks.values_list("kind", flat=True))
    assert kinds == {"gdpr_authority", "hipaa_individuals", "hipaa_hhs", "hipaa_media"}
    entry = AuditEntry.objects.get(action=AuditAction.BREACH_RECORDED)
    assert entry.object_id == str(breach.pk) and entry.actor_id == officer.pk


def test_a_breach_needs_its_facts(officer):
    with pytest.raises(ValidationFailed) as caught:
        breach_record(
            data=NewBreach(
                title=" ",
                description="",
                discovered_at=FOUND + timedelta(days=1),
                people_affected=-1,
            ),
            actor=officer,
        )
    assert set(caught.value.errors) == {
        "title",
        "description",
        "discovered_at",
        "people_affected",
    }
    assert not Breach.objects.exists()


def test_tasks_near_or_past_due_are_alerts_most_urgent_first(officer, clock):
    _record(officer)
    assert [a.task.kind for a in breach_alerts()] == []  # 70 hours left on the GDPR clock
    clock.set(FOUND + timedelta(hours=50))
    [alert] = breach_alerts()
    assert alert.task.kind == "gdpr_authority" and not alert.overdue
    clock.set(FOUND + timedelta(hours=73))
    assert breach_alerts()[0].overdue


def test_marking_tasks_done_records_who_and_when_and_closes_the_breach(officer, clock):
    breach = _record(officer, people=3)
    tasks = list(breach.tasks.all())
    for task in tasks:
        breach_task_done(task=task, actor=officer, note="Sent by registered post")
    done = BreachTask.objects.get(pk=tasks[0].pk)
    assert done.done_by == officer and done.done_at == clock.current
    breach.refresh_from_db()
    assert breach.status == BreachStatus.CLOSED
    assert AuditEntry.objects.filter(action=AuditAction.BREACH_TASK_DONE).count() == len(tasks)
    with pytest.raises(ValidationFailed):
        breach_task_done(task=done, actor=officer)


def test_the_breach_screens_record_show_letters_and_mark_done(officer, clock, long_sessions):
    client = Client()
    login_verified(client, officer)
    org = OrganizationFactory(name="Harrowgate Clinic")
    bad = client.post("/agent/governance/breaches/", {"title": "", "people_affected": "x"})
    assert bad.status_code == 422 and "error-text" in bad.content.decode()
    sent = client.post(
        "/agent/governance/breaches/",
        {
            "title": "Misdirected mail <script>alert(1)</script>",
            "description": "Replies went to the wrong clinic.",
            "discovered_at": "2026-03-10T09:30",
            "people_affected": "12",
            "organizations": [org.pk],
        },
    )
    assert sent.status_code == 302
    breach = Breach.objects.get()
    clock.set(FOUND + timedelta(hours=80))
    html = client.get(sent["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Overdue" in html and "Breach notifications due" in html
    assert "Article 33 GDPR" in html and "Harrowgate Clinic" in html
    task = breach.tasks.get(kind="gdpr_authority")
    client.post(f"/agent/governance/breaches/tasks/{task.pk}/done/", {"note": "Ref 55-1"})
    task.refresh_from_db()
    assert task.done_by == officer and task.note == "Ref 55-1"
    listing = client.get("/agent/governance/breaches/").content.decode()
    assert "1 of 3" in listing


def test_agents_do_not_see_breaches(clock):
    client = Client()
    login_verified(client, AgentFactory())
    assert client.get("/agent/governance/breaches/").status_code == 403


def test_the_desk_top_bar_counts_notifications_due_for_those_who_handle_breaches(
    officer, clock, long_sessions
):
    _record(officer)
    client = Client()
    login_verified(client, officer)
    assert "breach notification" not in client.get("/agent/").content.decode()
    clock.set(FOUND + timedelta(hours=60))
    html = client.get("/agent/").content.decode()
    assert 'aria-label="1 breach notification due"' in html
    agent = Client()
    login_verified(agent, AgentFactory())
    assert "breach notification" not in agent.get("/agent/").content.decode()
