"""Demo data: invented clinics, agents and a few hundred tickets over the last 60 days."""

# ruff: noqa: E501 - the data tables read better one record a line

from __future__ import annotations

import functools
import os
import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from caredesk.accounts.models import (
    ContactKind,
    Organization,
    OrganizationKind,
    Plan,
    Team,
    Tier,
    User,
)
from caredesk.accounts.roles import (
    ROLE_ADMIN,
    ROLE_AGENT,
    ROLE_COMPLIANCE,
    ROLE_QUALITY,
    ROLE_SUPERVISOR,
    ROLE_TECHNICIAN,
)
from caredesk.accounts.services import agent_create, requester_create
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.devices.models import Asset, Coverage, Part, ProductClass, ProductModel, ServicePlan
from caredesk.devices.plan_defaults import install_plans
from caredesk.devices.plans import NewContract, contract_create, renewals_sweep
from caredesk.devices.rma import (
    rma_check_tick,
    rma_open,
    rma_part_add,
    rma_transition,
    rma_update,
)
from caredesk.devices.services import assets_import
from caredesk.tickets.models import (
    Channel,
    ChecklistTemplate,
    ChecklistTemplateItem,
    FieldKind,
    MessageKind,
    RequestField,
    RequestType,
    Status,
    Ticket,
)
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open, ticket_update
from caredesk.tickets.services.statuses import StatusIn, status_save

PASSWORD = "caredesk-demo"  # noqa: S105 - published demo password for the local demo only
COMPLIANCE_LOGIN = "hana.ostrowski@caredesk.example"
DEMO_LOGINS: dict[str, Any] = {
    "password": PASSWORD,
    "accounts": [
        ("Administrator", "admin@caredesk.example"),
        ("Supervisor", "rosa.lindqvist@caredesk.example"),
        ("Tier 1 agent", "amara.osei@caredesk.example"),
        ("Technical engineer", "tomas.varga@caredesk.example"),
        ("Clinical and quality", "dr.ines.castell@caredesk.example"),
        ("Compliance officer", "hana.ostrowski@caredesk.example"),
        ("Patient (portal)", "june.halloway@mail.example"),
        ("Clinic admin (portal)", "office@brookfield-clinic.example"),
    ],
}

TEAMS = [
    (
        "Tier 1 support",
        "tier-1",
        Tier.TIER1,
        "Account questions, basic troubleshooting, knowledge-base triage.",
    ),
    (
        "Technical support engineers",
        "tier-2",
        Tier.TIER2,
        "Networking and device issues, session errors, runbooks.",
    ),
    ("Engineering", "engineering", Tier.TIER3, "Root-cause failures and fixes."),
    ("Clinical support liaisons", "clinical", None, "Clinical-impact incidents; 24/7 on-call."),
    ("Billing and operations", "billing", None, "Claims, subscriptions, refunds and adjustments."),
    ("Quality and training", "quality", None, "QA reviews, knowledge base and coaching."),
    ("Product operations", "prodops", None, "Service requests, eligibility and scheduling logic."),
    ("Infrastructure", "infra", None, "Confirmed app bugs and platform issues."),
    ("Coach support", "coach-support", None, "Provider leads, webinars and coaching programs."),
]

AGENTS = [
    ("admin@caredesk.example", "Noor Adeyemi", ROLE_ADMIN, ["tier-1"]),
    ("rosa.lindqvist@caredesk.example", "Rosa Lindqvist", ROLE_SUPERVISOR, ["tier-1", "tier-2"]),
    ("amara.osei@caredesk.example", "Amara Osei", ROLE_AGENT, ["tier-1"]),
    ("felix.brandt@caredesk.example", "Felix Brandt", ROLE_AGENT, ["tier-1"]),
    ("priya.raman@caredesk.example", "Priya Raman", ROLE_AGENT, ["tier-1"]),
    ("tomas.varga@caredesk.example", "Tomas Varga", ROLE_TECHNICIAN, ["tier-2"]),
    ("lena.okafor@caredesk.example", "Lena Okafor", ROLE_AGENT, ["tier-2"]),
    ("marek.wojcik@caredesk.example", "Marek Wojcik", ROLE_AGENT, ["engineering"]),
    ("dr.ines.castell@caredesk.example", "Dr. Ines Castell", ROLE_QUALITY, ["clinical"]),
    ("hugo.mbeki@caredesk.example", "Hugo Mbeki", ROLE_AGENT, ["billing"]),
    ("sana.haddad@caredesk.example", "Sana Haddad", ROLE_AGENT, ["prodops", "infra"]),
    ("olu.bergstrom@caredesk.example", "Olu Bergstrom", ROLE_AGENT, ["coach-support"]),
]

ORGS = [
    (
        "Brookfield Family Clinic",
        OrganizationKind.CLINIC,
        Plan.STANDARD,
        "brookfield-clinic.example",
    ),
    ("Harborview Pediatrics", OrganizationKind.CLINIC, Plan.BASIC, "harborview-peds.example"),
    (
        "Cedar Hill Physiotherapy",
        OrganizationKind.CLINIC,
        Plan.STANDARD,
        "cedarhill-physio.example",
    ),
    (
        "Northgate Health Network",
        OrganizationKind.HOSPITAL_NETWORK,
        Plan.PREMIUM,
        "northgate-health.example",
    ),
    (
        "Meridian Medical Supply",
        OrganizationKind.DISTRIBUTOR,
        Plan.PREMIUM,
        "meridian-supply.example",
    ),
]

