"""SAML 2.0 sign-in for staff (service-provider side, Web Browser SSO profile); no Django here.

The desk sends the browser to the identity provider with an AuthnRequest (HTTP-Redirect
binding) and receives the answer as a Response posted to its assertion consumer service
(HTTP-POST binding). Only what the identity provider's signature covers is trusted: the XML
signature is checked against the certificates the administrator configured (never against a
key the message brings), and everything read afterwards comes from the verified element that
the signature library returns, so an unsigned assertion slipped beside a signed one is never
read. Then the assertion must be addressed to this desk (audience, recipient), answer the
request this browser started (InResponseTo), come from the configured issuer and still be
valid. Unsolicited responses (identity-provider-initiated sign-in) and encrypted assertions
are refused.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from lxml import etree
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
UNSPECIFIED_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SKEW = timedelta(minutes=3)  # clock difference tolerated between the desk and the provider
MAX_RESPONSE_BYTES = 256 * 1024
# attribute names providers commonly use for the address, tried in order
EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)


class SamlError(Exception):
    """The identity provider's answer cannot be trusted or used; the message is safe to show."""


@dataclass(frozen=True)
class Request:
    id: str
    url: str


@dataclass(frozen=True)
class Assertion:
    id: str
    issuer: str
    name_id: str
    name_id_format: str
    valid_until: datetime
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def email(self, attribute: str = "") -> str | None:
        """The address to match a staff account by: a configured attribute, else an e-mail
        NameID, else the usual attribute names, else a NameID of unspecified format that is an
        address (persistent and transient NameIDs are opaque and never used)."""
        if attribute:
            values = self.attributes.get(attribute) or []
            return values[0].strip() if values else None
        if self.name_id_format == EMAIL_FORMAT and "@" in self.name_id:
            return self.name_id.strip()
        lowered = {name.lower(): values for name, values in self.attributes.items()}
        for name in EMAIL_ATTRIBUTES:
            for value in lowered.get(name.lower(), []):
                if "@" in value:
                    return value.strip()
        if self.name_id_format in ("", UNSPECIFIED_FORMAT) and "@" in self.name_id:
            return self.name_id.strip()
        return None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    # an xs:ID must not start with a digit
    return "cd_" + secrets.token_hex(20)


def authn_request(
    *, idp_sso_url: str, sp_entity_id: str, acs_url: str, relay_state: str, now: datetime
) -> Request:
    """The URL that sends the browser to the provider with a new AuthnRequest."""
    request_id = new_id()
    xml = (
        f'<samlp:AuthnRequest xmlns:samlp="{PROTOCOL}" xmlns:saml="{ASSERTION}"'
        f' ID="{request_id}" Version="2.0" IssueInstant="{_utc(now)}"'
        f" Destination={quoteattr(idp_sso_url)} ProtocolBinding={quoteattr(POST_BINDING)}"
        f" AssertionConsumerServiceURL={quoteattr(acs_url)}>"
        f"<saml:Issuer>{escape(sp_entity_id)}</saml:Issuer>"
        f'<samlp:NameIDPolicy AllowCreate="false"/>'
        f"</samlp:AuthnRequest>"
    )
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, as the binding says
    deflated = compressor.compress(xml.encode()) + compressor.flush()
    params = {"SAMLRequest": base64.b64encode(deflated).decode()}
    if relay_state:
        params["RelayState"] = relay_state
    query = urlencode(params)
    joiner = "&" if "?" in idp_sso_url else "?"
    return Request(id=request_id, url=f"{idp_sso_url}{joiner}{query}")


