"""Registries: how a lower layer calls code in a higher one without importing it.

The lower layer declares a registry and reads it; the higher app fills it in its
`AppConfig.ready()`. A wiring mistake fails loudly: registering the same key (or filling a slot)
twice raises at start-up, and reading a slot nothing filled raises with the registry's name and
what should have filled it, instead of quietly doing nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class RegistryError(ImproperlyConfigured):
    """A registry was filled twice, or read while something that must be there is missing."""


class Registry(Generic[T]):
    """Entries by key, in the order they were registered (which is the order of INSTALLED_APPS)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> None:
        if key in self._entries:
            raise RegistryError(f"{self.name}: {key!r} is registered twice")
        self._entries[key] = entry

    def get(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise RegistryError(f"{self.name}: nothing is registered as {key!r}") from None

    def find(self, key: str) -> T | None:
        return self._entries.get(key)

    def keys(self) -> list[str]:
        return list(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)


class Slot(Generic[T]):
    """Exactly one entry that the lower layer cannot work without (e.g. the SLA clock keeper)."""

    def __init__(self, name: str, *, filled_by: str) -> None:
        self.name = name
        self.filled_by = filled_by
        self._entry: T | None = None

    def fill(self, entry: T) -> None:
        if self._entry is not None:
            raise RegistryError(f"{self.name}: filled twice ({self._entry!r}, then {entry!r})")
        self._entry = entry

    def get(self) -> T:
        if self._entry is None:
            raise RegistryError(
                f"{self.name}: nothing registered; {self.filled_by} fills it in its ready()"
            )
        return self._entry

    @property
    def filled(self) -> bool:
        return self._entry is not None