FIRST = ["June", "Omar", "Keiko", "Luis", "Ada", "Bram", "Chioma", "Dana", "Elif", "Femi", "Greta", "Hana",
         "Ivo", "Jalen", "Kira", "Lior", "Maya", "Nils", "Odette", "Pavel", "Quinn", "Rhea", "Soren", "Tala"]  # fmt: skip
LAST = ["Halloway", "Brightwater", "Castellan", "Dunmore", "Ellery", "Fairbank", "Greystone", "Holloway",
        "Ironside", "Jessup", "Kestrel", "Larkin", "Merriweather", "Northcott", "Oakhurst", "Pemberton"]  # fmt: skip

REQUEST_TYPES: list[dict[str, Any]] = [
    {
        "name": "Video visit problem",
        "slug": "video-visit",
        "team": "tier-2",
        "level": 2,
        "description": "A video consultation would not connect, dropped, or had no audio or video.",
        "fields": [
            ("encounter", "Appointment or encounter ID", FieldKind.TEXT, False, "encounter_id", ""),
            (
                "device",
                "Device and operating system",
                FieldKind.TEXT,
                True,
                "os",
                "For example: iPad, iOS 18.",
            ),
            ("browser", "Browser or app version", FieldKind.TEXT, False, "browser", ""),
            (
                "network",
                "Connection",
                FieldKind.CHOICE,
                False,
                "network",
                "Wi-Fi\nMobile data\nWired\nNot sure",
            ),
        ],
    },
    {
        "name": "Device error or malfunction",
        "slug": "device-error",
        "team": "tier-2",
        "level": 3,
        "description": "A device shows an error code, will not start, or behaves unexpectedly.",
        "fields": [
            (
                "serial",
                "Device serial number",
                FieldKind.SERIAL,
                True,
                "device_serial",
                "Printed on the label under the device.",
            ),
            ("purchase", "Purchase date", FieldKind.DATE, False, "", ""),
            (
                "symptom",
                "What the device does",
                FieldKind.TEXTAREA,
                True,
                "",
                "Error codes, lights, sounds.",
            ),
            ("photo", "Photo of the error (optional)", FieldKind.FILE, False, "", ""),
        ],
    },
    {
        "name": "Billing question",
        "slug": "billing",
        "team": "billing",
        "level": 4,
        "description": "Invoices, claims, refunds and subscription charges.",
        "fields": [("invoice", "Invoice number", FieldKind.TEXT, False, "", "")],
    },
    {
        "name": "Scheduling",
        "slug": "scheduling",
        "team": "tier-1",
        "level": 3,
        "description": "Booking, moving or cancelling appointments.",
        "fields": [],
    },
    {
        "name": "Cancellation",
        "slug": "cancellation",
        "team": "tier-1",
        "level": 4,
        "description": "Cancel a membership or subscription.",
        "fields": [],
    },
    {
        "name": "Eligibility / no programs shown",
        "slug": "eligibility",
        "team": "tier-1",
        "level": 3,
        "description": "The app says you are not eligible or shows no programs.",
        "fields": [],
    },
    {
        "name": "Clinical collaboration",
        "slug": "clinical-collaboration",
        "team": "clinical",
        "level": 2,
        "description": "A technical problem that affects patient care and needs a clinician's review.",
        "fields": [
            (
                "patient",
                "Patient ID",
                FieldKind.TEXT,
                False,
                "patient_id",
                "Internal patient ID, not a name.",
            ),
            ("clinician", "Clinician ID", FieldKind.TEXT, False, "clinician_id", ""),
        ],
    },
    {
        "name": "Technical issue",
        "slug": "technical-issue",
        "team": "tier-2",
        "level": 3,
        "description": "Something in the software does not work as expected.",
        "fields": [],
    },
    {
        "name": "Specific employee request",
        "slug": "specific-employee",
        "team": "tier-1",
        "level": 4,
        "description": "You would like to speak with a particular coach or staff member.",
        "fields": [],
    },
    {
        "name": "General feedback",
        "slug": "general-feedback",
        "team": "tier-1",
        "level": 4,
        "description": "Ideas and comments about the service or the app.",
        "fields": [],
    },
    {
        "name": "Positive feedback",
        "slug": "positive-feedback",
        "team": "tier-1",
        "level": 4,
        "description": "Something or someone that worked well for you.",
        "fields": [],
    },
    {
        "name": "App bug",
        "slug": "app-bug",
        "team": "tier-1",
        "level": 3,
        "description": "The app crashes or shows something wrong.",
        "fields": [
            ("bug_confirmed", "Bug confirmed by support", FieldKind.CHOICE, False, "", "yes\nno")
        ],
    },
    {
        "name": "Incentives",
        "slug": "incentives",
        "team": "tier-1",
        "level": 4,
        "description": "Rewards or incentive program dates and payments.",
        "fields": [
            ("compliance_since", "In compliance since", FieldKind.DATE, False, "", ""),
            ("dates_missing", "Incentive dates missing", FieldKind.CHOICE, False, "", "yes\nno"),
        ],
    },
    {
        "name": "Webinar missing",
        "slug": "webinar-missing",
        "team": "tier-1",
        "level": 3,
        "description": "A webinar you signed up for does not show.",
        "fields": [],
    },
    {
        "name": "Visit scheduling blocked",
        "slug": "vmp-scheduling",
        "team": "tier-1",
        "level": 3,
        "description": "The app does not let you schedule a visit.",
        "fields": [
            (
                "requirements_all_true",
                "All requirements to schedule true",
                FieldKind.CHOICE,
                False,
                "",
                "yes\nno",
            ),
            ("requirements_true_since", "True since", FieldKind.DATE, False, "", ""),
        ],
    },
    {
        "name": "Device order",
        "slug": "device-order",
        "team": "tier-1",
        "level": 4,
        "description": "Ordering a standard monitoring device.",
        "fields": [
            ("not_ordered_yet", "Not ordered yet", FieldKind.CHOICE, False, "", "yes\nno"),
            (
                "order_template_completed",
                "Order template completed",
                FieldKind.CHOICE,
                False,
                "",
                "yes\nno",
            ),
            (
                "first_session_completed",
                "First session completed",
                FieldKind.CHOICE,
                False,
                "",
                "yes\nno",
            ),
            (
                "clinical_requirements_met",
                "All clinical requirements met",
                FieldKind.CHOICE,
                False,
                "",
                "yes\nno",
            ),
        ],
    },
    {
        "name": "CGM order",
        "slug": "cgm-order",
        "team": "tier-1",
        "level": 4,
        "description": "Ordering a continuous glucose monitor.",
        "fields": [],
    },
    {
        "name": "Lumera scale",
        "slug": "lumera-scale",
        "team": "tier-1",
        "level": 4,
        "description": "A problem with a Lumera connected scale.",
        "fields": [],
    },
    {
        "name": "Parlance respiratory device",
        "slug": "parlance-device",
        "team": "tier-1",
        "level": 4,
        "description": "A problem with a Parlance respiratory device.",
        "fields": [],
    },
    {
        "name": "Account and access",
        "slug": "account-access",
        "team": "tier-1",
        "level": 3,
        "description": "Sign-in problems, password resets, adding or removing users.",
        "fields": [],
    },
]

