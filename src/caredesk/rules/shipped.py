"""The example policies CareDesk ships (rules/protocols/*.yaml) and the macros they use.

Each policy reproduces one of the operating documents support teams gave us: the member-services
routing protocol, a device maker's escalation matrix, a health-software support pipeline and a
telehealth hub's keyword auto-triage. They name teams and request types by slug, and roles
(the account manager, a team's lead or on-call person), never people.

Every start (`caredesk serve`, `caredesk migrate`) installs the shipped policies, the macros
and the calendar they use that were never installed before: a fresh install has the safety
rules at once, and a lead's later edits (or removal) are never undone. A team a policy names
that does not exist yet is listed on the policy in the desk; until it is created, the actions
that need it are skipped and the ticket's history says why.
"""

from __future__ import annotations

from importlib import resources

from django.db import transaction

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.rules.models import Macro, MacroKind, Policy, ShippedInstall
from caredesk.rules.policies import parse_yaml, policies_import

POLICY_FILES = (
    "member-services.yaml",
    "device-escalation.yaml",
    "technical-pipeline.yaml",
    "telehealth-triage.yaml",
)

MACROS: list[tuple[str, str, str, str]] = [
    (
        "clear-cache-restart",
        "Clear cache and restart",
        MacroKind.PUBLIC,
        "Hello {requester_first_name},\n\nSorry the video visit would not connect. These steps fix "
        "most connection problems:\n\n1. Close the app or browser tab completely.\n2. Clear the "
        "browser cache (or update the app).\n3. Restart your device.\n4. Join again from a Wi-Fi "
        "network if you can.\n\nIf it still fails, reply here and tell us your device, browser and "
        "network; a technical engineer has your request ({ref}).",
    ),
    (
        "device-intake",
        "Device intake questions",
        MacroKind.PUBLIC,
        "Hello {requester_first_name},\n\nSo we can help quickly, please reply with:\n\n- the "
        "device's serial number (on the label underneath),\n- the purchase date,\n- what the "
        "device does: error codes, lights or sounds, and when it started.\n\nReference: {ref}.",
    ),
    (
        "eligibility-exclusion",
        "Eligibility: valid exclusion",
        MacroKind.PUBLIC,
        "Hello {requester_first_name},\n\nWe checked your enrollment. Under your plan's rules the "
        "programs are not available to you at the moment, which is why the app shows none. If your "
        "situation changes, reply here and we will check again.",
    ),
    (
        "lumera-support",
        "Lumera scale support",
        MacroKind.PUBLIC,
        "Hello {requester_first_name},\n\nLumera scales are supported directly by the Lumera "
        "program support center. Open its support page and click the black icon in the bottom "
        "right-hand corner to submit a ticket; they will help you from there.",
    ),
    (
        "parlance-support",
        "Parlance device support",
        MacroKind.PUBLIC,
        "Hello {requester_first_name},\n\nParlance respiratory devices are supported by Parlance "
        "directly. Please call their support line on +1-800-555-0199.",
    ),
]


def policy_text(filename: str) -> str:
    return resources.files("caredesk.rules.protocols").joinpath(filename).read_text()


# The calendar the technical pipeline's cut-off uses: developer support, weekdays until 1 PM
# Eastern (no public holidays until an administrator picks a country).
DEVELOPER_CALENDAR = "Developer support (Eastern, until 1 PM)"


def install_macros() -> None:
    for slug, name, kind, body in MACROS:
        Macro.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, "body": body})


def install_calendar() -> None:
    from caredesk.sla.models import Calendar

    Calendar.objects.get_or_create(
        name=DEVELOPER_CALENDAR,
        defaults={
            "timezone": "America/New_York",
            "weekly_hours": {str(d): [["08:00", "13:00"]] for d in range(5)},
        },
    )


def _first_time(key: str) -> bool:
    """True once per key, ever (and records it)."""
    _row, created = ShippedInstall.objects.get_or_create(
        slug=key, defaults={"installed_at": clock.now()}
    )
    return created


@transaction.atomic
def install_shipped(*, actor: User | None = None) -> list[Policy]:
    """Install the shipped macros, calendar and policies never installed before; returns the
    policies installed now. Idempotent: a policy already there (or once installed and since
    removed) is left exactly as it is."""
    if _first_time("macros"):
        install_macros()
    if _first_time("developer-calendar"):
        install_calendar()
    saved: list[Policy] = []
    for filename in POLICY_FILES:
        text = policy_text(filename)
        slug = str(parse_yaml(text)[0]["slug"])
        if not _first_time(slug) or Policy.objects.filter(slug=slug).exists():
            continue
        saved += policies_import(text=text, actor=actor, note="shipped policy")
    return saved
