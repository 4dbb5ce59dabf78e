from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from caredesk.chat.consumers import AgentConsumer, VisitorConsumer


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other websocket path: refused at the handshake."""

    async def connect(self) -> None:
        await self.close(code=4404)


# Django's path() is typed for views; Channels' URLRouter routes these to ASGI consumers.
websocket_urlpatterns = [
    path("ws/chat/visitor/", VisitorConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/chat/agent/", AgentConsumer.as_asgi()),  # type: ignore[arg-type]
    re_path(r"", NoSuchSocket.as_asgi()),  # type: ignore[arg-type]
]
