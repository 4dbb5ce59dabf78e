"""System checks: SAML single sign-on, once switched on, must know whom to trust."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def saml_settings(**_: Any) -> list[CheckMessage]:
    from caredesk.accounts import saml

    if not settings.CAREDESK_SAML_IDP_SSO_URL:
        return []
    problems: list[CheckMessage] = []
    if not settings.CAREDESK_SAML_IDP_SSO_URL.startswith(("https://", "http://")):
        problems.append(
            Error(
                "CAREDESK_SAML_IDP_SSO_URL is not an http(s) address.",
                hint="Copy the provider's single sign-on URL (HTTP-Redirect binding).",
                id="caredesk.E121",
            )
        )
    if not settings.CAREDESK_SAML_IDP_ENTITY_ID:
        problems.append(
            Error(
                "SAML sign-in is on but CAREDESK_SAML_IDP_ENTITY_ID is empty.",
                hint="Copy the provider's entity ID (its Issuer) from its metadata.",
                id="caredesk.E122",
            )
        )
    try:
        saml.configured_certificates(
            settings.CAREDESK_SAML_IDP_CERT, settings.CAREDESK_SAML_IDP_CERT_FILE
        )
    except saml.SamlError as exc:
        problems.append(
            Error(
                f"SAML sign-in is on but the provider's certificate cannot be used: {exc}",
                hint="Set CAREDESK_SAML_IDP_CERT (PEM) or CAREDESK_SAML_IDP_CERT_FILE to the "
                "provider's signing certificate.",
                id="caredesk.E123",
            )
        )
    return problems
