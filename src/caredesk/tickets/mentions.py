"""Finding @mentions in a note (pure): `@` then a person's name, as the note box's list writes it.

Names hold spaces ("@Dana Reyes"), so a mention is the longest known name that follows an `@`
standing at the start of the text or after a space or punctuation (so `ops@example.com` is no
mention), and that ends at a word boundary. An `@` followed by no known name is plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def _folded(text: str) -> str:
    return text.casefold()


def mentions_find(text: str, names: Mapping[int, str]) -> list[int]:
    """The ids of the people (`names`: id -> name) mentioned in `text`, in order, once each."""
    by_name: dict[str, int] = {}
    for pk, name in names.items():
        folded = _folded(name.strip())
        if folded:
            by_name.setdefault(folded, pk)
    longest_first = sorted(by_name, key=len, reverse=True)
    folded_text = _folded(text)
    found: list[int] = []
    start = folded_text.find("@")
    while start != -1:
        if start == 0 or not (folded_text[start - 1].isalnum() or folded_text[start - 1] in "._-"):
            hit = _name_at(folded_text, start + 1, longest_first, by_name)
            if hit is not None and hit not in found:
                found.append(hit)
        start = folded_text.find("@", start + 1)
    return found


def _name_at(text: str, at: int, names: Iterable[str], by_name: Mapping[str, int]) -> int | None:
    for name in names:
        end = at + len(name)
        if text.startswith(name, at) and (end == len(text) or not text[end].isalnum()):
            return by_name[name]
    return None


def mention_query(text: str, caret: int) -> str | None:
    """What is typed after the `@` before the caret, for the note box's list (None: no `@`)."""
    before = text[:caret]
    at = before.rfind("@")
    if at == -1 or (at > 0 and (before[at - 1].isalnum() or before[at - 1] in "._-")):
        return None
    typed = before[at + 1 :]
    return typed if len(typed) <= 60 and "\n" not in typed else None
