"""An asset's history: one timeline merged from sections, newest first.

Each section reads its own entries in one query (at most `limit` of them), so the history costs
the same number of queries whatever the asset's past. The sections here are the tickets naming
the serial and the asset's own events (registration, edits, firmware changes); repairs and parts
fitted add theirs with `history_section_register` (in DevicesConfig.ready()).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from caredesk.core.registries import Registry
from caredesk.devices.models import Asset, AssetEventKind
from caredesk.tickets.models import Ticket

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # the section's key: "ticket", "asset"; a section may name its entries finer
    title: str  # "Firmware changed", "Ticket opened"
    detail: str = ""  # "2.0.1 → 2.1.0", a ticket's subject
    actor: str = ""
    url: str = ""
    ref: str = ""  # what the entry is known by (a ticket's or a repair's reference)
    state: str = ""  # a status shown beside it, in words


@dataclass(frozen=True)
class HistorySection:
    key: str
    title: str
    read: Callable[[Asset, int], list[HistoryEntry]]  # one query, at most `limit` entries


_sections: Registry[HistorySection] = Registry("asset history sections")


def history_section_register(section: HistorySection) -> None:
    _sections.register(section.key, section)


def sections() -> list[HistorySection]:
    return [s for _, s in sorted(_sections.items(), key=lambda kv: kv[0])]


def _tickets(asset: Asset, limit: int) -> list[HistoryEntry]:
    rows = (
        Ticket.objects.filter(device_serial=asset.serial)
        .only("pk", "subject", "status", "custom_status", "created_at")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        HistoryEntry(
            at=t.created_at,
            kind="ticket",
            title="Ticket opened",
            detail=t.subject,
            url=reverse("desk:ticket", args=[t.pk]),
            ref=t.ref,
            state=t.get_status_display(),
        )
        for t in rows
    ]


def _describe(kind: str, data: dict[str, object]) -> str:
    if kind == AssetEventKind.FIRMWARE:
        return f"{data.get('from') or 'none'} → {data.get('to') or 'none'}"
    if kind == AssetEventKind.CHANGED:
        fields = data.get("fields")
        if isinstance(fields, list):
            return ", ".join(str(f).replace("_", " ") for f in fields)
    if kind == AssetEventKind.IMPORTED and data.get("line"):
        return f"line {data['line']} of a CSV file"
    return ""


def _events(asset: Asset, limit: int) -> list[HistoryEntry]:
    rows = asset.events.select_related("actor").order_by("-created_at", "-id")[:limit]
    return [
        HistoryEntry(
            at=e.created_at,
            kind=e.kind,
            title=e.get_kind_display(),
            detail=_describe(e.kind, e.data or {}),
            actor=e.actor.name if e.actor else "System",
        )
        for e in rows
    ]


def asset_history(asset: Asset, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The newest `limit` entries of every section, merged newest first."""
    entries = [e for s in sections() for e in s.read(asset, limit)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def register_own() -> None:
    """The sections this module knows (called from DevicesConfig.ready())."""
    history_section_register(HistorySection("asset", "Changes", _events))
    history_section_register(HistorySection("ticket", "Tickets", _tickets))
