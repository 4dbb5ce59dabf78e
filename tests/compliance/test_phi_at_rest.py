"""Health information written through the API is stored only encrypted: not in the database file
or its write-ahead log, not in a backup, not in the logs, not in any column of any table."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from caredesk.core.backup import sqlite_backup
from caredesk.tickets.models import Attachment, Ticket
from caredesk.tickets.selectors import ticket_ids_for_patient
from tests.api.conftest import ApiClient, b64, world  # noqa: F401 - the fixture
from tests.factories import RequestFieldFactory, RequestTypeFactory

# Invented identifiers, distinctive enough that any copy of them would be found.
PATIENT = "PTX-ZEPHYRINE-558201"
PATIENT_LATER = "PTX-QUILLON-730114"
CLINICIAN = "CLX-OSBALDINE-4471"
ENCOUNTER = "ENX-MARROWICK-90210"
BIRTH_DATE = "1957-03-29"
SECRETS = (PATIENT, PATIENT_LATER, CLINICIAN, ENCOUNTER, BIRTH_DATE)


def _every_cell() -> list[str]:
    """Every value of every table, as text (what a dump or a database reader would see)."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            cells += [str(cell) for row in cursor.fetchall() for cell in row]
    return cells


def _write_through_the_api(world) -> Ticket:  # noqa: F811
    rtype = RequestTypeFactory(name="Home monitoring")
    RequestFieldFactory(request_type=rtype, key="dob", label="Date of birth", phi=True)
    client = ApiClient(world.agent)
    response = client.post(
        "/tickets",
        {
            "subject": "Readings not arriving",
            "body": "The hub stopped sending readings overnight.",
            "requester_id": world.requester.pk,
            "category": rtype.pk,
            "team": world.team_a.pk,
            "fields": {
                "patient_id": PATIENT,
                "clinician_id": CLINICIAN,
                "encounter_id": ENCOUNTER,
            },
            "form": {"dob": BIRTH_DATE, "hub_model": "H-200"},
            "attachments": [
                {
                    "filename": "hub-log.txt",
                    "content_type": "text/plain",
                    "content_base64": b64(f"hub log for {PATIENT}\n".encode()),
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    # the agent (who may see PHI) reads back what was written
    assert created["fields"]["patient_id"] == PATIENT and created["form"]["dob"] == BIRTH_DATE
    changed = client.patch(f"/tickets/{created['id']}", {"fields": {"patient_id": PATIENT_LATER}})
    assert changed.status_code == 200, changed.content
    assert changed.json()["fields"]["patient_id"] == PATIENT_LATER
    return Ticket.objects.get(pk=created["id"])


@pytest.mark.django_db(transaction=True)
def test_phi_written_through_the_api_never_reaches_disk_backups_or_logs_in_plaintext(
    world,  # noqa: F811
    caplog,
    tmp_path,
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    connection.force_debug_cursor = True  # log every statement with its parameters
    try:
        ticket = _write_through_the_api(world)
    finally:
        connection.force_debug_cursor = False

    # the database holds tokens, and still finds the ticket by its patient ID
    assert ticket.patient_id == PATIENT_LATER
    assert ticket_ids_for_patient(f"  {PATIENT_LATER.lower()} ") == [ticket.pk]
    cells = _every_cell()
    assert any(c.startswith("phi1:") for c in cells)
    for secret in SECRETS:
        assert not [c for c in cells if secret in c], f"{secret} stored in plaintext"

    # the attachment's bytes on disk
    att = Attachment.objects.get(ticket=ticket)
    stored = (Path(settings.MEDIA_ROOT) / att.file.name).read_bytes()
    assert PATIENT.encode() not in stored
    with att.file.open("rb") as fh:
        assert PATIENT.encode() in fh.read(), "reads back decrypted"

    # the logs at DEBUG, SQL statements included
    assert "INSERT INTO" in caplog.text
    for secret in SECRETS:
        assert secret not in caplog.text

    if connection.vendor != "sqlite":
        return
    # the database file and its write-ahead log, byte for byte
    db_file = Path(connection.settings_dict["NAME"])
    files = [db_file, db_file.with_name(db_file.name + "-wal")]
    backup = tmp_path / "backup.sqlite3"
    sqlite_backup(target=backup)
    files.append(backup)
    assert backup.stat().st_mode & 0o777 == 0o600
    for path in files:
        if not path.exists():
            continue
        raw = path.read_bytes()
        assert raw, path
        for secret in SECRETS:
            assert secret.encode() not in raw, f"{secret} in {path.name}"
    assert b"phi1:" in backup.read_bytes(), "the backup holds the encrypted values"
