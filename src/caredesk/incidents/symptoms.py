"""Incidents declared by a rule: many tickets with the same symptom in a short window.

The worker runs `symptom_sweep` every minute. Tickets opened in the last
`CAREDESK_INCIDENT_RULE_MINUTES` minutes, open and in no open incident, are grouped by their
subject's normalised symptom (folded, words of three letters or more other than common ones,
the first four sorted). A group of at least `CAREDESK_INCIDENT_RULE_TICKETS` opens a Sev 2
incident (source "rule", that symptom) and gathers them; a symptom that already has an open
incident never opens a second one: its new tickets join the open incident instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from caredesk.core import clock
from caredesk.incidents.linking import tickets_link
from caredesk.incidents.models import OPEN_STATES, Incident, IncidentTicket, Severity, Source
from caredesk.incidents.services import incident_declare
from caredesk.tickets.models import OPEN_STATUSES, Ticket
from caredesk.tickets.search import fold

COMMON = frozenset(
    [
        "the",
        "and",
        "for",
        "not",
        "can",
        "cannot",
        "can't",
        "cant",
        "with",
        "from",
        "this",
        "that",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "you",
        "your",
        "our",
        "but",
        "all",
        "any",
        "why",
        "how",
        "what",
        "when",
        "who",
        "will",
        "would",
        "could",
        "should",
        "please",
        "help",
        "need",
        "issue",
        "problem",
        "question",
        "since",
        "today",
        "again",
        "still",
        "just",
        "get",
        "got",
        "does",
        "doesn",
        "don't",
        "dont",
        "won't",
        "wont",
        "isn't",
        "isnt",
        "keeps",
        "keep",
        "into",
        "about",
        "after",
        "before",
        "there",
        "their",
        "they",
        "them",
        "then",
        "than",
        "been",
        "being",
        "hello",
        "thanks",
        "thank",
        "urgent",
        "asap",
        "working",
        "work",
        "works",
    ]
)
WORDS = 4


def normalised(subject: str) -> str:
    """The symptom of a subject: its telling words, sorted ('' when it has none)."""
    words = [w for w in re.findall(r"[a-z0-9']+", fold(subject)) if len(w) >= 3]
    telling = [w.strip("'") for w in words if w not in COMMON and not w.isdigit()]
    return " ".join(sorted(dict.fromkeys(telling))[:WORDS])


def thresholds() -> tuple[int, int]:
    """(tickets, minutes): how many tickets with one symptom in how many minutes."""
    return (
        max(2, int(getattr(settings, "CAREDESK_INCIDENT_RULE_TICKETS", 10))),
        max(1, int(getattr(settings, "CAREDESK_INCIDENT_RULE_MINUTES", 15))),
    )


def symptom_sweep() -> list[Incident]:
    """Open an incident per symptom shared by enough recent tickets; returns those opened."""
    count, minutes = thresholds()
    since = clock.now() - timedelta(minutes=minutes)
    taken = IncidentTicket.objects.filter(incident__state__in=OPEN_STATES).values("ticket_id")
    recent = (
        Ticket.objects.filter(created_at__gte=since, status__in=OPEN_STATUSES)
        .exclude(pk__in=taken)
        .values_list("pk", "subject")
    )
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, subject in recent:
        symptom = normalised(str(subject or ""))
        if symptom:
            groups[symptom].append(pk)
    opened: list[Incident] = []
    for symptom, ids in groups.items():
        existing = Incident.objects.filter(symptom=symptom, state__in=OPEN_STATES).first()
        if existing is not None:
            tickets_link(incident=existing, ticket_ids=sorted(ids), actor=None)
            continue
        if len(ids) < count:
            continue
        with transaction.atomic():
            incident = incident_declare(
                title=f"Many tickets about: {symptom}",
                severity=Severity.SEV2,
                actor=None,
                body=f"{len(ids)} tickets in {minutes} minutes share this symptom.",
                source=Source.RULE,
                symptom=symptom,
                public=False,
            )
            tickets_link(incident=incident, ticket_ids=sorted(ids), actor=None)
        opened.append(incident)
    return opened
