"""A cheap gate in front of the word lists: which sentences can match any concept at all.

Every concept pattern is parsed once, at import, and for each of its alternatives the literal
text that any match must contain is taken (e.g. "burn" for `\\bburn(?:s|ed)?\\b`). Those
literals are merged into one trie-shaped pattern per language, so a sentence is scanned once,
in C, and only a sentence holding one of them is searched by the concepts and their context.
The gate is exact by construction: a concept whose pattern yields no such literal is searched
on every sentence.
"""

from __future__ import annotations

import re
import re._parser as sre  # type: ignore[import-not-found]
from re._constants import (  # type: ignore[import-not-found]
    AT,
    BRANCH,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    SUBPATTERN,
)
from typing import Any

_MIN_LITERAL = 2
# Words in nearly every sentence of any of the four languages: poor literals for the gate.
_COMMON_WORDS = (
    "the a an at is was to in on of and for it he she his her my got get be "
    "el la de en un una y se lo le es "
    "le la les de du un une et il elle est a "
    "der die das ein eine und ist hat zu im"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals one of which every match of `pattern` contains, or None when unknown."""
    return _sequence(list(sre.parse(pattern)))[0]


_Found = tuple[frozenset[str] | None, frozenset[str] | None]


def _sequence(items: list[tuple[Any, Any]]) -> _Found:
    """(literals every match contains, literals every match starts with) of a sequence."""
    candidates: list[frozenset[str] | None] = []
    prefixes: frozenset[str] | None = None
    leading = True
    run = ""
    for op, av in items:
        if op is AT:
            continue
        if op is LITERAL:
            run += chr(av)
            continue
        contained, starts = _child(op, av)
        joined = frozenset(run + tail for tail in starts) if starts is not None else None
        candidates += [frozenset({run}) if run else None, contained, joined]
        if leading:
            prefixes = joined if joined is not None else (frozenset({run}) if run else None)
            leading = False
        run = ""
    candidates.append(frozenset({run}) if run else None)
    if leading:
        prefixes = frozenset({run}) if run else None
    return _best(candidates), prefixes


def _child(op: Any, av: Any) -> _Found:
    if op is SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is BRANCH:
        parts = [_sequence(list(branch)) for branch in av[1]]
        contained = [part[0] for part in parts]
        starts = [part[1] for part in parts]
        return (
            frozenset().union(*contained) if None not in contained else None,  # type: ignore[arg-type]
            frozenset().union(*starts) if None not in starts else None,  # type: ignore[arg-type]
        )
    if op in (MAX_REPEAT, MIN_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2]))[0], None
    return None, None


def _best(candidates: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The most selective candidate: the one whose weakest literal is strongest."""
    best: frozenset[str] | None = None
    for found in candidates:
        if found is None or min(map(len, found)) < _MIN_LITERAL:
            continue
        if best is None or _strength(found) > _strength(best):
            best = found
    return best


def _strength(found: frozenset[str]) -> int:
    """Length of the weakest literal; a common short word counts as one letter."""
    return min(1 if literal.strip() in _COMMON else len(literal.strip()) for literal in found)


def trie_pattern(literals: set[str]) -> str:
    """One alternation shaped as a trie, so each position tries a letter, not every word."""
    trie: dict[str, Any] = {}
    for word in literals:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node(trie)


def _node(node: dict[str, Any]) -> str:
    if "" in node:
        return ""  # a shorter literal already suffices: longer ones add nothing
    parts = [re.escape(char) + _node(child) for char, child in sorted(node.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


class Gate:
    """Which of a language's patterns can match a text: one scan for their literals."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        literals: list[frozenset[str] | None] = [required_literals(p.pattern) for p in patterns]
        self.size = len(patterns)
        self.always = frozenset(i for i, found in enumerate(literals) if found is None)
        every = {literal for found in literals if found for literal in found}
        self.owners: dict[str, set[int]] = {}
        for index, found in enumerate(literals):
            for literal in found or ():
                # the trie stops at the shortest literal that starts the same way
                shortest = next(
                    literal[:n] for n in range(1, len(literal) + 1) if literal[:n] in every
                )
                self.owners.setdefault(shortest, set()).add(index)
        self.scan = re.compile("(?=(" + trie_pattern(every) + "))")

    def candidates(self, text: str) -> list[int]:
        """Indices, in order, of the patterns whose literals occur in `text`."""
        found = set(self.always).union(*(self.owners[hit] for hit in set(self.scan.findall(text))))
        return sorted(found)
