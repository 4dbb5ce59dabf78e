"""Fixtures for the sign-in tests."""

from tests.peers import oidc_peer  # noqa: F401 - the OpenID Connect provider fixture
