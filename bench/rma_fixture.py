"""Benchmark fixture for the repairs figures: RMAs, the parts fitted, stock, contracts and NPS.

Written after the ticket fixture (bench/fixture.py), over the same period: units (assets) of
every organization, RMAs opened from the organizations' tickets over the fixture's days, each
as far through the bench as its dates allow by now (issued, received, diagnosed, repaired or
replaced, validated, shipped, closed; some cancelled), with a failure mode once diagnosed,
warranty or paid, labour minutes and rate, and the parts fitted at their unit cost; the parts
themselves with a stock level at the repair location and every receipt and consumption as
stock movements; a few service contracts per organization over three years (renewed, lapsed,
cancelled with a refund, active) and quarterly recommendation (NPS) surveys, so that churn and
the Net Promoter Score have data.

The big tables (RMAs, their parts, stock movements, surveys) are written with COPY through
`fixture.Table`, so a schema change stops the load with the column's name; assets and parts go
through `bulk_create` (encrypted and many-to-many fields). The load is skipped when the database
holds the fixture's RMAs already (`present`), so `--reuse-db` can add them to a kept database.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

import fixture

NUMBER_PREFIX = "RMA-B"  # RMA-B0000001: the fixture's RMAs (the desk numbers its own RMA-000001)
SERIAL_PREFIX = "BN-"
PART_PREFIX = "BP-"
CONTRACT_PREFIX = "BC-"
STATUS_ORDER = ("received", "diagnosed", "repaired", "validated", "shipped", "closed")
MODES = [  # failure mode, weight
    ("battery", 24),
    ("connector", 17),
    ("display", 12),
    ("sensor", 11),
    ("no_power", 9),
    ("firmware", 8),
    ("mechanical", 7),
    ("no_fault", 6),
    ("liquid", 4),
    ("other", 2),
]
PART_KINDS = [  # name, critical, lead days, unit cost range, failure modes it repairs
    ("Battery pack", True, 30, (28, 60), {"battery", "no_power"}),
    ("Charger dock", False, 14, (15, 40), {"battery", "connector"}),
    ("Cable assembly", False, 10, (6, 25), {"connector", "sensor"}),
    ("Display module", True, 45, (80, 240), {"display", "liquid"}),
    ("Sensor probe", True, 21, (35, 120), {"sensor"}),
    ("Main board", True, 60, (150, 420), {"no_power", "firmware", "liquid"}),
    ("Housing kit", False, 14, (12, 45), {"mechanical", "liquid"}),
    ("Gasket and screws", False, 7, (2, 9), {"mechanical", "other"}),
]
RMA_COLUMNS = (
    "id", "number", "ticket_id", "asset_id", "organization_id", "status", "warranty",
    "warranty_reason", "tracking_in", "tracking_out", "technician_id", "findings",
    "failure_mode", "failure_other", "labour_minutes", "labour_rate", "cancel_reason",
    "opened_by_id", "created_at", "updated_at", "received_at", "diagnosed_at", "repaired_at",
    "validated_at", "shipped_at", "closed_at",
)  # fmt: skip
RMA_PART_COLUMNS = ("rma_id", "part_id", "quantity", "unit_cost", "added_by_id", "created_at")
MOVEMENT_COLUMNS = (
    "part_id", "location_id", "kind", "quantity", "on_hand_after", "reference", "reason",
    "actor_id", "created_at",
)  # fmt: skip
CONTRACT_COLUMNS = (
    "id", "reference", "organization_id", "plan_id", "starts_on", "ends_on", "coverage", "units",
    "unit_price", "list_price", "discount_percent", "total", "auto_renew", "status",
    "renewed_from_id", "churn_reason", "cancelled_on", "refund", "created_at", "updated_at",
)  # fmt: skip
SURVEY_COLUMNS = (
    "kind", "state", "token", "contact_id", "due_at", "sent_at", "quarter", "organization_id",
    "score", "answered_at", "first_answered_at",
)  # fmt: skip
FINDINGS = {
    "battery": "Battery swollen; charging circuit fine.",
    "connector": "Connector pins bent; cable frayed at the strain relief.",
    "display": "Display backlight failed.",
    "sensor": "Sensor reads out of range against the reference.",
    "no_power": "No power: supply rail shorted.",
    "firmware": "Firmware image corrupt; reflashed.",
    "mechanical": "Housing cracked at the hinge.",
    "no_fault": "No fault found after a 24-hour soak test.",
    "liquid": "Liquid ingress on the main board.",
    "other": "Other damage.",
}


def _has() -> dict[str, bool]:
    """Which parts of the fixture the database holds: the RMAs (with their units, parts and
    stock), the contracts, the NPS surveys of past quarters (the desk draws only the current)."""
    from caredesk.devices.models import Contract, Rma
    from caredesk.feedback import pure as feedback_pure
    from caredesk.feedback.models import Survey

    return {
        "rmas": Rma.objects.filter(number__startswith=NUMBER_PREFIX).exists(),
        "contracts": Contract.objects.filter(reference__startswith=CONTRACT_PREFIX).exists(),
        "surveys": Survey.objects.filter(kind="nps")
        .exclude(quarter=feedback_pure.quarter_of(datetime.now(UTC)))
        .exists(),
    }


def present() -> bool:
    """Does the database hold the whole fixture?"""
    return all(_has().values())


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    """A duration between low and high hours, most of them short (a skewed draw)."""
    return timedelta(hours=low + (high - low) * rng.random() ** 2)


def _next_ids(cur: psycopg.Cursor[Any], table: str) -> int:
    row = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    return int(row[0]) if row else 1


def _sync_sequence(cur: psycopg.Cursor[Any], table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 - fixed names
        f" (SELECT coalesce(max(id), 1) FROM {table}))"
    )


def _assets(rng: random.Random, orgs: list[int], count: int, now: datetime) -> dict[int, list[Any]]:
    """`count` units spread over the organizations and product models: {org: [(id, model)]}."""
    from caredesk.devices.models import Asset, ProductModel

    models = list(ProductModel.objects.filter(active=True).order_by("pk"))
    have = Asset.objects.filter(serial__startswith=SERIAL_PREFIX).count()
    batch = [
        Asset(
            serial=f"{SERIAL_PREFIX}{i:07d}",
            product_model=models[i % len(models)],
            lot=f"L{i % 97:02d}",
            organization_id=orgs[i % len(orgs)],
            site=["Room 1", "Ward B", "Front desk", "Home use"][i % 4],
            purchased_on=(now - timedelta(days=rng.randint(30, 4 * 365))).date(),
            in_clinical_use=i % 3 == 0,
            created_at=now - timedelta(days=400),
            updated_at=now - timedelta(days=400),
        )
        for i in range(have, count)
    ]
    Asset.objects.bulk_create(batch, batch_size=2000)
    out: dict[int, list[Any]] = {}
    for pk, org, model in Asset.objects.filter(serial__startswith=SERIAL_PREFIX).values_list(
        "pk", "organization_id", "product_model_id"
    ):
        out.setdefault(org, []).append((pk, model))
    return out


def _parts(rng: random.Random) -> tuple[dict[int, list[tuple[int, Decimal, set[str]]]], Any]:
    """Parts for every product model and the repair stock location:
    ({model: [(part, unit cost, failure modes it repairs)]}, location)."""
    from caredesk.devices.models import Part, ProductModel, StockLocation

    location = StockLocation.objects.filter(repair_default=True).first()
    if location is None:
        location = StockLocation.objects.create(name="Bench depot", repair_default=True)
    by_model: dict[int, list[tuple[int, Decimal, set[str]]]] = {}
    through = Part.product_models.through
    for model in ProductModel.objects.filter(active=True).order_by("pk"):
        made = []
        for k, (name, critical, lead, (low, high), modes) in enumerate(PART_KINDS):
            part, created = Part.objects.get_or_create(
                number=f"{PART_PREFIX}{model.sku}-{k:02d}",
                defaults={
                    "name": f"{model.name}: {name.lower()}",
                    "critical": critical,
                    "lead_time_days": lead,
                    "unit_cost": Decimal(rng.randint(low * 100, high * 100)) / 100,
                },
            )
            if created:
                through.objects.create(part_id=part.pk, productmodel_id=model.pk)
            made.append((part.pk, part.unit_cost, modes))
        by_model[model.pk] = made
    return by_model, location


def _timeline(rng: random.Random, created: datetime, now: datetime) -> dict[str, Any]:
    """One RMA's dates and status as of `now`: every step dated in the past, none after."""
    if rng.random() < 0.05:  # cancelled before the unit reached the bench (or while on it)
        at = created + _hours(rng, 2, 96)
        if at <= now:
            return {"status": "cancelled", "closed_at": at, "replaced": False}
        return {"status": "issued", "replaced": False}
    replaced = rng.random() < 0.12
    steps = {
        "received": created + _hours(rng, 18, 144),  # in transit to the bench
    }
    steps["diagnosed"] = steps["received"] + _hours(rng, 1, 96)
    steps["repaired"] = steps["diagnosed"] + _hours(rng, 2, 192 if not replaced else 48)
    steps["validated"] = steps["repaired"] + _hours(rng, 1, 30)
    steps["shipped"] = steps["validated"] + _hours(rng, 2, 48)
    steps["closed"] = steps["shipped"] + _hours(rng, 24, 240)
    out: dict[str, Any] = {"status": "issued", "replaced": replaced}
    for name in STATUS_ORDER:
        if steps[name] > now:
            break
        out[f"{name}_at"] = steps[name]
        out["status"] = "replaced" if name == "repaired" and replaced else name
    return out


