"""Feedback arithmetic: the scores, quarters and the reproducible NPS sample (no Django)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime

CSAT_SCORES = (1, 2, 3, 4, 5)
CSAT_LABELS = {1: "Very poor", 2: "Poor", 3: "Neither good nor poor", 4: "Good", 5: "Very good"}
NPS_SCORES = tuple(range(11))
SATISFIED_FROM = 4  # CSAT: the share of answers of 4 or 5
PROMOTER_FROM, DETRACTOR_TO = 9, 6


def valid_score(kind: str, score: int) -> bool:
    return score in (CSAT_SCORES if kind == "csat" else NPS_SCORES)


def satisfied(score: int) -> bool:
    return score >= SATISFIED_FROM


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal; None when nothing was counted."""
    return round(100.0 * part / whole, 1) if whole else None


def csat(scores: Sequence[int]) -> float | None:
    """CSAT: satisfied answers (4-5) over all answers, in percent."""
    return percent(sum(1 for s in scores if satisfied(s)), len(scores))


def nps(promoters: int, passives: int, detractors: int) -> float | None:
    """NPS: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    answered = promoters + passives + detractors
    if not answered:
        return None
    return round(100.0 * (promoters - detractors) / answered, 1)


def nps_of(scores: Sequence[int]) -> float | None:
    promoters = sum(1 for s in scores if s >= PROMOTER_FROM)
    detractors = sum(1 for s in scores if s <= DETRACTOR_TO)
    return nps(promoters, len(scores) - promoters - detractors, detractors)


def quarter_of(moment: datetime) -> str:
    """'2026-Q4' for an instant (in UTC)."""
    moment = moment.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> datetime:
    year, q = quarter.split("-Q")
    return datetime(int(year), 3 * (int(q) - 1) + 1, 1, tzinfo=UTC)


def nps_sample(
    candidates: Sequence[int], recent: Sequence[int], size: int, *, seed: str
) -> list[int]:
    """`size` contact ids drawn from `candidates`, reproducibly for a seed (organization and
    quarter): those not surveyed in the last year (`recent`) first, and only when too few are
    left, the recently surveyed too. The result is sorted."""
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))  # noqa: S311 - a sample, not a secret
    seen = set(recent)
    fresh = sorted(c for c in set(candidates) if c not in seen)
    again = sorted(c for c in set(candidates) if c in seen)
    chosen = rng.sample(fresh, min(size, len(fresh)))
    if len(chosen) < size and again:
        chosen += rng.sample(again, min(size - len(chosen), len(again)))
    return sorted(chosen)
