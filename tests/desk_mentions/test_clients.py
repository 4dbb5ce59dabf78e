"""The account manager's desk: "My clients", and notices when a client's ticket is solved or late."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.core.models import Notification, OutboxItem
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import Status
from caredesk.tickets.services import ticket_update
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    login_verified,
    make_ticket,
)

pytestmark = pytest.mark.django_db


def _mails_to(address: str) -> list[OutboxItem]:
    return [o for o in OutboxItem.objects.filter(kind="email") if address in o.payload["to"]]


def test_my_clients_lists_the_managed_organizations_open_tickets(clock) -> None:  # type: ignore[no-untyped-def]
    manager = AgentFactory(name="Ines Albrecht")
    client_org = OrganizationFactory(name="Harbourview Health", account_manager=manager)
    mine = make_ticket(requester=ContactFactory(organization=client_org))
    make_ticket()  # another organization's
    solved = make_ticket(requester=ContactFactory(organization=client_org))
    ticket_update(ticket=solved, changes={"status": Status.SOLVED}, actor=manager)
    desk = Client()
    login_verified(desk, manager)

    page = desk.get("/agent/?queue=clients")

    assert page.context["queue_label"] == "My clients"
    assert [t.pk for t in page.context["page"].items] == [mine.pk]
    assert ("clients", "My clients", 1) in page.context["queues"]


def test_my_clients_is_not_in_the_sidebar_of_someone_who_manages_no_client(clock) -> None:  # type: ignore[no-untyped-def]
    desk = Client()
    login_verified(desk, AgentFactory())
    page = desk.get("/agent/")
    assert "clients" not in [k for k, _label, _n in page.context["queues"]]


def test_the_account_manager_is_told_when_a_clients_ticket_is_solved(clock) -> None:  # type: ignore[no-untyped-def]
    manager, agent = AgentFactory(), AgentFactory()
    org = OrganizationFactory(name="Harbourview Health", account_manager=manager)
    ticket = make_ticket(requester=ContactFactory(organization=org))

    ticket_update(ticket=ticket, changes={"status": Status.PENDING}, actor=agent)
    assert not Notification.objects.filter(user=manager).exists()
    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)

    notice = Notification.objects.get(user=manager)
    assert notice.text == f"Your client Harbourview Health: {ticket.ref} is solved"
    assert len(_mails_to(manager.email)) == 1


def test_the_account_manager_is_told_when_a_clients_ticket_runs_late(clock) -> None:  # type: ignore[no-untyped-def]
    manager = AgentFactory()
    org = OrganizationFactory(name="Harbourview Health", account_manager=manager)
    ticket = make_ticket(requester=ContactFactory(organization=org), priority=1, team=TeamFactory())
    other = make_ticket(priority=1)  # no account manager: nobody to tell

    clock.advance(days=10)  # every clock of both tickets is long past due
    sla_tick(now=clock.current)

    notices = list(Notification.objects.filter(user=manager))
    assert notices, "the breach reached the account manager"
    assert all(n.ticket_id == ticket.pk for n in notices)
    assert any("is late (its first response time passed)" in n.text for n in notices)
    assert _mails_to(manager.email)
    assert not Notification.objects.filter(ticket=other).exists()
