"""System checks: the audit cannot run unsigned, or be kept for less than six years."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def audit_settings(**_: Any) -> list[CheckMessage]:
    from caredesk.compliance.retention import MIN_RETENTION_YEARS

    problems: list[CheckMessage] = []
    if not settings.CAREDESK_AUDIT_KEY:
        problems.append(
            Error(
                "The access audit's checkpoints cannot be signed: no key.",
                hint="Set CAREDESK_AUDIT_KEY (or CAREDESK_AUDIT_KEY_FILE) to a long random secret "
                "kept outside the database.",
                id="caredesk.E101",
            )
        )
    if settings.CAREDESK_AUDIT_RETENTION_YEARS < MIN_RETENTION_YEARS:
        problems.append(
            Error(
                f"CAREDESK_AUDIT_RETENTION_YEARS is {settings.CAREDESK_AUDIT_RETENTION_YEARS}; "
                f"the access audit must be kept at least {MIN_RETENTION_YEARS} years.",
                hint="Set it to 6 or more (the default is 7).",
                id="caredesk.E102",
            )
        )
    return problems
