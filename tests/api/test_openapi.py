"""The OpenAPI document names every endpoint; the docs page works offline under the CSP."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from openapi_spec_validator import validate

from caredesk.accounts.scopes import (
    ADMIN,
    AUDIT_READ,
    CONTACTS,
    SCOPES,
    TICKETS_READ,
    TICKETS_WRITE,
)
from tests.api.conftest import API, PROBLEM
from tests.api.test_tickets_api import TICKET_KEYS

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/v1/tickets"),
    ("post", "/api/v1/tickets"),
    ("get", "/api/v1/tickets/{ticket_id}"),
    ("patch", "/api/v1/tickets/{ticket_id}"),
    ("get", "/api/v1/tickets/by-ref/{ref}"),
    ("get", "/api/v1/tickets/{ticket_id}/messages"),
    ("post", "/api/v1/tickets/{ticket_id}/messages"),
    ("get", "/api/v1/attachments/{attachment_id}/download"),
    ("get", "/api/v1/organizations"),
    ("get", "/api/v1/organizations/{org_id}"),
    ("get", "/api/v1/contacts"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/teams"),
}


@pytest.fixture
def document() -> dict:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_the_ticket_and_directory_endpoints_are_documented(document):
    assert document["openapi"].startswith("3.")
    assert {(m, p) for m, p, _op in operations(document)} >= ENDPOINTS


def served_operations() -> set[tuple[str, str]]:
    """(url name, path) of every operation URL the API serves, from Django's URL resolver."""
    (resolver,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    prefix = "/" + str(resolver.pattern)
    served = set()
    for pattern in resolver.url_patterns:
        if pattern.name in (None, "openapi-json", "openapi-view", "api-root"):
            continue  # the document, the docs page, the root and the not-found fallback
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        served.add((pattern.name, prefix + route))
    return served


def test_every_served_endpoint_is_documented(document):
    """Whatever routers are added later: an operation Django serves is in the document."""
    documented = {(op["operationId"], path) for _m, path, op in operations(document)}
    served = served_operations()
    assert len(served) >= len(ENDPOINTS)
    for name, path in served:
        assert any(op_id.endswith(f"_{name}") and p == path for op_id, p in documented), (
            name,
            path,
        )


OWN_SECRET = {("post", "/api/v1/integrations/tracker/webhook")}  # a system, not a person


def test_every_operation_declares_the_one_scope_a_token_needs(document):
    """Each operation (whatever routers are added later) names its scope, or it fails here."""
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["TokenAuth"]["description"],
    }
    for scope in SCOPES:
        assert f"`{scope}`" in schemes["TokenAuth"]["description"]
    assert schemes["SessionAuth"]["in"] == "cookie"
    seen = set()
    for method, path, operation in operations(document):
        if (method, path) in OWN_SECRET:
            assert operation["security"] == [
                {"TrackerSecretHeader": []},
                {"TrackerSecretQuery": []},
            ]
            continue
        security = operation.get("security")
        assert security, (method, path, "no security requirement")
        token, session = security
        assert session == {"SessionAuth": []}, (method, path)
        assert list(token) == ["TokenAuth"], (method, path)
        assert len(token["TokenAuth"]) == 1, (method, path, "declares no scope")
        (scope,) = token["TokenAuth"]
        assert scope in SCOPES, (method, path, scope)
        assert f"Token scope: `{scope}`" in operation["description"], (method, path)
        seen.add(scope)
    assert seen == set(SCOPES)  # every scope guards something


EXPECTED_SCOPES = {
    ("get", "/api/v1/tickets"): TICKETS_READ,
    ("post", "/api/v1/tickets"): TICKETS_WRITE,
    ("post", "/api/v1/tickets/batch"): TICKETS_WRITE,
    ("patch", "/api/v1/tickets/{ticket_id}"): TICKETS_WRITE,
    ("get", "/api/v1/tickets/{ticket_id}/messages"): TICKETS_READ,
    ("post", "/api/v1/tickets/{ticket_id}/messages"): TICKETS_WRITE,
    ("get", "/api/v1/attachments/{attachment_id}/download"): TICKETS_READ,
    ("get", "/api/v1/contacts"): CONTACTS,
    ("post", "/api/v1/contacts"): CONTACTS,
    ("get", "/api/v1/teams"): CONTACTS,
    ("get", "/api/v1/audit"): AUDIT_READ,
    ("get", "/api/v1/sla/policies"): TICKETS_READ,
    ("patch", "/api/v1/sla/policies/{policy_id}"): ADMIN,
    ("post", "/api/v1/rules/simulate"): ADMIN,
    ("post", "/api/v1/video-failures"): TICKETS_WRITE,
}


def test_representative_operations_need_the_scope_their_docs_promise(document):
    found = {
        (m, p): op["security"][0]["TokenAuth"][0]
        for m, p, op in operations(document)
        if (m, p) in EXPECTED_SCOPES
    }
    assert found == EXPECTED_SCOPES


def test_the_document_is_valid_openapi_3_1(document):
    """Standard tooling reads it: a bearer requirement may list role names in OpenAPI 3.1."""
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_errors_are_documented_as_problem_details(document):
    for method, path, operation in operations(document):
        responses = operation["responses"]
        errors = {int(code) for code in responses if int(code) >= 400}
        assert 401 in errors, (method, path)
        if method in ("post", "patch"):
            assert {400, 413, 422} <= errors, (method, path)
        if "{" in path:
            assert 404 in errors, (method, path)
        for code in errors:
            content = responses[str(code)]["content"]
            assert list(content) == [PROBLEM], (method, path, code)
            schema = content[PROBLEM]["schema"]
            assert {"type", "title", "status", "detail"} <= set(schema["required"])
            assert "errors" in schema["properties"]


def test_ticket_schema_carries_the_promised_fields(document):
    schemas = document["components"]["schemas"]
    ticket = schemas["TicketOut"]
    assert set(ticket["required"]) >= TICKET_KEYS
    message = schemas["MessageOut"]
    assert {"id", "kind", "author", "body_text", "body_html", "attachments", "created_at"} <= set(
        message["required"]
    )


def test_inputs_refuse_unknown_fields(document):
    schemas = document["components"]["schemas"]
    for name in ("TicketCreateIn", "TicketUpdateIn", "MessageIn", "ContactIn", "AttachmentIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_list_parameters_declare_their_choices_and_limits(document):
    params = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/tickets"]["get"]["parameters"]
    }
    assert "mine" in params["queue"]["enum"] and "all" in params["queue"]["enum"]
    assert "-updated" in params["sort"]["enum"]
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 100)


def test_docs_page_serves_swagger_from_local_static_files():
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{API}/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    for url in assets:
        assert url.startswith("/static/"), f"external asset {url}"
    assert not re.search(r"cdn|unpkg|jsdelivr|https?://", html, re.IGNORECASE)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline), inline
    assert "script-src 'self'" in response["Content-Security-Policy"]
    client = Client()
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content), url  # read to the end, which closes it
