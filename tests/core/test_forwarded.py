"""Which address is the client's: the connecting peer, unless it is a trusted proxy; then the
rightmost X-Forwarded-For hop no trusted proxy added. Never what a client writes by itself."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import RequestFactory

from caredesk.core.forwarded import (
    client_address,
    parse_networks,
    request_client_address,
    scope_client_address,
)

PROXIES = parse_networks(["10.0.0.0/24", "192.0.2.7", "2001:db8:cafe::/48"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # a peer that is not a proxy: its header is only its own words
        ("203.0.113.9", "198.51.100.4", "203.0.113.9"),
        ("127.0.0.1", "198.51.100.4", "127.0.0.1"),
        # one trusted proxy: the hop it added
        ("10.0.0.5", "198.51.100.4", "198.51.100.4"),
        # a client that writes its own hops to the left cannot move the address
        ("10.0.0.5", "6.6.6.6, 198.51.100.4", "198.51.100.4"),
        ("10.0.0.5", "6.6.6.6,198.51.100.4 ", "198.51.100.4"),
        # two trusted proxies in a row
        ("10.0.0.5", "198.51.100.4, 192.0.2.7", "198.51.100.4"),
        ("10.0.0.5", "6.6.6.6, 198.51.100.4, 10.0.0.9, 192.0.2.7", "198.51.100.4"),
        # every hop trusted: the leftmost
        ("10.0.0.5", "10.0.0.8, 10.0.0.9", "10.0.0.8"),
        # no header, or garbage, from a proxy: the nearest address known
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "unknown", "10.0.0.5"),
        ("10.0.0.5", "198.51.100.4, bogus, 10.0.0.9", "10.0.0.9"),
        # IPv6 and IPv4-mapped peers
        ("2001:db8:cafe::2", "2001:db8:1::77", "2001:db8:1::77"),
        ("::ffff:10.0.0.5", "198.51.100.4", "198.51.100.4"),
        ("2001:db8:1::1", "198.51.100.4", "2001:db8:1::1"),
    ],
)
def test_the_rightmost_hop_no_trusted_proxy_added_is_the_client(peer, forwarded, client):
    assert client_address(peer, forwarded, PROXIES) == client


def test_without_trusted_proxies_no_header_counts_whatever_the_proxy_setting_says(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    scope = {"client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"6.6.6.6")]}
    for behind in (False, True):
        settings.CAREDESK_BEHIND_PROXY = behind
        assert request_client_address(request) == "127.0.0.1"
        assert scope_client_address(scope) == "127.0.0.1"
    settings.CAREDESK_TRUSTED_PROXIES = parse_networks(["127.0.0.1"])
    assert request_client_address(request) == "6.6.6.6"
    # a socket's headers may repeat the name: they are read as one list, in order
    scope["headers"] = [(b"x-forwarded-for", b"7.7.7.7"), (b"X-Forwarded-For", b"6.6.6.6")]
    assert scope_client_address(scope) == "6.6.6.6"


def test_a_bad_trusted_proxy_entry_is_named():
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks(["10.0.0.0/8", "10.0.0.300"])


def test_behind_a_proxy_without_trusted_proxies_the_system_check_says_so(settings):
    settings.CAREDESK_BEHIND_PROXY = True
    settings.CAREDESK_TRUSTED_PROXIES = []
    assert "caredesk.E010" in [m.id for m in run_checks()]
    settings.CAREDESK_TRUSTED_PROXIES = parse_networks(["10.0.0.5"])
    assert "caredesk.E010" not in [m.id for m in run_checks()]


@pytest.mark.parametrize(
    ("vendor", "cache", "warned"),
    [
        ("postgresql", "django.core.cache.backends.locmem.LocMemCache", True),
        ("postgresql", "django.core.cache.backends.redis.RedisCache", False),
        ("sqlite", "django.core.cache.backends.locmem.LocMemCache", False),
    ],
)
def test_the_deploy_check_warns_when_several_processes_would_count_sign_ins_apart(
    settings, monkeypatch, vendor, cache, warned
):
    monkeypatch.setattr(connection, "vendor", vendor)
    settings.CACHES = {"default": {"BACKEND": cache, "LOCATION": "redis://127.0.0.1:6379/0"}}
    found = [m for m in run_checks(include_deployment_checks=True) if m.id == "caredesk.W034"]
    assert bool(found) is warned
    assert not [m for m in run_checks() if m.id == "caredesk.W034"]  # a start does not warn


@pytest.mark.django_db
@pytest.mark.parametrize(("trusted", "status"), [([], 301), (["127.0.0.1"], 200)])
def test_a_claim_of_https_counts_only_from_a_trusted_proxy(client, settings, trusted, status):
    # behind a proxy that ends TLS, X-Forwarded-Proto says the request came over HTTPS; from a
    # peer that is not one of the operator's proxies it is the client's say-so, and the plain
    # HTTP request is sent to HTTPS as any other would be
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.CAREDESK_TRUSTED_PROXIES = parse_networks(trusted)
    response = client.get("/help/new/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == status