SUBJECTS: dict[str, list[str]] = {
    "video-visit": ["Unable to connect to video visit", "Video froze during consult", "Patient cannot hear clinician",
                    "Camera not detected in browser", "Visit dropped after 5 minutes", "Waiting room never admits patient"],
    "device-error": ["Device shows error E-214 on start", "Battery will not charge", "Actuator noise during session",
                     "Display flickers after firmware update", "Device will not pair with tablet", "Sensor reading stuck at zero"],
    "billing": ["Charged twice for March", "Refund for cancelled visit", "Invoice shows wrong plan", "Question about claim denial"],
    "scheduling": ["Need a sooner appointment", "Cannot book follow-up", "Appointment time shows wrong timezone"],
    "cancellation": ["Please cancel my membership", "Cancel subscription at end of term"],
    "eligibility": ["App says no programs available", "Not eligible message after enrollment"],
    "clinical-collaboration": ["Vitals not syncing to care team", "Remote monitoring alerts missing"],
    "account-access": ["Locked out after password reset", "Add two new clinicians to our account", "MFA code not arriving"],
    "technical-issue": ["Export to PDF fails for long reports", "Dashboard shows yesterday's numbers", "Sync error 500 after update"],
    "specific-employee": ["Can I speak with coach Mira again?"],
    "general-feedback": ["Idea: reminders the day before a visit"],
    "positive-feedback": ["My coach was wonderful this month"],
    "app-bug": ["App closes when I open my plan", "Step count shows zero"],
    "incentives": ["My reward for October is missing"],
    "webinar-missing": ["Tuesday's webinar is not in my app"],
    "vmp-scheduling": ["App will not let me book my visit"],
    "device-order": ["When will my blood pressure cuff ship?"],
    "cgm-order": ["Glucose sensor order status"],
    "lumera-scale": ["Scale will not sync weight"],
    "parlance-device": ["Breathing device shows a filter warning"],
}  # fmt: skip

REPLIES = [
    "Thanks for the details. Could you clear the browser cache, restart the device and try again?",
    "I have reproduced this and passed it to our technical team with the session trace.",
    "This is fixed on our side now. Please let us know if it happens again.",
    "I have processed this in the admin console; you will receive a confirmation email shortly.",
]


def demo_wanted() -> bool:
    if os.environ.get("CAREDESK_DEMO", "1") in ("0", "false", "no"):
        return False
    return not Organization.objects.exists()


