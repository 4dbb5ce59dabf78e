"""Text every database can store (no Django here).

PostgreSQL refuses the NUL character in text and JSON columns, and no database takes an
unpaired surrogate (U+D800 to U+DFFF: half of a character, which UTF-8 cannot encode). JSON
(`"\\u0000"`, `"\\ud800"`), YAML escapes, mail headers and form fields can all carry them, so
every edge decides: text that arrived as noise (a mail, a header, a page address a widget
filled in) is cleaned with `clean`; text a person or a client typed (form and API fields) is
refused with `problem` as its field message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NUL_MESSAGE = "Remove the NUL (\\x00) characters."
SURROGATE_MESSAGE = "Remove the unpaired surrogates (\\ud800-\\udfff): they are not characters."

_NUL = "\x00"
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Path = tuple[str | int, ...]


def problem(value: str) -> str | None:
    """Why `value` cannot be stored as it is (a field message), or None when it can."""
    if _NUL in value:
        return NUL_MESSAGE
    if _SURROGATES.search(value):
        return SURROGATE_MESSAGE
    return None


def clean(value: str) -> str:
    """`value` without NUL characters, each unpaired surrogate replaced by U+FFFD (the
    replacement character), as a decoder does with bytes it cannot read."""
    if not _UNSTORABLE.search(value):
        return value  # the usual case, without building a new string
    return _SURROGATES.sub("\ufffd", value.replace(_NUL, ""))


def _walk(data: object, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(data, str):
        why = problem(data)
        if why:
            yield path, why
    elif isinstance(data, dict):
        for key, value in data.items():
            why = problem(key) if isinstance(key, str) else None
            if why:  # a bad name: reported at the object that holds it
                yield path, why
            yield from _walk(value, (*path, key if isinstance(key, str | int) else str(key)))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _walk(value, (*path, index))


def find_problem(data: object) -> tuple[Path, str] | None:
    """The first string or key in JSON-like data (dicts, lists, strings, numbers) that cannot
    be stored: where it is (keys and list positions from the top) and why; None when all can."""
    return next(_walk(data, ()), None)
