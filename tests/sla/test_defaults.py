"""Shipped service levels on a fresh install, and the upgrade of an installation that has them."""

from __future__ import annotations

import pytest

from caredesk.sla.defaults import SHIPPED_NAMES, clinical_defaults
from caredesk.sla.models import Calendar, Metric, SlaPolicy, SlaTarget

pytestmark = pytest.mark.django_db


def test_fresh_install_counts_level_one_and_flagged_tickets_around_the_clock():
    assert set(SlaPolicy.objects.values_list("name", flat=True)) == set(SHIPPED_NAMES)
    for policy in SlaPolicy.objects.select_related("clinical_calendar"):
        assert policy.clinical_calendar is not None and policy.clinical_calendar.always_open
        level_one = SlaTarget.objects.filter(policy=policy, priority=1).select_related("calendar")
        assert {t.metric for t in level_one} == set(Metric.values)
        assert all(t.calendar.always_open for t in level_one), policy.name
        first = level_one.get(metric=Metric.FIRST_RESPONSE)
        assert first.minutes == 60, f"{policy.name}: a critical report is answered in an hour"
    basic = SlaPolicy.objects.get(name=SHIPPED_NAMES[1])
    assert SlaTarget.objects.get(policy=basic, priority=2, metric="first_response").minutes == 2880


def test_upgrade_leaves_what_an_admin_changed_alone():
    business = Calendar.objects.get(name__startswith="Business hours")
    clinic = Calendar.objects.create(
        name="Clinic hours", timezone="Europe/Berlin", weekly_hours={"0": [["07:00", "19:00"]]}
    )
    standard = SlaPolicy.objects.get(name=SHIPPED_NAMES[2])
    SlaTarget.objects.filter(policy=standard, priority=1).update(calendar=clinic)
    basic = SlaPolicy.objects.get(name=SHIPPED_NAMES[1])
    SlaTarget.objects.filter(policy=basic, priority=1).update(calendar=business)
    SlaTarget.objects.filter(policy=basic, priority=1, metric="first_response").update(minutes=90)
    SlaPolicy.objects.update(clinical_calendar=None)
    custom = SlaPolicy.objects.create(name="Night clinic", position=5)
    SlaTarget.objects.create(
        policy=custom, priority=1, metric="first_response", minutes=90, calendar=business
    )

    clinical_defaults(Calendar, SlaPolicy, SlaTarget)

    assert {t.calendar for t in SlaTarget.objects.filter(policy=standard, priority=1)} == {clinic}
    basic_first = SlaTarget.objects.get(policy=basic, priority=1, metric="first_response")
    assert basic_first.calendar.always_open, "the shipped business calendar is upgraded"
    assert basic_first.minutes == 90, "the admin's own target time stays"
    assert SlaTarget.objects.get(policy=custom).calendar == business
    assert all(p.clinical_calendar.always_open for p in SlaPolicy.objects.all())
