"""The ticket page with an asset and its history, and the asset's own page, as the history grows.

    .venv/bin/python bench/asset_history.py                    # embedded SQLite in a temp folder
    .venv/bin/python bench/asset_history.py --database-url postgres://postgres@127.0.0.1:5432/caredesk_ah

A ticket names a unit's serial; the unit's history is grown to 1, 50, 500 and 2,000 entries of
each kind (tickets naming the serial, firmware changes), and at each size the ticket page (with
its asset card and the card's recent history), the same page for a ticket naming no device (the
baseline) and the asset page are timed --runs times (p50,
p95) with their SQL query counts, in-process through Django's test client, signed in as a support
lead past both sign-in steps. The query counts must not grow with the history, and the ticket page
must stay within its budget (p95 <= 40 ms, docs/benchmarks.md). The database is created fresh (the
PostgreSQL one is dropped first). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import _ms, _setup  # noqa: E402 - the same fresh database as the audit benchmark

SIZES = (1, 50, 500, 2000)
TICKET_PAGE_P95_MS = 40
SERIAL = "PT-88120"


def timed(runs: int, client: Any, path: str) -> dict[str, Any]:
    from django.db import connection, reset_queries

    for _ in range(5):  # warm caches
        assert client.get(path).status_code == 200
    values, queries = [], []
    connection.force_debug_cursor = True
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        response = client.get(path)
        values.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries.append(len(connection.queries))
    connection.force_debug_cursor = False
    # the fewest a view made: the desk's presence check-in writes now and then, whatever the page
    return {**_ms(values), "queries": min(queries), "queries_max": max(queries),
            "load_average": round(os.getloadavg()[0], 1)}  # fmt: skip


def grow(asset: Any, requester: Any, lead: Any, *, have: int, want: int, now: datetime) -> None:
    """Add tickets naming the serial and firmware events up to `want` of each, in bulk."""
    from caredesk.devices.models import AssetEvent, AssetEventKind
    from caredesk.tickets.models import Ticket

    extra = want - have
    if extra <= 0:
        return
    Ticket.objects.bulk_create(
        Ticket(
            subject=f"Monitor restarts ({have + i})",
            requester=requester,
            device_serial=SERIAL,
            created_at=now - timedelta(hours=have + i),
            updated_at=now,
        )
        for i in range(extra)
    )
    AssetEvent.objects.bulk_create(
        AssetEvent(
            asset=asset,
            kind=AssetEventKind.FIRMWARE,
            data={"from": f"3.{have + i}.0", "to": f"3.{have + i + 1}.0"},
            actor=lead,
            created_at=now - timedelta(minutes=have + i),
        )
        for i in range(extra)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(args.database_url, Path(folder))
        from django.test import Client

        from caredesk.accounts.models import Contact
        from caredesk.accounts.roles import ROLE_SUPERVISOR
        from caredesk.accounts.services import agent_create
        from caredesk.accounts.sessions import mark_signed_in
        from caredesk.accounts.signin import METHOD_TOTP
        from caredesk.devices.models import Asset, ProductClass, ProductModel
        from caredesk.tickets.models import Ticket

        now = datetime(2026, 12, 6, 12, tzinfo=UTC)
        lead = agent_create(
            email="bench.lead@caredesk.example",
            name="Bench Lead",
            password=None,
            role=ROLE_SUPERVISOR,
        )
        requester = Contact.objects.create(name="Bench Clinic", email="bench.ah@clinic.example")
        # the history's tickets come from the clinic's other staff: the measured ticket's
        # requester has one ticket, so only the asset's history grows
        others = Contact.objects.create(name="Bench Staff", email="bench.staff@clinic.example")
        pclass = ProductClass.objects.create(name="Electronics", warranty_months=24)
        model = ProductModel.objects.create(
            name="Pulsetrak Home Monitor", sku="PT-HM2", product_class=pclass
        )
        asset = Asset.objects.create(
            serial=SERIAL,
            product_model=model,
            firmware="3.0.0",
            purchased_on=date(2025, 6, 1),
            created_at=now,
            updated_at=now,
        )
        ticket = Ticket.objects.create(
            subject="Monitor restarts during readings",
            requester=requester,
            device_serial=SERIAL,
            created_at=now,
            updated_at=now,
        )
        plain = Ticket.objects.create(  # the same page without a device: the baseline
            subject="Cannot sign in to the portal",
            requester=requester,
            created_at=now,
            updated_at=now,
        )
        client = Client()
        client.force_login(lead)
        session = client.session
        mark_signed_in(session, METHOD_TOTP)
        session.save()
        rows, have = [], 0
        for size in SIZES:
            grow(asset, others, lead, have=have, want=size, now=now)
            have = size
            rows.append(
                {
                    "history_per_kind": size,
                    "ticket_page": timed(args.runs, client, f"/agent/tickets/{ticket.pk}/"),
                    "ticket_page_without_device": timed(
                        args.runs, client, f"/agent/tickets/{plain.pk}/"
                    ),
                    "asset_page": timed(args.runs, client, f"/agent/devices/{asset.pk}/"),
                }
            )
        ticket_queries = {r["ticket_page"]["queries"] for r in rows}
        asset_queries = {r["asset_page"]["queries"] for r in rows}
        result = {
            "database": "postgresql" if args.database_url else "sqlite",
            "runs": args.runs,
            "sizes": rows,
            "ticket_page_queries_constant": len(ticket_queries) == 1,
            "asset_page_queries_constant": len(asset_queries) == 1,
            "ticket_page_within_budget": all(
                r["ticket_page"]["p95_ms"] <= TICKET_PAGE_P95_MS for r in rows
            ),
        }
        print(json.dumps(result, indent=2))
        if not (result["ticket_page_queries_constant"] and result["asset_page_queries_constant"]):
            raise SystemExit("query counts grew with the asset's history")


if __name__ == "__main__":
    main()
