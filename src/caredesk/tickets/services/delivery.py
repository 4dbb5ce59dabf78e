"""Channels that show an agent's public reply to the requester live instead of mailing it.

Live chat registers here: a reply written anywhere (desk, API, a protocol) on a ticket whose chat
is still going goes into the chat, and no mail is sent. A reader returns True when it took the
message; it runs inside message_add's transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from caredesk.core.registries import Registry
from caredesk.tickets.models import Message, Ticket

LiveReader = Callable[[Ticket, Message], bool]
LiveStatus = Callable[[Ticket], str]

_readers: Registry[LiveReader] = Registry("live readers of public replies")
_statuses: Registry[LiveStatus] = Registry("live reply statuses")


def _name(fn: Callable[..., object]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def live_reader_register(reader: LiveReader) -> None:
    _readers.register(_name(reader), reader)


def delivered_live(ticket: Ticket, message: Message) -> bool:
    """Whether a live channel showed this reply to the requester (so no mail is needed)."""
    return any(reader(ticket, message) for reader in _readers)


def live_status_register(status: LiveStatus) -> None:
    _statuses.register(_name(status), status)


def live_status(ticket: Ticket) -> str:
    """Where a public reply would go now instead of mail ("" when by mail), for the composer."""
    return next((said for said in (status(ticket) for status in _statuses) if said), "")
