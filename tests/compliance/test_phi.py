"""Encrypted PHI fields in use: reading, damage, search, keys, rotation, existing rows."""

from __future__ import annotations

import base64
import importlib
import logging
import stat

import pytest
from django.apps import apps
from django.db import connection

from caredesk.accounts import totp
from caredesk.accounts.signin import mfa_verify
from caredesk.core import phi, phi_crypto
from caredesk.core.checks import phi_keys_check
from caredesk.core.clock import now
from caredesk.core.phi import PhiKeyError, Unreadable
from caredesk.tickets.models import Attachment, Ticket, TicketEvent
from caredesk.tickets.selectors import ticket_ids_for_patient
from caredesk.tickets.services import ticket_update
from caredesk.tickets.services.attachments import Upload
from caredesk.tickets.services.keys import keys_rotate, keys_status
from tests.api.conftest import ApiClient, assert_problem, world  # noqa: F401 - the fixture
from tests.factories import (
    AgentFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    enroll_second_factor,
    login_verified,
    make_ticket,
)

K1 = base64.b64encode(b"a" * 32).decode()
K2 = base64.b64encode(b"b" * 32).decode()
INDEX = base64.b64encode(b"x" * 32).decode()
PATIENT = "PTX-AUBRELLE-2231"

pytestmark = pytest.mark.django_db


def _raw(ticket: Ticket, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM tickets_ticket WHERE id = %s", [ticket.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _set_raw(ticket: Ticket, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE tickets_ticket SET {column} = %s WHERE id = %s", [value, ticket.pk])  # noqa: S608


