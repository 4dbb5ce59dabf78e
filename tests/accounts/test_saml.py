"""Single sign-on by SAML 2.0 against a real identity provider on 127.0.0.1 (tests.peers, signing
with Debian's xmlsec1): off by default, staff only, only what the provider signed is believed,
every answer used once, then the desk's own second step."""

from __future__ import annotations

import base64
import re
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import Client

from caredesk.accounts.models import User
from caredesk.compliance.models import AuditEntry
from tests.factories import (
    AgentFactory,
    UserFactory,
    complete_second_step,
    enroll_second_factor,
)
from tests.peers import self_signed

pytestmark = pytest.mark.django_db

EMAIL = "odalys.brennan@caredesk.example"


def to_provider(client: Client, next_url: str = "") -> dict[str, str]:
    """Click the SAML button and let the provider answer: the fields its page would post."""
    start = client.get("/login/saml/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    with urllib.request.urlopen(start["Location"], timeout=10) as page:  # noqa: S310 - the peer
        html = page.read().decode()
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    assert re.search(r'action="http://127.0.0.1:8000/login/saml/acs/"', html)
    return fields


def post_back(client: Client, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post("/login/saml/acs/", fields)


def through_provider(client: Client, next_url: str = ""):  # type: ignore[no-untyped-def]
    posted = post_back(client, to_provider(client, next_url))
    assert posted.status_code == 303, posted.content.decode()
    finish = urlsplit(posted["Location"])
    assert finish.path == "/login/saml/finish/"
    return client.get(finish.path + "?" + finish.query)


def refusal(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_saml_is_off_by_default(client, clock):
    for url in ("/login/saml/", "/login/saml/finish/?request=x", "/login/saml/metadata/"):
        assert client.get(url).status_code == 404
    assert client.post("/login/saml/acs/", {"SAMLResponse": "eA=="}).status_code == 404
    assert "SAML" not in client.get("/login/").content.decode()


def test_staff_sign_in_through_the_provider_then_the_desks_second_step(client, clock, saml_peer):
    agent = AgentFactory(email=EMAIL)
    enroll_second_factor(agent)
    clock.advance(minutes=1)
    saml_peer.email = "Odalys.Brennan@caredesk.example"
    assert "Sign in with your organization (SAML)" in client.get("/login/").content.decode()

    back = through_provider(client, next_url="/agent/notifications/")
    request = saml_peer.requests[0]
    assert request["acs"] == "http://127.0.0.1:8000/login/saml/acs/"
    assert request["issuer"] == "http://127.0.0.1:8000/login/saml/metadata/"
    assert request["destination"] == saml_peer.sso_url
    assert back.status_code == 302 and back["Location"] == "/login/code/"
    assert not signed_in(client)
    done = complete_second_step(client, agent)
    assert done["Location"] == "/agent/notifications/"
    assert client.get("/agent/notifications/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.signed_in", actor_id=agent.pk).exists()


def test_a_signed_response_is_accepted_as_well_as_a_signed_assertion(
    client, clock, saml_peer, settings
):
    settings.CAREDESK_SAML_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    saml_peer.sign = "response"
    back = through_provider(client)
    assert back.status_code == 302 and back["Location"] == "/"
    assert client.get("/agent/").status_code == 200


def test_times_with_seven_digits_of_a_second_are_read(client, clock, saml_peer, settings):
    settings.CAREDESK_SAML_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    saml_peer.long_fractions = True
    assert through_provider(client)["Location"] == "/"


PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
ENTRA_EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


@pytest.mark.parametrize(
    ("name_id_format", "name_id", "attributes", "configured", "signed_in_as"),
    [
        (PERSISTENT, "8f3c2d1e", {ENTRA_EMAIL: EMAIL}, "", EMAIL),  # Entra ID's claim
        (PERSISTENT, "8f3c2d1e", {"mail": EMAIL}, "", EMAIL),
        (UNSPECIFIED, EMAIL, {}, "", EMAIL),
        (PERSISTENT, "odalys@caredesk.example", {}, "", None),  # an opaque ID is never used
        (PERSISTENT, "8f3c2d1e", {"workEmail": EMAIL, "mail": "x@y.example"}, "workEmail", EMAIL),
    ],
)
def test_the_address_is_taken_from_the_nameid_or_the_usual_attributes(
    client,
    clock,
    saml_peer,
    settings,
    name_id_format,
    name_id,
    attributes,
    configured,
    signed_in_as,
):
    settings.CAREDESK_SAML_SECOND_STEP = False
    settings.CAREDESK_SAML_EMAIL_ATTRIBUTE = configured
    AgentFactory(email=EMAIL)
    AgentFactory(email="odalys@caredesk.example")
    saml_peer.email = EMAIL
    saml_peer.name_id_format, saml_peer.name_id = name_id_format, name_id
    saml_peer.attributes = attributes
    back = through_provider(client)
    if signed_in_as is None:
        assert back["Location"] == "/login/" and not signed_in(client)
    else:
        assert back["Location"] == "/"
        assert client.session["_auth_user_id"] == str(User.objects.get(email=signed_in_as).pk)


def test_the_answer_step_leaves_the_browsers_session_alone(client, clock, saml_peer):
    """The provider's page posts from another site: no session cookie comes with it, and the
    desk must not answer with a new one that would replace the browser's."""
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    fields = to_provider(client)
    stranger = Client()  # as the browser's cross-site POST: no cookies at all
    posted = post_back(stranger, fields)
    assert posted.status_code == 303
    assert "sessionid" not in posted.cookies
    # and the finish step belongs to the browser that started, not to whoever holds the link
    finish = posted["Location"]
    assert stranger.get(finish)["Location"] == "/login/"
    assert client.get(finish)["Location"] == "/login/enroll/"


def _with_key_not_configured(peer) -> None:  # type: ignore[no-untyped-def]
    peer.signing = self_signed("impostor.example")


def _unsigned(peer) -> None:  # type: ignore[no-untyped-def]
    peer.sign = ""


def _address_changed_after_signing(peer) -> None:  # type: ignore[no-untyped-def]
    peer.tamper = lambda xml: xml.replace(EMAIL, "ines.vasquez@caredesk.example")


def _unsigned_assertion_slipped_in_first(peer) -> None:  # type: ignore[no-untyped-def]
    """The signature wrapping attack: keep the genuine signed assertion, put a forged one
    (naming someone else) before it and hope the desk reads the first."""

    def wrap(xml: str) -> str:
        start = xml.index("<saml:Assertion")
        end = xml.index("</saml:Assertion>") + len("</saml:Assertion>")
        genuine = xml[start:end]
        forged = re.sub(r"<ds:Signature.*?</ds:Signature>", "", genuine, flags=re.S)
        forged = forged.replace(EMAIL, "ines.vasquez@caredesk.example").replace('ID="a', 'ID="f')
        return xml[:start] + forged + xml[start:]

    peer.tamper = wrap


def _signed_assertion_hidden_in_extensions(peer) -> None:  # type: ignore[no-untyped-def]
    """The other wrapping: move the genuine assertion into the response's extensions and put
    the forged one where the desk reads."""

    def wrap(xml: str) -> str:
        start = xml.index("<saml:Assertion")
        end = xml.index("</saml:Assertion>") + len("</saml:Assertion>")
        genuine = xml[start:end]
        forged = re.sub(r"<ds:Signature.*?</ds:Signature>", "", genuine, flags=re.S)
        forged = forged.replace(EMAIL, "ines.vasquez@caredesk.example")
        hidden = f"<samlp:Extensions>{genuine}</samlp:Extensions>"
        status = xml.index("<samlp:Status>")
        return xml[:status] + hidden + xml[status:start] + forged + xml[end:]

    peer.tamper = wrap


def _comment_in_the_name(peer) -> None:  # type: ignore[no-untyped-def]
    """A comment does not change what is signed: the name must be read whole, not cut at it."""
    peer.email = "odalys.brennan@caredesk.example.evil.example"
    peer.tamper = lambda xml: xml.replace(
        "odalys.brennan@caredesk.example.evil", "odalys.brennan@caredesk.example<!---->.evil"
    )


def _for_another_service(peer) -> None:  # type: ignore[no-untyped-def]
    peer.audience = "https://other-desk.example/saml"


def _provider_said_no(peer) -> None:  # type: ignore[no-untyped-def]
    peer.status = "urn:oasis:names:tc:SAML:2.0:status:Responder"


def _not_an_xml(peer) -> None:  # type: ignore[no-untyped-def]
    peer.tamper = lambda xml: xml[: len(xml) // 2]


def _with_a_document_type(peer) -> None:  # type: ignore[no-untyped-def]
    peer.tamper = lambda xml: (
        '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xml.replace(EMAIL, "&e;")
    )


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (_with_key_not_configured, "signature could not be verified"),
        (_unsigned, "signature could not be verified"),
        (_address_changed_after_signing, "signature could not be verified"),
        (_unsigned_assertion_slipped_in_first, "exactly one assertion"),
        (_signed_assertion_hidden_in_extensions, "signature could not be verified"),
        (_for_another_service, "meant for another service"),
        (_provider_said_no, "did not sign you in"),
        (_not_an_xml, "This sign-in was not started here"),
        (_with_a_document_type, "This sign-in was not started here"),
    ],
)
def test_an_answer_that_cannot_be_trusted_signs_nobody_in(
    client, clock, saml_peer, arrange, message
):
    AgentFactory(email=EMAIL)
    AgentFactory(email="ines.vasquez@caredesk.example")
    saml_peer.email = EMAIL
    arrange(saml_peer)
    answer = post_back(client, to_provider(client))
    assert message in refusal(answer)
    assert not signed_in(client)
    assert "sessionid" not in answer.cookies


def test_a_comment_inside_the_name_does_not_cut_it_short(client, clock, saml_peer, settings):
    settings.CAREDESK_SAML_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    _comment_in_the_name(saml_peer)
    back = through_provider(client)
    assert back["Location"] == "/login/"
    assert not signed_in(client)


def test_an_answer_past_its_validity_is_refused(client, clock, saml_peer):
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    fields = to_provider(client)
    clock.advance(minutes=5 + 4)  # its five minutes, plus more than the tolerated skew
    assert "time does not match" in refusal(post_back(client, fields))


def test_an_expired_provider_certificate_is_refused(client, clock, saml_peer, settings):
    import datetime

    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    now = clock()
    saml_peer.signing = self_signed(
        "idp.northwind-health.example",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    settings.CAREDESK_SAML_IDP_CERT = saml_peer.certificate_pem(saml_peer.signing[1])
    assert "signature could not be verified" in refusal(post_back(client, to_provider(client)))


def test_a_rolled_over_key_is_accepted_while_both_certificates_are_configured(
    client, clock, saml_peer, settings
):
    settings.CAREDESK_SAML_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    old_pem = saml_peer.certificate_pem()
    saml_peer.signing = self_signed("idp.northwind-health.example")
    settings.CAREDESK_SAML_IDP_CERT = old_pem + saml_peer.certificate_pem(saml_peer.signing[1])
    assert through_provider(client)["Location"] == "/"


def test_an_answer_is_used_once(client, clock, saml_peer):
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    fields = to_provider(client)
    assert post_back(client, fields).status_code == 303
    assert "already used" in refusal(post_back(client, fields))


def test_an_answer_to_another_browsers_request_is_refused(client, clock, saml_peer):
    """An answer obtained for one sign-in cannot finish someone else's."""
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    theirs = to_provider(Client())
    to_provider(client)  # this browser started its own sign-in
    posted = post_back(client, theirs)
    assert posted.status_code == 303  # a genuine answer to a genuine request...
    finish = urlsplit(posted["Location"])
    back = client.get(finish.path + "?" + finish.query)
    assert back["Location"] == "/login/"  # ...but not to this browser's
    assert not signed_in(client)


def test_unsolicited_answers_are_refused(client, clock, saml_peer):
    """Sign-in started at the provider (no request of ours to answer) is not accepted."""
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    xml = saml_peer.answer("", "http://127.0.0.1:8000/login/saml/acs/", "x").replace(
        ' InResponseTo=""', ""
    )
    answer = post_back(client, {"SAMLResponse": base64.b64encode(xml.encode()).decode()})
    assert "not started here" in refusal(answer)


@pytest.mark.parametrize(
    "fields", [{}, {"SAMLResponse": ""}, {"SAMLResponse": "%%%"}, {"SAMLResponse": "PGE+"}]
)
def test_garbage_gets_a_clear_refusal_not_an_error(client, clock, saml_peer, fields):
    assert "not started here" in refusal(post_back(client, fields))


def test_only_active_staff_accounts_sign_in(client, clock, saml_peer, settings):
    settings.CAREDESK_SAML_SECOND_STEP = False
    UserFactory(email="member@caredesk.example")
    AgentFactory(email="gone@caredesk.example", is_active=False)
    for email in ("member@caredesk.example", "gone@caredesk.example", "nobody@caredesk.example"):
        saml_peer.email = email
        back = through_provider(client)
        assert back["Location"] == "/login/"
        assert not signed_in(client)
    page = client.get("/login/").content.decode()
    assert "No CareDesk staff account matches" in page


def test_the_metadata_describes_this_desk(client, clock, saml_peer):
    response = client.get("/login/saml/metadata/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    body = response.content.decode()
    assert 'entityID="http://127.0.0.1:8000/login/saml/metadata/"' in body
    assert 'Location="http://127.0.0.1:8000/login/saml/acs/"' in body
    assert 'WantAssertionsSigned="true"' in body


def test_no_certificate_configured_is_a_clear_refusal(client, clock, saml_peer, settings):
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    fields = to_provider(client)
    settings.CAREDESK_SAML_IDP_CERT = ""
    assert "No identity provider certificate" in refusal(post_back(client, fields))
    start = client.get("/login/saml/")
    assert start["Location"] == "/login/"
    assert "Single sign-on is not available now" in client.get("/login/").content.decode()


def test_a_half_configured_saml_sign_in_fails_the_system_check(settings, tmp_path):
    from django.core.checks import run_checks

    settings.CAREDESK_SAML_IDP_SSO_URL = "https://idp.example/sso"
    settings.CAREDESK_SAML_IDP_ENTITY_ID = "https://idp.example"
    settings.CAREDESK_SAML_IDP_CERT = ""
    settings.CAREDESK_SAML_IDP_CERT_FILE = str(tmp_path / "missing.pem")
    (error,) = [m for m in run_checks() if m.id == "caredesk.E121"]
    assert "certificate file cannot be read" in error.msg
    settings.CAREDESK_SAML_IDP_CERT_FILE = ""
    settings.CAREDESK_SAML_IDP_CERT = "not a certificate"
    (error,) = [m for m in run_checks() if m.id == "caredesk.E121"]
    assert "not a PEM certificate" in error.msg


def test_the_providers_metadata_alone_configures_sign_in(
    client, clock, saml_peer, settings, tmp_path
):
    settings.CAREDESK_SAML_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(saml_peer.metadata())
    settings.CAREDESK_SAML_IDP_METADATA_FILE = str(metadata)
    settings.CAREDESK_SAML_IDP_SSO_URL = ""
    settings.CAREDESK_SAML_IDP_ENTITY_ID = ""
    settings.CAREDESK_SAML_IDP_CERT = ""
    assert through_provider(client)["Location"] == "/"
    assert saml_peer.requests[0]["destination"] == saml_peer.sso_url  # the redirect binding's


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ("<md:EntityDescriptor", "not well-formed"),
        ('<!DOCTYPE x [<!ENTITY e "e">]><x/>', "document type"),
        (
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
            "exactly one identity provider",
        ),
    ],
)
def test_unusable_metadata_is_named_by_the_system_check(settings, tmp_path, metadata, message):
    from django.core.checks import run_checks

    path = tmp_path / "idp-metadata.xml"
    path.write_text(metadata)
    settings.CAREDESK_SAML_IDP_METADATA_FILE = str(path)
    errors = [m for m in run_checks() if m.id == "caredesk.E121"]
    assert len(errors) == 1 and message in errors[0].msg


def test_metadata_without_a_signing_certificate_or_redirect_binding_is_refused(saml_peer):
    from caredesk.accounts import saml

    full = saml_peer.metadata()
    no_cert = re.sub(r"<md:KeyDescriptor.*?</md:KeyDescriptor>", "", full)
    with pytest.raises(saml.SamlError, match="no signing certificate"):
        saml.read_metadata(no_cert.encode())
    encryption_only = full.replace('use="signing"', 'use="encryption"')
    with pytest.raises(saml.SamlError, match="no signing certificate"):
        saml.read_metadata(encryption_only.encode())
    post_only = re.sub(r'<md:SingleSignOnService Binding="[^"]*HTTP-Redirect"[^>]*/>', "", full)
    with pytest.raises(saml.SamlError, match="HTTP-Redirect"):
        saml.read_metadata(post_only.encode())
    wrapped = (
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        f"{full}</md:EntitiesDescriptor>"
    )
    found = saml.read_metadata(wrapped.encode())
    assert found.entity_id == saml_peer.ENTITY_ID and len(found.certificates) == 1


def test_a_complete_saml_configuration_passes_the_system_check(settings, saml_peer, tmp_path):
    from django.core.checks import run_checks

    pem = tmp_path / "idp.pem"
    pem.write_text(saml_peer.certificate_pem())
    settings.CAREDESK_SAML_IDP_CERT = ""
    settings.CAREDESK_SAML_IDP_CERT_FILE = str(pem)
    assert "caredesk.E121" not in {m.id for m in run_checks()}
