"""Live chat: sessions between a visitor and an agent, their lines, staged uploads, presence.

The conversation itself is the ticket's: every line is a ticket message written through the
ticket services. A line row only remembers the sender's id for that message (so a message sent
twice after a reconnect is written once) and gives the chat its order.
"""

from __future__ import annotations

from django.db import models

from caredesk.accounts.models import Contact, User
from caredesk.core.phi_files import encrypted_storage
from caredesk.tickets.models import Message, Ticket


class ChatStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Side(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    AGENT = "agent", "Agent"


class EndReason(models.TextChoices):
    LEFT = "left", "The visitor left"
    UNANSWERED = "unanswered", "No agent took it"


class ChatSession(models.Model):
    """One chat. It joins the queue with the visitor's first message, which opens its ticket."""

    visitor_name = models.CharField(max_length=200)
    visitor_email = models.EmailField()
    page_url = models.CharField(max_length=1000, blank=True, default="")
    origin = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=ChatStatus.choices, default=ChatStatus.WAITING)
    requester = models.ForeignKey(Contact, null=True, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    agent = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True, help_text="The first message.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    first_reply_seconds = models.FloatField(
        null=True, blank=True, help_text="From the visitor's first message to the agent's first."
    )
    first_reply_met = models.BooleanField(
        null=True, blank=True, help_text="The first reply came within the chat target."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, choices=Side.choices, blank=True, default="")
    end_reason = models.CharField(
        max_length=12,
        choices=EndReason.choices,
        blank=True,
        default="",
        help_text="Why a waiting chat ended on its own (empty: a side ended it).",
    )
    visitor_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="The visitor's socket was last heard from."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="chat_status_queued_idx"),
            models.Index(fields=["agent", "status"], name="chat_agent_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Chat {self.pk} with {self.visitor_name}"


class ChatLine(models.Model):
    """A message of the chat: which ticket message it is, and the sender's id for it."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="lines")
    client_id = models.CharField(max_length=64)
    side = models.CharField(max_length=10, choices=Side.choices)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client_id"], name="chatline_client_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.side} line {self.client_id} of chat {self.session_id}"


def _upload_to(instance: ChatUpload, filename: str) -> str:
    import secrets

    return f"chat/{instance.session_id}/{secrets.token_hex(8)}"


class ChatUpload(models.Model):
    """A file sent before the message that carries it; it moves to the ticket with it."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="uploads")
    side = models.CharField(max_length=10, choices=Side.choices)
    file = models.FileField(upload_to=_upload_to, storage=encrypted_storage)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.filename


class AgentPresence(models.Model):
    """Whether an agent takes chats now."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="chat_presence"
    )
    available = models.BooleanField(default=False)
    changed_at = models.DateTimeField()
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="One of the agent's chat sockets was last heard from."
    )

    def __str__(self) -> str:
        return f"{self.user}: {'available' if self.available else 'away'}"
