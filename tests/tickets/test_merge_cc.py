"""Merging tickets and people in copy: one conversation kept whole, the requester told, public
replies copied to the CCs (never notes), refusals that say why."""

from __future__ import annotations

import pytest

from caredesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caredesk.core.models import OutboxItem
from caredesk.core.outbox import outbox_deliver
from caredesk.tickets.models import EventKind, Message, MessageKind, Status, Ticket, TicketCC
from caredesk.tickets.services import Body, Upload, follower_add, message_add, ticket_update
from caredesk.tickets.services.bulk import selection_operations
from caredesk.tickets.services.ccs import cc_add, cc_remove
from caredesk.tickets.services.merge import ticket_merge, tickets_merge
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    make_ticket,
)
from tests.factories import supervisor as make_supervisor

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00pixels" * 40


@pytest.fixture
def team():
    return TeamFactory(name="Frontline", slug="frontline")


@pytest.fixture
def agent(team):
    return AgentFactory(name="Ines Marlow", teams=[team])


@pytest.fixture
def org():
    return OrganizationFactory(name="Northgate Health")


def mails() -> list[dict]:
    return [i.payload for i in OutboxItem.objects.filter(kind="email").order_by("id")]


def test_merging_moves_the_conversation_in_time_order_and_tells_the_requester(
    agent, team, org, clock
):
    first = ContactFactory(name="Odette Larkin", organization=org)
    second = ContactFactory(name="Bram Okafor", organization=org)
    target = make_ticket(requester=first, team=team, subject="Video visit froze")
    clock.advance(minutes=5)
    source = make_ticket(
        requester=second,
        team=team,
        subject="Same problem here",
        body="Our clinic's video froze too.",
        uploads=(Upload("screen.png", "image/png", PNG),),
    )
    clock.advance(minutes=5)
    message_add(ticket=target, kind=MessageKind.PUBLIC, body=Body(text="Looking."), actor=agent)
    other = AgentFactory(teams=[team])
    follower_add(ticket=source, follower=other, actor=other)
    ticket_update(ticket=source, changes={"tags": ["video"]}, actor=agent)
    cc_add(ticket=source, email="nurse.lead@northgate.example", actor=agent)
    OutboxItem.objects.all().delete()

    merged = ticket_merge(source=source, into=target, actor=agent)

    assert merged.pk == target.pk
    source.refresh_from_db()
    assert source.merged_into_id == target.pk and source.status == Status.CLOSED
    assert not source.is_open and source.closed_at is not None
    thread = list(Message.objects.filter(ticket=target).order_by("created_at", "id"))
    texts = [m.body_text for m in thread]
    # the source's first message sits between the target's own, by its time
    assert texts.index("Our clinic's video froze too.") < texts.index("Looking.")
    moved = [m for m in thread if m.merged_from_id == source.pk]
    assert len(moved) == 2  # its first message and the notice to its requester
    assert target.attachments.get().filename == "screen.png"
    assert set(target.followers.all()) >= {other}
    assert list(target.tags.values_list("name", flat=True)) == ["video"]
    assert set(TicketCC.objects.filter(ticket=target).values_list("email", flat=True)) == {
        second.email,
        "nurse.lead@northgate.example",
    }
    assert source.events.filter(kind=EventKind.MERGED_INTO, data__into=target.pk).exists()
    assert target.events.filter(kind=EventKind.MERGED_IN, data__source=source.pk).exists()
    (notice,) = mails()
    assert notice["to"] == [second.email]
    assert notice["cc"] == ["nurse.lead@northgate.example"]
    assert f"{source.ref} was joined with {target.ref}" in notice["body"]


def test_a_reply_after_the_merge_reaches_the_source_requester_in_copy(agent, team, org, smtp):
    target = make_ticket(requester=ContactFactory(organization=org), team=team)
    source_requester = ContactFactory(organization=org)
    source = make_ticket(requester=source_requester, team=team)
    ticket_merge(source=source, into=target, actor=agent)
    OutboxItem.objects.all().delete()
    message_add(ticket=target, kind=MessageKind.INTERNAL, body=Body(text="Note."), actor=agent)
    assert mails() == []  # notes are never mailed, to anyone
    message_add(ticket=target, kind=MessageKind.PUBLIC, body=Body(text="Fixed."), actor=agent)
    assert outbox_deliver() == 1
    (_, recipients, _raw) = smtp.messages[0]
    assert set(recipients) == {target.requester.email, source_requester.email}
    (sent,) = smtp.parsed()
    assert sent["Cc"] == source_requester.email


@pytest.mark.parametrize("case", ["itself", "closed target", "other organization", "merged"])
def test_merges_that_cannot_be_are_refused_with_a_reason(agent, team, org, case):
    target = make_ticket(requester=ContactFactory(organization=org), team=team)
    source = make_ticket(requester=ContactFactory(organization=org), team=team)
    if case == "itself":
        with pytest.raises(ValidationFailed) as err:
            ticket_merge(source=source, into=source, actor=agent)
        assert err.value.errors["into"] == ["A ticket cannot be merged into itself."]
        return
    if case == "closed target":
        ticket_update(ticket=target, changes={"status": Status.CLOSED}, actor=agent)
        expected = "is closed: merge into an open ticket"
    elif case == "other organization":
        source = make_ticket(requester=ContactFactory(), team=team)
        expected = "belong to different organizations"
    else:
        third = make_ticket(requester=ContactFactory(organization=org), team=team)
        ticket_merge(source=source, into=third, actor=agent)
        source.refresh_from_db()
        expected = "is already merged into another ticket"
    with pytest.raises(Conflict) as err:
        ticket_merge(source=source, into=target, actor=agent)
    assert expected in err.value.errors["into"][0]
    assert not Ticket.objects.filter(pk=target.pk, merged_from__isnull=False).exists()


