"""API shapes. Inputs forbid unknown fields so typos fail loudly instead of being ignored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field, StringConstraints

Short = Annotated[str, StringConstraints(max_length=300)]
Body = Annotated[str, StringConstraints(max_length=100_000)]
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
ChannelName = Literal["portal", "email", "chat", "phone", "api", "video"]
PriorityNumber = Annotated[int, Field(ge=1, le=4)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


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


class TicketOut(Schema):
    id: int
    ref: str
    subject: str
    status: StatusName
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
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None


class TicketPageOut(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class RequesterIn(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


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
    category: int | None = None
    requester_id: int | None = None
    requester: RequesterIn | None = None
    team: int | None = None
    assignee: int | None = None
    tags: Annotated[
        list[Annotated[str, StringConstraints(max_length=50)]], Field(max_length=20)
    ] = []
    fields: StructuredFields = StructuredFields()
    form: dict[str, Annotated[str, StringConstraints(max_length=2000)]] = {}
    attachments: Annotated[list[AttachmentIn], Field(max_length=10)] = []


class TicketUpdateIn(Strict):
    status: StatusName | None = None
    priority: PriorityNumber | None = None
    team: int | None = None
    tier: Annotated[int, Field(ge=1, le=3)] | None = None
    assignee: int | None = None
    category: int | None = None
    tags: (
        Annotated[list[Annotated[str, StringConstraints(max_length=50)]], Field(max_length=20)]
        | None
    ) = None
    fields: StructuredFields | None = None


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


class MessageIn(Strict):
    kind: Literal["public", "internal"] = "public"
    body: Body = ""
    body_html: Body = ""
    status_after: StatusName | None = None
    attachments: Annotated[list[AttachmentIn], Field(max_length=10)] = []


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


class ContactIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    email: EmailStr
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    kind: Literal["patient", "clinician", "client_admin", "other"] = "other"
    organization: int | None = None


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    tier: int | None
    description: str


class Page(Schema):
    next_cursor: str | None


class ContactPageOut(Page):
    items: list[ContactOut]


class OrganizationPageOut(Page):
    items: list[OrganizationOut]
