"""Status subscriptions: by mail (double opt-in) and by webhook; the listener that tells them
of each public update; the webhook's delivery handler (through the outbox, with its retries).

A mail subscription counts only once confirmed from the link mailed to the address; every mail
carries an unsubscribe link (and the List-Unsubscribe headers for one-click unsubscribing).
Links carry the subscription's random token, signed, so a guessed or altered link is refused.
A webhook is called only through the outbound address guard of the integrations app, at the
address checked at delivery time; only an administrator's webhook may reach private addresses.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import secrets
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import reverse

from caredesk.accounts.models import Organization, User
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import PermanentFailure, outbox_add
from caredesk.incidents.models import (
    Component,
    Incident,
    IncidentUpdate,
    Subscription,
    SubscriptionKind,
)

log = logging.getLogger(__name__)

WEBHOOK_KIND = OutboxKind.STATUS_WEBHOOK  # the outbox kind of a status webhook call
CONFIRM_SALT = "caredesk.incidents.status.confirm"
UNSUBSCRIBE_SALT = "caredesk.incidents.status.unsubscribe"
CONFIRM_DAYS = 7


def _link(name: str, signed: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + reverse(name, args=[signed])


def confirm_link(sub: Subscription) -> str:
    return _link("status:confirm", signing.dumps(sub.token, salt=CONFIRM_SALT))


def unsubscribe_link(sub: Subscription) -> str:
    return _link("status:unsubscribe", signing.dumps(sub.token, salt=UNSUBSCRIBE_SALT))


def _address_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def webhook_refusal(url: str) -> str:
    """Why `url` cannot be a status webhook ("" when it may be): http or https with a host; a
    host written as an address is judged by the address guard now, a name at each delivery."""
    from caredesk.integrations.services import address_refusal

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Give an http or https address."
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return ""
    why = address_refusal(ip, allow_private=False)
    return f"That address cannot be called: {why}." if why else ""


def _components(ids: Sequence[Component]) -> list[Component]:
    return [c for c in ids if c.public]


def subscribe(
    *,
    kind: str,
    address: str,
    components: Sequence[Component] = (),
    organization: Organization | None = None,
    actor: User | None = None,
    allow_private: bool = False,
) -> Subscription:
    """Subscribe `address`. A mail address gets a confirmation link (and counts once
    confirmed); a webhook counts at once. Subscribing again changes nothing and mails the link
    again while unconfirmed (the answer is the same either way, so it tells nobody who is
    subscribed)."""
    address = address.strip()
    if kind == SubscriptionKind.EMAIL:
        address = address.lower()
        try:
            EmailValidator()(address)
        except Exception:
            raise _address_error("address", "Give a valid email address.") from None
    elif kind == SubscriptionKind.WEBHOOK:
        why = "" if allow_private and urlsplit(address).hostname else webhook_refusal(address)
        if why:
            raise _address_error("address", why)
    else:
        raise _address_error("kind", "Choose email or webhook.")
    if len(address) > 500:
        raise _address_error("address", "The address is too long.")
    now = clock.now()
    with transaction.atomic():
        sub, created = Subscription.objects.get_or_create(
            kind=kind,
            address=address,
            defaults={
                "token": secrets.token_urlsafe(32),
                "organization": organization,
                "created_by": actor,
                "created_at": now,
                "allow_private": allow_private,
                "secret": _new_secret() if kind == SubscriptionKind.WEBHOOK else "",
                "confirmed_at": now if kind == SubscriptionKind.WEBHOOK else None,
            },
        )
        if created:
            sub.components.set(_components(components))
        if kind == SubscriptionKind.EMAIL and sub.confirmed_at is None:
            _mail(
                sub,
                subject=f"Confirm your {settings.CAREDESK_SITE_NAME} status subscription",
                body=(
                    "Someone (hopefully you) asked to be told by mail when the status of "
                    f"{settings.CAREDESK_SITE_NAME}'s services changes.\n\n"
                    f"Confirm within {CONFIRM_DAYS} days:\n{confirm_link(sub)}\n\n"
                    "If it was not you, ignore this message: nothing will be sent.\n"
                ),
            )
    return sub


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _token(signed: str, salt: str, max_age: int | None) -> str | None:
    try:
        token = signing.loads(signed, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return token if isinstance(token, str) else None


def confirm_target(signed: str) -> Subscription | None:
    """The subscription a confirm link names (None: bad, expired or forgotten)."""
    token = _token(signed, CONFIRM_SALT, CONFIRM_DAYS * 86400)
    return Subscription.objects.filter(token=token).first() if token else None


def confirm(signed: str) -> Subscription | None:
    """Confirm from the mailed link; None for a bad, expired or forgotten link."""
    token = _token(signed, CONFIRM_SALT, CONFIRM_DAYS * 86400)
    sub = Subscription.objects.filter(token=token).first() if token else None
    if sub is not None and sub.confirmed_at is None:
        sub.confirmed_at = clock.now()
        sub.save(update_fields=["confirmed_at"])
    return sub


def unsubscribe_target(signed: str) -> Subscription | None:
    token = _token(signed, UNSUBSCRIBE_SALT, None)
    return Subscription.objects.filter(token=token).first() if token else None


def remove(sub: Subscription) -> None:
    Subscription.objects.filter(pk=sub.pk).delete()


def _mail(sub: Subscription, *, subject: str, body: str) -> None:
    stop = unsubscribe_link(sub)
    outbox_add(
        kind=OutboxKind.EMAIL,
        payload={
            "to": [sub.address],
            "subject": subject,
            "body": f"{body}\n--\nStop these messages: {stop}\n",
            "headers": {
                "List-Unsubscribe": f"<{stop}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        },
    )


# --- telling subscribers -------------------------------------------------------------------------


def _incident_link(incident: Incident) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + reverse(
        "status:incident", args=[incident.number]
    )


def tell(incident: Incident | None, update: IncidentUpdate | None) -> None:
    """The listener: queue a mail or a webhook call to every confirmed subscriber of a public
    update's components (a subscription naming none hears of everything)."""
    if incident is None or update is None or not update.public or not incident.public:
        return
    component_ids = set(incident.components.filter(public=True).values_list("pk", flat=True))
    subs = Subscription.objects.filter(confirmed_at__isnull=False).prefetch_related("components")
    state = update.get_state_display()
    with transaction.atomic():
        for sub in subs.iterator(chunk_size=500):
            named = {c.pk for c in sub.components.all()}
            if named and not (named & component_ids):
                continue
            if sub.kind == SubscriptionKind.EMAIL:
                _mail(
                    sub,
                    subject=f"[{state}] {incident.title}",
                    body=f"{state}: {update.body}\n\nDetails: {_incident_link(incident)}\n",
                )
            else:
                outbox_add(
                    kind=WEBHOOK_KIND,
                    payload={
                        "subscription": sub.pk,
                        "update": update.pk,
                        "id": uuid.uuid4().hex,
                    },
                )


