"""Queue webhooks from a process of their own, as a web process does when rules fire:

    python -m tests.outbox_produce --url URL --secret whsec_... --tickets 40 --events 1

Opens the tickets, creates the endpoint, then queues `events` webhooks per ticket through
`webhook_enqueue`, `--per-commit` of them in each transaction (each commit wakes the workers
through the job queue). Prints one JSON line: {"queued": N, "seconds": S}.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--tickets", type=int, default=40)
    p.add_argument("--events", type=int, default=1)
    p.add_argument("--per-commit", type=int, default=1)
    args = p.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.db import transaction

    from caredesk.accounts.models import Contact
    from caredesk.core import clock
    from caredesk.integrations.models import WebhookEndpoint
    from caredesk.integrations.services import webhook_enqueue
    from caredesk.tickets.services import Body, NewTicket, ticket_open

    requester = Contact.objects.create(name="Wren Holloway", email="wren@patients.example")
    tickets = [
        ticket_open(
            data=NewTicket(
                requester=requester,
                subject=f"Scale reads 0 kg ({n})",
                body=Body(text="It stopped syncing."),
            ),
            actor=requester,
        )
        for n in range(args.tickets)
    ]
    WebhookEndpoint.objects.create(
        name="Load receiver",
        slug="load-receiver",
        url=args.url,
        secret=args.secret,
        allow_private=True,  # the receiver listens on 127.0.0.1
        created_at=clock.now(),
    )
    wanted = [(ticket, f"ticket.event.{n}") for n in range(args.events) for ticket in tickets]
    started = time.perf_counter()
    for start in range(0, len(wanted), args.per_commit):
        with transaction.atomic():
            for ticket, event in wanted[start : start + args.per_commit]:
                webhook_enqueue(ticket=ticket, endpoint="load-receiver", event=event)
    print(json.dumps({"queued": len(wanted), "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
