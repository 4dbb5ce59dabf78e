"""@mentions in internal notes: who is told, how (in the desk, by mail when away), who is refused."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_COMPLIANCE
from caredesk.core.errors import ValidationFailed
from caredesk.core.models import DeskPresence, Notification, OutboxItem
from caredesk.core.presence import away_ids, presence_forget, presence_seen
from caredesk.tickets.models import Message, MessageKind
from caredesk.tickets.services import Body, follower_add, message_add
from tests.factories import AgentFactory, TeamFactory, make_ticket, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_recent_check_ins() -> None:
    presence_forget()


def _mails_to(address: str) -> list[OutboxItem]:
    return [o for o in OutboxItem.objects.filter(kind="email") if address in o.payload["to"]]


def _note(ticket, actor, text):  # type: ignore[no-untyped-def]
    return message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text=text), actor=actor)


def test_a_mentioned_colleague_who_is_away_is_notified_and_mailed(clock) -> None:  # type: ignore[no-untyped-def]
    team = TeamFactory()
    author = AgentFactory(name="Priya Natarajan", teams=[team])
    dana = AgentFactory(name="Dana Reyes", teams=[team])
    ticket = make_ticket(team=team)

    _note(ticket, author, "@Dana Reyes can you check the device log?")

    notice = Notification.objects.get(user=dana)
    assert notice.ticket_id == ticket.pk
    assert notice.text == f"Priya Natarajan mentioned you in an internal note on {ticket.ref}"
    [mail] = _mails_to(dana.email)
    assert ticket.ref in mail.payload["subject"]
    assert "device log" not in mail.payload["body"]  # the note stays behind the sign-in


def test_a_mentioned_colleague_at_their_desk_is_not_mailed(clock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CAREDESK_AWAY_MINUTES = 10
    team = TeamFactory()
    author = AgentFactory(teams=[team])
    dana = AgentFactory(name="Dana Reyes", teams=[team])
    ticket = make_ticket(team=team)
    presence_seen(user_id=dana.pk, active_at=clock.current)

    _note(ticket, author, "@Dana Reyes have a look")

    assert Notification.objects.filter(user=dana).count() == 1
    assert _mails_to(dana.email) == []


def test_away_means_no_open_desk_page_for_a_minute_or_idle_for_the_set_minutes(
    clock, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CAREDESK_AWAY_MINUTES = 10
    dana, sam = AgentFactory(), AgentFactory()
    presence_seen(user_id=dana.pk, active_at=clock.current)
    assert away_ids([dana.pk, sam.pk]) == {sam.pk}  # never seen: away

    clock.advance(minutes=2)  # the page stopped checking in (closed, asleep)
    assert away_ids([dana.pk]) == {dana.pk}

    presence_forget()
    presence_seen(user_id=dana.pk, active_at=clock.current - _minutes(11))  # open but idle
    assert away_ids([dana.pk]) == {dana.pk}
    settings.CAREDESK_AWAY_MINUTES = 15
    assert away_ids([dana.pk]) == set()
    assert DeskPresence.objects.count() == 1


def _minutes(n: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(minutes=n)


def test_mentioning_someone_who_cannot_see_the_ticket_is_refused_and_nothing_is_written(
    clock,
) -> None:  # type: ignore[no-untyped-def]
    tier1, engineering = TeamFactory(), TeamFactory()
    author = AgentFactory(teams=[tier1])
    AgentFactory(name="Omar Haddad", teams=[engineering])
    ticket = make_ticket(team=tier1)

    with pytest.raises(ValidationFailed) as refused:
        _note(ticket, author, "@Omar Haddad any idea?")

    assert "Omar Haddad cannot see this ticket" in refused.value.errors["body"][0]
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.INTERNAL).exists()
    assert not Notification.objects.exists()


def test_a_follower_a_supervisor_and_anyone_on_an_unteamed_ticket_may_be_mentioned(
    clock,
) -> None:  # type: ignore[no-untyped-def]
    tier1, engineering = TeamFactory(), TeamFactory()
    author = AgentFactory(teams=[tier1])
    omar = AgentFactory(name="Omar Haddad", teams=[engineering])
    lead = supervisor(name="Lee Warrick")
    ticket = make_ticket(team=tier1)
    follower_add(ticket=ticket, follower=omar, actor=author)

    _note(ticket, author, "@Omar Haddad and @Lee Warrick: thoughts?")

    assert set(Notification.objects.values_list("user_id", flat=True)) == {omar.pk, lead.pk}
    unteamed = make_ticket()
    _note(unteamed, author, "@Omar Haddad here too")
    assert Notification.objects.filter(user=omar).count() == 2


def test_people_who_work_no_ticket_are_not_mentionable_and_public_replies_mention_no_one(
    clock,
) -> None:  # type: ignore[no-untyped-def]
    author = AgentFactory()
    AgentFactory(name="Cora Officer", role=ROLE_COMPLIANCE)
    dana = AgentFactory(name="Dana Reyes")
    ticket = make_ticket()

    _note(ticket, author, "@Cora Officer is not an agent; ops@Dana Reyes is an address")
    message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="@Dana Reyes hi"), actor=author
    )
    _note(ticket, author, f"@{author.name} a note to myself")

    assert not Notification.objects.exists()
    assert dana.pk  # present but never told


def test_a_mention_is_pushed_to_the_open_desk_after_commit(
    clock, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from caredesk.core import notify

    pushed: list[tuple[list[int], dict]] = []
    saved = list(notify._pushers)
    notify._pushers[:] = [lambda ids, notice: pushed.append((ids, notice))]
    try:
        author, dana = AgentFactory(), AgentFactory(name="Dana Reyes")
        ticket = make_ticket()
        with django_capture_on_commit_callbacks(execute=True):
            _note(ticket, author, "@Dana Reyes see the log")
    finally:
        notify._pushers[:] = saved
    assert pushed == [
        (
            [dana.pk],
            {
                "text": f"{author.name} mentioned you in an internal note on {ticket.ref}",
                "url": f"/agent/tickets/{ticket.pk}/",
                "urgent": False,
            },
        )
    ]
