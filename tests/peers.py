"""Real protocol peers on 127.0.0.1 that tests talk to."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """What an SMTP server on 127.0.0.1 received: (envelope sender, recipients, raw message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]  # type: ignore[misc]


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:
    """An SMTP server that Django's SMTP backend delivers to for the test."""
    import logging

    # the server thread logs each connection it drops on stopping, possibly after pytest has
    # closed the output it captured ("--- Logging error ---"); its warnings still show
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


class OidcPeer:
    """A small OpenID Connect provider on 127.0.0.1: discovery, authorize (signs in whoever the
    test says), token (checks the client secret and PKCE) and its RS256 signing key."""

    CLIENT_ID = "caredesk-test"
    CLIENT_SECRET = "peer-client-secret"

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key  # a test may swap in a key the provider did not publish
        self.email = ""
        self.email_verified = True
        self.claims: dict[str, object] = {}  # extra or overriding claims for the ID token
        self.grants: dict[str, dict[str, str]] = {}  # code -> the authorize request's params
        self.token_requests: list[dict[str, str]] = []

    def jwk(self) -> dict[str, str]:
        import base64

        numbers = self.key.public_key().public_numbers()

        def b64(n: int) -> str:
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {
            "kty": "RSA",
            "kid": "k1",
            "alg": "RS256",
            "use": "sig",
            "n": b64(numbers.n),
            "e": b64(numbers.e),
        }

    def id_token(self, nonce: str) -> str:
        import base64
        import json

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        from caredesk.core import clock

        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        now = int(clock.now().timestamp())
        claims = {
            "iss": self.issuer,
            "aud": self.CLIENT_ID,
            "sub": "peer-" + self.email,
            "email": self.email,
            "email_verified": self.email_verified,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.claims,
        }
        head = b64(json.dumps({"alg": "RS256", "kid": "k1", "typ": "JWT"}).encode())
        body = b64(json.dumps(claims).encode())
        signature = self.signing_key.sign(
            f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{head}.{body}.{b64(signature)}"

    def handler(self) -> type:
        import base64
        import hashlib
        import json
        import secrets
        from http.server import BaseHTTPRequestHandler
        from urllib.parse import parse_qsl, urlencode, urlsplit

        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _json(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(
                        200,
                        {
                            "issuer": peer.issuer,
                            "authorization_endpoint": peer.issuer + "/authorize",
                            "token_endpoint": peer.issuer + "/token",
                            "jwks_uri": peer.issuer + "/jwks",
                        },
                    )
                elif url.path == "/jwks":
                    self._json(200, {"keys": [peer.jwk()]})
                elif url.path == "/authorize":
                    params = dict(parse_qsl(url.query))
                    code = secrets.token_urlsafe(16)
                    peer.grants[code] = params
                    back = urlencode({"code": code, "state": params.get("state", "")})
                    self.send_response(302)
                    self.send_header("Location", f"{params['redirect_uri']}?{back}")
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                peer.token_requests.append(form)
                grant = peer.grants.pop(form.get("code", ""), None)
                challenge = (
                    base64.urlsafe_b64encode(
                        hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                    )
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    grant is None
                    or form.get("client_secret") != peer.CLIENT_SECRET
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or challenge != grant.get("code_challenge")
                ):
                    self._json(400, {"error": "invalid_grant"})
                    return
                self._json(
                    200,
                    {
                        "access_token": "at",
                        "token_type": "Bearer",
                        "id_token": peer.id_token(grant["nonce"]),
                    },
                )

        return Handler


@pytest.fixture
def oidc_peer(settings) -> Iterator[OidcPeer]:
    """An OpenID Connect provider that CareDesk's single sign-on is pointed at for the test."""
    import threading
    from http.server import ThreadingHTTPServer

    peer = OidcPeer()
    server = ThreadingHTTPServer(("127.0.0.1", peer.port), peer.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CAREDESK_OIDC_ISSUER = peer.issuer
    settings.CAREDESK_OIDC_CLIENT_ID = peer.CLIENT_ID
    settings.CAREDESK_OIDC_CLIENT_SECRET = peer.CLIENT_SECRET
    yield peer
    server.shutdown()
    server.server_close()


XMLSEC1 = "/usr/bin/xmlsec1"
SAML_SIGNATURE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<ds:Reference URI="#{id}"><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
    "<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
    "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
)


def self_signed(common_name: str, *, not_before=None, not_after=None):  # type: ignore[no-untyped-def]
    """A fresh RSA key and a self-signed certificate for it, as identity providers publish."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(not_after or datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


class SamlPeer:
    """A small SAML 2.0 identity provider on 127.0.0.1. It reads the desk's AuthnRequest
    (HTTP-Redirect binding), signs in whoever the test says and answers with a page that posts
    a Response to the desk (HTTP-POST binding). Signatures are made by Debian's xmlsec1, an
    implementation independent of the one the desk verifies with."""

    ENTITY_ID = "https://idp.northwind-health.example/saml"

    def __init__(self, workdir) -> None:  # type: ignore[no-untyped-def]
        self.port = free_port()
        self.sso_url = f"http://127.0.0.1:{self.port}/sso"
        self.workdir = workdir
        self.key, self.certificate = self_signed("idp.northwind-health.example")
        self.signing = (self.key, self.certificate)  # a test may sign with another key
        self.email = ""
        self.sign = "assertion"  # or "response", or "" for an unsigned answer
        self.audience = ""  # defaults to the requesting service's entity ID
        self.status = "urn:oasis:names:tc:SAML:2.0:status:Success"
        self.lifetime_minutes = 5
        self.long_fractions = False
        self.name_id_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
        self.name_id = ""  # defaults to the e-mail address
        self.attributes: dict[str, str] = {}
        self.tamper = None  # a function given the signed XML text, returning what is sent
        self.requests: list[dict[str, str]] = []

    def certificate_pem(self, certificate=None) -> str:  # type: ignore[no-untyped-def]
        from cryptography.hazmat.primitives import serialization

        return (certificate or self.certificate).public_bytes(serialization.Encoding.PEM).decode()

    def metadata(self) -> str:
        """The provider's SAML metadata, as its administrator would download it."""
        import base64

        from cryptography.hazmat.primitives import serialization

        der = base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()
        md, ds = "urn:oasis:names:tc:SAML:2.0:metadata", "http://www.w3.org/2000/09/xmldsig#"
        redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        return (
            f'<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" entityID="{self.ENTITY_ID}">'
            '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der}'
            "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"'
            f' Location="{self.sso_url}/post"/>'
            f'<md:SingleSignOnService Binding="{redirect}" Location="{self.sso_url}"/>'
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def _sign(self, xml: str) -> str:
        import subprocess

        from cryptography.hazmat.primitives import serialization

        key, certificate = self.signing
        key_file = self.workdir / "idp-key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
        cert_file = self.workdir / "idp-cert.pem"
        cert_file.write_text(self.certificate_pem(certificate))
        template = self.workdir / "response.xml"
        template.write_text(xml)
        done = subprocess.run(  # noqa: S603 - fixed program, files of this test
            [
                XMLSEC1,
                "--sign",
                "--privkey-pem",
                f"{key_file},{cert_file}",
                "--id-attr:ID",
                "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                "--id-attr:ID",
                "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                str(template),
            ],
            capture_output=True,
            check=True,
            timeout=20,
        )
        return done.stdout.decode()

    def response(self, request_id: str, acs_url: str, sp_entity_id: str) -> str:
        import datetime
        import secrets
        from xml.sax.saxutils import escape

        from caredesk.core import clock

        def instant(moment: datetime.datetime) -> str:
            # some providers (Microsoft Entra ID) write seven digits of a second
            shape = "%Y-%m-%dT%H:%M:%S.%f0Z" if self.long_fractions else "%Y-%m-%dT%H:%M:%SZ"
            return moment.astimezone(datetime.UTC).strftime(shape)

        now = clock.now()
        until = instant(now + datetime.timedelta(minutes=self.lifetime_minutes))
        response_id, assertion_id = "r" + secrets.token_hex(16), "a" + secrets.token_hex(16)
        assertion_signature = SAML_SIGNATURE.format(id=assertion_id)
        response_signature = SAML_SIGNATURE.format(id=response_id)
        return (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
            ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
            f' ID="{response_id}" Version="2.0" IssueInstant="{instant(now)}"'
            f' Destination="{acs_url}" InResponseTo="{request_id}">'
            f"<saml:Issuer>{self.ENTITY_ID}</saml:Issuer>"
            + (response_signature if self.sign == "response" else "")
            + f'<samlp:Status><samlp:StatusCode Value="{self.status}"/></samlp:Status>'
            f'<saml:Assertion ID="{assertion_id}" Version="2.0" IssueInstant="{instant(now)}">'
            f"<saml:Issuer>{self.ENTITY_ID}</saml:Issuer>"
            + (assertion_signature if self.sign == "assertion" else "")
            + f'<saml:Subject><saml:NameID Format="{self.name_id_format}">'
            f"{escape(self.name_id or self.email)}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs_url}"'
            f' InResponseTo="{request_id}"/></saml:SubjectConfirmation></saml:Subject>'
            f'<saml:Conditions NotBefore="{instant(now - datetime.timedelta(seconds=30))}"'
            f' NotOnOrAfter="{until}"><saml:AudienceRestriction>'
            f"<saml:Audience>{escape(self.audience or sp_entity_id)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{instant(now)}" SessionIndex="{assertion_id}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            '<saml:AttributeStatement><saml:Attribute Name="displayName">'
            "<saml:AttributeValue>Test Person</saml:AttributeValue></saml:Attribute>"
            + "".join(
                f'<saml:Attribute Name="{escape(name)}"><saml:AttributeValue>{escape(value)}'
                "</saml:AttributeValue></saml:Attribute>"
                for name, value in self.attributes.items()
            )
            + "</saml:AttributeStatement></saml:Assertion></samlp:Response>"
        )

    def answer(self, request_id: str, acs_url: str, sp_entity_id: str) -> str:
        xml = self.response(request_id, acs_url, sp_entity_id)
        signed = self._sign(xml) if self.sign else xml
        return self.tamper(signed) if self.tamper else signed

    def handler(self) -> type:
        import base64
        import html
        import zlib
        from http.server import BaseHTTPRequestHandler
        from urllib.parse import parse_qsl, urlsplit

        from lxml import etree

        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query))
                if url.path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return
                if url.path != "/sso" or "SAMLRequest" not in params:
                    self.send_response(404)
                    self.end_headers()
                    return
                xml = zlib.decompress(base64.b64decode(params["SAMLRequest"]), -15)
                request = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
                issuer = request.findtext("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer") or ""
                seen = {
                    "id": request.get("ID", ""),
                    "acs": request.get("AssertionConsumerServiceURL", ""),
                    "issuer": issuer,
                    "destination": request.get("Destination", ""),
                    "relay_state": params.get("RelayState", ""),
                }
                peer.requests.append(seen)
                posted = base64.b64encode(
                    peer.answer(seen["id"], seen["acs"], issuer).encode()
                ).decode()
                relay = (
                    f'<input type="hidden" name="RelayState" value="{html.escape(seen["relay_state"])}">'
                    if seen["relay_state"]
                    else ""
                )
                page = (
                    "<!doctype html><html lang=en><title>Northwind Health sign-in</title>"
                    f'<form method="post" action="{html.escape(seen["acs"])}">'
                    f'<input type="hidden" name="SAMLResponse" value="{posted}">{relay}'
                    "<button type=submit>Continue to CareDesk</button></form></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        return Handler


@pytest.fixture
def saml_peer(settings, tmp_path) -> Iterator[SamlPeer]:
    """A SAML identity provider that CareDesk's single sign-on is pointed at for the test."""
    import os
    import threading
    from http.server import ThreadingHTTPServer

    if not os.access(XMLSEC1, os.X_OK):
        if os.environ.get("CAREDESK_REQUIRE_XMLSEC1") == "1":
            pytest.fail("xmlsec1 is required here (scripts/ensure-test-tools installs it)")
        pytest.skip("needs Debian's xmlsec1 to sign as the provider (scripts/ensure-test-tools)")
    peer = SamlPeer(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", peer.port), peer.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CAREDESK_SAML_IDP_SSO_URL = peer.sso_url
    settings.CAREDESK_SAML_IDP_ENTITY_ID = peer.ENTITY_ID
    settings.CAREDESK_SAML_IDP_CERT = peer.certificate_pem()
    yield peer
    server.shutdown()
    server.server_close()
