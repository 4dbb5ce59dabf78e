"""The client's address: the connecting peer, unless that peer is a trusted proxy.

`X-Forwarded-For` is written by whoever sends the request, so it says nothing unless the peer
that sent it is one of the operator's own proxies (`CAREDESK_TRUSTED_PROXIES`, empty by default:
never). Then the header is read from the right, each hop added by a trusted proxy skipped, and
the first address no trusted proxy vouches for is the client: what a client writes to the left
of it cannot move it. The web server must pass the connecting address through unchanged (uvicorn
with `--no-proxy-headers`, as `caredesk serve` runs it).

The address recorded in the audit, counted by the sign-in pause and by every rate limit comes
from here, for requests and for websockets alike.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """Addresses and networks (CIDR) as the setting lists them; ValueError names a bad one."""
    networks = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an address or a network (CIDR)") from None
    return networks


def _address(text: str) -> Address | None:
    try:
        ip = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: Address | None, proxies: Sequence[Network]) -> bool:
    return ip is not None and any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: Sequence[Network] | None = None) -> str:
    """The client's address from the connecting `peer` and the X-Forwarded-For value(s);
    "" when the server gave no peer."""
    if proxies is None:
        proxies = settings.CAREDESK_TRUSTED_PROXIES
    current = _address(peer)
    if not _trusted(current, proxies):
        return peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        ip = _address(hop)
        if ip is None:  # not an address: nothing further left can be believed
            break
        current = ip
        if not _trusted(ip, proxies):
            break
    return str(current)


def request_client_address(request: HttpRequest) -> str:
    """The client's address for an HTTP request."""
    return client_address(
        str(request.META.get("REMOTE_ADDR", "") or ""),
        str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
    )


def scope_client_address(scope: Mapping[str, Any]) -> str:
    """The client's address for an ASGI connection (a websocket)."""
    client = scope.get("client") or ("", 0)
    forwarded = ",".join(
        value.decode("latin-1")
        for name, value in scope.get("headers", [])
        if name.lower() == b"x-forwarded-for"
    )
    return client_address(str(client[0]), forwarded)


# What a proxy tells about the original request; from anyone else it is the client's say-so.
FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
)


class UntrustedForwardedHeadersMiddleware:
    """Drop the forwarded headers of a request whose peer is not a trusted proxy, first of all,
    so nothing after (Django's `SECURE_PROXY_SSL_HEADER` behind `CAREDESK_BEHIND_PROXY`, hosts,
    addresses) takes a client's word that the request came over HTTPS or from elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = _address(str(request.META.get("REMOTE_ADDR", "") or ""))
        if not _trusted(peer, settings.CAREDESK_TRUSTED_PROXIES):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)
