"""Webhooks and tracker issues: requested inside the ticket's transaction (outbox), delivered by
the worker after commit, retried with backoff, never sent twice for one event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import socket
import ssl
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F

from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import (
    DeliveryFailed,
    NotConfigured,
    Outcome,
    PermanentFailure,
    Settled,
    outbox_add,
)
from caredesk.integrations.models import (
    DeliveryStatus,
    TrackerIssue,
    WebhookDelivery,
    WebhookEndpoint,
)
from caredesk.tickets.models import EventKind, Ticket
from caredesk.tickets.services import events

log = logging.getLogger(__name__)
TIMEOUT = 10  # seconds for one delivery attempt
DISABLE_AFTER = 5  # permanent failures in a row before an endpoint is switched off
USER_AGENT = "CareDesk-Webhooks/1"
ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,29}-[0-9]{1,9}")  # fits TrackerIssue.key


# --- requesting (inside the ticket's transaction) --------------------------------------------


def _payload(ticket: Ticket, event: str, endpoint: WebhookEndpoint) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ticket_id": ticket.pk,
        "ref": ticket.ref,
        "status": ticket.status,
        "priority": ticket.priority,
        "team_id": ticket.team_id,
        "organization_id": ticket.organization_id,
        "url": f"{settings.CAREDESK_BASE_URL}/agent/tickets/{ticket.pk}/",
    }
    if endpoint.business_associate:  # covered by an agreement: content may travel
        data.update(
            subject=ticket.subject,
            requester={"name": ticket.requester.name, "email": ticket.requester.email},
        )
    return {"type": event, "timestamp": clock.now().isoformat(), "data": data}


def webhook_enqueue(*, ticket: Ticket, endpoint: str, event: str) -> WebhookDelivery | None:
    """Queue one signed delivery of `event` about `ticket` to the endpoint named `endpoint`."""
    target = WebhookEndpoint.objects.filter(slug=endpoint).first()
    if target is None or not target.active:
        log.warning("webhook endpoint %s is missing or switched off; nothing sent", endpoint)
        return None
    delivery = WebhookDelivery.objects.create(
        endpoint=target,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=event,
        payload=_payload(ticket, event, target),
        created_at=clock.now(),
    )
    outbox_add(kind=OutboxKind.WEBHOOK, payload={"delivery": delivery.pk})
    events.record(
        events.happened(
            ticket, EventKind.WEBHOOK_QUEUED, None, endpoint=target.slug, delivery=delivery.pk
        )
    )
    return delivery


def tracker_issue_request(*, ticket: Ticket, project: str, kind: str = "") -> TrackerIssue:
    """Ask for an engineering issue for `ticket` (created by the worker after commit)."""
    now = clock.now()
    issue = TrackerIssue.objects.create(
        ticket=ticket, project=project, created_at=now, updated_at=now
    )
    outbox_add(kind=OutboxKind.TRACKER, payload={"issue": issue.pk, "kind": kind})
    return issue


# --- signing (Standard Webhooks) --------------------------------------------------------------


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of id.timestamp.body."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# --- delivering (the worker) --------------------------------------------------------------------


class Refused(ValueError):
    """The URL may not be called (private address, bad scheme)."""


_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded(ip: _Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a 6to4 or Teredo address carries (and reaches through a relay)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.sixtofour, *(ip.teredo or ())]
    return [a for a in found if a is not None]


# Special-purpose ranges that older Python releases still call global (IANA's registries).
_NOT_GLOBAL = [
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use IPv4/IPv6 translation
]


def address_refusal(ip: _Address, *, allow_private: bool) -> str:
    """Why a webhook may not connect to `ip` ("" when it may).

    Only global addresses (the standard library's `is_global`) are allowed, and never one that
    also counts as multicast, site-local (fec0::/10) or carries a non-global IPv4 address
    (IPv4-mapped, 6to4, Teredo). An endpoint that allows private addresses may reach any
    unicast address: private networks, shared address space, loopback, link-local."""
    if ip.is_unspecified or ip.is_multicast:
        return "not a unicast address"
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    for inner in [mapped] if mapped is not None else _embedded(ip):
        why = address_refusal(inner, allow_private=allow_private)
        if why:
            return f"{why} (carries {inner})"
    if mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
        return ""
    internal = (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or any(ip in network for network in _NOT_GLOBAL)
    )
    if internal and not allow_private:
        return "an internal address"
    return ""


def choose_address(host: str, addresses: list[str], allow_private: bool) -> str:
    """The address to connect to: the first one, once every address `host` resolves to is
    allowed (a name that resolves to one internal address among public ones is refused)."""
    if not addresses:
        raise Refused(f"cannot resolve {host}")
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone index
        except ValueError:
            raise Refused(f"{host} resolves to something that is not an address") from None
        why = address_refusal(ip, allow_private=allow_private)
        if why:
            raise Refused(f"{host} resolves to {why} ({ip}); not allowed")
    return addresses[0]


def _public_address(host: str, port: int, allow_private: bool) -> str:
    """Resolve `host` once and return the address to connect to, refusing internal ranges."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}") from exc
    return choose_address(host, [str(info[4][0]) for info in infos], allow_private)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address resolved (and checked) beforehand, verifying the host's name."""

    def __init__(self, address: str, hostname: str, port: int, timeout: float) -> None:
        super().__init__(hostname, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float = TIMEOUT
) -> Response:
    """POST to `url`, connecting to the address that was checked (no second DNS lookup)."""
    return _call("POST", url, body, headers, allow_private=allow_private, timeout=timeout)


