"""Channels that show an agent's public reply to the requester live instead of mailing it.

Live chat registers here: a reply written anywhere (desk, API, a protocol) on a ticket whose chat
is still going goes into the chat, and no mail is sent. A reader returns True when it took the
message; it runs inside message_add's transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from caredesk.tickets.models import Message, Ticket

LiveReader = Callable[[Ticket, Message], bool]

_readers: list[LiveReader] = []


def live_reader_register(reader: LiveReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def delivered_live(ticket: Ticket, message: Message) -> bool:
    """Whether a live channel showed this reply to the requester (so no mail is needed)."""
    return any(reader(ticket, message) for reader in _readers)
