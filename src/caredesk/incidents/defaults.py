"""The severity targets a fresh install starts with: the telehealth guide's Sev 1 (acknowledge
within 5 minutes, resolve within 60), then looser steps for Sev 2-4; a lead changes them.
Installed by migration 0002 (with its historical model) and by tests that flush the tables."""

from __future__ import annotations

from typing import Any

TARGETS = [
    # severity, acknowledge, resolve (minutes), page on declare, stakeholder survey
    (1, 5, 60, True, True),
    (2, 15, 240, True, True),
    (3, 60, 1440, False, False),
    (4, 240, 4320, False, False),
]


def install_severity_targets(severity_target: Any) -> None:
    """Create the missing rows (a lead's changes to existing ones are kept)."""
    for severity, ack, resolve, page, survey in TARGETS:
        severity_target.objects.get_or_create(
            severity=severity,
            defaults={
                "acknowledge_minutes": ack,
                "resolve_minutes": resolve,
                "page": page,
                "stakeholder_survey": survey,
            },
        )
