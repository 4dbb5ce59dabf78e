"""Tickets, their conversation, attachments, request types and the append-only event log.

Only the services in caredesk.tickets.services write these tables.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from caredesk.accounts.models import Contact, Organization, Team, Tier, User
from caredesk.core.phi import BlindIndexField, EncryptedCharField, SealedJSONField, with_indexes
from caredesk.core.phi_files import encrypted_storage
from caredesk.tickets.pure import Level, ref_for


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending customer"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

# How a requester reads a built-in status (a custom status names itself).
REQUESTER_STATUS = {
    "new": "Received",
    "open": "We're on it",
    "pending": "Waiting for you",
    "on_hold": "We're on it",
    "solved": "Solved",
    "closed": "Closed",
}


class StatusCategory(models.TextChoices):
    """The built-in statuses a custom status stands for (`new` and `closed` are the system's
    own): the SLA engine, the queues and the rules read the category, never the custom name."""

    OPEN = Status.OPEN.value, "Open"
    PENDING = Status.PENDING.value, "Pending"
    ON_HOLD = Status.ON_HOLD.value, "On hold"
    SOLVED = Status.SOLVED.value, "Solved"


class CustomStatus(models.Model):
    """A status the desk names itself (e.g. "Awaiting lab results"), within one category.

    Each category has one default status (shipped, renamable, never deactivated or deleted):
    a ticket set to a category without a status of its own takes that category's default."""

    agent_label = models.CharField(max_length=60)
    requester_label = models.CharField(
        max_length=60, help_text="What the requester sees, in the portal and in mails."
    )
    description = models.CharField(max_length=300, blank=True, default="")
    category = models.CharField(max_length=16, choices=StatusCategory.choices)
    active = models.BooleanField(default=True)
    default = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "custom statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["category"], condition=Q(default=True), name="customstatus_one_default"
            ),
            models.UniqueConstraint(fields=["agent_label"], name="customstatus_label_uniq"),
        ]

    def __str__(self) -> str:
        return self.agent_label

    @property
    def category_label(self) -> str:
        return str(StatusCategory(self.category).label)


class Priority(models.IntegerChoices):
    LEVEL1 = 1, Level.L1.short
    LEVEL2 = 2, Level.L2.short
    LEVEL3 = 3, Level.L3.short
    LEVEL4 = 4, Level.L4.short


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    API = "api", "API"
    VIDEO = "video", "Video session"


