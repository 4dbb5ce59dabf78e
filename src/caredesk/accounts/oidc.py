"""OpenID Connect sign-in for staff (authorization code flow with PKCE); no Django here.

The desk sends the browser to the identity provider with a random state, nonce and PKCE
verifier, then trades the returned code for tokens at the provider's token endpoint and checks
the ID token: RS256 signature against the provider's published keys, issuer, audience, expiry
and nonce. Only the verified email address is used, to find an existing staff account.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

TIMEOUT = 10  # seconds for each call to the provider
LEEWAY = 60  # seconds of clock difference tolerated on exp and iat
# What no address holds: blanks, control characters (NUL), angle brackets, half characters.
_NOT_IN_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f<>\ud800-\udfff]")


class OidcError(Exception):
    """The provider's answer cannot be trusted or used; the message is safe to show."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Start:
    url: str
    state: str
    nonce: str
    verifier: str


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _get_json(url: str, data: dict[str, str] | None = None) -> Any:
    if not url.startswith(("https://", "http://")):
        raise OidcError("The identity provider's address is not an http(s) URL.")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read(1_000_000))
    except (OSError, ValueError) as exc:
        raise OidcError("The identity provider could not be reached or answered badly.") from exc


def discover(issuer: str) -> Provider:
    """Read the provider's endpoints from its discovery document."""
    doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    try:
        provider = Provider(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
        )
    except (KeyError, TypeError) as exc:
        raise OidcError("The identity provider's discovery document is incomplete.") from exc
    if provider.issuer.rstrip("/") != issuer.rstrip("/"):
        raise OidcError("The identity provider names another issuer.")
    return provider


def start(provider: Provider, *, client_id: str, redirect_uri: str) -> Start:
    """Where to send the browser, with the secrets to keep until it comes back."""
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return Start(provider.authorization_endpoint + separator + query, state, nonce, verifier)


def finish(
    provider: Provider,
    *,
    code: str,
    verifier: str,
    nonce: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    now: float,
) -> dict[str, Any]:
    """Trade the code for tokens and return the ID token's checked claims."""
    tokens = _get_json(
        provider.token_endpoint,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": client_secret,
            "code_verifier": verifier,
        },
    )
    id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if not isinstance(id_token, str):
        raise OidcError("The identity provider sent no ID token.")
    keys = _get_json(provider.jwks_uri)
    return verify_id_token(
        id_token, keys=keys, issuer=provider.issuer, client_id=client_id, nonce=nonce, now=now
    )


def _public_key(keys: Any, kid: str | None) -> rsa.RSAPublicKey:
    candidates = [
        k
        for k in (keys.get("keys", []) if isinstance(keys, dict) else [])
        if isinstance(k, dict) and k.get("kty") == "RSA" and (kid is None or k.get("kid") == kid)
    ]
    if not candidates:
        raise OidcError("The identity provider's signing key was not found.")
    n = int.from_bytes(_b64url_decode(str(candidates[0]["n"])), "big")
    e = int.from_bytes(_b64url_decode(str(candidates[0]["e"])), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def verify_id_token(
    token: str, *, keys: Any, issuer: str, client_id: str, nonce: str, now: float
) -> dict[str, Any]:
    """Check an RS256 ID token's signature and claims; return its claims."""
    try:
        head_b64, body_b64, sig_b64 = token.split(".")
        header = json.loads(_b64url_decode(head_b64))
        claims = json.loads(_b64url_decode(body_b64))
        signature = _b64url_decode(sig_b64)
    except ValueError as exc:
        raise OidcError("The ID token is malformed.") from exc
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        raise OidcError("The ID token is not signed with RS256.")
    key = _public_key(keys, header.get("kid"))
    try:
        key.verify(
            signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature as exc:
        raise OidcError("The ID token's signature does not match.") from exc
    _check_claims(claims, issuer=issuer, client_id=client_id, nonce=nonce, now=now)
    return dict(claims)


def _check_claims(claims: Any, *, issuer: str, client_id: str, nonce: str, now: float) -> None:
    if not isinstance(claims, dict):
        raise OidcError("The ID token is malformed.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer:
        raise OidcError("The ID token comes from another issuer.")
    if client_id not in audiences:
        raise OidcError("The ID token is meant for another client.")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY < now:
        raise OidcError("The ID token has expired.")
    given = str(claims.get("nonce", "")).encode("utf-8", "surrogatepass")  # JSON holds anything
    if not secrets.compare_digest(given, nonce.encode()):
        raise OidcError("The ID token does not answer this sign-in.")


def verified_email(claims: dict[str, Any]) -> str | None:
    """The email address the provider vouches for, lower-cased, or None."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is not True:
        return None
    email = email.strip().lower()
    # JSON carries what no address holds (and no database stores): no account has such an address
    if not 3 <= len(email) <= 254 or _NOT_IN_ADDRESS.search(email):
        return None
    return email
