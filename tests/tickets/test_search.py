"""Full-text search: the same words find the same tickets on SQLite (FTS5) and PostgreSQL
(tsvector), as the person searching may see them, never by encrypted health information."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.core.errors import ValidationFailed
from caredesk.tickets import search, selectors
from caredesk.tickets.models import Channel, Priority, Status, Tag
from caredesk.tickets.search import SearchFilters, ticket_search
from caredesk.tickets.services import Body, message_add, ticket_update
from caredesk.tickets.services.erasure import requester_erase
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestFieldFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.django_db


def found(user, q: str, **filters) -> list[str]:
    page = ticket_search(user=user, filters=SearchFilters(q=q, **filters))
    return [h.ticket.subject for h in page.hits]


def marked(pieces) -> list[str]:
    return [text for text, mark in pieces if mark]


@pytest.fixture
def lead(clock):
    return supervisor()


def test_words_of_a_later_reply_find_the_ticket_with_them_marked(lead, clock):
    # Given a ticket whose subject says nothing about the microphone
    ticket = make_ticket(subject="Visit would not start")
    clock.advance(minutes=5)
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="Safari asks for Microphone permission every time; I said no twice."),
        actor=ticket.requester,
    )
    make_ticket(subject="Billing question", body="Please send the invoice again.")
    # When the lead searches for the two words
    page = ticket_search(user=lead, filters=SearchFilters(q="microphone permission"))
    # Then the ticket is found, and the reply shows the words marked
    assert [h.ticket.pk for h in page.hits] == [ticket.pk]
    snippet = page.hits[0].snippets[0]
    assert snippet.where == "Reply"
    assert marked(snippet.pieces) == ["Microphone", "permission"]


def test_a_clinicians_name_in_an_internal_note_is_found_by_agents_only(lead):
    requester = requester_with_login()
    ticket = make_ticket(requester, subject="Prescription question")
    message_add(
        ticket=ticket,
        kind="internal",
        body=Body(text="Called Dr. Okonkwo-Brandt, she will call the patient back."),
        actor=lead,
    )
    assert found(lead, "okonkwo") == ["Prescription question"]
    assert found(lead, "Brandt") == ["Prescription question"]
    # the requester sees their ticket, but not the note: the note's words do not find it
    assert found(requester.user, "okonkwo") == []
    assert found(requester.user, "prescription") == ["Prescription question"]
    hit = ticket_search(user=requester.user, filters=SearchFilters(q="prescription")).hits[0]
    assert all(s.where != "Internal note" for s in hit.snippets)


def test_accents_and_case_do_not_matter_either_way(lead):
    make_ticket(subject="Réanimation: l'écran reste noir", body="Die Ärztin sah nur Grün.")
    make_ticket(subject="Cita cancelada", body="La niña no pudo conectarse a la sesión.")
    assert found(lead, "reanimation") == ["Réanimation: l'écran reste noir"]
    assert found(lead, "ECRAN") == ["Réanimation: l'écran reste noir"]
    assert found(lead, "arztin grun") == ["Réanimation: l'écran reste noir"]
    assert found(lead, "nina sesion") == ["Cita cancelada"]
    assert found(lead, "sesión niña") == ["Cita cancelada"]
    # letters that are not an accented form stay themselves, on both databases
    make_ticket(subject="Łódź office: Øresund straße")
    assert found(lead, "łódz") == ["Łódź office: Øresund straße"]
    assert found(lead, "øresund straße") == ["Łódź office: Øresund straße"]
    assert found(lead, "lodz") == []


def test_addresses_versions_and_hyphens_split_into_words_on_both_databases(lead):
    make_ticket(
        subject="Forwarded by nurse.okafor@clinic.example",
        body="App v2.14.3 on a Nokia-G21; see C:/logs/visit_trace.txt",
    )
    for words in ("okafor", "clinic example", "nokia g21", "14", "visit trace", "nurse"):
        assert found(lead, words) == ["Forwarded by nurse.okafor@clinic.example"], words


def test_word_beginnings_match_and_every_word_is_needed(lead):
    make_ticket(subject="Camera permissions blocked", body="The camera stays black.")
    make_ticket(subject="Camera upside down", body="The picture is flipped.")
    assert sorted(found(lead, "camera")) == ["Camera permissions blocked", "Camera upside down"]
    assert found(lead, "cam permission") == ["Camera permissions blocked"]
    assert found(lead, "camera flipped") == ["Camera upside down"]
    assert found(lead, "camera microphone") == []


def test_subject_matches_rank_above_matches_in_the_conversation(lead, clock):
    body_only = make_ticket(subject="Visit problem", body="The tablet battery died mid-call.")
    clock.advance(minutes=1)
    make_ticket(subject="Nothing related", body="All good.")
    clock.advance(minutes=1)
    in_subject = make_ticket(subject="Tablet battery drains", body="Since the update.")
    hits = [h.ticket.pk for h in ticket_search(user=lead, filters=SearchFilters(q="battery")).hits]
    assert hits == [in_subject.pk, body_only.pk]


def test_form_answers_are_found_but_health_information_never(lead, clock):
    field = RequestFieldFactory(key="app_version", label="App version")
    phi_field = RequestFieldFactory(
        request_type=field.request_type, key="diagnosis", label="Diagnosis", phi=True
    )
    ticket = make_ticket(
        subject="Crash on start",
        category=field.request_type,
        form_data={field.key: "Nimbus build 7.4", phi_field.key: "Hypertrophic cardiomyopathy"},
        structured={"patient_id": "PT-88213"},
    )
    assert found(lead, "nimbus") == ["Crash on start"]
    # the PHI answer is stored encrypted and is not in the index
    assert found(lead, "cardiomyopathy") == []
    # a PHI identifier is found only typed in full, through its blind index, as before
    assert found(lead, "PT-88213") == ["Crash on start"]
    assert found(lead, "PT-88") == []
    hit = ticket_search(user=lead, filters=SearchFilters(q="PT-88213")).hits[0]
    assert hit.exact and hit.ticket.pk == ticket.pk
    admin_without_phi = AgentFactory(role="Administrator")
    assert found(admin_without_phi, "PT-88213") == []
    with connection.cursor() as cursor:
        key = "ticket_id" if connection.vendor == "postgresql" else "rowid"
        cursor.execute(f"SELECT * FROM tickets_ticketsearch WHERE {key} = %s", [ticket.pk])  # noqa: S608
        document = " ".join(str(v) for v in cursor.fetchone())
    assert "cardiomyopathy" not in document.lower()
    assert "88213" not in document


def test_tags_are_found_and_kept_in_step(lead):
    ticket = make_ticket(subject="Login loop")
    ticket_update(ticket=ticket, changes={"tags": ["sso-okta"]}, actor=lead)
    assert found(lead, "okta") == ["Login loop"]
    ticket_update(ticket=ticket, changes={"tags": []}, actor=lead)
    assert found(lead, "okta") == []
    ticket_update(ticket=ticket, changes={"tags": ["vpn"]}, actor=lead)
    Tag.objects.filter(name="vpn").update(name="zscaler")
    assert found(lead, "zscaler") == ["Login loop"]


def test_a_changed_subject_and_an_erased_requester_change_what_is_found(lead):
    requester = ContactFactory()
    ticket = make_ticket(requester, subject="Old wording", body="My neighbour Wilhelmina helps me.")
    # any writer (here the admin site's plain save) keeps the index in step: triggers
    ticket.subject = "New wording"
    ticket.save()
    assert found(lead, "old wording") == []
    assert found(lead, "new wording") == ["New wording"]
    assert found(lead, "wilhelmina") == ["New wording"]
    requester_erase(contact=requester)
    assert found(lead, "wilhelmina") == []


def test_the_requesters_name_and_address_find_their_tickets(lead):
    requester = ContactFactory(name="Henrietta Vasquez-Lund", email="h.vlund@harbour.example")
    make_ticket(requester, subject="Cannot log in")
    assert found(lead, "vasquez") == ["Cannot log in"]
    assert found(lead, "vlund harbour") == ["Cannot log in"]
    hit = ticket_search(user=lead, filters=SearchFilters(q="henrietta")).hits[0]
    assert hit.snippets[0].where == "Requester"
    requester.name = "Henrietta Okafor"
    requester.save()
    assert found(lead, "okafor") == ["Cannot log in"]
    assert found(lead, "vasquez") == []


def test_an_agent_finds_only_the_tickets_they_may_see(clock):
    ours, theirs = TeamFactory(name="Tier 1"), TeamFactory(name="Devices")
    agent = AgentFactory(teams=[ours])
    make_ticket(subject="Dongle firmware ours", team=ours)
    make_ticket(subject="Dongle firmware theirs", team=theirs)
    assert found(agent, "dongle") == ["Dongle firmware ours"]


def test_filters_narrow_the_results(lead, clock):
    team = TeamFactory(name="Devices")
    org = OrganizationFactory(name="Clinic North")
    a = make_ticket(
        ContactFactory(organization=org),
        subject="Scanner offline A",
        team=team,
        priority=Priority.LEVEL1,
        channel=Channel.EMAIL,
    )
    clock.advance(days=3)
    b = make_ticket(subject="Scanner offline B", assignee=lead)
    ticket_update(ticket=b, changes={"status": Status.PENDING}, actor=lead)
    assert found(lead, "scanner", team=team.pk) == [a.subject]
    assert found(lead, "scanner", priority=1) == [a.subject]
    assert found(lead, "scanner", channel="email") == [a.subject]
    assert found(lead, "scanner", organization=org.pk) == [a.subject]
    assert found(lead, "scanner", status="pending") == [b.subject]
    assert found(lead, "scanner", assignee=lead.pk) == [b.subject]
    day_a, day_b = a.created_at.date(), b.created_at.date()
    assert found(lead, "scanner", created_to=day_a) == [a.subject]
    assert found(lead, "scanner", created_from=day_b, created_to=day_b) == [b.subject]


def test_a_bad_search_names_the_fields_to_fix(lead):
    with pytest.raises(ValidationFailed) as err:
        ticket_search(
            user=lead,
            filters=SearchFilters(
                q=" ?! ",
                status="lost",
                channel="fax",
                created_from=date(2026, 5, 2),
                created_to=date(2026, 5, 1),
                page=0,
            ),
        )
    assert set(err.value.errors) == {"q", "status", "channel", "created_to", "page"}


def test_snippets_are_text_with_only_the_words_marked(lead):
    make_ticket(subject="Odd characters", body='The page showed <script>alert("x")</script> text.')
    hit = ticket_search(user=lead, filters=SearchFilters(q="script alert")).hits[0]
    html = hit.snippets[0].html
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>" in html


def test_a_long_message_shows_the_part_around_the_words(lead):
    filler = "word " * 200
    make_ticket(subject="Long story", body=f"{filler} then the stethoscope failed. {filler}")
    pieces = ticket_search(user=lead, filters=SearchFilters(q="stethoscope")).hits[0]
    snippet = pieces.snippets[0].pieces
    text = "".join(t for t, _ in snippet)
    assert snippet[0] == ("…", False) and snippet[-1] == ("…", False)
    assert len(text) < 260 and "stethoscope" in text


def test_pages_rank_many_results_without_repeats(lead, clock):
    for n in range(45):
        clock.advance(minutes=1)
        make_ticket(subject=f"Headset crackle {n}")
    subjects: list[str] = []
    for page_no in (1, 2, 3):
        page = ticket_search(user=lead, filters=SearchFilters(q="headset", page=page_no))
        subjects += [h.ticket.subject for h in page.hits]
        assert page.has_more == (page_no < 3)
    assert len(subjects) == 45 == len(set(subjects))


def test_query_count_does_not_grow_with_the_page(lead, clock, django_assert_max_num_queries):
    for n in range(30):
        make_ticket(subject=f"Bluetooth pairing {n}", body="Pairing fails.", tags=("bt",))
    # PostgreSQL reads the newest ticket's number first (where the recent tickets start)
    with django_assert_max_num_queries(9):
        page = ticket_search(user=lead, filters=SearchFilters(q="pairing"))
    assert len(page.hits) == search.PAGE_SIZE


def test_the_queue_search_box_uses_the_index(lead):
    ticket = make_ticket(subject="Visit would not start")
    message_add(
        ticket=ticket,
        kind="internal",
        body=Body(text="Checked microphone permission in the browser."),
        actor=lead,
    )
    page = selectors.ticket_page(
        user=lead, filters=selectors.TicketFilters(queue="all", q="microphone permission")
    )
    assert [t.pk for t in page.items] == [ticket.pk]
    # the reference and the requester's name still work
    by_ref = selectors.TicketFilters(queue="all", q=ticket.ref)
    assert [t.pk for t in selectors.ticket_page(user=lead, filters=by_ref).items] == [ticket.pk]
    by_name = selectors.TicketFilters(queue="all", q=ticket.requester.name)
    assert [t.pk for t in selectors.ticket_page(user=lead, filters=by_name).items] == [ticket.pk]


def test_rebuilding_the_index_finds_tickets_again(lead):
    make_ticket(subject="Thermometer pairing")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketsearch")
    assert found(lead, "thermometer") == []
    done = list(search.index_rebuild(batch=1))
    assert done[-1] >= 1
    assert found(lead, "thermometer") == ["Thermometer pairing"]


def test_the_rebuild_command_indexes_every_ticket(lead, capsys):
    from caredesk import cli

    make_ticket(subject="Pulse oximeter offline")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketsearch")
    assert cli.main(["search", "rebuild", "--batch", "5"]) == 0
    assert "1 tickets in the search index" in capsys.readouterr().out
    assert found(lead, "oximeter") == ["Pulse oximeter offline"]


def test_a_broad_query_ranks_only_its_most_recent_matches_and_says_so(lead, monkeypatch):
    # Given more tickets saying "tablet" than the bound on ranking, and one other
    monkeypatch.setattr(search, "BROAD", 3)
    tablets = [make_ticket(subject=f"Tablet {n} will not charge") for n in range(5)]
    make_ticket(subject="Password reset")
    # When the lead searches for the word
    page = ticket_search(user=lead, filters=SearchFilters(q="tablet"))
    # Then only the three most recent matches are ranked, and the page says how many
    assert page.among == 3
    assert sorted(h.ticket.pk for h in page.hits) == [t.pk for t in tablets[-3:]]
    # and the queue's search box lists the same three, saying so too
    listed = selectors.ticket_page(user=lead, filters=selectors.TicketFilters(q="tablet"))
    assert listed.among == 3
    assert sorted(t.pk for t in listed.items) == [t.pk for t in tablets[-3:]]


def _next_ticket_id(at_least: int) -> None:
    """The next ticket opened gets this id (or a higher one)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
                "greatest(%s, (SELECT coalesce(max(id), 1) FROM tickets_ticket)))",
                [at_least - 1],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, %s) WHERE name = 'tickets_ticket'",
                [at_least - 1],
            )


