"""Every response carries a request ID: the caller's when it is safe, a new one otherwise."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_safe_incoming_request_id_is_kept_and_echoed() -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-7f3a.9_x-1"})
    assert response["X-Request-ID"] == "lb-7f3a.9_x-1"


@pytest.mark.parametrize("unsafe", ["has space", "a" * 65, "semi;colon", "<script>", ""])
def test_an_unsafe_or_missing_request_id_is_replaced_with_a_new_one(unsafe: str) -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": unsafe})
    new = response["X-Request-ID"]
    assert new != unsafe and len(new) == 32 and new.isalnum()


def test_each_request_gets_its_own_id() -> None:
    client = Client()
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]
