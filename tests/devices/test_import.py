"""CSV import: good rows are registered, refused rows reported line by line, a dry run writes
nothing; the command line says the same."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from caredesk.core.errors import ValidationFailed
from caredesk.core.phi import index_of
from caredesk.devices.models import Asset, AssetEvent, AssetEventKind
from caredesk.devices.services import asset_update, assets_import, read_csv
from tests.devices.conftest import make_asset
from tests.factories import AgentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HEADER = "serial,model,lot,organization,site,patient_id,purchased_on,in_clinical_use,firmware\n"


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture
def org():
    return OrganizationFactory(name="Harbourview Physio")


def test_good_and_bad_rows_each_get_their_answer(clock, catalogue, org):
    make_asset(catalogue["PX-200"], "PX-0001")
    rows = read_csv(
        _csv(
            "PX-1001,PX-200,L7,Harbourview Physio,Room 2,P-88,2025-03-10,yes,2.1.0",
            "PX-1002,NOPE-1,,,,,,no,",
            "PX-0001,PX-200,,,,,,,",
            "PX-1003,PX-200,,Nowhere Clinic,,,2025-02-30,maybe,",
            "PX-1001,px-200,,,,,,,",
            ",PX-200,,,,,,,",
        )
    )
    report = assets_import(rows=rows, actor=None, dry_run=False)
    refused = {r.line: r.errors for r in report.refused}
    assert [r.line for r in report.accepted] == [2]
    assert refused[3] == ["unknown model 'NOPE-1'"]
    assert refused[4] == ["duplicate serial: PX-0001 is already registered for PX-200"]
    assert refused[5] == [
        "unknown organization 'Nowhere Clinic'",
        "bad date in purchased_on: '2025-02-30' (write YYYY-MM-DD)",
        "in_clinical_use must be yes or no, not 'maybe'",
    ]
    assert refused[6] == ["duplicate serial: PX-1001 is on an earlier line of this file"]
    assert refused[7] == ["no serial number"]
    asset = Asset.objects.get(serial="PX-1001")
    assert (asset.organization, asset.site, asset.in_clinical_use) == (org, "Room 2", True)
    assert asset.purchased_on == date(2025, 3, 10) and asset.firmware == "2.1.0"
    assert AssetEvent.objects.filter(asset=asset, kind=AssetEventKind.IMPORTED).count() == 1
    assert report.written == 1


def test_a_dry_run_writes_nothing(clock, catalogue, org):
    rows = read_csv(_csv("PX-1,PX-200,,,,,,,", "PX-2,NOPE,,,,,,,"))
    report = assets_import(rows=rows, actor=None, dry_run=True)
    assert (len(report.accepted), len(report.refused), report.written) == (1, 1, 0)
    assert not Asset.objects.exists() and not AssetEvent.objects.exists()


def test_the_patient_is_stored_encrypted_with_a_blind_index(clock, catalogue, org):
    assets_import(rows=read_csv(_csv("PX-9,PX-200,,,,P-4471,,,")), actor=None, dry_run=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT patient_id FROM devices_asset WHERE serial = %s", ["PX-9"])
        raw = cursor.fetchone()[0]
    assert raw and "P-4471" not in raw
    assert Asset.objects.get(patient_id_index=index_of(Asset, "patient_id", "P-4471")).serial == (
        "PX-9"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"serial,lot\nA,1\n", "Add the column: model."),
        (b"serial,model,colour\nA,B,red\n", "Unknown columns: colour."),
        (b"serial,model\n", "Add at least one row."),
        (b"\xff\xfe\x00", "Save the file as UTF-8 CSV."),
    ],
)
def test_a_file_that_is_not_an_asset_list_is_refused_whole(data, message):
    with pytest.raises(ValidationFailed) as caught:
        read_csv(data)
    assert message in caught.value.errors["file"][0]


def test_the_import_reads_the_catalogue_once_whatever_the_row_count(
    clock, catalogue, org, django_assert_max_num_queries
):
    lines = [f"PX-{i},PX-200,,Harbourview Physio,,,2025-01-01,,," for i in range(200)]
    rows = read_csv(_csv(*[line.rstrip(",") for line in lines]))
    with django_assert_max_num_queries(4):
        report = assets_import(rows=rows, actor=None, dry_run=True)
    assert len(report.accepted) == 200


def test_a_firmware_change_is_an_event_of_its_own(clock, catalogue):
    agent = AgentFactory()
    asset = make_asset(catalogue["PX-200"], "PX-5", firmware="2.0.1")
    clock.advance(hours=1)
    asset_update(asset=asset, changes={"firmware": "2.1.0", "site": "Ward 3"}, actor=agent)
    kinds = {e.kind: e for e in AssetEvent.objects.filter(asset=asset)}
    assert kinds["firmware"].data == {"from": "2.0.1", "to": "2.1.0"}
    assert kinds["firmware"].actor == agent
    assert kinds["changed"].data == {"fields": ["site"]}
    asset.refresh_from_db()
    assert asset.firmware == "2.1.0" and asset.updated_at == clock.current


def test_the_command_line_import(clock, catalogue, org, tmp_path, capsys):
    from caredesk.cli import main

    path = tmp_path / "assets.csv"
    path.write_bytes(_csv("PX-70,PX-200,,,,,,,", "PX-71,NOPE,,,,,,,"))
    assert main(["devices", "import", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "line 3: refused PX-71: unknown model 'NOPE'" in out
    assert "1 row(s) would be imported, 1 refused; nothing written" in out
    assert not Asset.objects.exists()
    assert main(["devices", "import", str(path)]) == 1
    assert "1 asset(s) imported, 1 row(s) refused" in capsys.readouterr().out
    assert Asset.objects.filter(serial="PX-70").exists()