def _flip_last_char(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_values_round_trip_and_are_stored_as_tokens_bound_to_their_field(world):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    stored = _raw(ticket, "patient_id")
    assert stored.startswith("phi1:") and PATIENT not in stored
    assert Ticket.objects.get(pk=ticket.pk).patient_id == PATIENT


def test_a_changed_byte_shows_as_unreadable_on_the_api_and_the_ticket_page(world, client):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT}, team=world.team_a)
    _set_raw(ticket, "patient_id", _flip_last_char(_raw(ticket, "patient_id")))

    response = ApiClient(world.agent).get(f"/tickets/{ticket.pk}")
    assert response.status_code == 200
    assert response.json()["fields"]["patient_id"] == "[unreadable]"
    login_verified(client, world.agent)
    page = client.get(f"/agent/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert "unreadable" in page.content.decode()


def test_a_value_copied_into_another_field_does_not_decrypt_there(world):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    _set_raw(ticket, "clinician_id", _raw(ticket, "patient_id"))
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert isinstance(fresh.clinician_id, Unreadable)
    assert fresh.patient_id == PATIENT


def test_an_unreadable_value_is_kept_as_it_was_when_the_ticket_is_saved(world):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    damaged = _flip_last_char(_raw(ticket, "patient_id"))
    _set_raw(ticket, "patient_id", damaged)
    fresh = Ticket.objects.get(pk=ticket.pk)
    ticket_update(ticket=fresh, changes={"priority": 1}, actor=world.agent)
    assert _raw(ticket, "patient_id") == damaged


def test_exact_search_by_patient_id_ignores_case_and_spaces_and_nothing_else(world):  # noqa: F811
    one = make_ticket(world.requester, structured={"patient_id": PATIENT})
    make_ticket(world.requester, structured={"patient_id": PATIENT + "9"})
    make_ticket(world.requester, structured={"clinician_id": PATIENT})
    assert ticket_ids_for_patient(f"  {PATIENT.lower()}  ") == [one.pk]
    assert ticket_ids_for_patient(PATIENT[:-1]) == []
    assert ticket_ids_for_patient("") == []


def test_the_api_filters_by_patient_id_for_people_who_may_see_phi(world):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    make_ticket(world.requester, structured={"patient_id": "PTX-OTHER-1"})
    found = ApiClient(world.supervisor).get("/tickets", patient_id=PATIENT.lower())
    assert [t["id"] for t in found.json()["items"]] == [ticket.pk]
    by_text = ApiClient(world.supervisor).get("/tickets", q=PATIENT)
    assert [t["id"] for t in by_text.json()["items"]] == [ticket.pk]


def test_changes_to_phi_fields_are_recorded_encrypted_in_the_history(world):  # noqa: F811
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    ticket_update(ticket=ticket, changes={"patient_id": "PTX-NEW-1"}, actor=world.agent)
    event = TicketEvent.objects.get(ticket=ticket, field="patient_id")
    assert (event.old, event.new) == (PATIENT, "PTX-NEW-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT old, new FROM tickets_ticketevent WHERE id = %s", [event.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert PATIENT not in raw and "PTX-NEW-1" not in raw and "phi1:" in raw


def test_answers_to_fields_marked_phi_are_encrypted_and_others_are_not(world):  # noqa: F811
    rtype = RequestTypeFactory()
    RequestFieldFactory(request_type=rtype, key="dob", label="Date of birth", phi=True)
    ticket = make_ticket(
        world.requester, category=rtype, form_data={"Date of birth": "1961-07-04", "hub": "H-2"}
    )
    raw = _raw(ticket, "form_data")
    assert "1961-07-04" not in raw and "H-2" in raw
    assert Ticket.objects.get(pk=ticket.pk).form_data == {
        "Date of birth": "1961-07-04",
        "hub": "H-2",
    }


def test_rotation_in_batches_can_stop_and_resume_and_leaves_nothing_under_the_old_key(
    world,  # noqa: F811
    settings,
):
    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={INDEX}"
    rtype = RequestTypeFactory()
    RequestFieldFactory(request_type=rtype, key="dob", label="Date of birth", phi=True)
    tickets = [
        make_ticket(
            world.requester,
            category=rtype,
            structured={"patient_id": f"PTX-{i}", "encounter_id": f"ENX-{i}"},
            form_data={"dob": f"1970-01-0{i + 1}"},
            uploads=(Upload(f"note{i}.txt", "text/plain", f"note {i}".encode()),),
        )
        for i in range(5)
    ]
    ticket_update(ticket=tickets[0], changes={"patient_id": "PTX-0b"}, actor=world.agent)
    assert keys_status()["ticket fields"]["k1"] == 10
    assert keys_status()["attachments"] == {"k1": 5}

    settings.CAREDESK_PHI_KEYS = f"k2={K2},k1={K1},index={INDEX}"
    steps = keys_rotate(batch=2)
    first = next(steps)  # the process stops after one batch
    assert (first.part, first.done, first.rewritten, first.remaining) == ("ticket fields", 2, 2, 3)
    steps.close()
    mixed = keys_status()["ticket fields"]
    assert (mixed["k2"], mixed["k1"]) == (4, 6)

    done = list(keys_rotate(batch=2))  # run again: it continues with what is left
    assert [s.part for s in done].count("ticket fields") == 2  # 3 tickets left, 2 a batch
    assert not any(s.unreadable for s in done)
    status = keys_status()
    assert status["ticket fields"]["k1"] == 0 and status["ticket fields"]["k2"] == 10
    assert status["form answers"] == {"k2": 5, "k1": 0}
    assert status["event values"] == {"k2": 1, "k1": 0}
    assert status["attachments"] == {"k2": 5}

    settings.CAREDESK_PHI_KEYS = f"k2={K2},index={INDEX}"  # the old key can go
    fresh = Ticket.objects.get(pk=tickets[0].pk)
    assert fresh.patient_id == "PTX-0b" and fresh.form_data == {"dob": "1970-01-01"}
    assert TicketEvent.objects.get(field="patient_id").old == "PTX-0"
    with Attachment.objects.get(ticket=fresh).file.open("rb") as fh:
        assert fh.read() == b"note 0"
    assert ticket_ids_for_patient("ptx-0b") == [fresh.pk], "the index survives rotation"


def test_a_value_whose_key_was_removed_reads_as_unreadable_and_rotation_reports_it(
    world,  # noqa: F811
    settings,
):
    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={INDEX}"
    ticket = make_ticket(world.requester, structured={"patient_id": PATIENT})
    settings.CAREDESK_PHI_KEYS = f"k2={K2},index={INDEX}"
    assert Ticket.objects.get(pk=ticket.pk).patient_id == "[unreadable]"
    steps = list(keys_rotate(batch=10))
    assert steps[0].unreadable == [f"ticket {ticket.ref}"]
    assert keys_status()["ticket fields"]["unknown key"] == 1


def test_the_search_index_key_is_replaced_without_losing_a_search(
    world,  # noqa: F811
    settings,
):
    index2 = base64.b64encode(b"y" * 32).decode()
    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={INDEX}"
    old = [make_ticket(world.requester, structured={"patient_id": f"PTR-{i}"}) for i in range(3)]
    old_digest = Ticket.objects.get(pk=old[0].pk).patient_id_index

    # the new key in front, the old one kept while the indexes are computed again
    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={index2},index_previous={INDEX}"
    new = make_ticket(world.requester, structured={"patient_id": "PTR-0"})
    assert ticket_ids_for_patient(" ptr-0 ") == [old[0].pk, new.pk]  # both keys match
    steps = [s for s in keys_rotate(batch=2) if s.part == "ticket search indexes"]
    assert [s.done for s in steps] == [2, 4]
    assert sum(s.rewritten for s in steps) == 3  # every row read; the 3 older ones changed
    assert Ticket.objects.get(pk=old[0].pk).patient_id_index != old_digest

    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={index2}"  # the old key removed
    assert ticket_ids_for_patient("PTR-0") == [old[0].pk, new.pk]
    assert ticket_ids_for_patient("PTR-2") == [old[2].pk]
    assert not [s for s in keys_rotate(batch=2) if "index" in s.part]  # nothing more to do


def test_a_search_index_key_given_as_the_previous_one_only_is_ignored():
    ring = phi_crypto.keyring_from(
        phi_crypto.parse_entries(f"k1={K1},index={INDEX},index_previous={INDEX}")
    )
    assert ring.previous_index_keys == ()
    assert len(phi_crypto.blind_indexes(ring, "PT-1", "scope")) == 1
    assert phi_crypto.blind_indexes(ring, "  ", "scope") == []


def test_missing_keys_in_production_are_a_system_check_error(settings, tmp_path):
    settings.CAREDESK_PHI_KEYS = ""
    settings.CAREDESK_PHI_KEY_FILE = ""
    settings.CAREDESK_PHI_AUTO_KEYS = False
    settings.DATA_DIR = tmp_path
    errors = phi_keys_check()
    assert [e.id for e in errors] == ["caredesk.E001"]
    assert "CAREDESK_PHI_KEYS" in errors[0].msg
    settings.CAREDESK_PHI_KEY_FILE = str(tmp_path / "nowhere" / "keys")
    assert "cannot be read" in phi_keys_check()[0].msg
    with pytest.raises(PhiKeyError):
        phi.keyring()


def test_the_embedded_mode_creates_a_private_key_file_and_says_where_not_what(
    settings,
    tmp_path,
    caplog,
):
    settings.CAREDESK_PHI_KEYS = ""
    settings.CAREDESK_PHI_KEY_FILE = ""
    settings.CAREDESK_PHI_AUTO_KEYS = True
    settings.DATA_DIR = tmp_path
    caplog.set_level(logging.INFO)
    ring = phi.keyring()
    path = tmp_path / "phi_keys"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in caplog.text
    key_text = path.read_text()
    assert ring.active_id == "k1"
    for line in key_text.splitlines():
        if "=" in line and not line.startswith("#"):
            assert line.split("=", 1)[1] not in caplog.text
    phi.keyring.cache_clear()
    assert phi.keyring() == ring, "the next start reads the same file"


def test_rows_written_before_encryption_are_encrypted_by_the_migration(world):  # noqa: F811
    ticket = make_ticket(world.requester)
    _set_raw(ticket, "patient_id", PATIENT)  # as the column held it before
    migration = importlib.import_module("caredesk.tickets.migrations.0006_phi_encrypt_existing")
    migration.encrypt_existing(apps, None)
    assert _raw(ticket, "patient_id").startswith("phi1:")
    assert ticket_ids_for_patient(PATIENT) == [ticket.pk]
    assert Ticket.objects.get(pk=ticket.pk).patient_id == PATIENT


def test_files_and_answers_stored_before_encryption_are_read_and_then_sealed_by_rotation(
    world,  # noqa: F811
    settings,
):
    rtype = RequestTypeFactory()
    question = RequestFieldFactory(request_type=rtype, key="mrn", label="Record number")
    ticket = make_ticket(
        world.requester,
        category=rtype,
        form_data={"Record number": "MRN-50031", "Hub": "H-2"},
        uploads=(Upload("scan.txt", "text/plain", b"old scan"),),
    )
    att = Attachment.objects.get(ticket=ticket)
    path = settings.MEDIA_ROOT / att.file.name
    path.write_bytes(b"scan written before encryption")  # as an older version stored it
    with att.file.open("rb") as fh:
        assert fh.read() == b"scan written before encryption"
    assert "MRN-50031" in _raw(ticket, "form_data"), "not PHI when it was answered"
    question.phi = True  # the admin marks the question afterwards
    question.save()

    steps = list(keys_rotate(batch=10))
    assert ("answers marked PHI later", 1) in [(s.part, s.rewritten) for s in steps]
    assert b"before encryption" not in path.read_bytes()
    with att.file.open("rb") as fh:
        assert fh.read() == b"scan written before encryption"
    assert "MRN-50031" not in _raw(ticket, "form_data") and "H-2" in _raw(ticket, "form_data")
    assert Ticket.objects.get(pk=ticket.pk).form_data["Record number"] == "MRN-50031"
    again = [s for s in keys_rotate(batch=10) if s.part == "answers marked PHI later"]
    assert sum(s.rewritten for s in again) == 0, "a second run has nothing left to do"


def test_an_authenticators_secret_is_stored_encrypted_still_signs_in_and_rotates(
    settings, client, clock
):
    settings.CAREDESK_PHI_KEYS = f"k1={K1},index={INDEX}"
    agent = AgentFactory()
    enrolled = enroll_second_factor(agent)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE user_id = %s", [agent.pk])
        stored = cursor.fetchone()[0]
    assert enrolled.secret not in stored and phi_crypto.is_token(stored)
    assert keys_status()["authenticators"]["k1"] == 1

    settings.CAREDESK_PHI_KEYS = f"k2={K2},k1={K1},index={INDEX}"
    list(keys_rotate(batch=10))
    assert keys_status()["authenticators"] == {
        "k2": 1,
        "k1": 0,
        "not encrypted": 0,
        "unknown key": 0,
    }
    settings.CAREDESK_PHI_KEYS = f"k2={K2},index={INDEX}"  # the old key can go
    clock.advance(minutes=1)
    code = totp.code_at(enrolled.secret, now().timestamp())
    assert mfa_verify(user=agent, code=code) == "totp"