def _setup_people(rng: random.Random) -> tuple[dict[str, Team], list[Any], list[Any]]:
    teams = {}
    for name, slug, tier, desc in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(
            slug=slug, defaults={"name": name, "tier": tier, "description": desc}
        )
    agents = []
    for email, name, role, team_slugs in AGENTS:
        agent = agent_create(
            email=email,
            name=name,
            password=PASSWORD,
            role=role,
            teams=[teams[s] for s in team_slugs],
        )
        if role == ROLE_ADMIN:
            agent.is_superuser = True
            agent.save(update_fields=["is_superuser"])
        agents.append(agent)
    # reads the access audit and nothing else (not in the agent list: takes no tickets)
    agent_create(
        email=COMPLIANCE_LOGIN, name="Hana Ostrowski", password=PASSWORD, role=ROLE_COMPLIANCE
    )
    contacts = []
    for i, (name, kind, plan, domain) in enumerate(ORGS):
        org = Organization.objects.create(
            name=name,
            kind=kind,
            plan=plan,
            email_domain=domain,
            account_manager=agents[1 + i % 2],
            phone=f"+1-555-01{i:02d}",
        )
        admin_email = "office@brookfield-clinic.example" if i == 0 else f"admin@{domain}"
        contacts.append(
            requester_create(
                email=admin_email,
                name=f"{name} office",
                organization=org,
                kind=ContactKind.CLIENT_ADMIN,
                password=PASSWORD,
            )
        )
        for j in range(8):
            first, last = FIRST[(i * 8 + j) % len(FIRST)], LAST[(i * 5 + j) % len(LAST)]
            kind_c = ContactKind.CLINICIAN if j % 3 == 0 else ContactKind.PATIENT
            email = f"{first}.{last}{i}{j}@{domain}".lower()
            contacts.append(
                requester_create(email=email, name=f"{first} {last}", organization=org, kind=kind_c)
            )
    contacts.append(
        requester_create(
            email="june.halloway@mail.example",
            name="June Halloway",
            organization=Organization.objects.get(name=ORGS[0][0]),
            kind=ContactKind.PATIENT,
            password=PASSWORD,
        )
    )
    return teams, agents, contacts


def _setup_types(teams: dict[str, Team]) -> list[RequestType]:
    types = []
    for pos, spec in enumerate(REQUEST_TYPES):
        rt = RequestType.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            description=spec["description"],
            default_level=spec["level"],
            default_team=teams[spec["team"]],
            position=pos,
        )
        for fpos, (key, label, kind, required, maps_to, extra) in enumerate(spec["fields"]):
            RequestField.objects.create(
                request_type=rt,
                key=key,
                label=label,
                kind=kind,
                required=required,
                maps_to=maps_to,
                choices=extra if kind == FieldKind.CHOICE else "",
                help_text=extra if kind != FieldKind.CHOICE else "",
                position=fpos,
            )
        types.append(rt)
    return types


def _setup_protocols(teams: dict[str, Team]) -> None:
    """The shipped policies, with the roles they name filled: Tier 2's lead is the technical
    owner, and the clinical team has a hand-set on-call liaison."""
    from caredesk.accounts.models import User
    from caredesk.rules.shipped import install_shipped

    tier2 = teams["tier-2"]
    tier2.lead = User.objects.get(email="tomas.varga@caredesk.example")
    tier2.save(update_fields=["lead"])
    clinical = teams["clinical"]
    clinical.on_call = clinical.members.order_by("pk").first()
    clinical.save(update_fields=["on_call"])
    install_shipped()


# The clinical liaisons' weekly rotation (invented people and numbers in the 555-01xx range).
LIAISONS = [
    ("kasimir.oyelaran@caredesk.example", "Dr. Kasimir Oyelaran", "+15550100141"),
    ("maren.tvedt@caredesk.example", "Maren Tvedt", "+15550100142"),
]


def _setup_statuses() -> None:
    """Two of the desk's own statuses beside the shipped defaults."""
    for agent_label, requester_label, category in (
        ("Awaiting lab results", "Waiting for your lab results", "pending"),
        ("Waiting on device vendor", "We're on it", "on_hold"),
    ):
        status_save(status=None, data=StatusIn(agent_label, requester_label, category))


def _setup_oncall(teams: dict[str, Team]) -> None:
    """A 24/7 clinical liaison schedule (weekly, Mondays 09:00 New York time, the hand-set
    liaison's shift running now) and its default escalation policy: the liaison on call, then
    the team lead, three rounds."""
    from datetime import time
    from zoneinfo import ZoneInfo

    from caredesk.accounts.models import User
    from caredesk.oncall.models import (
        EscalationPolicy,
        EscalationStep,
        Layer,
        LayerMember,
        PagingContact,
        Schedule,
        TargetKind,
    )

    clinical = teams["clinical"]
    people = list(clinical.members.order_by("pk"))
    for email, name, phone in LIAISONS:
        person = agent_create(
            email=email, name=name, password=PASSWORD, role=ROLE_AGENT, teams=[clinical]
        )
        PagingContact.objects.create(user=person, phone=phone)
        people.append(person)
    clinical.lead = User.objects.get(email="rosa.lindqvist@caredesk.example")
    clinical.save(update_fields=["lead"])
    now = clock.now()
    schedule = Schedule.objects.create(
        team=clinical, name="Clinical liaisons 24/7", timezone="America/New_York", created_at=now
    )
    local = now.astimezone(ZoneInfo("America/New_York"))
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(9), local.tzinfo):
        monday -= timedelta(days=7)  # the week's hand-off is still ahead: the first shift began
    layer = Layer.objects.create(
        schedule=schedule, name="Weekly", kind="weekly", handoff_time=time(9), start_date=monday
    )
    for n, person in enumerate(people):
        LayerMember.objects.create(layer=layer, user=person, position=n)
    policy = EscalationPolicy.objects.create(
        team=clinical, name="Clinical safety", is_default=True, repeat=3
    )
    EscalationStep.objects.create(
        policy=policy, position=0, target=TargetKind.SCHEDULE, schedule=schedule, wait_minutes=5
    )
    EscalationStep.objects.create(
        policy=policy, position=1, target=TargetKind.TEAM_LEAD, wait_minutes=10
    )