def metadata(*, sp_entity_id: str, acs_url: str) -> str:
    """This desk described as a service provider, for the identity provider's administrator."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
        f" entityID={quoteattr(sp_entity_id)}>"
        f'<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true"'
        f' protocolSupportEnumeration="{PROTOCOL}">'
        f"<md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>"
        f'<md:AssertionConsumerService Binding="{POST_BINDING}"'
        f' Location={quoteattr(acs_url)} index="0" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>\n"
    )


def load_certificates(pem: str) -> list[x509.Certificate]:
    """Every certificate in a PEM text (several while the provider rolls its key over)."""
    if not pem.strip():
        raise SamlError("No identity provider certificate is configured.")
    try:
        certificates = x509.load_pem_x509_certificates(pem.encode())
    except ValueError as exc:
        raise SamlError("The identity provider's certificate is not a PEM certificate.") from exc
    if not certificates:
        raise SamlError("No identity provider certificate is configured.")
    return certificates


METADATA = "urn:oasis:names:tc:SAML:2.0:metadata"


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    sso_url: str  # for the HTTP-Redirect binding
    certificates: list[x509.Certificate]


def read_metadata(data: bytes, entity_id: str = "") -> IdentityProvider:
    """The identity provider described by its SAML metadata (an EntityDescriptor, or an
    EntitiesDescriptor holding it: then the one named `entity_id`, or the only provider)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SamlError("The metadata carries a document type; refused.")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SamlError(f"The metadata is not well-formed XML ({exc}).") from exc
    entities = [root] if root.tag == f"{{{METADATA}}}EntityDescriptor" else []
    entities += list(root.iter(f"{{{METADATA}}}EntityDescriptor")) if not entities else []
    providers = [
        e
        for e in entities
        if e.find(f"{{{METADATA}}}IDPSSODescriptor") is not None
        and (not entity_id or e.get("entityID") == entity_id)
    ]
    if len(providers) != 1:
        raise SamlError(
            "The metadata must describe exactly one identity provider"
            + (f" named {entity_id}." if entity_id else "; name it with its entity ID.")
        )
    entity = providers[0]
    idp = entity.find(f"{{{METADATA}}}IDPSSODescriptor")
    assert idp is not None
    sso = next(
        (
            s.get("Location", "")
            for s in idp.findall(f"{{{METADATA}}}SingleSignOnService")
            if s.get("Binding") == REDIRECT_BINDING
        ),
        "",
    )
    if not sso:
        raise SamlError("The metadata offers no single sign-on service with HTTP-Redirect.")
    certificates = []
    for key in idp.findall(f"{{{METADATA}}}KeyDescriptor"):
        if key.get("use", "signing") != "signing":
            continue
        for cell in key.iter(f"{{{DSIG}}}X509Certificate"):
            try:
                der = base64.b64decode("".join(_text(cell).split()), validate=True)
                certificates.append(x509.load_der_x509_certificate(der))
            except (binascii.Error, ValueError) as exc:
                raise SamlError("A signing certificate in the metadata cannot be read.") from exc
    if not certificates:
        raise SamlError("The metadata holds no signing certificate.")
    return IdentityProvider(entity.get("entityID", ""), sso, certificates)


