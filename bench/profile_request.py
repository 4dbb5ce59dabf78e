"""Profile one request in-process against a benchmark database (kept with run.py --keep-db).

    .venv/bin/python bench/profile_request.py /agent/?queue=open
    .venv/bin/python bench/profile_request.py --as marek.wojcik@caredesk.example /agent/
    .venv/bin/python bench/profile_request.py --create           # POST /api/v1/tickets

Prints the SQL queries of one request, the mean Python CPU time over --reps requests, and the
functions that took the most cumulative time (cProfile). Writes nothing but the tickets that
--create opens.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("path", nargs="?", default="/agent/?queue=open")
    p.add_argument("--as", dest="email", default="admin@caredesk.example")
    p.add_argument("--create", action="store_true", help="profile POST /api/v1/tickets")
    p.add_argument(
        "--category", help="request type slug of the created ticket (default: the first)"
    )
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--sql", action="store_true", help="print every SQL statement")
    args = p.parse_args(argv)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "caredesk.settings",
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "CAREDESK_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
            "CAREDESK_INSECURE_HTTP": "1",
            "CAREDESK_DATA_DIR": os.environ.get(
                "CAREDESK_DATA_DIR", str(Path(tempfile.gettempdir()) / "caredesk-profile")
            ),
            "CAREDESK_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # pages link hashed static names
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from caredesk.accounts.models import Contact, User
    from caredesk.accounts.services import token_create
    from caredesk.tickets.models import RequestType

    user = User.objects.get(email=args.email)
    client = Client()
    call: Any
    if args.create:
        _t, secret = token_create(user=user, name="profile")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        contact = Contact.objects.order_by("id").first()
        types = RequestType.objects.order_by("id")
        category = types.filter(slug=args.category).first() if args.category else types.first()
        body = json.dumps(
            {
                "subject": "Profile probe: video visit drops after two minutes",
                "body": "The clinician's video freezes and the visit ends.",
                "requester_id": contact.pk if contact else None,
                "category": category.pk if category else None,
            }
        )

        def call() -> Any:
            return client.post("/api/v1/tickets", data=body, content_type="application/json")

    else:
        from caredesk.accounts.sessions import mark_signed_in
        from caredesk.accounts.signin import METHOD_TOTP

        client.force_login(user)  # a session past both steps, as a real sign-in makes
        session = client.session
        mark_signed_in(session, METHOD_TOTP)
        session.save()

        def call() -> Any:
            return client.get(args.path)

    call()  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    print(f"status {response.status_code}, {len(ctx.captured_queries)} queries")
    if response.status_code not in (200, 201):
        raise SystemExit(f"{response.status_code}: not the page; nothing to profile")
    if args.sql:
        for q in ctx.captured_queries:
            print(f"  {q['time']}s  {q['sql'][:300]}")
    c0 = time.process_time()
    w0 = time.perf_counter()
    for _ in range(args.reps):
        call()
    cpu = 1000 * (time.process_time() - c0) / args.reps
    wall = 1000 * (time.perf_counter() - w0) / args.reps
    print(f"python cpu {cpu:.2f} ms / request, wall {wall:.2f} ms / request")
    prof = cProfile.Profile(time.process_time)  # CPU time: waits on the database do not count
    prof.enable()
    for _ in range(args.reps):
        call()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    ).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
