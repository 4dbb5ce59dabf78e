"""Writes: assets (one event per change, attributed) and the CSV import.

The import is per row: every row that passes its checks is written, every refused row is
reported with its line number and reasons, and a dry run writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from caredesk.accounts.models import Organization
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.products import firmware_changed
from caredesk.devices.models import Asset, AssetEvent, AssetEventKind, ProductModel
from caredesk.devices.selectors import today

MAX_ROWS = 5000
COLUMNS = (
    "serial",
    "model",
    "lot",
    "udi",
    "firmware",
    "organization",
    "site",
    "patient_id",
    "purchased_on",
    "installed_on",
    "in_clinical_use",
    "notes",
)
REQUIRED_COLUMNS = ("serial", "model")
LIMITS = {"serial": 64, "lot": 64, "udi": 200, "firmware": 64, "site": 200, "patient_id": 64}
TRUE = {"1", "yes", "y", "true", "x"}
FALSE = {"", "0", "no", "n", "false"}
# what an edit may change (all but the serial and model); firmware changes are events of their own
EDITABLE = tuple(c for c in COLUMNS if c not in REQUIRED_COLUMNS)


def parse_date(value: str) -> date:
    """An ISO date (2025-03-31); ValueError otherwise."""
    return date.fromisoformat(value.strip())


def parse_flag(value: str) -> bool:
    v = value.strip().casefold()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(value)


@dataclass
class RowResult:
    line: int
    serial: str
    errors: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)  # the same reasons by column
    asset: Asset | None = None

    def refuse(self, column: str, reason: str) -> None:
        self.errors.append(reason)
        self.fields.setdefault(column, []).append(reason)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def written(self) -> int:
        return 0 if self.dry_run else len(self.accepted)


def read_csv(data: bytes | str) -> list[dict[str, str]]:
    """The rows of a CSV file as dicts by lower-case column name; ValidationFailed when it is
    not a CSV file with the required columns."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(
                "The file is not UTF-8 text.", errors={"file": ["Save the file as UTF-8 CSV."]}
            ) from None
    reader = csv.DictReader(io.StringIO(data))
    try:
        header = [(h or "").strip().casefold() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise ValidationFailed("The file is not CSV.", errors={"file": [str(exc)]}) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            "The file lacks required columns.",
            errors={
                "file": [f"Add the column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."]
            },
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ValidationFailed(
            "The file has columns the import does not know.",
            errors={
                "file": [f"Unknown columns: {', '.join(unknown)}. Known: {', '.join(COLUMNS)}."]
            },
        )
    rows = []
    try:
        for raw in reader:
            rows.append(
                {
                    h: (raw.get(orig) or "").strip()
                    for h, orig in zip(header, reader.fieldnames or [], strict=False)
                }
            )
            if len(rows) > MAX_ROWS:
                raise ValidationFailed(
                    "The file is too long.",
                    errors={"file": [f"Import at most {MAX_ROWS} rows at a time."]},
                )
    except csv.Error as exc:
        raise ValidationFailed("The file is not CSV.", errors={"file": [str(exc)]}) from None
    if not rows:
        raise ValidationFailed("The file has no rows.", errors={"file": ["Add at least one row."]})
    return rows


TEXT_COLUMNS = ("lot", "udi", "firmware", "site", "patient_id", "notes")


class _RowChecker:
    """Checks rows against what is stored, read once (three queries for the whole file)."""

    def __init__(self, rows: Sequence[Mapping[str, str]]) -> None:
        # a desk has tens of product models, not thousands: all of them, matched without case
        self.models = {m.sku.casefold(): m for m in ProductModel.objects.all()}
        names = {r.get("organization", "") for r in rows if r.get("organization")}
        self.orgs = {o.name.casefold(): o for o in Organization.objects.filter(name__in=names)}
        serials = {r.get("serial", "") for r in rows}
        self.taken = set(
            Asset.objects.filter(serial__in=serials).values_list("product_model_id", "serial")
        )
        self.seen: set[tuple[int, str]] = set()
        self.today = today()

    def model(self, serial: str, sku: str, result: RowResult) -> ProductModel | None:
        model = self.models.get(sku.casefold())
        if not sku:
            result.refuse("model", "no model")
        elif model is None:
            result.refuse("model", f"unknown model {sku!r}")
        elif serial:
            key = (model.pk, serial)
            if key in self.taken:
                result.refuse(
                    "serial", f"duplicate serial: {serial} is already registered for {model.sku}"
                )
            elif key in self.seen:
                result.refuse(
                    "serial", f"duplicate serial: {serial} is on an earlier line of this file"
                )
            self.seen.add(key)
        return model

    def dates(self, row: Mapping[str, str], result: RowResult) -> dict[str, date]:
        out = {}
        for name in ("purchased_on", "installed_on"):
            if row.get(name):
                try:
                    out[name] = parse_date(row[name])
                except ValueError:
                    result.refuse(name, f"bad date in {name}: {row[name]!r} (write YYYY-MM-DD)")
        if out.get("purchased_on") and out["purchased_on"] > self.today:
            result.refuse("purchased_on", "purchased_on is in the future")
        return out

    def check(self, line: int, row: Mapping[str, str]) -> tuple[RowResult, dict[str, Any]]:
        serial = row.get("serial", "")
        result = RowResult(line=line, serial=serial)
        if not serial:
            result.refuse("serial", "no serial number")
        for name, limit in LIMITS.items():
            if len(row.get(name, "")) > limit:
                result.refuse(name, f"{name} is longer than {limit} characters")
        model = self.model(serial, row.get("model", ""), result)
        org_name = row.get("organization", "")
        org = self.orgs.get(org_name.casefold()) if org_name else None
        if org_name and org is None:
            result.refuse("organization", f"unknown organization {org_name!r}")
        values: dict[str, Any] = self.dates(row, result)
        try:
            values["in_clinical_use"] = parse_flag(row.get("in_clinical_use", ""))
        except ValueError:
            result.refuse(
                "in_clinical_use",
                f"in_clinical_use must be yes or no, not {row['in_clinical_use']!r}",
            )
        values.update(serial=serial, product_model=model, organization=org)
        values.update({k: row.get(k, "") for k in TEXT_COLUMNS})
        return result, values


def _check_rows(rows: Sequence[Mapping[str, str]]) -> list[tuple[RowResult, dict[str, Any]]]:
    """Each row's result and the asset's values (used only when the row passes)."""
    checker = _RowChecker(rows)
    return [checker.check(i, row) for i, row in enumerate(rows, start=2)]  # line 1: header


def assets_import(*, rows: Sequence[Mapping[str, str]], actor: Any, dry_run: bool) -> ImportReport:
    """Check every row; unless `dry_run`, write the rows that pass (per row: refused rows are
    reported, not written). Bad rows never stop good ones."""
    checked = _check_rows(rows)
    report = ImportReport(dry_run=dry_run, rows=[r for r, _ in checked])
    if dry_run:
        return report
    now = clock.now()
    good = [(r, v) for r, v in checked if r.ok]
    with transaction.atomic():
        for result, values in good:
            asset = Asset(**values, created_at=now, updated_at=now)
            try:
                with transaction.atomic():
                    asset.save()
            except IntegrityError:  # registered by someone else meanwhile
                result.refuse(
                    "serial", f"duplicate serial: {asset.serial} was registered meanwhile"
                )
                continue
            result.asset = asset
        AssetEvent.objects.bulk_create(
            [
                AssetEvent(
                    asset=r.asset,
                    kind=AssetEventKind.IMPORTED,
                    data={"line": r.line},
                    actor=actor,
                    created_at=now,
                )
                for r, _ in good
                if r.asset is not None
            ]
        )
    return report


def _validate(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, limit in LIMITS.items():
        if len(str(values.get(name) or "")) > limit:
            errors[name] = [f"At most {limit} characters."]
    return errors


def asset_update(*, asset: Asset, changes: Mapping[str, Any], actor: Any) -> Asset:
    """Change an asset; a firmware change is an event of its own (from, to), the other
    changes one event naming the fields (never their values: the patient is PHI)."""
    errors = _validate(changes)
    unknown = [k for k in changes if k not in EDITABLE]
    for k in unknown:
        errors[k] = ["This cannot be changed."]
    if errors:
        raise ValidationFailed("The change is not valid.", errors=errors)
    changed = [k for k, v in changes.items() if getattr(asset, k) != v]
    if not changed:
        return asset
    now = clock.now()
    before_firmware = asset.firmware
    for k in changed:
        setattr(asset, k, changes[k])
    asset.updated_at = now
    events = []
    if "firmware" in changed:
        firmware_changed(sku=asset.product_model.sku, version=asset.firmware)
        events.append(
            AssetEvent(
                asset=asset,
                kind=AssetEventKind.FIRMWARE,
                data={"from": before_firmware, "to": asset.firmware},
                actor=actor,
                created_at=now,
            )
        )
    others = sorted(k for k in changed if k != "firmware")
    if others:
        events.append(
            AssetEvent(
                asset=asset,
                kind=AssetEventKind.CHANGED,
                data={"fields": others},
                actor=actor,
                created_at=now,
            )
        )
    with transaction.atomic():
        asset.save(update_fields=[*changed, "updated_at"])
        AssetEvent.objects.bulk_create(events)
    return asset


def rows_from(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """API items as CSV-like rows (every value as text) for the same checks."""
    out = []
    for item in items:
        row = {c: "" if item.get(c) is None else str(item.get(c)) for c in COLUMNS}
        if isinstance(item.get("in_clinical_use"), bool):
            row["in_clinical_use"] = "yes" if item["in_clinical_use"] else "no"
        out.append(row)
    return out
