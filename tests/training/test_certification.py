"""Shadowing, exams and certifications: the count gate, grading on the server, attempts and
cool-down, 12-month expiry with its warning, a lead's grant, and forced recertification when a
product model gets a new firmware version."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.accounts.roles import ROLE_SUPERVISOR
from caredesk.compliance.models import AuditEntry
from caredesk.core import clock as clock_module
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.core.models import Notification
from caredesk.core.products import firmware_changed
from caredesk.training import pure, selectors
from caredesk.training.models import Certification, ShadowLog
from caredesk.training.services import (
    certification_grant,
    certifications_warn,
    exam_start,
    exam_submit,
    shadow_log_add,
    shadow_sign_off,
)
from tests.factories import AgentFactory
from tests.training.conftest import bank

pytestmark = pytest.mark.django_db


def shadow(gated, n: int) -> None:
    """n interactions the novice shadowed, signed off by the certified agent."""
    for i in range(n):
        log = shadow_log_add(
            agent=gated["novice"],
            skill=gated["skill"],
            ticket_ref=f"CD-{100 + i}",
            occurred_on=clock_module.now().date(),
            shadowed=gated["certified"],
        )
        shadow_sign_off(log=log, actor=gated["certified"])


def answers(attempt, right: int) -> dict[str, list[int]]:
    """The first `right` questions answered right (choice 0), the rest wrong."""
    return {str(q): [0 if i < right else 1] for i, q in enumerate(attempt.question_ids)}


def test_draw_is_reproducible_per_seed():
    ids = list(range(1, 40))
    assert pure.draw(ids, 10, 7) == pure.draw(list(reversed(ids)), 10, 7)
    assert len(set(pure.draw(ids, 10, 7))) == 10
    assert pure.draw(ids, 10, 7) != pure.draw(ids, 10, 8)


def test_grade_counts_exact_answers_only():
    keys = [pure.Key(1, frozenset({0})), pure.Key(2, frozenset({0, 2}))]
    assert pure.grade(keys, {"1": [0], "2": [0, 2]}) == 100
    assert pure.grade(keys, {"1": [0], "2": [0]}) == 50  # half a multiple choice is wrong
    assert pure.grade(keys, {}) == 0


def test_twelve_months_is_calendar_months():
    from datetime import UTC, datetime

    assert pure.expires(datetime(2026, 2, 28, tzinfo=UTC), 12) == datetime(2027, 2, 28, tzinfo=UTC)
    assert pure.expires(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2027, 2, 28, tzinfo=UTC)


def test_the_exam_stays_closed_until_twenty_shadowed_interactions_are_signed_off(
    clock, gated, settings
):
    bank(gated["skill"])
    shadow(gated, 19)
    with pytest.raises(Conflict) as closed:
        exam_start(agent=gated["novice"], skill=gated["skill"])
    assert "19 signed off" in closed.value.errors["skill"][0]
    unsigned = shadow_log_add(
        agent=gated["novice"], skill=gated["skill"], ticket_ref="CD-999",
        occurred_on=clock_module.now().date(), shadowed=gated["certified"],
    )  # fmt: skip
    with pytest.raises(Conflict):  # not signed off yet: does not count
        exam_start(agent=gated["novice"], skill=gated["skill"])
    shadow_sign_off(log=unsigned, actor=gated["certified"])
    assert exam_start(agent=gated["novice"], skill=gated["skill"]).number == 1


def test_only_a_certified_agent_or_lead_signs_off_and_never_oneself(clock, gated):
    log = shadow_log_add(
        agent=gated["novice"], skill=gated["skill"], ticket_ref="CD-1",
        occurred_on=clock_module.now().date(), shadowed=gated["certified"],
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        shadow_sign_off(log=log, actor=gated["novice"])
    with pytest.raises(PermissionDenied):
        shadow_sign_off(log=log, actor=AgentFactory())  # not certified
    shadow_sign_off(log=log, actor=AgentFactory(role=ROLE_SUPERVISOR))
    assert ShadowLog.objects.get(pk=log.pk).signed_off_at is not None


def test_shadowing_must_name_a_certified_agent_and_a_past_date(clock, gated):
    with pytest.raises(ValidationFailed) as bad:
        shadow_log_add(
            agent=gated["novice"], skill=gated["skill"], ticket_ref=" ",
            occurred_on=clock.current.date() + timedelta(days=2), shadowed=AgentFactory(name="Ola Brink"),
        )  # fmt: skip
    assert set(bad.value.errors) == {"ticket_ref", "occurred_on", "shadowed"}
    assert "Ola Brink holds no current Infusion pumps" in bad.value.errors["shadowed"][0]


def test_passing_the_exam_certifies_for_twelve_months(clock, gated, settings):
    settings.CAREDESK_TRAINING_SHADOWING_REQUIRED = 2
    bank(gated["skill"])
    shadow(gated, 2)
    attempt = exam_start(agent=gated["novice"], skill=gated["skill"])
    assert len(attempt.question_ids) == 3  # questions_per_exam, drawn from five
    done = exam_submit(attempt=attempt, answers=answers(attempt, 3), actor=gated["novice"])
    assert done.score == 100 and done.passed
    cert = Certification.objects.get(agent=gated["novice"], skill=gated["skill"])
    assert cert.expires_at == pure.expires(clock.current, 12)
    assert selectors.certified(gated["novice"], gated["skill"])
    clock.advance(days=366)
    assert not selectors.certified(gated["novice"], gated["skill"])


def test_a_failed_attempt_waits_for_the_cool_down_and_attempts_run_out(clock, gated, settings):
    settings.CAREDESK_TRAINING_SHADOWING_REQUIRED = 0
    gated["skill"].attempts_limit, gated["skill"].cooldown_hours = 2, 24
    gated["skill"].save()
    bank(gated["skill"])
    first = exam_start(agent=gated["novice"], skill=gated["skill"])
    graded = exam_submit(attempt=first, answers=answers(first, 1), actor=gated["novice"])
    assert graded.score == 33 and graded.passed is False
    assert not Certification.objects.filter(agent=gated["novice"]).exists()
    clock.advance(hours=23)
    with pytest.raises(Conflict) as waiting:
        exam_start(agent=gated["novice"], skill=gated["skill"])
    assert "next attempt opens" in waiting.value.detail
    clock.advance(hours=1)
    second = exam_start(agent=gated["novice"], skill=gated["skill"])
    exam_submit(attempt=second, answers=answers(second, 0), actor=gated["novice"])
    clock.advance(days=3)
    with pytest.raises(Conflict) as used:
        exam_start(agent=gated["novice"], skill=gated["skill"])
    assert "All 2 attempts are used" in used.value.detail


def test_an_attempt_is_graded_once_and_only_for_its_questions(clock, gated, settings):
    settings.CAREDESK_TRAINING_SHADOWING_REQUIRED = 0
    bank(gated["skill"])
    attempt = exam_start(agent=gated["novice"], skill=gated["skill"])
    with pytest.raises(ValidationFailed) as bad:
        exam_submit(attempt=attempt, answers={"999999": [0]}, actor=gated["novice"])
    assert "answers" in bad.value.errors
    with pytest.raises(PermissionDenied):
        exam_submit(attempt=attempt, answers={}, actor=gated["certified"])
    exam_submit(attempt=attempt, answers={}, actor=gated["novice"])
    with pytest.raises(Conflict):
        exam_submit(attempt=attempt, answers={}, actor=gated["novice"])


def test_expiry_is_warned_thirty_days_ahead_once(clock, gated):
    clock.advance(days=334)
    assert certifications_warn() == 0
    clock.advance(days=2)  # 29 days left
    assert certifications_warn() == 1
    assert certifications_warn() == 0
    note = Notification.objects.get(user=gated["certified"])
    assert "Infusion pumps certification expires on" in note.text


def test_a_lead_grants_with_a_reason_and_it_is_audited(clock, gated):
    lead = AgentFactory(role=ROLE_SUPERVISOR)
    with pytest.raises(ValidationFailed) as bad:
        certification_grant(agent=gated["novice"], skill=gated["skill"], reason=" ", actor=lead)
    assert "reason" in bad.value.errors
    with pytest.raises(PermissionDenied):
        certification_grant(
            agent=gated["novice"], skill=gated["skill"], reason="x", actor=gated["certified"]
        )
    certification_grant(
        agent=gated["novice"], skill=gated["skill"], reason="Certified at the vendor", actor=lead
    )
    assert selectors.certified(gated["novice"], gated["skill"])
    entry = AuditEntry.objects.filter(object_type="certification").latest("pk")
    assert entry.reason == "Certified at the vendor" and entry.actor_id == lead.pk


def test_new_firmware_forces_recertification_after_the_grace_period(clock, gated, settings):
    settings.CAREDESK_TRAINING_FIRMWARE_GRACE_DAYS = 30
    firmware_changed(sku="IP-7", version="4.2")
    cert = Certification.objects.get(agent=gated["certified"])
    assert cert.recertify_by == clock.current + timedelta(days=30)
    assert "Firmware 4.2 of IP-7" in cert.recertify_reason
    firmware_changed(sku="OTHER", version="1.0")  # another model: nothing
    clock.advance(days=29)
    assert selectors.certified(gated["certified"], gated["skill"])
    clock.advance(days=2)
    assert not selectors.certified(gated["certified"], gated["skill"])
    gap = selectors.certification_gap(gated["certified"], selectors.gates()[gated["category"].pk])
    assert "recertification was due on" in gap


def test_the_devices_firmware_change_reaches_training(clock, gated):
    from caredesk.devices.models import Asset, ProductClass, ProductModel
    from caredesk.devices.services import asset_update

    kind = ProductClass.objects.create(name="Pumps", warranty_months=24)
    model = ProductModel.objects.create(name="Infusion 7", sku="IP-7", product_class=kind)
    now = clock.current
    unit = Asset.objects.create(
        product_model=model, serial="IP7-1", firmware="4.1", created_at=now, updated_at=now
    )
    asset_update(asset=unit, changes={"firmware": "4.2"}, actor=None)
    cert = Certification.objects.get(agent=gated["certified"])
    assert cert.recertify_by is not None
    # the same version on another unit changes nothing more
    cert.recertify_by = None
    cert.save()
    other = Asset.objects.create(
        product_model=model, serial="IP7-2", firmware="4.1", created_at=now, updated_at=now
    )
    asset_update(asset=other, changes={"firmware": "4.2"}, actor=None)
    assert Certification.objects.get(pk=cert.pk).recertify_by is None