def _one_ticket(
    *,
    rng: random.Random,
    when: datetime,
    now: datetime,
    rt: RequestType,
    contacts: list[Any],
    agents: list[Any],
    by_team: dict[int | None, list[Any]],
) -> None:
    clock.set_source(lambda: when)
    requester = rng.choice(contacts)
    structured = {}
    if rt.slug == "device-error":
        structured["device_serial"] = f"PT-{rng.randint(100000, 999999)}"
    if rt.slug == "video-visit":
        structured.update(
            os=rng.choice(["iOS 18", "Android 15", "Windows 11", "macOS 15"]),
            browser=rng.choice(["Safari 18", "Chrome 131", "Edge 131", "App 4.2"]),
            network=rng.choice(["Wi-Fi", "Mobile data", "Wired"]),
            # invented identifiers (derived from the time, so the random sequence is unchanged)
            patient_id=f"MRN-DEMO-{when:%d%H%M%S}",
            encounter_id=f"VV-{when:%m%d-%H%M}",
        )
    channel = rng.choice(
        [Channel.PORTAL, Channel.PORTAL, Channel.EMAIL, Channel.PHONE, Channel.CHAT, Channel.API]
    )
    if rt.slug == "video-visit" and rng.random() < 0.4:
        channel = Channel.VIDEO
    ticket = ticket_open(
        data=NewTicket(
            requester=requester,
            subject=rng.choice(SUBJECTS[rt.slug]),
            body=Body(
                text=f"Hello,\n\n{rt.description} Could you help?\n\nThanks, {requester.name}"
            ),
            channel=channel,
            priority=min(4, max(1, rt.default_level + rng.choice([-1, 0, 0, 0, 1]))),
            category=rt,
            structured=structured,
        ),
        actor=requester,
    )
    age = rng.random()
    if age < 0.25:
        return  # still new and unassigned
    agent = rng.choice(by_team.get(rt.default_team_id) or agents)
    when2 = min(when + timedelta(minutes=rng.randint(5, 600)), now)
    clock.set_source(lambda: when2)
    ticket_update(ticket=ticket, changes={"assignee": agent}, actor=agent)
    message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text=rng.choice(REPLIES)), actor=agent
    )
    if rng.random() < 0.3:
        message_add(
            ticket=ticket,
            kind=MessageKind.INTERNAL,
            body=Body(
                text="Checked the session logs; looks like a network drop on the client side."
            ),
            actor=agent,
        )
    final = rng.choices(
        [Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED], [3, 2, 1, 4, 4]
    )[0]
    if final != Status.OPEN:
        when3 = when2 + timedelta(hours=rng.randint(1, 72))
        clock.set_source(lambda: min(when3, now))
        ticket_update(ticket=ticket, changes={"status": final}, actor=agent)


# invented product catalogue: (class, warranty months) and (name, SKU, class, firmware versions)
DEVICE_CLASSES = [("Consumables", 12), ("Electronics", 24), ("Extended-life systems", 36)]
DEVICE_MODELS = [
    ("Pulsetrak Home Monitor", "PT-HM2", "Electronics", ["3.2.0", "3.4.1"]),
    ("Kinetra Rehab Stimulator", "KR-ST5", "Electronics", ["1.9.4", "2.0.0"]),
    ("Kinetra Electrode Kit", "KR-EK1", "Consumables", []),
    ("Aerolux Clinic Console", "AL-CC9", "Extended-life systems", ["5.1.2"]),
]


def _setup_devices(now: datetime) -> None:
    """The catalogue, and assets for the demo organizations: the first device tickets' serials
    are registered (their tickets show the asset card), a few more are not (said unknown)."""
    classes = {
        name: ProductClass.objects.create(name=name, warranty_months=months)
        for name, months in DEVICE_CLASSES
    }
    for name, sku, cls, firmware in DEVICE_MODELS:
        ProductModel.objects.create(
            name=name, sku=sku, product_class=classes[cls], firmware_versions=firmware
        )
    named = Ticket.objects.filter(device_serial__startswith="PT-").order_by("created_at", "id")
    serials = list(dict.fromkeys(named.values_list("device_serial", flat=True)[:50]))[:8]
    serials += [f"KR-{200100 + i}" for i in range(6)]
    rows = []
    for i, serial in enumerate(serials):
        model = DEVICE_MODELS[0] if serial.startswith("PT-") else DEVICE_MODELS[1 + i % 3]
        # purchases spread over the last four years: some in warranty, some ending, some out
        bought = (now - timedelta(days=90 + 173 * i)).date()
        rows.append(
            {
                "serial": serial,
                "model": model[1],
                "lot": f"L{bought:%y%m}",
                "firmware": (model[3] or [""])[-1],
                "organization": ORGS[i % len(ORGS)][0],
                "site": ["Room 1", "Therapy gym", "Front desk", "Ward B"][i % 4],
                "purchased_on": bought.isoformat(),
                "installed_on": (bought + timedelta(days=7)).isoformat(),
                "in_clinical_use": "yes" if i % 3 == 0 else "no",
            }
        )
    assets_import(rows=rows, actor=None, dry_run=False)


