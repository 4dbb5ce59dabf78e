"""Which identity provider SAML sign-in trusts: from its metadata file, from explicit
settings, or both (an explicit setting wins over the metadata)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from caredesk.accounts import saml


def enabled() -> bool:
    return bool(settings.CAREDESK_SAML_IDP_SSO_URL or settings.CAREDESK_SAML_IDP_METADATA_FILE)


def provider() -> saml.IdentityProvider:
    """The configured identity provider; SamlError says what is missing or unreadable."""
    entity_id, sso_url, certificates = "", "", []
    if settings.CAREDESK_SAML_IDP_METADATA_FILE:
        try:
            data = Path(settings.CAREDESK_SAML_IDP_METADATA_FILE).read_bytes()
        except OSError as exc:
            raise saml.SamlError(f"The metadata file cannot be read ({exc.strerror}).") from exc
        described = saml.read_metadata(data, settings.CAREDESK_SAML_IDP_ENTITY_ID)
        entity_id, sso_url, certificates = (
            described.entity_id,
            described.sso_url,
            described.certificates,
        )
    if settings.CAREDESK_SAML_IDP_CERT or settings.CAREDESK_SAML_IDP_CERT_FILE or not certificates:
        certificates = saml.configured_certificates(
            settings.CAREDESK_SAML_IDP_CERT, settings.CAREDESK_SAML_IDP_CERT_FILE
        )
    entity_id = settings.CAREDESK_SAML_IDP_ENTITY_ID or entity_id
    sso_url = settings.CAREDESK_SAML_IDP_SSO_URL or sso_url
    if not entity_id:
        raise saml.SamlError("The identity provider's entity ID is not configured.")
    if not sso_url.startswith(("https://", "http://")):
        raise saml.SamlError("The identity provider's sign-in address is not an http(s) URL.")
    return saml.IdentityProvider(entity_id, sso_url, certificates)
