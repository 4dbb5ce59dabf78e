"""Benchmark: the sidebar's counting statement as saved views are added (constant queries).

Writes N tickets (bulk rows, open and closed, several teams and organizations) into a scratch
SQLite database, then times the sidebar of a Tier 1 agent and of a supervisor with 0, 10 and 30
saved views: queries per sidebar and the statement's median and p95 in ms.
Run: .venv/bin/python bench/saved_views.py [tickets]   (default 100,000; about a minute)
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    os.environ["CAREDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="caredesk-bench-views-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from caredesk.accounts.models import Contact, Organization, Team, User
    from caredesk.accounts.roles import ROLE_AGENT, ROLE_SUPERVISOR
    from caredesk.desk import views as desk_views
    from caredesk.tickets.models import Ticket
    from caredesk.workspace.services import ViewData, savedview_save

    rng = random.Random(7)
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(6)]
    orgs = [Organization.objects.create(name=f"Clinic {i}") for i in range(50)]
    contacts = [
        Contact.objects.create(name=f"Requester {i}", email=f"r{i}@example.org", organization=o)
        for i, o in enumerate(orgs * 4)
    ]

    def person(email: str, role: str) -> User:
        from django.contrib.auth.models import Group

        user = User.objects.create_user(email=email, name=email, password="x")  # noqa: S106
        user.groups.add(Group.objects.get(name=role))
        return user

    agent = person("agent@example.org", ROLE_AGENT)
    agent.teams.add(teams[0])
    lead = person("lead@example.org", ROLE_SUPERVISOR)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        c = contacts[i % len(contacts)]
        at = start + timedelta(minutes=i)
        is_open = rng.random() < 0.07
        rows.append(
            Ticket(
                subject=f"Ticket {i}",
                status="open" if is_open else "closed",
                is_open=is_open,
                priority=rng.choice((1, 2, 3, 3, 4)),
                requester=c,
                organization_id=c.organization_id,
                team=rng.choice([*teams, None]),
                created_at=at,
                updated_at=at,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5_000)
    filters = [
        {"queue": "open", "priority": 1},
        {"queue": "open", "organization": orgs[3].pk},
        {"queue": "unassigned", "priority": 2},
        {"queue": "all", "status": "closed", "team": teams[1].pk},
        {"queue": "open", "q": "Ticket 9"},
    ]
    results = []
    for user in (agent, lead):
        for count in (0, 10, 30):
            while len(desk_views.sidebar_views(user).views) < count:
                i = len(desk_views.sidebar_views(user).views)
                savedview_save(
                    actor=user, data=ViewData(name=f"View {i}", filters=filters[i % len(filters)])
                )
            timings = []
            queries = 0
            for _ in range(30):
                desk_views.forget_counts(user)
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    desk_views._sidebar(user)
                    timings.append((time.perf_counter() - t0) * 1000)
                queries = len(captured.captured_queries)
            timings.sort()
            results.append(
                {
                    "who": "supervisor" if user is lead else "Tier 1 agent",
                    "views": count,
                    "queries": queries,
                    "median_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                }
            )
    print(json.dumps({"tickets": n, "machine": platform.platform(), "results": results}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