DEMO_PARTS = [
    # number, name, critical, lead time (days), unit cost, models, received, used per week
    ("PT-BAT-02", "Home monitor battery pack", True, 30, "38.50", ["PT-HM2"], 44, 3),
    ("PT-CUF-11", "Blood pressure cuff, adult", False, 14, "21.00", ["PT-HM2"], 20, 1),
    ("KR-LED-04", "Stimulator lead set", True, 21, "64.00", ["KR-ST5"], 60, 2),
    ("AL-PSU-90", "Console power supply", True, 45, "212.00", ["AL-CC9"], 3, 0),
]


def _at(instant: datetime) -> datetime:
    return instant


def _setup_parts(now: datetime) -> None:
    """Two stock locations, a few parts, and 90 days of receipts, repair use, a transfer and a
    count; the battery pack ends below its floor (a reorder alert on the parts screen)."""
    from caredesk.accounts.models import User
    from caredesk.devices.models import Part, StockLocation
    from caredesk.devices.stock import stock_count, stock_receive, stock_transfer, take_for_repair

    lead = User.objects.filter(email="rosa.lindqvist@caredesk.example").first()
    depot = StockLocation.objects.create(name="Central depot", repair_default=True)
    van = StockLocation.objects.create(name="Field van North")
    models = {m.sku: m for m in ProductModel.objects.all()}
    start = now - timedelta(days=88)
    for number, name, critical, lead_days, cost, skus, received, weekly in DEMO_PARTS:
        part = Part.objects.create(
            number=number, name=name, critical=critical, lead_time_days=lead_days, unit_cost=cost
        )
        part.product_models.set([models[s] for s in skus if s in models])
        clock.set_source(lambda: start)
        stock_receive(part=part, location=depot, quantity=received, actor=lead, reference="PO-2207")
        if weekly:
            clock.set_source(lambda: start + timedelta(days=1))
            stock_transfer(
                part=part, source=depot, destination=van, quantity=2, actor=lead,
                reason="van kit",
            )  # fmt: skip
        for week in range(12):
            for i in range(weekly):
                at = start + timedelta(days=7 * week + 2 + i)
                clock.set_source(functools.partial(_at, at))
                take_for_repair(part, 1, actor=lead, reference=f"RMA-{1000 + week * 10 + i}")
    battery = Part.objects.get(number="PT-BAT-02")
    clock.set_source(lambda: now - timedelta(days=2))
    stock_count(part=battery, location=depot, counted=4, actor=lead, reason="quarterly shelf count")
    clock.set_source(lambda: now)


def _setup_contracts(now: datetime) -> None:
    """Service contracts for the demo organizations: one under Premium for all its units
    (renewing on its own), one under Standard for every unit of its models ending within 60
    days (the renewal sweep starts its outreach), one under Basic that ended a month ago (the
    sweep records it as lapsed)."""
    install_plans(ServicePlan)
    plans = {p.name: p for p in ServicePlan.objects.all()}
    today = now.date()
    specs = [
        (0, "Premium", today - timedelta(days=200), Coverage.UNITS, True),
        (1, "Standard", today - timedelta(days=325), Coverage.MODELS, False),
        (2, "Basic", today - timedelta(days=395), Coverage.UNITS, False),
    ]
    for index, plan_name, start, coverage, renews in specs:
        org = Organization.objects.filter(name=ORGS[index % len(ORGS)][0]).first()
        if org is None or plan_name not in plans:
            continue
        units = list(Asset.objects.filter(organization=org))
        models = list(ProductModel.objects.filter(assets__in=units).distinct())
        data = NewContract(
            organization=org,
            plan=plans[plan_name],
            starts_on=start,
            coverage=coverage,
            assets=units if coverage == Coverage.UNITS else [],
            product_models=models if coverage == Coverage.MODELS else [],
            auto_renew=renews,
        )
        try:
            contract_create(data=data, actor=None)
        except ValidationFailed:
            continue  # an organization without units: no contract
    renewals_sweep()


