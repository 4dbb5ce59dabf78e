"""Frames for the chat's sockets from ordinary (synchronous) code: the desk's requests, the API,
protocols and the job worker.

The sockets' consumers run on the web process's event loop; requests run on a pool of threads
and jobs on the worker's. With Redis (scale-out) the layer is safe from any thread, and
async_to_sync sends on a loop of its own. The in-process layer (embedded) keeps asyncio queues
that belong to the sockets' loop, so a frame is handed to that loop (run_coroutine_threadsafe)
instead of being sent from the calling thread; with no socket ever opened in this process there
is nobody to tell. Sends happen after the transaction commits, and never block the caller on
the sockets.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

AGENTS_GROUP = "chat.agents"

_loop: asyncio.AbstractEventLoop | None = None


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def desk_group(user_id: int) -> str:
    """Every desk socket one person has open."""
    return f"desk.{user_id}"


def notices_send(user_ids: list[int], notice: dict[str, Any]) -> None:
    """Show a notice (a page, an urgent notification) on these people's open desk sockets; the
    core's pusher, called after commit."""
    for user_id in user_ids:
        _send(desk_group(user_id), {"type": "desk.notice", "notice": notice})


def remember_loop() -> None:
    """Called by every socket as it connects: the loop the in-process layer's queues live on."""
    global _loop  # noqa: PLW0603
    _loop = asyncio.get_running_loop()


def publish(group: str, event: dict[str, Any]) -> None:
    """Send `event` to a group once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(group, event))


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        loop = _loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return  # no socket in this process, so nobody to tell
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
        future.add_done_callback(_log_failure)
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        log.exception("chat event %s could not be sent", event.get("type"))


def _log_failure(future: Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("chat event could not be sent", exc_info=future.exception())
