"""Placeholders in macros (pure): `{{requester.first_name}}` filled from a ticket's values.

A name the desk does not know stays in the text as it was typed, and is reported, so the agent
sees it in the preview before anything is sent. The older single-brace names the shipped
macros used (`{requester_first_name}`, `{ref}`...) are understood too; other braces are text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

NAMES: dict[str, str] = {
    "requester.first_name": "The requester's first name",
    "requester.name": "The requester's full name",
    "requester.email": "The requester's email address",
    "ticket.reference": "The ticket's reference (CD-1234)",
    "ticket.subject": "The ticket's subject",
    "ticket.level": "The ticket's level, in words",
    "ticket.status": "The ticket's status, in words",
    "organization.name": "The requester's organization",
    "organization.account_manager": "The organization's account manager",
    "agent.name": "Your name (the agent applying the macro)",
    "agent.first_name": "Your first name",
    "support.phone": "The support phone number",
}

LEGACY: dict[str, str] = {
    "requester_first_name": "requester.first_name",
    "requester_name": "requester.name",
    "ref": "ticket.reference",
    "subject": "ticket.subject",
    "agent_name": "agent.name",
    "support_phone": "support.phone",
    "organization": "organization.name",
    "account_manager": "organization.account_manager",
}

_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}|\{([a-z_]+)\}")


@dataclass(frozen=True)
class Filled:
    """The text with its placeholders filled; the names left as typed (unknown) and the known
    names that had no value for this ticket (empty)."""

    text: str
    unknown: tuple[str, ...]
    empty: tuple[str, ...]


def fill(text: str, values: Mapping[str, str]) -> Filled:
    """Fill `{{name}}` (and the legacy `{name}`) placeholders in `text` from `values`."""
    unknown: list[str] = []
    empty: list[str] = []

    def one(match: re.Match[str]) -> str:
        dotted, legacy = match.group(1), match.group(2)
        if legacy is not None:
            if legacy not in LEGACY:
                return match.group(0)  # braces that are only text
            dotted = LEGACY[legacy]
        if dotted not in values:
            if dotted not in unknown:
                unknown.append(dotted)
            return match.group(0)
        value = values[dotted]
        if not value and dotted not in empty:
            empty.append(dotted)
        return value

    return Filled(text=_PATTERN.sub(one, text), unknown=tuple(unknown), empty=tuple(empty))


def first_name(name: str) -> str:
    """The first word of a name ('' for none)."""
    parts = name.split()
    return parts[0] if parts else ""