def _tickets(cur: psycopg.Cursor[Any], rng: random.Random, count: int) -> list[tuple[Any, ...]]:
    """`count` tickets of organizations (device errors first) to open the RMAs from."""
    rows = cur.execute(
        "SELECT t.id, t.organization_id, t.created_at, t.assignee_id FROM tickets_ticket t"
        " JOIN tickets_requesttype r ON r.id = t.category_id"
        " WHERE t.organization_id IS NOT NULL AND r.slug = 'device-error' ORDER BY t.id"
    ).fetchall()
    if len(rows) < count:
        rows += cur.execute(
            "SELECT t.id, t.organization_id, t.created_at, t.assignee_id FROM tickets_ticket t"
            " WHERE t.organization_id IS NOT NULL ORDER BY t.id LIMIT %s",
            [count * 2],
        ).fetchall()
    if len(rows) >= count:
        picked = rng.sample(rows, count)
    else:
        picked = [rng.choice(rows) for _ in range(count)] if rows else []
    return sorted(picked, key=lambda r: (r[2], r[0]))


def _rmas(
    cur: psycopg.Cursor[Any],
    rng: random.Random,
    *,
    count: int,
    assets: dict[int, list[Any]],
    parts: dict[int, list[tuple[int, Decimal, set[str]]]],
    technicians: list[int],
    now: datetime,
    t: dict[str, fixture.Table],
) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """Write the RMAs and the parts fitted; return counts by status and the parts used
    (part, quantity, when, RMA number, technician) for the stock movements."""
    first = _next_ids(cur, "devices_rma")
    statuses: dict[str, int] = {}
    rows, fitted, used = [], [], []
    modes, weights = zip(*MODES, strict=True)
    for n, (ticket, org, ticket_at, assignee) in enumerate(_tickets(cur, rng, count)):
        rid = first + n
        number = f"{NUMBER_PREFIX}{rid:07d}"
        asset, model = rng.choice(assets[org])
        created = ticket_at + _hours(rng, 0.2, 30)
        if created > now:
            created = now - timedelta(minutes=rng.randint(1, 60))
        line = _timeline(rng, created, now)
        status = line["status"]
        statuses[status] = statuses.get(status, 0) + 1
        warranty = rng.random() < 0.68
        tech = rng.choice(technicians)
        mode = rng.choices(modes, weights)[0] if line.get("diagnosed_at") else ""
        repaired = line.get("repaired_at")
        labour = 0
        if repaired is not None:
            labour = rng.randint(10, 60) if line["replaced"] else rng.randint(20, 240)
        rate = Decimal("85.00") if warranty else Decimal("110.00")
        stamps = [created, *(line.get(f"{s}_at") for s in STATUS_ORDER), line.get("closed_at")]
        rows.append(
            (
                rid, number, ticket, asset, org, status, warranty,
                "" if warranty else rng.choice(
                    ["Out of warranty", "Damage not covered", "Liquid damage not covered"]
                ),
                f"1Z{rid:010d}" if line.get("received_at") else "",
                f"1Z{rid + 5_000_000:010d}" if line.get("shipped_at") else "",
                tech if line.get("received_at") else None,
                FINDINGS.get(mode, "") if mode else "",
                mode,
                "Dropped in transit" if mode == "other" else "",
                labour,
                rate if labour else Decimal("0.00"),
                "Customer found the unit working again" if status == "cancelled" else "",
                assignee,
                created,
                max(s for s in stamps if s is not None),
                line.get("received_at"),
                line.get("diagnosed_at"),
                repaired,
                line.get("validated_at"),
                line.get("shipped_at"),
                line.get("closed_at"),
            )
        )  # fmt: skip
        if repaired is not None and not line["replaced"] and mode != "no_fault":
            choices = [p for p in parts[model] if mode in p[2]] or parts[model]
            for part, cost, _modes in rng.sample(
                choices, min(len(choices), rng.choice([1, 1, 1, 2, 2, 3]))
            ):
                qty = 2 if rng.random() < 0.1 else 1
                when = line["diagnosed_at"] + (repaired - line["diagnosed_at"]) * rng.random()
                fitted.append((rid, part, qty, cost, tech, when))
                used.append((part, qty, when, number, tech))
    t["rma"].copy(cur, rows)
    t["rma_part"].copy(cur, fitted)
    _sync_sequence(cur, "devices_rma")
    return statuses, used


