"""The device check page and its network test endpoints: caps, no caching, rate limits."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from caredesk.selfserve.checks import MAX_PAYLOAD_BYTES, MAX_UPLOAD_BYTES, THRESHOLDS

pytestmark = pytest.mark.django_db


def test_the_check_page_alone_may_use_the_camera_and_microphone(client):
    page = client.get("/help/check/")
    assert page.status_code == 200
    assert page["Permissions-Policy"] == "camera=(self), microphone=(self), geolocation=()"
    for other in ("/help/new/", "/login/"):
        assert client.get(other)["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    # the strict CSP still applies: the logic is in a static file, not inline
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "/static/caredesk/diagnostics.js" in html
    assert "<script>" not in html


def test_the_page_carries_the_thresholds_the_script_grades_by(client):
    html = client.get("/help/check/").content.decode()
    start = html.index('<script id="check-thresholds" type="application/json">') + len(
        '<script id="check-thresholds" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["rtt_warn_ms"] == THRESHOLDS["rtt_warn_ms"]
    assert data["down_fail_mbps"] == THRESHOLDS["down_fail_mbps"]
    assert data["max_payload_bytes"] == MAX_PAYLOAD_BYTES
    assert data["max_upload_bytes"] == MAX_UPLOAD_BYTES
    assert f"under {THRESHOLDS['rtt_warn_ms']} ms is good" in html


def test_ping_answers_empty_uncached_and_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/help/check/ping")
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert response.content == b""


def test_payload_sends_the_bytes_asked_for_random_and_uncached(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        first = client.get("/help/check/payload?bytes=65536")
    second = client.get("/help/check/payload?bytes=65536")
    assert first.status_code == 200
    assert len(first.content) == 65536 == int(first["Content-Length"])
    assert first["Content-Type"] == "application/octet-stream"
    assert first["Cache-Control"] == "no-store"
    assert first.content != second.content  # random, so nothing on the way can compress it
    top = client.get(f"/help/check/payload?bytes={MAX_PAYLOAD_BYTES}")
    assert len(top.content) == MAX_PAYLOAD_BYTES


@pytest.mark.parametrize("asked", ["0", "-5", "lots", "", str(MAX_PAYLOAD_BYTES + 1), "1e9"])
def test_payload_refuses_sizes_outside_the_cap(client, asked):
    response = client.get(f"/help/check/payload?bytes={asked}")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert "Ask for 1 to" in response.json()["detail"]


def test_upload_reads_and_discards_up_to_the_cap(client, django_assert_num_queries):
    body = b"\x01" * 300_000
    with django_assert_num_queries(0):
        response = client.post(
            "/help/check/upload", data=body, content_type="application/octet-stream"
        )
    assert response.status_code == 200
    assert response.json() == {"received": 300_000}
    assert response["Cache-Control"] == "no-store"


def test_upload_over_the_cap_is_a_413_with_a_sentence(client):
    body = b"\x01" * (MAX_UPLOAD_BYTES + 1)
    response = client.post("/help/check/upload", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json()["detail"] == f"Send at most {MAX_UPLOAD_BYTES} bytes."


def test_upload_is_post_only_and_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/help/check/upload").status_code == 405
    refused = client.post("/help/check/upload", data=b"x", content_type="application/octet-stream")
    assert refused.status_code == 403
    client.get("/help/check/")
    token = client.cookies["csrftoken"].value
    allowed = client.post(
        "/help/check/upload",
        data=b"x" * 10,
        content_type="application/octet-stream",
        HTTP_X_CSRFTOKEN=token,
    )
    assert allowed.status_code == 200


def test_the_network_tests_are_rate_limited_by_address(client, clock, settings):
    settings.CAREDESK_RATE_DIAGNOSTICS = 3
    for path in ("/help/check/ping", "/help/check/payload?bytes=10", "/help/check/ping"):
        assert client.get(path).status_code in (200, 204)
    refused = client.get("/help/check/payload?bytes=10")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Try again in 60 seconds" in refused.json()["detail"]
    assert client.post("/help/check/upload", data=b"x", content_type="x/y").status_code == 429
    assert client.get("/help/check/ping", REMOTE_ADDR="198.51.100.7").status_code == 204
    clock.advance(seconds=60)
    assert client.get("/help/check/ping").status_code == 204
