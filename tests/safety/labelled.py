"""Load the labelled reports (one split, or all of them) and measure the screen on them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from caredesk.safety import screen

DATA = Path(__file__).parent / "data" / "reports.jsonl"
HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"  # measured once; training data since
HELDOUT3 = Path(__file__).parent / "data" / "heldout3.jsonl"  # measured once; training data since
HELDOUT4 = Path(__file__).parent / "data" / "heldout4.jsonl"  # measured once; training data since
HELDOUT5 = Path(__file__).parent / "data" / "heldout5.jsonl"  # measured once; training data since
HELDOUT6 = Path(__file__).parent / "data" / "heldout6.jsonl"  # measured once; training data since
HELDOUT7 = Path(__file__).parent / "data" / "heldout7.jsonl"  # measured once; training data since
HELDOUT8 = Path(__file__).parent / "data" / "heldout8.jsonl"  # measured once; training data since
HELDOUT9 = Path(__file__).parent / "data" / "heldout9.jsonl"  # measured once; training data since
HELDOUT10 = Path(__file__).parent / "data" / "heldout10.jsonl"  # measured once; training data since
HELDOUT27 = Path(__file__).parent / "data" / "heldout27.jsonl"  # measured only, never trained on
LANGS = ("en", "es", "fr", "de")


def load(split: str | None = None, path: Path = DATA) -> list[dict[str, object]]:
    """Return the reports of `split` only (the other split's rows are never kept), or all."""
    rows = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if split is None or row["split"] == split:
                rows.append(row)
    return rows


@dataclass
class Figures:
    safety: dict[str, int] = field(default_factory=dict)
    caught: dict[str, int] = field(default_factory=dict)
    negatives: dict[str, int] = field(default_factory=dict)
    false_alarms: dict[str, int] = field(default_factory=dict)
    events: int = 0
    events_as_event: int = 0
    misses: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def recall(self, lang: str | None = None) -> float:
        total = sum(self.safety.values()) if lang is None else self.safety.get(lang, 0)
        hit = sum(self.caught.values()) if lang is None else self.caught.get(lang, 0)
        return hit / total if total else 1.0

    def false_alarm_rate(self, lang: str | None = None) -> float:
        total = sum(self.negatives.values()) if lang is None else self.negatives.get(lang, 0)
        bad = sum(self.false_alarms.values()) if lang is None else self.false_alarms.get(lang, 0)
        return bad / total if total else 0.0


def measure(split: str | None = None, path: Path = DATA) -> Figures:
    """Screen every report of `split` (all when None); misses keep only language and kinds."""
    figures = Figures()
    for row in load(split, path):
        lang, label = str(row["lang"]), str(row["label"])
        finding = screen(str(row["text"]))
        if label == "none":
            figures.negatives[lang] = figures.negatives.get(lang, 0) + 1
            if finding.flagged:
                figures.false_alarms[lang] = figures.false_alarms.get(lang, 0) + 1
            continue
        figures.safety[lang] = figures.safety.get(lang, 0) + 1
        if finding.flagged:
            figures.caught[lang] = figures.caught.get(lang, 0) + 1
        else:
            figures.misses.append((lang, tuple(row["kinds"])))  # type: ignore[arg-type]
        if label == "safety_event":
            figures.events += 1
            figures.events_as_event += finding.outcome == "event"
    return figures