def get(
    url: str,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout: float = TIMEOUT,
    limit: int = 4096,
) -> Response:
    """GET `url` through the same guard as webhooks (one checked address, no second DNS
    lookup, no redirects followed); the body is read up to `limit` bytes."""
    return _call(
        "GET", url, None, headers, allow_private=allow_private, timeout=timeout, limit=limit
    )


def _call(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout: float,
    limit: int = 4096,
) -> Response:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs can be called")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(parts.hostname, port, allow_private)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPS(address, parts.hostname, port, timeout)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, path, body=body, headers={"Host": parts.netloc, **headers})
        response = conn.getresponse()
        return Response(status=response.status, body=response.read(limit))
    finally:
        conn.close()


def _permanent(status: int) -> bool:
    return 400 <= status < 500 and status not in (408, 409, 425, 429)


def webhook_send(payload: dict[str, Any]) -> int | None:
    """Send one delivery (the outbox's webhook handler); raise to be retried later,
    PermanentFailure to give up. The delivery log is written by `webhook_settled`."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint").filter(pk=payload["delivery"]).first()
    )
    if delivery is None:
        raise PermanentFailure("the delivery no longer exists (its endpoint was deleted)")
    if delivery.status == DeliveryStatus.DELIVERED:
        return delivery.last_status_code
    endpoint = delivery.endpoint
    if not endpoint.active:
        reason = endpoint.disabled_reason or "by an admin"
        raise PermanentFailure(f"endpoint switched off: {reason}")
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    return signed_post(
        url=endpoint.url,
        secret=endpoint.secret,
        message_id=delivery.message_id,
        body=body,
        allow_private=endpoint.allow_private,
    )


def signed_post(*, url: str, secret: str, message_id: str, body: bytes, allow_private: bool) -> int:
    """POST a signed JSON body through the address guard (Standard Webhooks headers); the
    status on a 2xx, PermanentFailure when retrying cannot help, DeliveryFailed to retry."""
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    try:
        response = post(url, body, headers, allow_private=allow_private)
    except Refused as exc:
        raise PermanentFailure(str(exc)) from None
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    if 200 <= response.status < 300:
        return response.status
    if _permanent(response.status):
        raise PermanentFailure(f"HTTP {response.status}", code=response.status)
    raise DeliveryFailed(f"HTTP {response.status}", code=response.status)


def webhook_ticket(payload: dict[str, Any]) -> int | None:
    """The ticket a delivery is about (its payload carries the id)."""
    data = WebhookDelivery.objects.filter(pk=payload["delivery"]).values_list("payload", flat=True)
    ticket_id = ((data.first() or {}).get("data") or {}).get("ticket_id")
    return ticket_id if isinstance(ticket_id, int) else None


def tracker_ticket(payload: dict[str, Any]) -> int | None:
    return (
        TrackerIssue.objects.filter(pk=payload["issue"]).values_list("ticket_id", flat=True).first()
    )


_LOGGED = {
    Outcome.SENT: DeliveryStatus.DELIVERED,
    Outcome.RETRYING: DeliveryStatus.RETRYING,
    Outcome.FAILED: DeliveryStatus.FAILED,
    Outcome.REPLAYED: DeliveryStatus.PENDING,
}


def webhook_settled(payload: dict[str, Any], settled: Settled) -> None:
    """Keep the delivery log in step with its outbox item (same transaction): status, attempts,
    the last answer and the next attempt; permanent failures in a row switch the endpoint off."""
    fields: dict[str, Any] = {
        "status": _LOGGED[settled.outcome],
        "attempts": settled.attempts,
        "last_error": settled.error[:500],
        "next_attempt_at": settled.next_attempt_at,
    }
    if settled.outcome == Outcome.SENT:
        fields.update(delivered_at=settled.at, last_status_code=settled.code, last_error="")
    elif settled.outcome != Outcome.REPLAYED:
        fields["last_status_code"] = settled.code
    WebhookDelivery.objects.filter(pk=payload["delivery"]).update(**fields)
    endpoints = WebhookEndpoint.objects.filter(deliveries__pk=payload["delivery"])
    if settled.outcome == Outcome.SENT:
        endpoints.exclude(failures=0).update(failures=0)
    elif settled.outcome == Outcome.FAILED and settled.permanent:
        endpoints.update(failures=F("failures") + 1)  # the row stays locked until commit
        failures = endpoints.values_list("failures", flat=True).first() or 0
        if failures >= DISABLE_AFTER:
            reason = f"switched off after {failures} permanent failures ({settled.error})"
            endpoints.filter(active=True).update(active=False, disabled_reason=reason[:300])


# --- the tracker (Jira) -------------------------------------------------------------------------


def _jira_headers() -> dict[str, str]:
    token = settings.CAREDESK_JIRA_TOKEN
    user = settings.CAREDESK_JIRA_USER
    if user:  # Jira Cloud: e-mail address and API token
        auth = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()
    else:  # Jira Server / Data Center: a personal access token
        auth = f"Bearer {token}"
    return {"Authorization": auth, "Content-Type": "application/json", "Accept": "application/json"}


def tracker_send(payload: dict[str, Any]) -> int | None:
    """Open the Jira issue for a TrackerIssue row and link it to its ticket (the outbox's tracker
    handler); what went wrong is written on the row by `tracker_settled`."""
    issue = (
        TrackerIssue.objects.select_related("ticket", "ticket__category", "ticket__organization")
        .filter(pk=payload["issue"])
        .first()
    )
    if issue is None:
        raise PermanentFailure("the tracker issue request no longer exists")
    if issue.key:
        return None
    base = settings.CAREDESK_JIRA_URL.rstrip("/")
    if not base:
        raise NotConfigured("No tracker is configured (CAREDESK_JIRA_URL).")
    ticket = issue.ticket
    what = str(payload.get("kind") or "") or (
        ticket.category.name if ticket.category else "Support ticket"
    )
    who = f" ({ticket.organization.name})" if ticket.organization else ""
    summary = f"{ticket.ref}: {what}{who}"
    if settings.CAREDESK_JIRA_INCLUDE_SUBJECT:
        summary = f"{ticket.ref}: {ticket.subject}"
    link = f"{settings.CAREDESK_BASE_URL}/agent/tickets/{ticket.pk}/"
    body = {
        "fields": {
            "project": {"key": issue.project},
            "summary": summary[:250],
            "description": f"Opened from support ticket {ticket.ref}: {link}",
            "issuetype": {"name": settings.CAREDESK_JIRA_ISSUE_TYPE},
            "labels": ["caredesk"],
        }
    }
    try:
        response = post(
            f"{base}/rest/api/2/issue",
            json.dumps(body).encode(),
            _jira_headers(),
            allow_private=True,  # the operator configured this URL
        )
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status < 300:
        error = f"HTTP {response.status}: {response.body[:200]!r}"
        if _permanent(response.status):
            raise PermanentFailure(error, code=response.status)
        raise DeliveryFailed(error, code=response.status)
    key = str(json.loads(response.body)["key"])
    if not ISSUE_KEY.fullmatch(key):  # what a tracker answers is stored: only a key is taken
        issue.last_error = "The tracker answered without an issue key (PROJECT-123)."
        issue.save(update_fields=["last_error"])
        raise PermanentFailure(issue.last_error)
    from caredesk.tickets.services import tracker_linked

    tracker_linked(issue=issue, key=key, url=f"{base}/browse/{key}")
    return response.status


def tracker_settled(payload: dict[str, Any], settled: Settled) -> None:
    """Say on the request what became of it (same transaction as its outbox item)."""
    issue = TrackerIssue.objects.filter(pk=payload["issue"]).first()
    if issue is None or settled.outcome == Outcome.SENT:
        return  # linking it wrote the key and status
    fields: dict[str, Any] = {"last_error": settled.error[:500], "updated_at": settled.at}
    if settled.outcome == Outcome.FAILED:
        not_configured = "No tracker is configured" in settled.error
        fields["status"] = "not configured" if not_configured else "failed"
    elif settled.outcome == Outcome.REPLAYED:
        fields["status"] = "requested"
    TrackerIssue.objects.filter(pk=issue.pk).update(**fields)


def tracker_webhook(*, secret: str, payload: dict[str, Any]) -> TrackerIssue | None:
    """Take a status change the tracker reports (Jira webhook) onto the linked ticket."""
    expected = settings.CAREDESK_JIRA_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise PermissionError("bad tracker webhook secret")
    raw = payload.get("issue") if isinstance(payload.get("issue"), dict) else None
    key = str((raw or {}).get("key") or "")
    status = (((raw or {}).get("fields") or {}).get("status") or {}).get("name")
    if not key or not isinstance(status, str):
        raise ValidationFailed(
            "Not an issue event.", errors={"issue": ["Send the issue key and its status."]}
        )
    issue = TrackerIssue.objects.select_related("ticket").filter(key=key).first()
    if issue is None:
        return None
    from caredesk.tickets.services import tracker_status_changed

    tracker_status_changed(issue=issue, status=status[:60])
    return issue
