"""Arithmetic of the knowledge base: reading grades, firmware ranges, week starts.

Pure: no Django models. Syllables come from pyphen's hyphenation dictionaries (shipped with the
package, one per language), so nothing is downloaded to score a text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

import pyphen

# pyphen's dictionary per article language
DICTIONARIES = {"en": "en_US", "es": "es", "fr": "fr", "de": "de_DE"}
_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)|\n\s*\n")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_VERSION_PART = re.compile(r"\d+|[A-Za-z]+")


@lru_cache(maxsize=8)
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=DICTIONARIES.get(language, "en_US"))


def syllables(word: str, language: str = "en") -> int:
    """Syllables of one word: its hyphenation points plus one (at least one)."""
    hyphen = _hyphenator(language)
    return max(1, len(hyphen.positions(word.lower())) + 1)


def reading_grade(text: str, language: str = "en") -> float | None:
    """The Flesch-Kincaid grade level of `text` (US school grade; None for no words):
    0.39 x words per sentence + 11.8 x syllables per word - 15.59, never below 0."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    total = sum(syllables(w, language) for w in words)
    grade = 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59
    return round(max(0.0, grade), 1)


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A firmware version as a sortable key: numbers compare as numbers ("2.10" > "2.9")."""
    return tuple(
        (0, int(p)) if p.isdigit() else (1, p.lower()) for p in _VERSION_PART.findall(version)
    )


def firmware_in_range(firmware: str, low: str, high: str) -> bool:
    """Whether `firmware` lies in [low, high]; an empty bound is open."""
    key = version_key(firmware)
    if low and key < version_key(low):
        return False
    return not (high and key > version_key(high))


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())
