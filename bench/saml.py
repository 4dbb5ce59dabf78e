"""Benchmark: checking a SAML answer at the assertion consumer service.

A Response with a signed assertion (RSA-2048, SHA-256, exclusive canonicalization, the shape
identity providers send) is decoded, its signature verified against the configured
certificate, and every condition checked, as `caredesk.accounts.saml.read_response` does for
each SAML sign-in. The desk's own work around it (a cache read and write, the account lookup)
is a few milliseconds more and is the same as for OpenID Connect.
Run: .venv/bin/python bench/saml.py
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import statistics
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import CanonicalizationMethod

from caredesk.accounts import saml

ACS = "https://desk.example/login/saml/acs/"
SP = "https://desk.example/login/saml/metadata/"
IDP = "https://idp.example/saml"
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def identity() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def answer(key: rsa.RSAPrivateKey, cert: x509.Certificate, request_id: str) -> str:
    def at(minutes: int) -> str:
        return (NOW + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assertion = etree.fromstring(
        f'<saml:Assertion xmlns:saml="{saml.ASSERTION}" ID="a1" Version="2.0"'
        f' IssueInstant="{at(0)}"><saml:Issuer>{IDP}</saml:Issuer><saml:Subject>'
        f'<saml:NameID Format="{saml.EMAIL_FORMAT}">agent@desk.example</saml:NameID>'
        f'<saml:SubjectConfirmation Method="{saml.BEARER}"><saml:SubjectConfirmationData'
        f' NotOnOrAfter="{at(5)}" Recipient="{ACS}" InResponseTo="{request_id}"/>'
        f'</saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{at(-1)}"'
        f' NotOnOrAfter="{at(5)}"><saml:AudienceRestriction><saml:Audience>{SP}</saml:Audience>'
        "</saml:AudienceRestriction></saml:Conditions></saml:Assertion>"
    )
    signer = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(assertion, key=key, cert=[cert], reference_uri="a1")
    response = (
        f'<samlp:Response xmlns:samlp="{saml.PROTOCOL}" ID="r1" Version="2.0"'
        f' IssueInstant="{at(0)}" Destination="{ACS}" InResponseTo="{request_id}">'
        f'<samlp:Status><samlp:StatusCode Value="{saml.SUCCESS}"/></samlp:Status>'
        + etree.tostring(signed).decode()
        + "</samlp:Response>"
    )
    return base64.b64encode(response.encode()).decode()


def main() -> None:
    key, cert = identity()
    posted = answer(key, cert, "cd_bench")

    def check() -> None:
        saml.read_response(
            posted,
            certificates=[cert],
            idp_entity_id=IDP,
            sp_entity_id=SP,
            acs_url=ACS,
            request_id="cd_bench",
            now=NOW,
        )

    for _ in range(50):  # warm up
        check()
    samples = []
    for _ in range(500):
        start = time.perf_counter()
        check()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        json.dumps(
            {
                "responses": len(samples),
                "check_ms_p50": round(statistics.median(samples), 2),
                "check_ms_p95": round(samples[int(len(samples) * 0.95)], 2),
                "response_bytes": len(base64.b64decode(posted)),
            }
        )
    )


if __name__ == "__main__":
    main()
