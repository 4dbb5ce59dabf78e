"""System checks run by every start and by `caredesk manage check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from caredesk.core import phi_crypto
from caredesk.core.phi import key_source_text
from caredesk.core.phi_crypto import PhiKeyError

KEYS_HINT = (
    "Generate keys with `caredesk keys new` and set CAREDESK_PHI_KEYS or CAREDESK_PHI_KEY_FILE "
    "(see docs/configuration.md)."
)


@register()
def phi_keys_check(app_configs: Any = None, **_: Any) -> list[Error]:
    """Health information cannot be stored or read without its keys: refuse to start.

    Reads only: where the embedded mode would write a new key file, the check passes and the
    first use of a key writes it (a check never writes)."""
    try:
        text = key_source_text(create=False)
        if text:
            phi_crypto.keyring_from(phi_crypto.parse_entries(text), settings.CAREDESK_PHI_INDEX_KEY)
    except PhiKeyError as exc:
        return [Error(str(exc), hint=KEYS_HINT, id="caredesk.E001")]
    return []


@register(Tags.security, deploy=True)
def phi_keys_deploy_check(app_configs: Any = None, **_: Any) -> list[Error]:
    """In production the keys come from the environment or a key file kept apart from the data
    folder (a copy of the data folder must not carry the keys to its own data)."""
    if settings.CAREDESK_PHI_KEYS or settings.CAREDESK_PHI_KEY_FILE:
        return []
    return [
        Error(
            "No PHI encryption key is configured for production (CAREDESK_PHI_KEYS or "
            "CAREDESK_PHI_KEY_FILE); a key file in the data folder sits beside the data it "
            "protects.",
            hint=KEYS_HINT,
            id="caredesk.E002",
        )
    ]


@register()
def outbox_settings_check(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    """The retry schedule must parse; a claim shorter than one attempt may send twice."""
    from django.core.exceptions import ImproperlyConfigured

    from caredesk.core.outbox import schedule

    try:
        schedule()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="e.g. 5s,5m,30m,2h,5h,10h,10h", id="caredesk.E031")]
    timeout = settings.EMAIL_TIMEOUT or 0
    lease = float(settings.CAREDESK_OUTBOX_LEASE_SECONDS)
    if lease <= max(timeout, 10):
        return [
            Warning(
                "CAREDESK_OUTBOX_LEASE_SECONDS is shorter than one delivery attempt may take "
                f"(EMAIL_TIMEOUT is {timeout} s, a webhook attempt up to 10 s): a slow attempt "
                "may be repeated by another worker while it is still running.",
                id="caredesk.W032",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def shared_cache_check(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    """On PostgreSQL (the scale-out mode) without Redis, what must be counted across processes
    is counted in each one: the failed sign-in limits, and the guard that takes a single sign-on
    answer once. Fine for one web process; not for several."""
    from django.db import connection

    backend = settings.CACHES["default"]["BACKEND"]
    if connection.vendor == "postgresql" and backend.endswith("LocMemCache"):
        return [
            Warning(
                "PostgreSQL without REDIS_URL: failed sign-ins are limited, and single sign-on "
                "answers taken once, in each web process separately.",
                hint="Set REDIS_URL when more than one web process serves the desk "
                "(see docs/operator-guide.md, Scale-out mode).",
                id="caredesk.W034",
            )
        ]
    return []


@register()
def trusted_proxies_check(app_configs: Any = None, **_: Any) -> list[Error]:
    """Behind a reverse proxy, the proxy's addresses must be named: without them every client
    would share the proxy's address (one sign-in pause for everyone), and believing any peer's
    X-Forwarded-For would let a client choose the address the audit records."""
    if settings.CAREDESK_BEHIND_PROXY and not settings.CAREDESK_TRUSTED_PROXIES:
        return [
            Error(
                "CAREDESK_BEHIND_PROXY is set but CAREDESK_TRUSTED_PROXIES is empty: the client "
                "addresses the proxy forwards would not be believed.",
                hint="Set CAREDESK_TRUSTED_PROXIES to the reverse proxy's addresses or networks, "
                "e.g. 10.0.0.5 or 10.0.0.0/24 (see docs/configuration.md).",
                id="caredesk.E010",
            )
        ]
    return []