def _setup_rmas() -> None:
    """A bench checklist for the home monitor, two spare parts, and three returns: one just
    issued, one diagnosed on the bench, one shipped back to the clinic."""
    now = clock.now()
    monitor = ProductModel.objects.get(sku="PT-HM2")
    template = ChecklistTemplate.objects.create(
        name="Home monitor bench check", created_at=now, updated_at=now
    )
    for i, text in enumerate(
        ["Power-on self test passes", "Sensor reads the reference signal", "Housing sealed"]
    ):
        ChecklistTemplateItem.objects.create(template=template, text=text, position=i)
    monitor.validation_checklist = template
    monitor.save(update_fields=["validation_checklist"])
    battery = Part.objects.get(number="PT-BAT-02")  # on the depot's shelf (_setup_parts)
    battery.product_models.add(monitor)
    technician = User.objects.get(email="tomas.varga@caredesk.example")
    serials = set(monitor.assets.values_list("serial", flat=True))
    tickets = [
        t
        for t in Ticket.objects.filter(device_serial__in=serials).order_by("created_at", "id")
        if t.device_serial in serials
    ]
    seen: set[str] = set()
    picked = []
    for t in tickets:
        if t.device_serial not in seen:
            seen.add(t.device_serial)
            picked.append(t)
    if len(picked) < 3:
        return
    rma_open(ticket=picked[0], actor=technician)
    bench = rma_open(ticket=picked[1], actor=technician)
    for to in ("received", "diagnosed"):
        bench = rma_transition(rma=bench, to=to, actor=technician, tracking="1Z8841RMA")
    rma_update(
        rma=bench,
        changes={
            "technician": technician,
            "failure_mode": "battery",
            "findings": "Battery swollen; charging circuit fine.",
            "labour_minutes": 45,
        },
        actor=technician,
    )
    rma_part_add(rma=bench, part=battery, quantity=1, actor=technician)
    done = rma_open(ticket=picked[2], actor=technician)
    for to in ("received", "diagnosed", "repaired"):
        done = rma_transition(rma=done, to=to, actor=technician)
    for step in done.checks.all():
        rma_check_tick(rma=done, check_id=step.pk, done=True, actor=technician)
    for to in ("validated", "shipped"):
        done = rma_transition(rma=done, to=to, actor=technician, tracking="1Z7730BACK")


# Knowledge articles: (title, audience, category slug, model, firmware from, to, body). The desk
# procedures the member-services protocol names, and the top diagnostic articles per audience.
KB_ARTICLES = [
    (
        "Handling requests to speak with specific employees",
        "internal",
        "desk-procedures",
        "",
        "",
        "",
        "A member asks for a named person. Stay in Tier 1 and help first.\n\n"
        "- Thank the member and ask what they need help with.\n"
        "- Do not share where a colleague works, their hours or their direct line.\n"
        "- If the named person already owns the ticket, add a note mentioning them.\n"
        "- If the member insists, offer a call back from the team lead within one business day.",
    ),
    (
        "Incentive Program",
        "internal",
        "billing",
        "",
        "",
        "",
        "Members earn rewards for completed check-ins. Read the member's plan year first.\n\n"
        "- Rewards post within 10 business days of the activity.\n"
        "- A missing reward: confirm the activity date, then open a Billing task.\n"
        "- Never promise an amount; quote the plan's published table.",
    ),
    (
        "Video visit will not connect",
        "patient",
        "video-visits",
        "",
        "",
        "",
        "If your video visit does not start, try these steps.\n\n"
        "- Close other apps that use the camera.\n"
        "- Allow the camera and the microphone when your browser asks.\n"
        "- Move closer to your Wi-Fi router, or use mobile data.\n"
        "- Run the device check on our help page.\n\n"
        "Still stuck? Call us and we will move your visit.",
    ),
    (
        "Home monitor shows no readings",
        "patient",
        "devices",
        "PT-HM2",
        "3.2.0",
        "3.4.1",
        "Your home monitor sends readings to your care team each day.\n\n"
        "- Check that the green light is on.\n"
        "- Charge the battery for one hour.\n"
        "- Take a new reading and wait five minutes.\n\n"
        "If the light stays red, the battery pack may need a change. Call us.",
    ),
    (
        "Reset your password",
        "patient",
        "accounts",
        "",
        "",
        "",
        "Forgot your password? You can set a new one.\n\n"
        "- Open the sign-in page and choose Forgot password.\n"
        "- Type your email. We send you a link.\n"
        "- The link works for one hour.\n\n"
        "No mail? Check your spam folder, then ask us for help.",
    ),
    (
        "Blood pressure cuff error codes",
        "clinician",
        "devices",
        "PT-HM2",
        "3.2.0",
        "",
        "E1 means the cuff is loose; E2 that the patient moved during inflation; E3 an "
        "inflation fault, usually a kinked tube. Repeat the measurement after five minutes of "
        "rest; two consecutive E3 results indicate a replacement cuff (part PT-CUF-11).",
    ),
    (
        "Checking the stimulator lead set before a session",
        "clinician",
        "devices",
        "KR-ST5",
        "1.9.4",
        "2.0.0",
        "Inspect both leads for visible damage and confirm the impedance reading on the "
        "stimulator stays below the threshold shown in the session screen. An impedance warning "
        "that persists after replacing the electrodes indicates a faulty lead set.",
    ),
    (
        "Adding and removing clinic users",
        "administrator",
        "accounts",
        "",
        "",
        "",
        "Clinic administrators manage their own users from the portal. Add a user with their "
        "work email; they receive an invitation valid for seven days. Remove departing staff on "
        "their last day so their access ends with their employment.",
    ),
    (
        "Reading the clinic console's error log",
        "administrator",
        "devices",
        "AL-CC9",
        "5.1.2",
        "",
        "The console keeps its last 500 events. Export the log from Settings, then Diagnostics, "
        "and attach the file to your request so our engineers can read the fault codes.",
    ),
]
KB_SPANISH = (
    "Video visit will not connect",
    "La videoconsulta no conecta",
    "Si su videoconsulta no empieza, pruebe estos pasos.\n\n"
    "- Cierre otras aplicaciones que usan la cámara.\n"
    "- Permita la cámara y el micrófono.\n"
    "- Acérquese al router wifi.\n\n"
    "¿Sigue sin funcionar? Llámenos.",
)