def test_merging_into_a_merged_ticket_follows_to_where_it_continues(agent, team, org):
    final = make_ticket(requester=ContactFactory(organization=org), team=team)
    middle = make_ticket(requester=ContactFactory(organization=org), team=team)
    ticket_merge(source=middle, into=final, actor=agent)
    late = make_ticket(requester=ContactFactory(organization=org), team=team)
    assert ticket_merge(source=late, into=middle, actor=agent).pk == final.pk
    late.refresh_from_db()
    assert late.merged_into_id == final.pk


def test_tickets_the_actor_cannot_see_or_merge_are_refused(agent, team, org):
    hidden = make_ticket(requester=ContactFactory(organization=org), team=TeamFactory())
    mine = make_ticket(requester=ContactFactory(organization=org), team=team)
    with pytest.raises(NotFound):
        ticket_merge(source=mine, into=hidden, actor=agent)
    with pytest.raises(NotFound):
        ticket_merge(source=hidden, into=mine, actor=agent)
    requester_user = UserFactory()
    with pytest.raises(PermissionDenied):
        ticket_merge(source=mine, into=mine, actor=requester_user)


def test_the_selection_is_merged_into_the_chosen_ticket_refusals_apart(agent, team, org):
    target = make_ticket(requester=ContactFactory(organization=org), team=team)
    a = make_ticket(requester=ContactFactory(organization=org), team=team)
    foreign = make_ticket(requester=ContactFactory(), team=team)
    hidden = make_ticket(team=TeamFactory())
    run = selection_operations.get("merge").run
    results = run(ticket_ids=[a.pk, target.pk, foreign.pk, hidden.pk], into=target.pk, actor=agent)
    outcome = {r.ticket_id: r.outcome for r in results}
    assert outcome == {a.pk: "changed", foreign.pk: "refused", hidden.pk: "refused"}
    assert Ticket.objects.get(pk=a.pk).merged_into_id == target.pk
    assert Ticket.objects.get(pk=foreign.pk).merged_into_id is None
    with pytest.raises(ValidationFailed):
        tickets_merge(ticket_ids=[], into=target.pk, actor=agent)


def test_a_supervisor_sees_the_merge_in_both_histories(team, org):
    boss = make_supervisor()
    target = make_ticket(requester=ContactFactory(organization=org), team=team)
    source = make_ticket(requester=ContactFactory(organization=org), team=team)
    ticket_merge(source=source, into=target, actor=boss)
    event = source.events.get(kind=EventKind.MERGED_INTO)
    assert event.actor_user == boss and event.data["ref"] == target.ref


def test_ccs_are_validated_limited_and_recorded(agent, team):
    ticket = make_ticket(team=team)
    with pytest.raises(ValidationFailed) as err:
        cc_add(ticket=ticket, email="not an address", actor=agent)
    assert "valid email" in err.value.errors["email"][0]
    with pytest.raises(ValidationFailed) as err:
        cc_add(ticket=ticket, email=ticket.requester.email, actor=agent)
    assert err.value.errors["email"] == ["This is the requester's own address."]
    cc = cc_add(ticket=ticket, email=" Carer@Family.Example ", name="Ruth", actor=agent)
    assert (cc.email, cc.name, cc.added_by_user) == ("carer@family.example", "Ruth", agent)
    assert cc_add(ticket=ticket, email="carer@family.example", actor=agent).pk == cc.pk
    for n in range(19):
        cc_add(ticket=ticket, email=f"p{n}@family.example", actor=agent)
    with pytest.raises(ValidationFailed) as err:
        cc_add(ticket=ticket, email="one.more@family.example", actor=agent)
    assert "at most 20" in err.value.errors["email"][0]
    cc_remove(ticket=ticket, email="carer@family.example", actor=agent)
    kinds = list(ticket.events.filter(kind__startswith="cc_").values_list("kind", flat=True))
    assert kinds.count(EventKind.CC_ADDED) == 20 and kinds[-1] == EventKind.CC_REMOVED


def test_a_cc_gets_the_public_reply_and_nothing_of_a_note(agent, team, clock):
    ticket = make_ticket(team=team)
    cc_add(ticket=ticket, email="carer@family.example", actor=ticket.requester)
    OutboxItem.objects.all().delete()
    clock.advance(minutes=1)
    message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="PHI."), actor=agent)
    assert mails() == []
    clock.advance(minutes=1)
    message_add(ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Done."), actor=agent)
    (sent,) = mails()
    assert sent["to"] == [ticket.requester.email] and sent["cc"] == ["carer@family.example"]


def test_the_merged_words_are_found_on_the_ticket_merged_into(agent, team, org):
    from caredesk.tickets import search

    target = make_ticket(requester=ContactFactory(organization=org), team=team)
    source = make_ticket(
        requester=ContactFactory(organization=org), team=team, body="The otoscope flickers."
    )
    ticket_merge(source=source, into=target, actor=agent)
    page = search.ticket_search(user=agent, filters=search.SearchFilters(q="otoscope"))
    assert target.pk in [h.ticket.pk for h in page.hits]


def test_a_merge_costs_the_same_queries_however_long_the_conversation(agent, team, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(replies: int) -> int:
        target = make_ticket(requester=ContactFactory(organization=org), team=team)
        source = make_ticket(requester=ContactFactory(organization=org), team=team)
        for n in range(replies):
            message_add(
                ticket=source, kind=MessageKind.PUBLIC, body=Body(text=f"Reply {n}"), actor=agent
            )
        with CaptureQueriesContext(connection) as queries:
            ticket_merge(source=source, into=target, actor=agent)
        return len(queries)

    assert cost(1) == cost(25)