def configured_certificates(pem: str, path: str) -> list[x509.Certificate]:
    """The certificates given inline, else those in the file at path."""
    if not pem.strip() and path:
        try:
            with open(path, encoding="ascii") as handle:
                pem = handle.read()
        except (OSError, ValueError) as exc:
            raise SamlError(f"The certificate file cannot be read ({exc}).") from exc
    return load_certificates(pem)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _decode(posted: str) -> etree._Element:
    if not posted or len(posted) > MAX_RESPONSE_BYTES * 2:
        raise SamlError("The identity provider's answer is missing or too large.")
    try:
        raw = base64.b64decode(posted.strip(), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise SamlError("The identity provider's answer is not base64.") from exc
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise SamlError("The identity provider's answer carries a document type; refused.")
    try:
        root = etree.fromstring(raw, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SamlError("The identity provider's answer is not well-formed XML.") from exc
    if root.tag != f"{{{PROTOCOL}}}Response":
        raise SamlError("The identity provider's answer is not a SAML Response.")
    return root


def _time(element: etree._Element, attribute: str) -> datetime | None:
    text = element.get(attribute)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise SamlError(f"The assertion's {attribute} is not a time.") from exc
    if moment.tzinfo is None:
        raise SamlError(f"The assertion's {attribute} has no time zone.")
    return moment


def _verified(
    root: etree._Element, certificates: list[x509.Certificate], now: datetime
) -> etree._Element:
    """The assertion as covered by the provider's signature, on the response or on the
    assertion itself."""
    assertions = root.findall(f"{{{ASSERTION}}}Assertion")
    if root.find(f"{{{ASSERTION}}}EncryptedAssertion") is not None:
        raise SamlError("Encrypted assertions are not supported; ask for a signed assertion.")
    if len(assertions) != 1:
        raise SamlError("The identity provider's answer must hold exactly one assertion.")
    response_signed = root.find(f"{{{DSIG}}}Signature") is not None
    location = "./" if response_signed else f"./{{{ASSERTION}}}Assertion/"
    config = SignatureConfiguration(location=location, expect_references=1, verification_time=now)
    failure: Exception | None = None
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(
                root, x509_cert=certificate, expect_config=config, parser=_parser()
            )
        except (InvalidSignature, InvalidInput) as exc:
            failure = exc
            continue
        signed = result.signed_xml  # type: ignore[union-attr]
        if signed is None:
            break
        if response_signed:
            if signed.tag != f"{{{PROTOCOL}}}Response":
                raise SamlError("The signature does not cover the response.")
            inner = signed.findall(f"{{{ASSERTION}}}Assertion")
            if len(inner) != 1:
                raise SamlError("The signed response must hold exactly one assertion.")
            return inner[0]
        if signed.tag != f"{{{ASSERTION}}}Assertion":
            raise SamlError("The signature does not cover the assertion.")
        return signed
    reason = f" ({failure})" if failure is not None else ""
    raise SamlError(f"The identity provider's signature could not be verified{reason}.")


def _check_envelope(root: etree._Element, *, acs_url: str, request_id: str) -> None:
    status = root.find(f"{{{PROTOCOL}}}Status/{{{PROTOCOL}}}StatusCode")
    if status is None or status.get("Value") != SUCCESS:
        raise SamlError("The identity provider did not sign you in.")
    destination = root.get("Destination")
    if destination is not None and destination != acs_url:
        raise SamlError("The answer was addressed to another service.")
    if root.get("InResponseTo") not in (None, request_id):
        raise SamlError("The answer does not match the sign-in this browser started.")


def _confirmed_until(
    subject: etree._Element, *, acs_url: str, request_id: str, now: datetime
) -> datetime:
    """Until when a bearer confirmation for this desk and this request holds."""
    for confirmation in subject.findall(f"{{{ASSERTION}}}SubjectConfirmation"):
        data = confirmation.find(f"{{{ASSERTION}}}SubjectConfirmationData")
        if confirmation.get("Method") != BEARER or data is None:
            continue
        until = _time(data, "NotOnOrAfter")
        if (
            data.get("Recipient") == acs_url
            and data.get("InResponseTo") == request_id
            and until is not None
            and now < until + SKEW
            and data.get("NotBefore") is None
        ):
            return until
    raise SamlError(
        "The assertion is not for this sign-in: its recipient, request or time does not match."
    )


def _check_conditions(
    conditions: etree._Element | None, *, sp_entity_id: str, now: datetime
) -> datetime | None:
    """Check the validity period and audience; returns the end of the period, if any."""
    if conditions is None:
        raise SamlError("The assertion has no conditions.")
    not_before = _time(conditions, "NotBefore")
    not_after = _time(conditions, "NotOnOrAfter")
    if not_before is not None and now + SKEW < not_before:
        raise SamlError("The assertion is not valid yet; check the clocks.")
    if not_after is not None and now >= not_after + SKEW:
        raise SamlError("The assertion has expired; sign in again.")
    restrictions = conditions.findall(f"{{{ASSERTION}}}AudienceRestriction")
    if not restrictions:
        raise SamlError("The assertion names no audience.")
    for restriction in restrictions:  # each restriction must include this desk
        audiences = {
            (a.text or "").strip() for a in restriction.findall(f"{{{ASSERTION}}}Audience")
        }
        if sp_entity_id not in audiences:
            raise SamlError("The assertion is meant for another service.")
    return not_after


def _text(element: etree._Element) -> str:
    """All the text inside an element, however it is split."""
    return "".join(str(part) for part in element.itertext())


def _attributes(assertion: etree._Element) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iter(f"{{{ASSERTION}}}Attribute"):
        values = [_text(v) for v in attribute.findall(f"{{{ASSERTION}}}AttributeValue")]
        attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    return attributes


def read_response(
    posted: str,
    *,
    certificates: list[x509.Certificate],
    idp_entity_id: str,
    sp_entity_id: str,
    acs_url: str,
    request_id: str,
    now: datetime,
) -> Assertion:
    """Check a posted SAMLResponse end to end and return what its signed assertion says."""
    root = _decode(posted)
    _check_envelope(root, acs_url=acs_url, request_id=request_id)
    assertion = _verified(root, certificates, now)
    issuer = (assertion.findtext(f"{{{ASSERTION}}}Issuer") or "").strip()
    if issuer != idp_entity_id:
        raise SamlError("The assertion comes from another identity provider.")
    subject = assertion.find(f"{{{ASSERTION}}}Subject")
    if subject is None:
        raise SamlError("The assertion names nobody.")
    confirmed = _confirmed_until(subject, acs_url=acs_url, request_id=request_id, now=now)
    not_after = _check_conditions(
        assertion.find(f"{{{ASSERTION}}}Conditions"), sp_entity_id=sp_entity_id, now=now
    )
    name_id = subject.find(f"{{{ASSERTION}}}NameID")
    return Assertion(
        id=assertion.get("ID", ""),
        issuer=issuer,
        name_id=_text(name_id) if name_id is not None else "",
        name_id_format=name_id.get("Format", "") if name_id is not None else "",
        valid_until=min(confirmed, not_after) if not_after is not None else confirmed,
        attributes=_attributes(assertion),
    )


def response_request_id(posted: str) -> str:
    """The request a posted response says it answers (unverified; only to find our record)."""
    try:
        return _decode(posted).get("InResponseTo") or ""
    except SamlError:
        return ""