def _setup_knowledge(now: datetime) -> None:
    """Publish the demo's articles (written by the support lead, reviewed by the clinical and
    quality liaison) and give them a few days of readers."""
    from caredesk.knowledge import services as kb
    from caredesk.knowledge.models import Category

    author = User.objects.get(email="rosa.lindqvist@caredesk.example")
    reviewer = User.objects.get(email="dr.ines.castell@caredesk.example")
    categories = {c.slug: c for c in Category.objects.all()}
    made = {}
    for title, audience, category, sku, low, high, body in KB_ARTICLES:
        data = kb.ArticleData(
            title=title,
            body=body,
            audience=audience,
            category=categories.get(category),
            model_sku=sku,
            firmware_min=low,
            firmware_max=high,
            review_by=(now + timedelta(days=180)).date(),
        )
        made[title] = article = kb.article_create(data=data, actor=author)
        kb.article_submit(article=article, actor=author)
        kb.article_publish(article=article, actor=reviewer)
    original, title, body = KB_SPANISH
    spanish = kb.article_create(
        data=kb.ArticleData(
            title=title,
            body=body,
            audience="patient",
            language="es",
            original=made[original],
            category=made[original].category,
        ),
        actor=author,
    )
    kb.article_submit(article=spanish, actor=author)
    kb.article_publish(article=spanish, actor=reviewer)
    for reads, title in enumerate(reversed([t[0] for t in KB_ARTICLES])):
        for _ in range(reads):
            kb.view_count(made[title])


# invented comments on satisfaction surveys, by how the requester rated
FEEDBACK_COMMENTS = {
    1: ["Three mails before anyone answered, and the visit was missed anyway."],
    2: ["The fix worked but it took two days to hear back.", "I had to explain it all twice."],
    3: ["Fine in the end."],
    4: ["Quick and clear, thank you."],
    5: ["Lovely agent, solved while I was on the phone.", "Perfect, the monitor works again."],
}


def _setup_feedback(rng: random.Random, now: datetime) -> None:
    """Surveys of the tickets solved in the last 60 days, about two in three answered (mostly
    well), and this quarter's recommendation survey, half of it answered."""
    from caredesk.feedback.models import Kind, Survey
    from caredesk.feedback.services import answer_record, nps_draw, surveys_book, surveys_send

    surveys_book(since=now - timedelta(days=61))
    surveys_send()
    nps_draw()
    surveys_send()
    for survey in Survey.objects.filter(kind=Kind.CSAT, sent_at__isnull=False).order_by("pk"):
        if rng.random() < 0.65:
            score = rng.choices([1, 2, 3, 4, 5], [1, 2, 2, 6, 9])[0]
            comment = rng.choice(FEEDBACK_COMMENTS[score]) if rng.random() < 0.4 else ""
            answer_record(token=survey.token, score=score, comment=comment)
    for survey in Survey.objects.filter(kind=Kind.NPS, sent_at__isnull=False).order_by("pk"):
        if rng.random() < 0.5:
            answer_record(
                token=survey.token, score=rng.choices(range(11), [1] * 6 + [2, 3, 4, 6, 5])[0]
            )


def demo_load(*, tickets: int = 300, seed: int = 7) -> None:
    """Load the demo organizations, people, request types and tickets (once)."""
    rng = random.Random(seed)
    now = clock.now()
    previous = clock.set_source(lambda: now)  # setup happens "now"; each ticket sets its own time
    try:
        with transaction.atomic():
            teams, agents, contacts = _setup_people(rng)
            types = _setup_types(teams)
            _setup_protocols(teams)
            _setup_oncall(teams)
            _setup_statuses()
            by_team: dict[int | None, list[Any]] = {}
            for agent in agents:
                for team_id in agent.teams.values_list("pk", flat=True):
                    by_team.setdefault(team_id, []).append(agent)
            for _ in range(tickets):
                when = now - timedelta(days=60 * rng.random() ** 1.5)
                _one_ticket(
                    rng=rng,
                    when=when,
                    now=now,
                    rt=rng.choice(types),
                    contacts=contacts,
                    agents=agents,
                    by_team=by_team,
                )
            clock.set_source(lambda: now)
            _setup_devices(now)
            _setup_parts(now)
            _setup_contracts(now)
            _setup_rmas()
            _setup_knowledge(now)
            _setup_feedback(rng, now)
    finally:
        clock.set_source(previous)
