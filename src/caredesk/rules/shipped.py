"""The example policies CareDesk ships (rules/protocols/*.yaml) and the macros they use.

Each policy reproduces one of the operating documents support teams gave us: the member-services
routing protocol, a device maker's escalation matrix, a health-software support pipeline and a
telehealth hub's keyword auto-triage. They name teams, request types and a calendar by slug;
the demo creates those, and an installation adapts the YAML to its own names.
"""

from __future__ import annotations

from importlib import resources

from caredesk.accounts.models import User
from caredesk.rules.models import Macro, MacroKind, Policy
from caredesk.rules.policies import policies_import

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


def install_macros() -> None:
    for slug, name, kind, body in MACROS:
        Macro.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, "body": body})


def install_shipped(*, actor: User | None = None) -> list[Policy]:
    """Create (or bring up to date) the shipped macros and policies."""
    install_macros()
    saved: list[Policy] = []
    for filename in POLICY_FILES:
        saved += policies_import(text=policy_text(filename), actor=actor, note="shipped policy")
    return saved
