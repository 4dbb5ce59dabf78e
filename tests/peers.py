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