def webhook_body(sub: Subscription, update: IncidentUpdate) -> dict[str, Any]:
    incident = update.incident
    return {
        "type": "incident.update",
        "incident": {
            "number": incident.number,
            "title": incident.title,
            "state": incident.state,
            "url": _incident_link(incident),
            "components": [c.slug for c in incident.components.filter(public=True)],
            "started_at": incident.started_at.isoformat(),
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        },
        "update": {"state": update.state, "body": update.body, "at": update.at.isoformat()},
    }


def webhook_send(payload: dict[str, Any]) -> int | None:
    """The outbox handler of a status webhook: raise to be retried, PermanentFailure to give up."""
    from caredesk.integrations.services import signed_post

    sub = Subscription.objects.filter(pk=payload["subscription"]).first()
    update = IncidentUpdate.objects.select_related("incident").filter(pk=payload["update"]).first()
    if sub is None or update is None:
        raise PermanentFailure("the subscription or the update no longer exists")
    body = json.dumps(webhook_body(sub, update), separators=(",", ":"), sort_keys=True).encode()
    return signed_post(
        url=sub.address,
        secret=sub.secret,
        message_id=str(payload.get("id") or update.pk),
        body=body,
        allow_private=sub.allow_private,
    )


def register() -> None:
    """Wire the status page (from `IncidentsConfig.ready()`): the cache's version is bumped and
    subscribers are told after every change; the outbox delivers status webhooks."""
    from caredesk.core.outbox import handler_register
    from caredesk.incidents import services, status

    services.listener_register(status.bump)
    services.listener_register(tell)
    handler_register(WEBHOOK_KIND, send=webhook_send)
