"""API shapes. Inputs forbid unknown fields so typos fail loudly instead of being ignored."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeAlias

from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from caredesk.tickets.selectors import QUEUES, SORTS

Short = Annotated[str, StringConstraints(max_length=300)]
Body = Annotated[str, StringConstraints(max_length=100_000)]
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
# A reply may move a ticket on, never back to new (the desk's reply form offers the same).
StatusAfterName = Literal["open", "pending", "on_hold", "solved", "closed"]
ChannelName = Literal["portal", "email", "chat", "phone", "api", "video"]
# Taken from the selector so the API (and its OpenAPI enums) never drift from what it accepts.
QueueName = Literal[QUEUES]  # type: ignore[valid-type]
SortName: TypeAlias = Literal[tuple(SORTS)]  # type: ignore[valid-type]
PriorityNumber = Annotated[int, Field(ge=1, le=4)]
# Row ids: positive and within a 64-bit column (SQLite cannot even compare larger numbers).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _one_status_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One message for the field, not one per branch of the union."""
    try:
        return handler(value)
    except ValidationError:
        raise ValueError(
            "Choose open, pending, on_hold, solved or closed, or a custom status's id."
        ) from None


# "then set status": a category, or a custom status by its id
StatusAfter = Annotated[StatusAfterName | Id, WrapValidator(_one_status_error)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """A calendar day as ISO 8601 text (YYYY-MM-DD) or a date; never a number, which a lax
    date would read as seconds since 1970."""
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise ValueError("Use a date as YYYY-MM-DD.")
    if isinstance(value, str):
        if not _ISO_DAY.fullmatch(value):
            raise ValueError("Use a date as YYYY-MM-DD.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("No such day.") from None
    return value


# A day in a query string or a JSON body.
IsoDate = Annotated[date, BeforeValidator(_iso_day)]


def _iso_instant(value: Any) -> Any:
    """An instant as ISO 8601 text (2026-11-02T14:00:00Z) or a datetime; never a bare number,
    which a lax datetime would read as seconds since 1970."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("Use a date and time in ISO 8601, such as 2026-11-02T14:00:00Z.")
    return value


# An instant in a query string or a JSON body.
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_instant)]


class Clean(Schema):
    """Refuses NUL characters anywhere in the input: databases cannot store or compare them."""

    # After validation, so nested models have checked (and named) their own fields.
    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("Remove the NUL (\\x00) characters.")
        return value


class Strict(Clean):
    """JSON bodies: unknown fields refused, and no type coercion, so `true` is not the id 1."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Problem(Schema):
    """RFC 9457 problem details; `errors` names each field at fault; `scope` the scope a
    token lacks (403)."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    scope: str | None = None


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str
    email: str | None


class StructuredFields(Strict):
    patient_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    clinician_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    encounter_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    device_serial: Annotated[str, StringConstraints(max_length=64)] | None = None
    os: Annotated[str, StringConstraints(max_length=100)] | None = None
    browser: Annotated[str, StringConstraints(max_length=100)] | None = None
    network: Annotated[str, StringConstraints(max_length=100)] | None = None


class SlaClockOut(Schema):
    metric: Literal["first_response", "next_response", "resolution"]
    state: Literal["ok", "warning", "breached", "paused", "met"]
    target_minutes: int
    remaining_seconds: int
    due_at: datetime | None


class SlaOut(Schema):
    due_at: datetime | None
    clocks: list[SlaClockOut]


class TicketRef(Schema):
    id: int
    ref: str


class TaskRef(Schema):
    id: int
    ref: str
    status: StatusName
    team_id: int | None


class MailboxRef(Schema):
    id: int
    address: str
    name: str
    brand: str


class TicketOut(Schema):
    id: int
    ref: str
    subject: str
    status: StatusName = Field(
        description="The status category the service levels, queues and rules read."
    )
    custom_status: Ref | None = Field(
        description="The desk's own name for the status (none while new or closed)."
    )
    priority: int
    priority_name: str
    channel: ChannelName
    category: Ref | None
    requester: PersonRef
    organization: Ref | None
    team: Ref | None
    tier: int
    assignee: PersonRef | None
    tags: list[str]
    fields: dict[str, str]
    form: dict[str, object]
    phi_masked: bool = Field(
        description="Health information (PHI fields and answers) is shown masked, e.g. `•••• 47`."
    )
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    sla: SlaOut
    safety: Literal["", "possible", "event"] = Field(
        description="The safety screen's finding (or an agent's decision): `event`, `possible` "
        "or empty."
    )
    safety_codes: list[str] = Field(description="IMDRF codes of the finding (Annex A and E).")
    merged_into: int | None = Field(
        default=None, description="Closed by a merge: the id of the ticket it continues on."
    )
    received_via: MailboxRef | None = Field(
        default=None,
        description="The mailbox the ticket came in by (its address and brand; a portal request "
        "sent from a brand's portal link has that brand's mailbox); null when it "
        "came in another way (portal, API, chat, phone) or on an address no mailbox has, which "
        "is the default mailbox's brand.",
    )
    parent: TicketRef | None = Field(
        description="The ticket this one is a task of (tasks are internal: never a requester's)."
    )
    tasks: list[TaskRef] = Field(
        description="This ticket's tasks, oldest first (shown to agents; empty for requesters)."
    )


class TicketPageOut(Schema):
    items: list[TicketOut]
    next_cursor: str | None
    among_recent: int | None = Field(
        None,
        description="A broad search (`q`): the list holds only this many of the most recent "
        "matches (null: every match).",
    )


class RequesterIn(Strict):
    email: EmailStr
    name: Name


class AttachmentIn(Strict):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    content_type: Annotated[str, StringConstraints(max_length=100)] = "application/octet-stream"
    content_base64: str


class TicketCreateIn(Strict):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    body: Body = ""
    body_html: Body = ""
    priority: PriorityNumber = 3
    channel: ChannelName = "api"
    category: Id | None = None
    requester_id: Id | None = None
    requester: RequesterIn | None = None
    team: Id | None = None
    assignee: Id | None = None
    tags: Annotated[
        list[Annotated[str, StringConstraints(max_length=50)]], Field(max_length=20)
    ] = []
    fields: StructuredFields = StructuredFields()
    form: dict[str, Annotated[str, StringConstraints(max_length=2000)]] = {}
    attachments: Annotated[list[AttachmentIn], Field(max_length=10)] = []


MAX_BATCH = 100


class TicketBatchIn(Strict):
    tickets: Annotated[list[TicketCreateIn], Field(min_length=1, max_length=MAX_BATCH)]


class TicketBatchOut(Schema):
    items: list[TicketOut]


class TicketUpdateIn(Strict):
    status: StatusName | None = None
    custom_status: Id | None = Field(
        default=None,
        description="A custom status's id (GET /statuses): sets its category too. A `status` "
        "alone picks that category's default status.",
    )
    priority: PriorityNumber | None = None
    team: Id | None = None
    tier: Annotated[int, Field(ge=1, le=3)] | None = None
    assignee: Id | None = None
    category: Id | None = None
    tags: (
        Annotated[list[Annotated[str, StringConstraints(max_length=50)]], Field(max_length=20)]
        | None
    ) = None
    fields: StructuredFields | None = None


class CustomStatusOut(Schema):
    id: int
    name: str = Field(description="What agents see.")
    requester_name: str = Field(description="What the requester sees (portal, mails).")
    description: str
    category: Literal["open", "pending", "on_hold", "solved"]
    default: bool = Field(description="The status a ticket takes when set to the category.")
    active: bool


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    kind: Literal["public", "internal", "system"]
    author: str
    author_user_id: int | None
    author_contact_id: int | None
    body_text: str
    body_html: str
    attachments: list[AttachmentOut]
    created_at: datetime


class MessageAddedOut(MessageOut):
    # a public reply held for approval (assisted mode) comes back as an internal note
    held: bool = False


class MessageIn(Strict):
    kind: Literal["public", "internal"] = "public"
    body: Body = ""
    body_html: Body = ""
    status_after: StatusAfter | None = Field(
        None,
        description="Then set the status: a built-in category (which keeps the ticket's status "
        "if already in it, else takes the category's default) or a custom status by its id "
        "(`GET /statuses`).",
    )
    attachments: Annotated[list[AttachmentIn], Field(max_length=10)] = []


Reason = Annotated[str, StringConstraints(max_length=2000)]


class EscalateIn(Strict):
    """What the desk's escalation form asks: why, what was done and what is next. All three are
    required; the operation says which is missing or blank (after deciding whether the caller
    may escalate this ticket at all, so a 422 never tells an outsider that it exists)."""

    team: Id
    reason: Reason = ""
    action_taken: Reason = ""
    next_steps: Reason = ""
    tier: Annotated[int, Field(ge=1, le=3)] | None = None
    override_reason: Reason = ""


class SafetyIn(Strict):
    action: Literal["mark", "clear", "review"]
    outcome: Literal["possible", "event"] | None = None
    reason: Reason = ""


class SimulateIn(Strict):
    ticket: dict[str, object]
    event: str = "ticket.created"
    now: Annotated[str, StringConstraints(max_length=40)] | None = None  # ISO 8601, with offset
    # a draft policy; kept well under the 2 MiB body limit even when every character is escaped
    policy_yaml: Annotated[str, StringConstraints(max_length=100_000)] | None = None


class SimulateActionOut(Schema):
    type: str
    policy: str
    rule: str


class SimulateOut(Schema):
    category: str | None
    priority: int
    team: str | None
    tier: int
    assignee: str | None
    status: str
    tags: list[str]
    escalated_to: str | None
    escalation_blocked: str | None
    guidance: str | None
    actions: list[dict[str, object]]


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    plan: str
    account_manager: PersonRef | None
    email_domain: str
    phone: str


class ContactOut(Schema):
    id: int
    name: str
    email: str | None
    phone: str
    kind: str
    organization: Ref | None
    date_of_birth: str = Field(
        description="ISO date, or empty; masked (`•••• 14`) for staff without access to PHI."
    )


class ContactIn(Strict):
    name: Name
    email: EmailStr
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    kind: Literal["patient", "clinician", "client_admin", "other"] = "other"
    organization: Id | None = None
    date_of_birth: (
        Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | None
    ) = Field(default=None, description="YYYY-MM-DD")


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    tier: int | None
    description: str


class TicketQuery(Clean):
    queue: QueueName = "all"
    status: StatusName | None = None
    custom_status: Id | None = None
    priority: PriorityNumber | None = None
    team: Id | None = None
    assignee: Id | None = None
    organization: Id | None = None
    requester: Id | None = None
    q: Short = ""
    sort: SortName = "-updated"
    patient_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    clinician_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    encounter_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


class ListQuery(Clean):
    q: Short = ""
    organization: Id | None = None
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class Page(Schema):
    next_cursor: str | None


class ContactPageOut(Page):
    items: list[ContactOut]


class OrganizationPageOut(Page):
    items: list[OrganizationOut]


class TaskIn(Strict):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    team: Id
    assignee: Id | None = None
    instructions: Annotated[str, StringConstraints(max_length=10_000)] = ""


class ChecklistItemIn(Strict):
    text: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    required: bool = False


class ChecklistTickIn(Strict):
    done: bool


class ChecklistItemOut(Schema):
    id: int
    text: str
    required: bool
    position: int
    done: bool
    done_at: datetime | None
    done_by: PersonRef | None


class ChecklistStateOut(Schema):
    total: int
    done: int
    required: int
    required_done: int
    complete: bool = Field(description="Every required step is done: the ticket may be solved.")


class ChecklistOut(Schema):
    state: ChecklistStateOut
    items: list[ChecklistItemOut]
