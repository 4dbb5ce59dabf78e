"""System checks run by every start and by `caredesk manage check --deploy`."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from caredesk.core.phi import keyring
from caredesk.core.phi_crypto import PhiKeyError


@register()
def phi_keys_check(app_configs: Any = None, **_: Any) -> list[Error]:
    """Health information cannot be stored or read without its keys: refuse to start."""
    try:
        keyring()
    except PhiKeyError as exc:
        return [
            Error(
                str(exc),
                hint="Generate one with `caredesk keys new` and set CAREDESK_PHI_KEYS or "
                "CAREDESK_PHI_KEY_FILE (see docs/configuration.md).",
                id="caredesk.E001",
            )
        ]
    return []
