"""Bad input: always a 4xx problem (application/problem+json) naming the fields, never a 5xx,
and nothing written."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings
from django.test import Client

from caredesk.accounts.services import token_create
from tests.api.conftest import API, PROBLEM, assert_problem, b64, counts
from tests.factories import login_verified, make_ticket

pytestmark = pytest.mark.django_db


def cursor_of(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# --- opening a ticket ------------------------------------------------------------------------

BAD_TICKETS = {
    "unknown field": ({"sujbect": "typo"}, 422, ["sujbect"]),
    "unknown nested field": ({"fields": {"patient_name": "x"}}, 422, ["fields.patient_name"]),
    "subject missing": ({"subject": None}, 422, ["subject"]),
    "subject empty": ({"subject": ""}, 422, ["subject"]),
    "subject only spaces": ({"subject": "   "}, 422, ["subject"]),
    "subject too long": ({"subject": "x" * 301}, 422, ["subject"]),
    "subject not text": ({"subject": ["a"]}, 422, ["subject"]),
    "priority 9": ({"priority": 9}, 422, ["priority"]),
    "priority 0": ({"priority": 0}, 422, ["priority"]),
    "priority as words": ({"priority": "high"}, 422, ["priority"]),
    "unknown channel": ({"channel": "fax"}, 422, ["channel"]),
    "tags not a list": ({"tags": "urgent"}, 422, ["tags"]),
    "too many tags": ({"tags": [f"t{n}" for n in range(21)]}, 422, ["tags"]),
    "requester id not a number": ({"requester_id": "abc"}, 422, ["requester_id"]),
    "requester id as true": ({"requester_id": True}, 422, ["requester_id"]),
    "requester id as text": ({"requester_id": "1"}, 422, ["requester_id"]),
    "priority as true": ({"priority": True}, 422, ["priority"]),
    "priority as a fraction": ({"priority": 2.5}, 422, ["priority"]),
    "team as text": ({"team": "1"}, 422, ["team"]),
    "subject as a number": ({"subject": 42}, 422, ["subject"]),
    "requester id out of range": ({"requester_id": 2**70}, 422, ["requester_id"]),
    "unknown requester": ({"requester_id": 10**12}, 422, ["requester_id"]),
    "unknown team": ({"team": 10**12}, 422, ["team"]),
    "unknown assignee": ({"assignee": 10**12}, 422, ["assignee"]),
    "unknown category": ({"category": 10**12}, 422, ["category"]),
    "structured field too long": ({"fields": {"patient_id": "p" * 65}}, 422, ["fields.patient_id"]),
    "body too long": ({"body": "b" * 100_001}, 422, ["body"]),
    "NUL in subject": ({"subject": "Video\x00froze"}, 422, ["subject"]),
    "NUL in form": ({"form": {"visit": "V\x0088"}}, 422, ["form.visit"]),
    "NUL in a tag": ({"tags": ["ok", "b\x00d"]}, 422, ["tags.1"]),
    "bad base64 attachment": (
        {"attachments": [{"filename": "a.png", "content_base64": "not base64!"}]},
        422,
        ["attachments.0.content_base64"],
    ),
    "disallowed attachment type": (
        {
            "attachments": [
                {
                    "filename": "run.exe",
                    "content_type": "application/x-msdownload",
                    "content_base64": b64(b"MZ\x90\x00"),
                }
            ]
        },
        422,
        ["attachments"],
    ),
    "type implied by the name": (
        {"attachments": [{"filename": "page.html", "content_base64": b64(b"<script>")}]},
        422,
        ["attachments"],
    ),
    "attachment without content": (
        {"attachments": [{"filename": "a.png"}]},
        422,
        ["attachments.0.content_base64"],
    ),
}


@pytest.mark.parametrize(("change", "status", "fields"), BAD_TICKETS.values(), ids=BAD_TICKETS)
def test_bad_ticket_is_refused_and_nothing_is_written(world, api, change, status, fields):
    body = {"subject": "Video froze", "requester_id": world.requester.pk, "body": "Help"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    before = counts()
    assert_problem(api(world.agent).post("/tickets", body), status, *fields)
    assert counts() == before


def test_refused_ticket_for_a_new_requester_does_not_keep_the_requester(world, api):
    """The new contact and the ticket are one transaction: a refused ticket leaves neither."""
    before = counts()
    for change in (
        {"team": 10**12},
        {"subject": "   "},
        {"attachments": [{"filename": "x.exe", "content_base64": b64(b"MZ")}]},
        {"attachments": [{"filename": "x.png", "content_base64": "%%%"}]},
    ):
        response = api(world.agent).post(
            "/tickets",
            {"subject": "New person", "requester": {"email": "new@p.example", "name": "New"}}
            | change,
        )
        assert_problem(response, 422)
        assert counts() == before, change


@pytest.mark.parametrize(
    "raw",
    [
        '{"subject": "Video froze", ',
        "subject=Video+froze",
        "",
        "{'subject': 'single quotes'}",
        "\xff\xfe",
    ],
    ids=["truncated", "form encoded", "empty", "not json", "not utf-8"],
)
def test_malformed_json_is_400_or_422(world, api, raw):
    before = counts()
    response = api(world.agent).send("post", "/tickets", raw.encode("latin-1"))
    assert response.status_code in (400, 422)
    problem = assert_problem(response, response.status_code)
    assert problem.get("errors"), problem
    assert counts() == before


def test_truncated_json_names_the_body(world, api):
    response = api(world.agent).send("post", "/tickets", b'{"subject": "x", ')
    assert_problem(response, 400, "body")


@pytest.mark.parametrize("payload", ["[1, 2]", "null", '"a ticket"', "42"])
def test_json_that_is_not_an_object_is_422(world, api, payload):
    before = counts()
    assert_problem(api(world.agent).send("post", "/tickets", payload), 422, "body")
    assert counts() == before


def test_lone_surrogates_are_refused(world, api):
    raw = b'{"subject": "bad \\ud800 text", "requester_id": %d}' % world.requester.pk
    before = counts()
    assert_problem(api(world.agent).send("post", "/tickets", raw), 422, "subject")
    assert counts() == before


# --- body size -------------------------------------------------------------------------------


def oversized_json(extra: dict[str, object]) -> bytes:
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    return json.dumps({**extra, "body": filler}).encode()


def test_oversized_ticket_body_is_413(world, api):
    before = counts()
    raw = oversized_json({"subject": "Huge", "requester_id": world.requester.pk})
    assert_problem(api(world.agent).send("post", "/tickets", raw), 413)
    assert counts() == before


def test_oversized_message_is_413(world, api):
    ticket = make_ticket(world.requester)
    before = counts()
    raw = oversized_json({"kind": "public"})
    assert_problem(api(world.agent).send("post", f"/tickets/{ticket.pk}/messages", raw), 413)
    assert_problem(api(world.agent).send("patch", f"/tickets/{ticket.pk}", raw), 413)
    assert counts() == before


def test_oversized_form_post_with_a_session_is_413(world):
    """CSRF checking reads form bodies, so the size limit can trip before the view runs."""
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world.agent)
    assert client.get(f"{API}/docs").status_code == 200  # sets the CSRF cookie
    before = counts()
    response = client.post(
        f"{API}/tickets",
        b"subject=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(response, 413)
    assert counts() == before


# --- changing a ticket and messages ----------------------------------------------------------

BAD_PATCHES = {
    "unknown field": ({"subject": "renamed"}, ["subject"]),
    "priority 9": ({"priority": 9}, ["priority"]),
    "tier 4": ({"tier": 4}, ["tier"]),
    "unknown status": ({"status": "archived"}, ["status"]),
    "tags null": ({"tags": None}, ["tags"]),
    "NUL in a tag": ({"tags": ["\x00"]}, ["tags.0"]),
    "NUL in a field": ({"fields": {"os": "i\x00OS"}}, ["fields.os"]),
    "team not a number": ({"team": "frontline"}, ["team"]),
    "team zero": ({"team": 0}, ["team"]),
    "tier as true": ({"tier": True}, ["tier"]),
    "assignee as true": ({"assignee": True}, ["assignee"]),
}


@pytest.mark.parametrize(("change", "fields"), BAD_PATCHES.values(), ids=BAD_PATCHES)
def test_bad_patch_is_refused_and_writes_no_event(world, api, change, fields):
    ticket = make_ticket(world.requester)
    before = counts()
    assert_problem(api(world.supervisor).patch(f"/tickets/{ticket.pk}", change), 422, *fields)
    assert counts() == before
    ticket.refresh_from_db()
    assert ticket.priority == 3 and ticket.status == "new"


BAD_MESSAGES = {
    "system kind": ({"kind": "system", "body": "x"}, ["kind"]),
    "unknown field": ({"body": "x", "internal": True}, ["internal"]),
    "empty": ({"body": ""}, ["body"]),
    "NUL in body": ({"body": "a\x00b"}, ["body"]),
    "too many attachments": (
        {
            "body": "x",
            "attachments": [{"filename": f"{n}.txt", "content_base64": ""} for n in range(11)],
        },
        ["attachments"],
    ),
    "bad base64": (
        {"body": "x", "attachments": [{"filename": "a.txt", "content_base64": "@@@"}]},
        ["attachments.0.content_base64"],
    ),
    "disallowed type": (
        {
            "body": "x",
            "attachments": [
                {"filename": "a.svg", "content_type": "image/svg+xml", "content_base64": b64(b"<")}
            ],
        },
        ["attachments"],
    ),
}


@pytest.mark.parametrize(("body", "fields"), BAD_MESSAGES.values(), ids=BAD_MESSAGES)
def test_bad_message_is_refused_and_nothing_is_written(world, api, body, fields):
    ticket = make_ticket(world.requester)
    before = counts()
    response = api(world.agent).post(f"/tickets/{ticket.pk}/messages", body)
    assert_problem(response, 422, *fields)
    assert counts() == before


def test_oversized_attachment_is_refused(world, api, settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 100
    ticket = make_ticket(world.requester)
    before = counts()
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/messages",
        {"body": "x", "attachments": [{"filename": "big.pdf", "content_base64": b64(b"%" * 101)}]},
    )
    assert_problem(response, 422, "attachments")
    assert counts() == before


# --- list parameters -------------------------------------------------------------------------

BAD_CURSORS = {
    "not base64": "!!!",
    "not json": base64.urlsafe_b64encode(b"hello").decode(),
    "not a pair": cursor_of([1]),
    "an object": cursor_of({"a": 1, "b": 2}),
    "id not a number": cursor_of(["2026-11-02T14:00:00+00:00", "x"]),
    "boolean id": cursor_of(["2026-11-02T14:00:00+00:00", True]),
    "not a date": cursor_of(["yesterday", 1]),
    "impossible date": cursor_of(["2026-13-45T00:00:00+00:00", 1]),
    "date without offset": cursor_of(["2026-11-02T14:00:00", 1]),
    "number instead of date": cursor_of([20261102, 1]),
    "NUL in value": cursor_of(["2026-11-02\x00", 1]),
    "too long": "A" * 5000,
}


@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS)
def test_bad_ticket_cursor_is_422(world, api, cursor):
    make_ticket(world.requester)
    assert_problem(api(world.supervisor).get("/tickets", cursor=cursor), 422, "cursor")


@pytest.mark.parametrize(
    "cursor",
    [cursor_of(["x", 1]), cursor_of([None, 1]), cursor_of([True, 1])],
    ids=["text", "null", "boolean"],
)
def test_bad_priority_cursor_is_422(world, api, cursor):
    make_ticket(world.requester)
    response = api(world.supervisor).get("/tickets", sort="priority", cursor=cursor)
    assert_problem(response, 422, "cursor")


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        cursor_of([None, 1]),
        cursor_of([5, 1]),
        cursor_of(["Bad\x00name", 1]),
        cursor_of(["Name", 2**64]),
        cursor_of(["Name", -1]),
    ],
    ids=["not base64", "null name", "number name", "NUL in name", "huge id", "negative id"],
)
@pytest.mark.parametrize("path", ["/organizations", "/contacts"])
def test_bad_directory_cursor_is_422(world, api, path, cursor):
    assert_problem(api(world.supervisor).get(path, cursor=cursor), 422, "cursor")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"queue": "everything"}, "queue"),
        ({"status": "archived"}, "status"),
        ({"sort": "subject"}, "sort"),
        ({"priority": 9}, "priority"),
        ({"team": "frontline"}, "team"),
        ({"team": 2**64}, "team"),
        ({"assignee": 0}, "assignee"),
        ({"organization": -1}, "organization"),
        ({"requester": 10**30}, "requester"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "q" * 301}, "q"),
    ],
)
def test_bad_ticket_list_parameters_are_422(world, api, params, field):
    assert_problem(api(world.supervisor).get("/tickets", **params), 422, field)


@pytest.mark.parametrize("path", ["/organizations", "/contacts"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"organization": 2**64}, "organization"),
        ({"q": "\x00"}, "q"),
    ],
)
def test_bad_directory_list_parameters_are_422(world, api, path, params, field):
    assert_problem(api(world.supervisor).get(path, **params), 422, field)


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/abc",
        "/tickets/0",
        "/tickets/-3",
        "/tickets/99999999999999999999999",
        "/tickets/1.5/messages",
        "/attachments/x/download",
        "/organizations/0",
        "/contacts/1e3",
    ],
)
def test_bad_ids_in_paths_are_422(world, api, path):
    response = api(world.supervisor).get(path)
    assert_problem(response, 422)
    assert len(response.json()["errors"]) == 1


@pytest.mark.parametrize("path", ["/nowhere", "/tickets/1/nowhere", "/tickets/", "/v2/tickets"])
def test_unknown_endpoints_are_problem_404(world, api, path):
    assert_problem(api(world.supervisor).get(path), 404)
    assert_problem(Client().post(API + path), 404)


def test_wrong_method_is_405(world, api):
    ticket = make_ticket(world.requester)
    response = api(world.supervisor).client.delete(
        f"{API}/tickets/{ticket.pk}", headers=api(world.supervisor).headers
    )
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}


def test_error_bodies_follow_rfc_9457(world):
    _token, secret = token_create(user=world.agent, name="shape")
    response = Client().post(
        f"{API}/tickets",
        json.dumps({"subject": "x" * 301, "priority": 9, "extra": 1}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == 422
    assert body["title"] == "Validation failed"
    assert set(body["errors"]) == {"subject", "priority", "extra"}
    assert body["errors"]["extra"] == ["Unknown field."]


# --- SLA achievement period (found by the schemathesis run on PostgreSQL) --------------------


@pytest.mark.parametrize(
    "start",
    ["2026-11-01T00:00:00-18:39", "2026-11-01T00:00:00+23:59", "2026-11-01T00:00:00Z"],
)
def test_achievement_accepts_any_utc_offset_python_accepts(world, api, start):
    """PostgreSQL refuses offsets past 15:59, so the API must not hand them on."""
    response = api(world.supervisor).get(
        "/sla/achievement", start=start, end="2026-12-01T00:00:00+00:00"
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.json(), list)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01T00:00:00+05:00", "2026-12-01T00:00:00Z", "start"),
        ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00", "end"),
        ("2026-11-01T00:00:00", "2026-12-01T00:00:00Z", "start"),
        ("yesterday", "2026-12-01T00:00:00Z", "start"),
        # a bare number is not read as seconds since 1970
        ("6", "2026-12-01T00:00:00Z", "start"),
        ("2026-11-01T00:00:00Z", "1796620940", "end"),
    ],
)
def test_achievement_refuses_instants_it_cannot_use(world, api, start, end, field):
    response = api(world.supervisor).get("/sla/achievement", start=start, end=end)
    assert_problem(response, 422, field)
