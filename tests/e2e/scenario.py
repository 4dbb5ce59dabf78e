"""Invented people and tickets for the browser tests: a small but realistic desk."""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.accounts.models import Contact, ContactKind, Organization, Plan, User
from caredesk.tickets.models import FieldKind, MessageKind, RequestType, Status, Ticket
from caredesk.tickets.services import Body, message_add
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
)

SUPPORT_PHONE = "+1-800-555-0142"  # CAREDESK_SUPPORT_PHONE's default
LONG_SUBJECT = (
    "Remote cardiac monitor keeps dropping its Bluetooth pairing with the bedside hub every "
    "few minutes during overnight recording, so the morning reports come out with large gaps "
    "and the cardiology team cannot sign them off"
)


@dataclass
class Desk:
    agent: User
    requester: Contact
    organization: Organization
    video: RequestType
    earlier: Ticket
    critical: Ticket
    others: list[Ticket]


def build_desk() -> Desk:
    tier1 = TeamFactory(name="Tier 1 support", slug="tier-1")
    tier2 = TeamFactory(name="Technical support engineers", slug="tier-2")
    agent = AgentFactory(
        name="Ysolde Marchetti", email="ysolde.marchetti@caredesk.example", teams=[tier1, tier2]
    )
    AgentFactory(name="Bartholomew Quist", email="b.quist@caredesk.example", teams=[tier1])
    organization = OrganizationFactory(name="Larkspur Valley Clinic", plan=Plan.PREMIUM)
    requester = requester_with_login(
        name="Marisol Quennell",
        email="marisol.quennell@patients.example",
        organization=organization,
        kind=ContactKind.CLINICIAN,
    )
    video = RequestTypeFactory(
        name="Video visit problem",
        slug="video-visit",
        description="Trouble joining, hearing or seeing someone in a video visit.",
        default_team=tier1,
    )
    RequestFieldFactory(
        request_type=video,
        key="appointment",
        label="Appointment date",
        kind=FieldKind.DATE,
        required=True,
        help_text="The day of the visit that went wrong.",
        maps_to="",
        position=1,
    )
    RequestFieldFactory(
        request_type=video,
        key="device",
        label="Device used",
        kind=FieldKind.CHOICE,
        choices="Phone\nTablet\nComputer",
        position=2,
    )
    RequestTypeFactory(
        name="Medical device error",
        slug="device-error",
        description="A monitor, hub or sensor shows an error or stops sending readings.",
        default_team=tier2,
    )

    earlier = make_ticket(
        requester,
        subject="Cannot reset my portal password",
        body="The reset email never arrives.",
        priority=4,
    )
    waiting = make_ticket(
        requester,
        subject="Blood pressure cuff readings arrive twice",
        body="Each reading shows up two times in the patient chart.",
    )
    message_add(
        ticket=waiting,
        kind=MessageKind.PUBLIC,
        body=Body(text="Could you send us the cuff's serial number?"),
        actor=agent,
        status_after=Status.PENDING,
    )
    other_org = OrganizationFactory(name="Saltmarsh Cardiology Group")
    critical = make_ticket(
        ContactFactory(name="Thaddeus Wrenfield", organization=other_org),
        subject=LONG_SUBJECT,
        body="Several patients affected since the firmware update.",
        priority=1,
        team=tier2,
    )
    others = [
        make_ticket(
            ContactFactory(name="Odalys Ferreira-Holm", organization=other_org),
            subject="Clinician dashboard shows yesterday's vitals",
            priority=2,
        ),
        make_ticket(
            ContactFactory(name="Kasimir Evenden", organization=organization),
            subject="Add two new nurses to the clinic account",
            priority=4,
        ),
    ]
    return Desk(agent, requester, organization, video, earlier, critical, others)
