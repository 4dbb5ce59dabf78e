"""Who an organization's account manager or a team's on-call post may name: people whose role
works tickets, decided by permissions, never by the admin-site flag."""

from __future__ import annotations

import pytest
from django.forms import modelform_factory

from caredesk.accounts.models import Organization, Team
from caredesk.accounts.roles import ROLE_COMPLIANCE
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _offered(model: type, field: str) -> set[int]:
    form = modelform_factory(model, fields=[field])()
    return set(form.fields[field].queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(("model", "field"), [(Organization, "account_manager"), (Team, "on_call")])
def test_only_people_who_work_tickets_are_offered(model: type, field: str) -> None:
    agent = AgentFactory()
    agent_without_admin_site = AgentFactory(is_staff=False)
    admin_site_only = UserFactory(is_staff=True)  # holds no role
    officer = AgentFactory(role=ROLE_COMPLIANCE)  # a desk role that works no ticket
    requester = UserFactory()

    offered = _offered(model, field)

    assert {agent.pk, agent_without_admin_site.pk} <= offered
    assert not offered & {admin_site_only.pk, officer.pk, requester.pk}