# The ways PostgreSQL finds a broad query's most recent matches, and the statements each runs:
# walking back from the newest ticket (a common word), reading every match once (a rarer one),
# and when more match than the planner foresaw (over CAP), the walk, or every match sorted when
# the walk finds too few.
WALK, READ_ONCE, SORT_ALL = "coalesce(", "count(*) OVER ()", "ticket_id + 0"
PATHS = pytest.mark.parametrize(
    ("planned", "cap", "window", "statements"),
    [
        (10**9, None, None, {WALK}),
        (1, None, None, {READ_ONCE}),
        (1, 4, None, {READ_ONCE, WALK}),
        (1, 4, 1, {READ_ONCE, WALK, SORT_ALL}),
    ],
    ids=["common-word", "rarer-word", "more-than-foreseen", "more-than-foreseen-and-old"],
)


@PATHS
def test_the_most_recent_matches_are_found_however_far_apart(
    lead, monkeypatch, planned, cap, window, statements
):
    # Given matches among the first tickets, and far later, 30,000 ids apart
    monkeypatch.setattr(search, "BROAD", 3)
    monkeypatch.setattr(search, "_planned_rows", lambda *args: planned)
    if cap:
        monkeypatch.setattr(search, "CAP", cap)
    if window:
        monkeypatch.setattr(search, "RECENT_WINDOW", window)
    [make_ticket(subject=f"Tablet {n} will not charge") for n in range(3)]
    _next_ticket_id(440_000)
    middle = [make_ticket(subject=f"Tablet {n} keeps rebooting") for n in range(2)]
    _next_ticket_id(470_000)
    newest = [make_ticket(subject=f"Tablet {n} screen flickers") for n in range(2)]
    make_ticket(subject="Password reset")
    assert newest[0].pk >= 470_000
    # When the lead searches for the word, ranked and in the queue's search box
    with CaptureQueriesContext(connection) as ran:
        page = ticket_search(user=lead, filters=SearchFilters(q="tablet"))
    listed = selectors.ticket_page(user=lead, filters=selectors.TicketFilters(q="tablet"))
    # Then the three most recent matches are the ones kept, and both say so
    if connection.vendor == "postgresql":  # by the path this case is about
        sql = " ".join(q["sql"] for q in ran.captured_queries)
        assert {m for m in (WALK, READ_ONCE, SORT_ALL) if m in sql} == statements
    expected = sorted(t.pk for t in [middle[-1], *newest])
    assert page.among == 3 and sorted(h.ticket.pk for h in page.hits) == expected
    assert listed.among == 3 and sorted(t.pk for t in listed.items) == expected


def test_a_query_within_the_bound_ranks_every_match(lead, monkeypatch):
    monkeypatch.setattr(search, "BROAD", 5)
    tablets = [make_ticket(subject=f"Tablet {n} will not charge") for n in range(5)]
    page = ticket_search(user=lead, filters=SearchFilters(q="tablet"))
    assert page.among is None
    assert sorted(h.ticket.pk for h in page.hits) == [t.pk for t in tablets]
    listed = selectors.ticket_page(user=lead, filters=selectors.TicketFilters(q="tablet"))
    assert listed.among is None and len(listed.items) == 5


def test_an_export_of_a_broad_search_holds_every_match(lead, monkeypatch):
    monkeypatch.setattr(search, "BROAD", 2)
    tablets = [make_ticket(subject=f"Tablet {n} will not charge") for n in range(4)]
    rows = selectors.ticket_export(
        user=lead, filters=selectors.TicketFilters(q="tablet"), limit=100
    )
    assert sorted(t.pk for t in rows) == [t.pk for t in tablets]
