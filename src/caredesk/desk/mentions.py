"""The note box's @mention list: the people who may see the ticket whose names match what is
typed after the `@` (an htmx-free fragment the note box's script places in its listbox)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import User
from caredesk.accounts.sessions import SEEN
from caredesk.core.access import guard
from caredesk.core.errors import NotFound
from caredesk.core.models import Notification
from caredesk.core.presence import presence_seen
from caredesk.tickets import selectors

MAX_SHOWN = 8


@guard(works_tickets)
def mention_options(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        ticket = selectors.ticket_get(user=user, pk=pk)
    except NotFound:
        raise Http404("No such ticket") from None
    typed = request.GET.get("q", "")[:60].strip()
    people = selectors.mentionable_people(ticket).exclude(pk=user.pk)
    if typed:
        people = people.filter(name__icontains=typed)
    shown = list(people.only("pk", "name", "email")[:MAX_SHOWN])
    return render(
        request, "desk/_mention_options.html", {"people": shown, "typed": typed, "ticket": ticket}
    )


TOASTS_SHOWN = 3


def live_notices(request: HttpRequest, user: User) -> dict[str, object]:
    """For the desk's background check-in: record that the person's desk is open (and when they
    last did something), and the notifications that arrived since the page's last check-in
    (`after`, the newest id it has seen), shown once in the page's live region."""
    seen = request.session.get(SEEN)
    active = datetime.fromtimestamp(float(seen), tz=UTC) if seen else None
    presence_seen(user_id=user.pk, active_at=active)
    after = request.GET.get("after", "")
    latest = Notification.objects.filter(user=user).order_by("-id").values_list("id", flat=True)
    newest = latest.first() or 0
    fresh: list[Notification] = []
    if after.isdigit():
        fresh = list(
            Notification.objects.filter(user=user, id__gt=int(after), read_at__isnull=True)
            .select_related("ticket")
            .order_by("-id")[:TOASTS_SHOWN]
        )
    return {"notices_after": newest, "fresh_notices": fresh}