class Safety(models.TextChoices):
    """What the safety screen, or an agent, says about a ticket."""

    NONE = "", "No safety finding"
    POSSIBLE = "possible", "Possible safety"
    EVENT = "event", "Safety event"


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplate(models.Model):
    """A named, ordered list of steps; a request type may carry one, and agents apply one to a
    ticket. Changing a template leaves the checklists already on tickets as they are."""

    name = models.CharField(max_length=120, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class RequestType(models.Model):
    """A category of request with the structured form requesters fill in."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, default="")
    default_level = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.LEVEL3
    )
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    portal_visible = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    checklist = models.ForeignKey(
        ChecklistTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request_types",
        help_text="Put on every ticket of this type when it opens.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    TEXTAREA = "textarea", "Long text"
    CHOICE = "choice", "Choice"
    DATE = "date", "Date"
    SERIAL = "serial", "Serial number"
    FILE = "file", "File"


STRUCTURED_FIELDS = (
    "patient_id",
    "clinician_id",
    "encounter_id",
    "device_serial",
    "os",
    "browser",
    "network",
)
# Structured fields that hold health information: encrypted at rest, searchable by exact value
# through their blind index, masked for people without the tickets.view_phi permission.
PHI_FIELDS = ("patient_id", "clinician_id", "encounter_id")


class RequestField(models.Model):
    """One question on a request type's form."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(default=False)
    help_text = models.CharField(max_length=300, blank=True, default="")
    choices = models.TextField(blank=True, default="", help_text="One choice a line.")
    maps_to = models.CharField(
        max_length=20,
        blank=True,
        default="",
        choices=[(f, f.replace("_", " ")) for f in STRUCTURED_FIELDS],
        help_text="Also store the answer in this structured ticket field.",
    )
    phi = models.BooleanField(
        default=False,
        help_text="The answer is health information: stored encrypted and hidden from people "
        "without access to PHI.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="requestfield_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.request_type}: {self.label}"

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class Mailbox(models.Model):
    """An address tickets arrive on, and the brand it speaks for.

    Mail to the address opens tickets that remember it (Ticket.received_via); replies to them
    go out from it, under its name and signature, so each brand's customers see only their own
    address. The default mailbox is the brand of everything that arrives another way (portal,
    help form, API, chat, phone) or on an address no mailbox has."""

    address = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    name = models.CharField(max_length=120, help_text="The sender's name on replies.")
    brand = models.SlugField(
        max_length=50, help_text="Several addresses may share one brand (policies name it)."
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="New tickets from this address start in this team.",
    )
    signature = models.TextField(blank=True, default="", help_text="Ends every reply mailed.")
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["brand", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="mailbox_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class Ticket(models.Model):
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    # The desk's name for the status (its category is `status`); none while new or closed.
    custom_status = models.ForeignKey(
        CustomStatus,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    is_open = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.LEVEL3)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    category = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    followers = models.ManyToManyField(User, blank=True, related_name="followed_tickets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    # the mailbox mail arrived on; empty: the default mailbox's brand (see Mailbox)
    received_via = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    # A task: internal work another team does for this ticket, which waits on hold for it.
    # Tasks are never shown to the requester nor mailed to them.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )

    patient_id = EncryptedCharField(max_length=64, blank=True, default="")
    clinician_id = EncryptedCharField(max_length=64, blank=True, default="")
    encounter_id = EncryptedCharField(max_length=64, blank=True, default="")
    patient_id_index = BlindIndexField(source="patient_id")
    clinician_id_index = BlindIndexField(source="clinician_id")
    encounter_id_index = BlindIndexField(source="encounter_id")
    device_serial = models.CharField(max_length=64, blank=True, default="", db_index=True)
    os = models.CharField(max_length=100, blank=True, default="")
    browser = models.CharField(max_length=100, blank=True, default="")
    network = models.CharField(max_length=100, blank=True, default="")
    form_data = SealedJSONField(default=dict, blank=True)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest due instant of the running SLA clocks."
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Set by the rules: what the matched protocol tells the agent, and why escalating is not
    # allowed (an agent may still escalate with a written reason, which is recorded).
    guidance = models.TextField(blank=True, default="")
    escalation_block = models.TextField(blank=True, default="")
    wake_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Queued until this instant (e.g. the next business opening).",
    )
    # The safety screen's finding (raised by customer messages, set or cleared by agents) and
    # its IMDRF codes; the liaison's review is recorded so an unreviewed finding pages.
    safety = models.CharField(max_length=8, choices=Safety.choices, blank=True, default="")
    safety_codes = models.JSONField(default=list, blank=True)
    safety_flagged_at = models.DateTimeField(null=True, blank=True)
    safety_reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set when the ticket was merged into another: closed, and its links lead there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    class Meta:
        permissions = [
            ("view_all_tickets", "Can see tickets of every team"),
            ("view_phi", "Can see health information (PHI) unmasked"),
            ("export_ticket", "Can export ticket lists (CSV)"),
            ("merge_ticket", "Can merge tickets"),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),
            models.Index(fields=["is_open", "updated_at", "id"], name="ticket_open_updated_idx"),
            models.Index(
                fields=["is_open", "updated_at", "id"],
                name="ticket_unassigned_idx",
                condition=Q(assignee__isnull=True),
            ),
            models.Index(
                fields=["assignee", "is_open", "updated_at", "id"], name="ticket_assignee_idx"
            ),
            models.Index(fields=["team", "is_open", "updated_at", "id"], name="ticket_team_idx"),
            models.Index(fields=["status", "updated_at", "id"], name="ticket_status_idx"),
            models.Index(
                fields=["custom_status", "updated_at", "id"], name="ticket_custom_status_idx"
            ),
            models.Index(
                fields=["organization", "updated_at", "id"], name="ticket_org_updated_idx"
            ),
            models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_idx"),
            models.Index(fields=["created_at", "id"], name="ticket_created_idx"),
            models.Index(fields=["priority", "updated_at", "id"], name="ticket_priority_idx"),
            models.Index(
                fields=["is_open", "sla_due_at", "id"],
                name="ticket_sla_due_idx",
                condition=Q(sla_due_at__isnull=False),
            ),
            models.Index(
                fields=["wake_at"], name="ticket_wake_idx", condition=Q(wake_at__isnull=False)
            ),
            models.Index(
                fields=["parent", "id"],
                name="ticket_parent_idx",
                condition=Q(parent__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A changed encrypted field takes its blind index along.
        kwargs["update_fields"] = with_indexes(Ticket, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def ref(self) -> str:
        return ref_for(settings.CAREDESK_TICKET_PREFIX, self.pk)

    @property
    def level(self) -> Level:
        return Level(self.priority)

    @property
    def status_label(self) -> str:
        """The status as the desk names it (the custom status, else the built-in one)."""
        if self.custom_status_id and self.custom_status:
            return self.custom_status.agent_label
        return str(self.get_status_display())

    @property
    def requester_status_label(self) -> str:
        """The status as the requester reads it (portal, mails)."""
        if self.custom_status_id and self.custom_status:
            return self.custom_status.requester_label
        return REQUESTER_STATUS.get(self.status, self.status)

    @property
    def is_task(self) -> bool:
        return self.parent_id is not None

    @property
    def parent_ref(self) -> str:
        return ref_for(settings.CAREDESK_TICKET_PREFIX, self.parent_id) if self.parent_id else ""


class MessageKind(models.TextChoices):
    PUBLIC = "public", "Public reply"
    INTERNAL = "internal", "Internal note"
    SYSTEM = "system", "System"


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    author_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_html = models.TextField(blank=True, default="")
    body_text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    # The Message-ID of the mail that brought it, or of the mail that sent it: replies find
    # their ticket through it, and a mail received twice is recognised.
    email_message_id = models.CharField(max_length=500, blank=True, default="")
    # The ticket this message was written on, when that ticket was merged into this one.
    merged_from = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_idx"),
            models.Index(
                fields=["email_message_id"],
                name="message_email_id_idx",
                condition=~Q(email_message_id=""),
            ),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return str(self.author_user)
        if self.author_contact_id:
            return self.author_contact.name if self.author_contact else ""
        return "CareDesk"

    @property
    def merged_from_ref(self) -> str:
        """The reference of the ticket it was written on, when that was merged in."""
        return (
            ref_for(settings.CAREDESK_TICKET_PREFIX, self.merged_from_id)
            if self.merged_from_id
            else ""
        )

    @property
    def from_requester(self) -> bool:
        """Written by the requester side (a contact, with or without a portal login)."""
        return self.author_contact_id is not None


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random storage names: the uploaded name is kept only as metadata.
    return f"t/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200, storage=encrypted_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    FIELD_CHANGED = "field_changed", "Field changed"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    MESSAGE_ADDED = "message_added", "Message added"
    FOLLOWER_ADDED = "follower_added", "Follower added"
    TAGS_CHANGED = "tags_changed", "Tags changed"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACHED = "sla_breached", "SLA breached"
    ESCALATED = "escalated", "Escalated"
    RULE_APPLIED = "rule_applied", "Rule applied"
    NOTIFIED = "notified", "Notified"
    PAGED = "paged", "Paged on call"
    PAGE_ACKNOWLEDGED = "page_acknowledged", "Page acknowledged"
    TRACKER_LINKED = "tracker_linked", "Tracker issue"
    WEBHOOK_QUEUED = "webhook_queued", "Webhook queued"
    WOKE = "woke", "Released from queue"
    PHI_UNMASKED = "phi_unmasked", "Health information shown (break the glass)"
    SAFETY_FLAGGED = "safety.flagged", "Safety finding"
    SAFETY_MARKED = "safety.marked", "Safety marked"
    SAFETY_CLEARED = "safety.cleared", "Safety cleared"
    SAFETY_REVIEWED = "safety.reviewed", "Safety reviewed"
    MERGED_INTO = "merged_into", "Merged into another ticket"
    MERGED_IN = "merged_in", "Another ticket merged in"
    CC_ADDED = "cc_added", "CC added"
    CC_REMOVED = "cc_removed", "CC removed"
    TASK_OPENED = "task.opened", "Task opened"
    TASK_FINISHED = "task.finished", "Task finished"
    CHECKLIST_CHANGED = "checklist.changed", "Checklist changed"
    CHECKLIST_TICKED = "checklist.ticked", "Checklist item ticked"
    RMA = "rma", "RMA"
    INCIDENT = "incident", "Incident"


class TicketEvent(models.Model):
    """Append-only: one row per change, written in the same transaction as the change."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=40, blank=True, default="")
    # Values of PHI fields are recorded encrypted.
    old = SealedJSONField(null=True, blank=True)
    new = SealedJSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["ticket", "id"], name="event_ticket_idx"),
            models.Index(fields=["kind", "created_at"], name="event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.field} on #{self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("ticket events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ticket events are append-only")

    @property
    def actor_name(self) -> str:
        if self.actor_user_id and self.actor_user:
            return str(self.actor_user)
        if self.actor_contact_id and self.actor_contact:
            return self.actor_contact.name
        return "CareDesk"


class TicketCC(models.Model):
    """Someone besides the requester who gets the ticket's public replies (never its notes)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ccs")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True, default="")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="ticketcc_email_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class BreakGlassGrant(models.Model):
    """Someone without access to PHI chose to see one ticket's health information, for a
    reason, until `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="break_glass_grants")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="break_glass_grants")
    reason = models.TextField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "ticket", "expires_at"], name="breakglass_user_ticket_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} on #{self.ticket_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class ChecklistItem(models.Model):
    """One step of a ticket's checklist; a required step must be done before the ticket is
    solved."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["ticket", "position", "id"], name="checklist_ticket_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def done(self) -> bool:
        return self.done_at is not None
