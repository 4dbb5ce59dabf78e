"""Set up a fresh scale-out installation: migrate, then what the test needs, as an operator
would through the command line and the admin. Run with the processes' environment:

    python -m tests.scaleout.prepare RECEIVER_URL

Prints one JSON line: the API token and the webhook endpoint's signing secret.
"""

from __future__ import annotations

import json
import os
import sys

WEBHOOK_ENDPOINT = "scaleout-receiver"
FIRST_RESPONSE_MINUTES = 60
RESOLUTION_MINUTES = 240
WARN_AT = [0.75, 0.9]

POLICY = f"""
name: Scale-out signals
position: 0
rules:
  - name: Every new ticket
    on: [ticket.created]
    actions:
      - {{type: webhook, endpoint: {WEBHOOK_ENDPOINT}, event: ticket.created}}
  - name: Every breach
    on: [sla.breached]
    actions:
      - {{type: webhook, endpoint: {WEBHOOK_ENDPOINT}, event: sla.breached}}
"""


def main(receiver_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.scaleout.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from caredesk.accounts.services import agent_create, token_create
    from caredesk.core import clock
    from caredesk.integrations.models import WebhookEndpoint
    from caredesk.rules.policies import policies_import
    from caredesk.sla.models import Calendar, SlaPolicy
    from caredesk.sla.services import TargetSpec, policy_save

    call_command("migrate", "--noinput", verbosity=0)
    with transaction.atomic():
        agent = agent_create(
            email="marisol.quenby@scaleout.example",
            name="Marisol Quenby",
            password=None,
            role="Agent",
        )
        _token, secret = token_create(user=agent, name="scale-out test")
        endpoint = WebhookEndpoint.objects.create(
            name="Scale-out receiver",
            slug=WEBHOOK_ENDPOINT,
            url=receiver_url,
            allow_private=True,  # the receiver is on 127.0.0.1
            created_at=clock.now(),
        )
        always = Calendar.objects.get(always_open=True)
        targets = [
            TargetSpec(priority=level, metric=metric, minutes=minutes, calendar=always)
            for level in (1, 2, 3, 4)
            for metric, minutes in (
                ("first_response", FIRST_RESPONSE_MINUTES),
                ("resolution", RESOLUTION_MINUTES),
            )
        ]
        policy_save(
            policy=SlaPolicy(name="Scale-out: around the clock", position=0, warn_at=WARN_AT),
            targets=targets,
        )
        policies_import(text=POLICY, actor=None, note="scale-out test")
    print(json.dumps({"token": secret, "webhook_secret": endpoint.secret}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
