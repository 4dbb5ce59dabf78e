"""System checks: SAML single sign-on, once switched on, must know whom to trust."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register()
def saml_settings(**_: Any) -> list[CheckMessage]:
    from caredesk.accounts import saml, saml_config

    if not saml_config.enabled():
        return []
    try:
        saml_config.provider()
    except saml.SamlError as exc:
        return [
            Error(
                f"SAML sign-in is on but cannot be used: {exc}",
                hint="Set CAREDESK_SAML_IDP_METADATA_FILE to the provider's metadata, or "
                "CAREDESK_SAML_IDP_SSO_URL, CAREDESK_SAML_IDP_ENTITY_ID and "
                "CAREDESK_SAML_IDP_CERT_FILE (see the operator guide).",
                id="caredesk.E121",
            )
        ]
    return []
