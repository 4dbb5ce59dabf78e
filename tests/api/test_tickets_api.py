"""Ticket endpoints: open, list and filter, page, read, change, converse, attach files."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from caredesk.accounts.models import Contact
from caredesk.tickets.models import (
    Attachment,
    EventKind,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import Body, message_add, ticket_update
from tests.api.conftest import API, assert_problem, b64, counts
from tests.factories import ContactFactory, RequestTypeFactory, make_ticket

pytestmark = pytest.mark.django_db

TICKET_KEYS = {
    "id",
    "ref",
    "subject",
    "status",
    "priority",
    "channel",
    "category",
    "requester",
    "organization",
    "team",
    "assignee",
    "tags",
    "fields",
    "created_at",
    "updated_at",
}
MESSAGE_KEYS = {"id", "kind", "author", "body_text", "body_html", "attachments", "created_at"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00screen" * 20


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- opening tickets -------------------------------------------------------------------------


def test_agent_opens_a_ticket_for_a_requester_by_id(world, api, clock):
    rtype = RequestTypeFactory(name="Video visit")
    response = api(world.agent).post(
        "/tickets",
        {
            "subject": "  Video   froze during consult ",
            "body": "Froze at 10:02 on the iPad.",
            "requester_id": world.requester.pk,
            "priority": 2,
            "channel": "phone",
            "category": rtype.pk,
            "team": world.team_a.pk,
            "assignee": world.agent.pk,
            "tags": ["Video", "urgent", "video"],
            "fields": {"device_serial": "SN-4471", "os": "iPadOS 18"},
            "form": {"visit_id": "V-88"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= TICKET_KEYS
    ticket = Ticket.objects.get()
    assert body["id"] == ticket.pk and body["ref"] == f"CD-{ticket.pk + 1000}"
    assert body["subject"] == "Video froze during consult"
    assert body["status"] == "open", "a ticket opened with an assignee is open"
    assert (body["priority"], body["channel"]) == (2, "phone")
    assert body["category"] == {"id": rtype.pk, "name": "Video visit"}
    assert body["requester"] == {
        "id": world.requester.pk,
        "name": "June Halloway",
        "email": "june.halloway@patients.example",
    }
    assert body["organization"] == {"id": world.org.pk, "name": "Willowmere Clinic"}
    assert body["team"] == {"id": world.team_a.pk, "name": "Frontline"}
    assert body["assignee"] == {
        "id": world.agent.pk,
        "name": "Ines Marlow",
        "email": world.agent.email,
    }
    assert body["tags"] == ["urgent", "video"]
    assert body["fields"] == {"device_serial": "SN-4471", "os": "iPadOS 18"}
    assert body["form"] == {"visit_id": "V-88"}
    assert when(body["created_at"]) == when(body["updated_at"]) == clock.current
    first = ticket.messages.get()
    assert first.kind == MessageKind.PUBLIC and first.author_user == world.agent
    assert first.body_text == "Froze at 10:02 on the iPad."
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.MESSAGE_ADDED]


def test_agent_opens_a_ticket_for_a_new_requester_by_email_and_reuses_them(world, api):
    client = api(world.agent)
    first = client.post(
        "/tickets",
        {
            "subject": "Cannot sign in",
            "requester": {"email": "Nadia.Quill@Mail.example", "name": " Nadia Quill "},
        },
    )
    assert first.status_code == 201, first.content
    contact = Contact.objects.get(email="nadia.quill@mail.example")
    assert first.json()["requester"] == {
        "id": contact.pk,
        "name": "Nadia Quill",
        "email": "nadia.quill@mail.example",
    }
    again = client.post(
        "/tickets",
        {
            "subject": "Still cannot",
            "requester": {"email": "NADIA.QUILL@mail.example", "name": "N"},
        },
    )
    assert again.status_code == 201
    assert again.json()["requester"]["id"] == contact.pk
    assert Contact.objects.filter(email__iexact="nadia.quill@mail.example").count() == 1


def test_agent_must_say_who_the_ticket_is_for(world, api):
    before = counts()
    response = api(world.agent).post("/tickets", {"subject": "For nobody"})
    assert_problem(response, 422, "requester")
    assert counts() == before


def test_requester_opens_a_ticket_for_themselves(world, api):
    response = api(world.requester.user).post(
        "/tickets",
        {
            "subject": "Prescription not received",
            "body": "The pharmacy has nothing.",
            "channel": "phone",
            "tags": ["vip"],
            "priority": 4,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester"]["id"] == world.requester.pk
    assert body["organization"]["id"] == world.org.pk
    assert body["channel"] == "api", "requesters cannot pick the channel"
    assert body["tags"] == [], "requesters cannot tag"
    assert body["priority"] == 4 and body["team"] is None and body["assignee"] is None
    message = Ticket.objects.get(pk=body["id"]).messages.get()
    assert message.author_contact == world.requester


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"requester_id": "colleague"}, "requester"),
        ({"requester": {"email": "someone@else.example", "name": "Someone"}}, "requester"),
        ({"team": "team_a"}, "team"),
        ({"assignee": "agent"}, "assignee"),
    ],
)
def test_requester_cannot_open_for_others_or_route(world, api, extra, field):
    people = {"colleague": world.colleague.pk, "team_a": world.team_a.pk, "agent": world.agent.pk}
    resolved = {k: people.get(v, v) if isinstance(v, str) else v for k, v in extra.items()}
    before = counts()
    response = api(world.requester.user).post("/tickets", {"subject": "Mine", **resolved})
    assert_problem(response, 422, field)
    assert counts() == before


def test_requester_can_attach_files_when_opening(world, api):
    response = api(world.requester.user).post(
        "/tickets",
        {
            "subject": "Error on screen",
            "body": "See the screenshot.",
            "attachments": [
                {"filename": "screen.png", "content_type": "image/png", "content_base64": b64(PNG)}
            ],
        },
    )
    assert response.status_code == 201, response.content
    att = Attachment.objects.get()
    assert att.ticket_id == response.json()["id"] and att.filename == "screen.png"
    assert att.size == len(PNG) and att.message.kind == MessageKind.PUBLIC


# --- listing and filters ---------------------------------------------------------------------


@pytest.fixture
def catalog(world, clock):
    """Tickets that differ in every filterable property."""
    device = make_ticket(
        world.requester,
        subject="Blood pressure cuff will not pair",
        team=world.team_b,
        priority=1,
        assignee=world.other_agent,
    )
    clock.advance(minutes=1)
    video = make_ticket(
        world.outsider, subject="Video visit dropped", team=world.team_a, priority=4
    )
    clock.advance(minutes=1)
    solved = make_ticket(world.requester, subject="Reset my password")
    ticket_update(ticket=solved, changes={"status": Status.SOLVED}, actor=world.supervisor)
    clock.advance(minutes=1)
    printer = make_ticket(
        ContactFactory(name="Quentin Ashby", email="q.ashby@frontdesk.example", organization=None),
        subject="Label printer jammed",
        team=world.team_a,
        assignee=world.agent,
    )
    return {"device": device, "video": video, "solved": solved, "printer": printer}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def resolve(world, catalog, key, value):
    """Turn the names used in the parameter table into ids and refs."""
    if isinstance(value, str) and value.startswith("ref"):
        ref = catalog[value.split(":")[1]].ref
        return ref.lower() if value.startswith("ref-lower") else ref
    if key in ("team", "assignee", "organization", "requester"):
        return getattr(world, value).pk
    return value


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"device", "video", "solved", "printer"}),
        ({"queue": "all"}, {"device", "video", "solved", "printer"}),
        ({"queue": "open"}, {"device", "video", "printer"}),
        ({"queue": "unassigned"}, {"video"}),
        ({"status": "solved"}, {"solved"}),
        ({"status": "open"}, {"device", "printer"}),
        ({"priority": 1}, {"device"}),
        ({"priority": 4}, {"video"}),
        ({"team": "team_a"}, {"video", "printer"}),
        ({"assignee": "other_agent"}, {"device"}),
        ({"organization": "other_org"}, {"video"}),
        ({"requester": "requester"}, {"device", "solved"}),
        ({"q": "printer"}, {"printer"}),
        ({"q": "HALLOWAY"}, {"device", "solved"}),
        ({"q": "frontdesk.example"}, {"printer"}),
        ({"q": "ref:video"}, {"video"}),
        ({"q": "ref-lower:video"}, {"video"}),
        ({"q": "CD-999999"}, set()),
        ({"team": "team_a", "queue": "open", "priority": 3}, {"printer"}),
    ],
)
def test_list_filters(world, api, catalog, params, expected):
    resolved = {key: resolve(world, catalog, key, value) for key, value in params.items()}
    response = api(world.supervisor).get("/tickets", **resolved)
    assert ids(response) == {catalog[name].pk for name in expected}


def test_personal_queues_depend_on_who_asks(world, api, catalog):
    assert ids(api(world.agent).get("/tickets", queue="mine")) == {catalog["printer"].pk}
    assert ids(api(world.other_agent).get("/tickets", queue="mine")) == {catalog["device"].pk}
    assert ids(api(world.agent).get("/tickets", queue="team")) == {
        catalog["video"].pk,
        catalog["printer"].pk,
    }


def test_breaching_queue_lists_open_tickets_due_soon_most_urgent_first(world, api, catalog, clock):
    soon = Ticket.objects.filter(is_open=True, sla_due_at__lte=clock.current + timedelta(hours=2))
    expected = list(soon.order_by("sla_due_at", "pk").values_list("pk", flat=True))
    assert expected, "the catalog has a level 1 ticket due within the hour"
    response = api(world.supervisor).get("/tickets", queue="breaching")
    assert [t["id"] for t in response.json()["items"]] == expected


def test_list_items_are_full_tickets_newest_first(world, api, catalog):
    items = api(world.supervisor).get("/tickets").json()["items"]
    assert [i["id"] for i in items] == [
        catalog[n].pk for n in ("printer", "solved", "video", "device")
    ]
    assert all(set(item) >= TICKET_KEYS for item in items)
    device = items[-1]
    assert device["team"] == {"id": world.team_b.pk, "name": "Devices"}
    assert device["assignee"]["id"] == world.other_agent.pk


# --- keyset pagination -----------------------------------------------------------------------

ORDERS = {
    "-updated": ("-updated_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "priority": ("priority", "pk"),
    "due": ("sla_due_at", "pk"),
}


def walk(client, **params) -> tuple[list[int], int]:
    """Follow next_cursor to the end; return every id seen, in order, and the page count."""
    seen: list[int] = []
    pages = 0
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = client.get("/tickets", **query)
        assert response.status_code == 200, response.content
        page = response.json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages
        assert len(page["items"]) == params["limit"]
        assert pages < 100, "pagination does not end"


@pytest.mark.parametrize("sort", list(ORDERS))
def test_walking_every_page_has_no_duplicates_and_no_gaps(world, api, clock, sort):
    for n in range(23):
        make_ticket(world.requester, subject=f"Ticket {n}", priority=1 + n % 4)
        if n % 3 == 0:  # several tickets share each instant: ties are broken by id
            clock.advance(seconds=7)
    seen, pages = walk(api(world.supervisor), sort=sort, limit=5)
    assert len(seen) == len(set(seen)) == 23
    assert seen == list(Ticket.objects.order_by(*ORDERS[sort]).values_list("pk", flat=True))
    assert pages == 5
    assert sort != "due" or Ticket.objects.filter(sla_due_at__isnull=True).count() == 0


def test_pages_are_stable_while_newer_tickets_arrive(world, api, clock):
    for n in range(12):
        make_ticket(world.requester, subject=f"Older {n}")
        clock.advance(seconds=30)
    client = api(world.supervisor)
    expected = list(Ticket.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True))
    first = client.get("/tickets", limit=5).json()
    seen = [item["id"] for item in first["items"]]
    newer = [make_ticket(world.colleague, subject=f"Newer {n}").pk for n in range(4)]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/tickets", limit=5, cursor=cursor).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == expected, "no ticket skipped or repeated while new ones arrived"
    assert not set(newer) & set(seen)
    fresh, _pages = walk(client, limit=5)
    assert fresh[:4] == newer[::-1] and fresh[4:] == expected


def test_last_page_has_no_cursor(world, api):
    make_ticket(world.requester)
    page = api(world.supervisor).get("/tickets", limit=1).json()
    assert len(page["items"]) == 1 and page["next_cursor"] is None


# --- reading one ticket ----------------------------------------------------------------------


def test_get_by_id_and_by_ref_return_the_same_ticket(world, api):
    ticket = make_ticket(world.requester, subject="Cuff pairing", team=world.team_a)
    client = api(world.agent)
    by_id = client.get(f"/tickets/{ticket.pk}")
    by_ref = client.get(f"/tickets/by-ref/{ticket.ref}")
    assert by_id.status_code == by_ref.status_code == 200
    assert by_id.json() == by_ref.json()
    assert set(by_id.json()) >= TICKET_KEYS
    assert by_id.json()["ref"] == ticket.ref and by_id.json()["subject"] == "Cuff pairing"
    assert client.get(f"/tickets/by-ref/{ticket.ref.lower()}").json()["id"] == ticket.pk


@pytest.mark.parametrize("ref", ["CD-999999", "CD-1000", "nonsense", "CD-", "-1"])
def test_unknown_refs_are_not_found(world, api, ref):
    make_ticket(world.requester)
    assert_problem(api(world.supervisor).get(f"/tickets/by-ref/{ref}"), 404)


@pytest.mark.parametrize(
    "path", ["/sla/policies/x%C3%9Dgc%0A", "/no-such-thing%0A", "/tickets/12%0A"]
)
def test_paths_no_operation_matches_are_problems_too(world, api, path):
    # A path the router cannot match (a newline in an id, an unknown resource) is answered in
    # the API's own format, not with the desk's HTML 404 page.
    assert_problem(api(world.supervisor).get(path), 404)


def test_unknown_id_is_not_found(world, api):
    ticket = make_ticket(world.requester)
    assert_problem(api(world.supervisor).get(f"/tickets/{ticket.pk + 1000}"), 404)


# --- changing fields -------------------------------------------------------------------------


def test_agent_changes_fields_and_each_change_writes_an_event(world, api, clock):
    ticket = make_ticket(world.requester, team=world.team_a)
    clock.advance(minutes=5)
    response = api(world.agent).patch(
        f"/tickets/{ticket.pk}",
        {
            "status": "pending",
            "priority": 2,
            "team": world.team_b.pk,
            "tier": 2,
            "assignee": world.agent.pk,
            "tags": ["Cuff", "bluetooth"],
            "fields": {"device_serial": "BP-220", "os": "Android 15"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "pending" and body["priority"] == 2 and body["tier"] == 2
    assert body["team"]["id"] == world.team_b.pk and body["assignee"]["id"] == world.agent.pk
    assert body["tags"] == ["bluetooth", "cuff"]
    assert body["fields"] == {"device_serial": "BP-220", "os": "Android 15"}
    assert when(body["updated_at"]) == clock.current
    events = {e.field: e for e in ticket.events.exclude(field="")}
    assert set(events) == {
        "status",
        "priority",
        "team",
        "tier",
        "assignee",
        "tags",
        "device_serial",
        "os",
    }
    assert (events["status"].kind, events["status"].old, events["status"].new) == (
        EventKind.STATUS_CHANGED,
        "new",
        "pending",
    )
    assert (events["priority"].old, events["priority"].new) == (3, 2)
    assert (events["team"].old, events["team"].new) == (world.team_a.pk, world.team_b.pk)
    assert events["assignee"].kind == EventKind.ASSIGNED
    assert events["tags"].new == ["bluetooth", "cuff"]
    assert all(e.actor_user == world.agent for e in events.values())


def test_patch_only_touches_given_fields_and_repeats_write_nothing(world, api):
    ticket = make_ticket(world.requester, team=world.team_a, priority=2, tags=("cuff",))
    client = api(world.agent)
    assert client.patch(f"/tickets/{ticket.pk}", {"priority": 1}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == 1 and ticket.team == world.team_a
    assert list(ticket.tags.values_list("name", flat=True)) == ["cuff"]
    before = TicketEvent.objects.count()
    response = client.patch(f"/tickets/{ticket.pk}", {"priority": 1, "team": world.team_a.pk})
    assert response.status_code == 200
    assert TicketEvent.objects.count() == before


def test_patch_can_clear_team_and_assignee(world, api):
    ticket = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    response = api(world.agent).patch(f"/tickets/{ticket.pk}", {"team": None, "assignee": None})
    assert response.status_code == 200
    assert response.json()["team"] is None and response.json()["assignee"] is None


def test_requester_cannot_change_fields(world, api):
    ticket = make_ticket(world.requester)
    before = counts()
    response = api(world.requester.user).patch(f"/tickets/{ticket.pk}", {"priority": 1})
    assert_problem(response, 403)
    ticket.refresh_from_db()
    assert ticket.priority == 3 and counts() == before


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"status": "new"}, 422, "status"),
        ({"status": None}, 422, "status"),
        ({"priority": None}, 422, "priority"),
        ({"team": 10**12}, 422, "team"),
        ({"assignee": "requester"}, 422, "assignee"),
    ],
)
def test_patch_refuses_invalid_changes(world, api, change, status, field):
    ticket = make_ticket(world.requester)
    ticket_update(ticket=ticket, changes={"status": Status.OPEN}, actor=world.agent)
    if change.get("assignee") == "requester":
        change = {"assignee": world.requester.user.pk}
    before = counts()
    response = api(world.supervisor).patch(f"/tickets/{ticket.pk}", change)
    assert_problem(response, status, field)
    assert counts() == before


def test_closed_ticket_cannot_be_reopened(world, api):
    ticket = make_ticket(world.requester)
    ticket_update(ticket=ticket, changes={"status": Status.CLOSED}, actor=world.agent)
    before = counts()
    assert_problem(api(world.supervisor).patch(f"/tickets/{ticket.pk}", {"status": "open"}), 409)
    assert counts() == before


# --- messages --------------------------------------------------------------------------------


@pytest.fixture
def conversation(world, clock):
    ticket = make_ticket(world.requester, team=world.team_a, body="My cuff will not pair.")
    clock.advance(minutes=3)
    message_add(
        ticket=ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text="Known firmware issue, see KB-12."),
        actor=world.agent,
    )
    clock.advance(minutes=3)
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Please update the app."),
        actor=world.agent,
    )
    return ticket


def test_agents_see_the_whole_conversation_in_order(world, api, conversation):
    response = api(world.agent).get(f"/tickets/{conversation.pk}/messages")
    assert response.status_code == 200
    items = response.json()
    assert all(set(m) >= MESSAGE_KEYS for m in items)
    assert [(m["kind"], m["author"]) for m in items] == [
        ("public", "June Halloway"),
        ("internal", "Ines Marlow"),
        ("public", "Ines Marlow"),
    ]
    assert items[1]["body_text"] == "Known firmware issue, see KB-12."
    assert items[2]["body_html"] == "<p>Please update the app.</p>"


@pytest.mark.parametrize("who", ["requester", "client_admin"])
def test_requesters_never_see_internal_notes(world, api, conversation, who):
    items = api(getattr(world, who).user).get(f"/tickets/{conversation.pk}/messages").json()
    assert [m["kind"] for m in items] == ["public", "public"]
    assert all("KB-12" not in m["body_text"] and "KB-12" not in m["body_html"] for m in items)


def test_agent_public_reply_sets_first_response_and_opens(world, api, clock):
    ticket = make_ticket(world.requester, team=world.team_a)
    clock.advance(minutes=20)
    note = api(world.agent).post(
        f"/tickets/{ticket.pk}/messages", {"kind": "internal", "body": "Checking logs"}
    )
    assert note.status_code == 201
    ticket.refresh_from_db()
    assert ticket.first_response_at is None, "an internal note is not a response"
    clock.advance(minutes=10)
    reply = api(world.agent).post(
        f"/tickets/{ticket.pk}/messages", {"body": "Please restart the app."}
    )
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert set(body) >= MESSAGE_KEYS
    assert body["kind"] == "public" and body["author"] == "Ines Marlow"
    assert body["body_text"] == "Please restart the app." and body["attachments"] == []
    assert when(body["created_at"]) == clock.current
    ticket.refresh_from_db()
    assert ticket.first_response_at == clock.current and ticket.status == Status.OPEN
    shown = api(world.agent).get(f"/tickets/{ticket.pk}").json()
    assert when(shown["first_response_at"]) == clock.current


def test_agent_reply_can_set_the_status_after(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/messages", {"body": "Fixed.", "status_after": "solved"}
    )
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and not ticket.is_open


def test_reply_cannot_send_a_ticket_back_to_new(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    before = counts()
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/messages", {"body": "Hello", "status_after": "new"}
    )
    assert_problem(response, 422, "status_after")
    assert counts() == before


def test_requester_reply_reopens_a_solved_ticket(world, api):
    ticket = make_ticket(world.requester)
    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=world.agent)
    response = api(world.requester.user).post(
        f"/tickets/{ticket.pk}/messages", {"body": "Still broken."}
    )
    assert response.status_code == 201
    assert response.json()["author"] == "June Halloway"
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.first_response_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "internal", "body": "psst"}, "kind"),
        ({"body": "x", "status_after": "solved"}, "status_after"),
        ({"body": "   "}, "body"),
    ],
)
def test_requester_message_limits(world, api, body, field):
    ticket = make_ticket(world.requester)
    before = counts()
    response = api(world.requester.user).post(f"/tickets/{ticket.pk}/messages", body)
    assert_problem(response, 422, field)
    assert counts() == before


def test_closed_ticket_refuses_messages(world, api):
    ticket = make_ticket(world.requester)
    ticket_update(ticket=ticket, changes={"status": Status.CLOSED}, actor=world.agent)
    before = counts()
    response = api(world.requester.user).post(f"/tickets/{ticket.pk}/messages", {"body": "Hi?"})
    assert_problem(response, 409)
    assert counts() == before


# --- attachments -----------------------------------------------------------------------------


def upload(client, ticket, *, kind="public", data=PNG, name="screen.png", ctype="image/png"):
    response = client.post(
        f"/tickets/{ticket.pk}/messages",
        {
            "kind": kind,
            "body": "File attached.",
            "attachments": [{"filename": name, "content_type": ctype, "content_base64": b64(data)}],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()["attachments"][0]


def download(client, url):
    assert url.startswith(API)
    return client.client.get(url, headers=client.headers)


def content_of(response) -> bytes:
    # Reading to the end closes the file: the test client closes streaming responses then.
    return b"".join(response.streaming_content)


def test_attachment_upload_and_download(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    agent = api(world.agent)
    meta = upload(agent, ticket, data=b"cuff log\n", name="../pairing log.txt", ctype="text/plain")
    att = Attachment.objects.get()
    assert meta == {
        "id": att.pk,
        "filename": "pairing log.txt",
        "content_type": "text/plain",
        "size": 9,
        "url": f"{API}/attachments/{att.pk}/download",
    }
    response = download(agent, meta["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "pairing log.txt" in response["Content-Disposition"]
    assert content_of(response) == b"cuff log\n"
    listed = agent.get(f"/tickets/{ticket.pk}/messages").json()[-1]["attachments"]
    assert listed == [meta]


def test_attachments_are_typed_by_their_content_not_their_name(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    agent = api(world.agent)
    # a PDF sent as a picture is a PDF; text dressed as a picture is just bytes
    assert upload(agent, ticket, data=b"%PDF-1.7\n%%EOF", name="scan.png")["content_type"] == (
        "application/pdf"
    )
    assert upload(agent, ticket, data=b"<script>x</script>", name="x.png")["content_type"] == (
        "application/octet-stream"
    )
    before = counts()
    response = agent.post(
        f"/tickets/{ticket.pk}/messages",
        {
            "kind": "public",
            "body": "Run this.",
            "attachments": [
                {
                    "filename": "readme.txt",
                    "content_type": "text/plain",
                    "content_base64": b64(b"#!/bin/sh\nrm -rf ~\n"),
                }
            ],
        },
    )
    body = assert_problem(response, 422, "attachments")
    assert body["errors"]["attachments"] == [
        "readme.txt is a script. Programs and scripts are not accepted."
    ]
    assert counts() == before


def test_requester_downloads_files_on_their_public_replies(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    meta = upload(api(world.agent), ticket)
    for who in (world.requester, world.client_admin):
        response = download(api(who.user), meta["url"])
        assert response.status_code == 200
        assert content_of(response) == PNG


def test_people_who_cannot_see_the_ticket_get_404_for_its_files(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    meta = upload(api(world.agent), ticket)
    for user in (world.outsider.user, world.colleague.user, world.other_agent):
        assert_problem(download(api(user), meta["url"]), 404)
    assert download(api(world.supervisor), meta["url"]).status_code == 200


def test_requester_cannot_download_a_file_on_an_internal_note(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    meta = upload(
        api(world.agent), ticket, kind="internal", name="internal.txt", ctype="text/plain"
    )
    assert_problem(download(api(world.requester.user), meta["url"]), 404)
    assert_problem(download(api(world.client_admin.user), meta["url"]), 404)
    agent_view = download(api(world.agent), meta["url"])
    assert agent_view.status_code == 200 and content_of(agent_view) == PNG


def test_unknown_attachment_is_not_found(world, api):
    assert_problem(api(world.supervisor).get("/attachments/987654/download"), 404)