def _stock(
    cur: psycopg.Cursor[Any],
    rng: random.Random,
    used: list[tuple[Any, ...]],
    location: Any,
    start: datetime,
    *,
    t: dict[str, fixture.Table],
) -> dict[str, int]:
    """Receipts and consumptions of each part at the repair location, in time order, and the
    stock levels they leave (never below zero: a receipt comes before the shelf runs dry)."""
    from caredesk.devices.models import StockLevel

    by_part: dict[int, list[tuple[Any, ...]]] = {}
    for row in used:
        by_part.setdefault(row[0], []).append(row)
    moves, levels = [], {}
    for part, rows in sorted(by_part.items()):
        rows.sort(key=lambda r: r[2])
        weekly = max(1, len(rows) * 7 // max(1, (rows[-1][2] - rows[0][2]).days or 1))
        order = weekly * 6
        on_hand, last = 0, start
        for n, (_part, qty, when, number, tech) in enumerate(rows):
            if on_hand < qty:  # the order arrived before the shelf ran dry
                got = order + rng.randint(0, weekly)
                on_hand += got
                at = min(start, when) if n == 0 else max(last, when - timedelta(hours=20))
                moves.append(
                    (part, location.pk, "receipt", got, on_hand, f"PO-{part}-{n}", "", None, at)
                )
            on_hand -= qty
            moves.append(
                (part, location.pk, "consumption", -qty, on_hand, number, "", tech, when)
            )  # fmt: skip
            last = when
        levels[part] = on_hand
    t["movement"].copy(cur, moves)
    for part, on_hand in levels.items():
        StockLevel.objects.update_or_create(
            part_id=part, location=location, defaults={"on_hand": on_hand}
        )
    return {"parts_used": len(levels), "movements": len(moves)}


def _contracts(
    cur: psycopg.Cursor[Any],
    rng: random.Random,
    orgs: list[int],
    today: date,
    t: dict[str, fixture.Table],
) -> dict[str, int]:
    """A few yearly contracts per organization over three years, in two chains of renewals:
    the first ends lapsed or cancelled (churn) or with the contract running today, the second
    renews every year until the contract running today, which is cancelled."""
    from caredesk.devices.models import ServicePlan

    plans = list(ServicePlan.objects.order_by("pk"))
    next_id = _next_ids(cur, "devices_contract")
    rows, statuses = [], {}
    for org in orgs:
        for chain in range(2):
            starts = today - timedelta(days=rng.randint(800, 1150))
            plan = plans[(org + chain) % len(plans)]
            units = rng.randint(3, 60)
            previous = None
            while starts <= today:
                ends = starts + timedelta(days=364)
                discount = Decimal(rng.choice([0, 0, 5, 10, 15]))
                listed = plan.price_per_unit_year * units
                total = (listed * (100 - discount) / 100).quantize(Decimal("0.01"))
                status, churn, cancelled, refund = "active", "", None, None
                if chain == 1 and ends >= today:  # the second plan is cancelled this year
                    cancelled = starts + timedelta(days=rng.randint(0, (today - starts).days))
                elif rng.random() < 0.08:  # cancelled part-way through the year
                    cancelled = starts + timedelta(days=rng.randint(30, 300))
                    cancelled = cancelled if cancelled <= today else None
                if cancelled is not None:
                    status, churn = "cancelled", rng.choice(["price", "budget", "service"])
                    refund = (total * (ends - cancelled).days / 365).quantize(Decimal("1"))
                going_on = status == "active" and (chain == 1 or rng.random() < 0.8)
                if status == "active" and ends < today:
                    status = "renewed" if going_on else "lapsed"
                    if not going_on:
                        churn = rng.choice(["competitor", "retired", "no_answer", "price"])
                cid = next_id
                next_id += 1
                created = datetime.combine(starts - timedelta(days=10), datetime.min.time(), UTC)
                rows.append(
                    (
                        cid, f"{CONTRACT_PREFIX}{cid:06d}", org, plan.pk, starts, ends, "units",
                        units, plan.price_per_unit_year, listed, discount, total, chain == 0,
                        status, previous, churn, cancelled, refund, created, created,
                    )
                )  # fmt: skip
                statuses[status] = statuses.get(status, 0) + 1
                if status != "renewed":
                    break
                previous, starts = cid, ends + timedelta(days=1)
                units = max(1, units + rng.randint(-5, 8))
    t["contract"].copy(cur, rows)
    _sync_sequence(cur, "devices_contract")
    return statuses


def _surveys(
    cur: psycopg.Cursor[Any],
    rng: random.Random,
    orgs: list[int],
    now: datetime,
    *,
    per_quarter: int,
    t: dict[str, fixture.Table],
) -> int:
    """Each organization's quarterly recommendation survey for the last eight quarters, about
    half answered (0-10, mostly promoters and passives)."""
    from caredesk.feedback import pure as feedback_pure

    contacts: dict[int, list[int]] = {}
    for cid, org in cur.execute(
        "SELECT id, organization_id FROM accounts_contact WHERE organization_id = ANY(%s)",
        [orgs],
    ):
        contacts.setdefault(org, []).append(cid)
    quarter, rows = feedback_pure.quarter_of(now), []
    for _ in range(8):
        sent = min(now, feedback_pure.quarter_start(quarter) + timedelta(days=3))
        for org in orgs:
            pool = contacts.get(org, [])
            for contact in rng.sample(pool, min(per_quarter, len(pool))):
                answered = sent + _hours(rng, 1, 24 * 20)
                score = None
                if rng.random() < 0.5 and answered <= now:
                    score = rng.choices(range(11), [1] * 6 + [2, 3, 4, 6, 5])[0]
                at = answered if score is not None else None
                rows.append(
                    ("nps", "sent", secrets.token_hex(16), contact, sent, sent, quarter, org,
                     score, at, at)
                )  # fmt: skip
        quarter = feedback_pure.quarter_of(sent - timedelta(days=5))
    t["survey"].copy(cur, rows)
    return len(rows)


def load(dsn: str, *, rmas: int, now: datetime, seed: int = 17, log: Any = print) -> dict[str, Any]:
    """Add the repairs fixture (Django set up, the tickets loaded); timings and row counts."""
    from caredesk.accounts.models import Organization, User

    t0 = time.perf_counter()
    rng = random.Random(seed)
    tables = {
        "rma": fixture.Table("devices.Rma", RMA_COLUMNS),
        "rma_part": fixture.Table("devices.RmaPart", RMA_PART_COLUMNS),
        "movement": fixture.Table("devices.StockMovement", MOVEMENT_COLUMNS),
        "contract": fixture.Table("devices.Contract", CONTRACT_COLUMNS),
        "survey": fixture.Table("feedback.Survey", SURVEY_COLUMNS),
    }
    orgs = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    technicians = list(
        User.objects.filter(is_staff=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    has = _has()
    out: dict[str, Any] = {"already_present": [k for k, v in has.items() if v]}
    with psycopg.connect(dsn) as conn:
        cur = conn.cursor()
        if not has["rmas"]:
            assets = _assets(rng, orgs, max(len(orgs) * 4, rmas // 2), now)
            parts, location = _parts(rng)
            out["assets"] = sum(len(a) for a in assets.values())
            statuses, used = _rmas(
                cur, rng, count=rmas, assets=assets, parts=parts, technicians=technicians,
                now=now, t=tables,
            )  # fmt: skip
            out["rmas"] = sum(statuses.values())
            out["rma_statuses"] = dict(sorted(statuses.items()))
            out["rma_parts"] = len(used)
            conn.commit()
            out["stock"] = _stock(
                cur, rng, used, location, now - timedelta(days=fixture.DAYS), t=tables
            )
            log(
                f"  {out['rmas']:,} RMAs {out['rma_statuses']}, {out['rma_parts']:,} parts"
                f" fitted, {out['assets']:,} units, {out['stock']['movements']:,} stock movements"
            )
        if not has["contracts"]:
            out["contracts"] = _contracts(cur, rng, orgs, now.date(), tables)
            log(f"  contracts {out['contracts']}")
        if not has["surveys"]:
            out["nps_surveys"] = _surveys(
                cur, rng, orgs, now, per_quarter=max(5, min(40, rmas // 500)), t=tables
            )
            log(f"  {out['nps_surveys']:,} NPS surveys over eight quarters")
        conn.commit()
        conn.autocommit = True
        for table in ("devices_rma", "devices_rmapart", "devices_stockmovement",
                      "devices_contract", "feedback_survey", "devices_asset"):  # fmt: skip
            conn.execute(f"VACUUM ANALYZE {table}")
    out["seconds"] = round(time.perf_counter() - t0, 1)
    log(f"  repairs fixture in {out['seconds']} s")
    return out
