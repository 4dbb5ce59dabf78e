"""@mentions in internal notes: who a note names, refused when they may not see the ticket, and
told (in the desk at once; by mail when away from it) once the note is written."""

from __future__ import annotations

from caredesk.accounts.capabilities import assignable_users
from caredesk.accounts.models import User
from caredesk.core.errors import ValidationFailed
from caredesk.core.notify import notify
from caredesk.tickets.mentions import mentions_find
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.selectors import mentionable_people
from caredesk.tickets.services.events import Actor


def mentions_check(*, ticket: Ticket, kind: str, text: str, actor: Actor) -> list[User]:
    """The people a note by an agent mentions; raise if one of them may not see the ticket."""
    if kind != MessageKind.INTERNAL or not isinstance(actor, User) or "@" not in text:
        return []
    names = dict(assignable_users().values_list("pk", "name"))
    mentioned = mentions_find(text, names)
    if not mentioned:
        return []
    allowed = set(mentionable_people(ticket).filter(pk__in=mentioned).values_list("pk", flat=True))
    refused = [names[pk] for pk in mentioned if pk not in allowed]
    if refused:
        who = ", ".join(refused)
        raise ValidationFailed(
            "The note mentions someone who cannot see this ticket.",
            errors={
                "body": [
                    f"{who} cannot see this ticket, so the note cannot mention "
                    f"{'them' if len(refused) > 1 else 'this person'}. Remove the mention, or "
                    "have them follow the ticket (or give it to their team) first."
                ]
            },
        )
    people = {u.pk: u for u in User.objects.filter(pk__in=mentioned)}
    return [people[pk] for pk in mentioned if pk in people and pk != actor.pk]


def mentions_notify(*, ticket: Ticket, message: Message, people: list[User]) -> None:
    """Tell the mentioned people (same transaction; pushed and mailed after commit)."""
    if not people:
        return
    author = message.author_user.name if message.author_user else "Someone"
    notify(
        users=people,
        text=f"{author} mentioned you in an internal note on {ticket.ref}",
        ticket=ticket,
        mail_when_away=True,
    )
