"""Checks shared by the ticket services: subject, tags, structured fields, assignee."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.text import slugify

from caredesk.accounts.capabilities import may_be_assigned
from caredesk.accounts.models import User
from caredesk.tickets.models import STRUCTURED_FIELDS

MAX_TAGS = 20
STRUCTURED_MAX = {"patient_id": 64, "clinician_id": 64, "encounter_id": 64, "device_serial": 64}


def check_subject(subject: str, errors: dict[str, list[str]]) -> str:
    subject = " ".join(subject.split())
    if not subject:
        errors.setdefault("subject", []).append("Enter a subject.")
    elif len(subject) > 300:
        errors.setdefault("subject", []).append("Keep the subject to 300 characters or fewer.")
    return subject


def clean_tags(tags: tuple[str, ...] | list[str], errors: dict[str, list[str]]) -> list[str]:
    cleaned = sorted({slugify(t)[:50] for t in tags if slugify(t)})
    if len(cleaned) > MAX_TAGS:
        errors.setdefault("tags", []).append(f"Use at most {MAX_TAGS} tags.")
    return cleaned


def check_structured(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in STRUCTURED_FIELDS:
            errors.setdefault(key, []).append("Unknown field.")
            continue
        text = "" if value is None else str(value).strip()
        limit = STRUCTURED_MAX.get(key, 100)
        if len(text) > limit:
            errors.setdefault(key, []).append(f"Keep this to {limit} characters or fewer.")
        out[key] = text
    return out


def check_assignee(assignee: User | None, errors: dict[str, list[str]]) -> None:
    if assignee is not None and not may_be_assigned(assignee):
        errors.setdefault("assignee", []).append("Only active agents can be assigned tickets.")
