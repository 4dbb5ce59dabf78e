"""Facts other apps add to what rules see about a ticket (e.g. the devices app's
`asset.warranty`), without the rules importing them: they register a source in their
AppConfig.ready(); its names become conditions' fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from caredesk.core.registries import Registry
from caredesk.rules.conditions import declare_fact_names


@dataclass(frozen=True)
class FactSource:
    key: str
    names: frozenset[str]  # the field names it fills, e.g. "asset.warranty"
    read: Callable[[Any], Mapping[str, Any]]  # ticket -> values by name


_sources: Registry[FactSource] = Registry("facts other apps add for the rules")


def fact_source_register(source: FactSource) -> None:
    _sources.register(source.key, source)
    declare_fact_names(source.names)


def extra_facts(ticket: Any) -> dict[str, Any]:
    """Every registered source's facts about `ticket`."""
    out: dict[str, Any] = {}
    for source in _sources:
        values = source.read(ticket)
        out.update({k: v for k, v in values.items() if k in source.names})
    return out


def extra_fact_names() -> list[str]:
    return sorted(n for s in _sources for n in s.names)
