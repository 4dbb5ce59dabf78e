from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caredesk.core import clock as clock_module
from tests.peers import saml_peer, smtp  # noqa: F401 - fixtures for every test module


class FakeClock:
    """A clock tests move by hand; services read it through caredesk.core.clock.now()."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, instant: datetime) -> None:
        self.current = instant


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database as pytest-django makes it. Before it is dropped, the sessions left open
    on it by threads of the tests (worker and socket threads, thread pools of async views) are
    ended: PostgreSQL refuses to drop a database someone is still connected to."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    fake = FakeClock(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    previous = clock_module.set_source(fake)
    yield fake
    clock_module.set_source(previous)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "attachments"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_config_snapshots() -> Iterator[None]:
    """Cached configuration must not outlive a test: a flushed or rolled-back database sends no
    signal, so a snapshot could name rows that no longer exist."""
    from caredesk.core import confcache

    confcache.clear()
    yield
    confcache.clear()


@pytest.fixture
def admin_client(client, admin_user):  # type: ignore[no-untyped-def]
    """pytest-django's admin client, signed in with the second step passed (see login_verified)."""
    from tests.factories import login_verified

    login_verified(client, admin_user)
    return client


@pytest.fixture
def long_sessions(settings: Any) -> None:
    """For tests that move the clock by hours while signed in (deadlines, expiries): that is
    not a person leaving the desk, so the session outlasts the move."""
    settings.CAREDESK_STAFF_IDLE_MINUTES = 7 * 24 * 60
    settings.CAREDESK_IDLE_MINUTES = 7 * 24 * 60
    settings.CAREDESK_SESSION_MAX_HOURS = 7 * 24


@pytest.fixture(autouse=True)
def _fresh_audit_roles() -> Iterator[None]:
    """Roles the audit read are kept for a few seconds by account id; ids repeat across tests."""
    from caredesk.compliance.audit import _roles

    _roles.clear()
    yield
    _roles.clear()
