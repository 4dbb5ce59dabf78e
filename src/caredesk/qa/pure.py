"""QA arithmetic: ISO weeks, the weekly draw, rubric scores and calibration spread (no Django)."""

from __future__ import annotations

import hashlib
import math
import random
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

SHARE_FLOOR = Decimal("0.05")  # the reference's minimum: 5 % of interactions every week
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(moment: datetime) -> str:
    """The ISO week `moment` falls in (UTC), as "2026-W49"."""
    year, week, _day = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """The instants [start, end) of an ISO week named "2026-W49" (UTC); ValueError if not one."""
    match = _WEEK.match(week)
    if not match:
        raise ValueError("Give an ISO week such as 2026-W49.")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise ValueError(f"{year} has no week {number}.") from exc
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return start, start + timedelta(days=7)


def previous_week(week: str) -> str:
    start, _end = week_bounds(week)
    return week_of(start - timedelta(days=1))


def sample_size(interactions: int, share: Decimal) -> int:
    """How many of an agent's interactions to review: ceil(share x n), at least one if any."""
    if interactions <= 0:
        return 0
    share = max(share, SHARE_FLOOR)
    return min(interactions, max(1, math.ceil(Decimal(interactions) * share)))


def seed_for(week: str, agent_id: int) -> int:
    """A seed that depends only on the week and the agent (reproducible draws)."""
    digest = hashlib.sha256(f"qa:{week}:{agent_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(
    *, week: str, agent_id: int, tickets: Iterable[int], must: Iterable[int], share: Decimal
) -> list[int]:
    """The tickets drawn: every one in `must`, then a seeded random fill up to the sample size."""
    pool = sorted(set(tickets))
    required = sorted(set(must) & set(pool))
    wanted = sample_size(len(pool), share)
    rest = [t for t in pool if t not in set(required)]
    extra = max(0, wanted - len(required))
    fill = random.Random(seed_for(week, agent_id)).sample(rest, min(extra, len(rest)))
    return sorted([*required, *fill])


def balance(items: int, reviewers: Sequence[int], load: dict[int, int], exclude: int) -> list[int]:
    """Give `items` to the least-loaded reviewers other than `exclude` (ties by id)."""
    load = dict(load)
    chosen: list[int] = []
    candidates = [r for r in reviewers if r != exclude]
    for _ in range(items):
        if not candidates:
            break
        pick = min(candidates, key=lambda r: (load.get(r, 0), r))
        load[pick] = load.get(pick, 0) + 1
        chosen.append(pick)
    return chosen


@dataclass(frozen=True)
class Rated:
    """One criterion as scored: its weight, flags and mark ("met", "partly", "missed", "na")."""

    weight: int
    mark: str
    auto_fail: bool = False
    script: bool = False


MARK_VALUE = {"met": Decimal(1), "partly": Decimal("0.5"), "missed": Decimal(0)}


@dataclass(frozen=True)
class Outcome:
    score: Decimal  # weighted %, 0-100, one decimal
    auto_failed: bool
    adherence: Decimal | None  # share of script criteria met, %, or None when none applied


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def outcome(rated: Sequence[Rated]) -> Outcome:
    """Weighted % of the applicable criteria; a missed auto-fail criterion scores 0."""
    applicable = [r for r in rated if r.mark in MARK_VALUE]
    auto_failed = any(r.auto_fail and r.mark == "missed" for r in applicable)
    whole = Decimal(sum(r.weight for r in applicable))
    earned = sum((MARK_VALUE[r.mark] * r.weight for r in applicable), Decimal(0))
    score = Decimal("0.0") if auto_failed or not whole else _pct(earned, whole)
    scripts = [r for r in applicable if r.script]
    adherence = (
        _pct(Decimal(sum(1 for r in scripts if r.mark == "met")), Decimal(len(scripts)))
        if scripts
        else None
    )
    return Outcome(score=score, auto_failed=auto_failed, adherence=adherence)


def weights_problem(weights: Sequence[int]) -> str:
    """Why a rubric's weights cannot be published ("" when they sum to 100)."""
    total = sum(weights)
    if not weights:
        return "A rubric needs at least one criterion."
    if total != 100:
        return f"The weights add up to {total}; they must add up to 100."
    return ""


@dataclass(frozen=True)
class Spread:
    low: Decimal
    high: Decimal
    stdev: Decimal  # population standard deviation: the scorers are the whole panel


def spread(values: Sequence[Decimal]) -> Spread | None:
    """Min, max and standard deviation of the scores given (None when there are none)."""
    if not values:
        return None
    dev = Decimal(str(statistics.pstdev([float(v) for v in values]))).quantize(Decimal("0.1"))
    return Spread(low=min(values), high=max(values), stdev=dev)


def bars(
    values: Sequence[Decimal | None], *, width: int = 120, height: int = 32
) -> list[dict[str, float]]:
    """Bars of a small chart (0-100 scale), one per value; None leaves a gap."""
    if not values:
        return []
    step = width / len(values)
    out = []
    for i, v in enumerate(values):
        h = 0.0 if v is None else float(v) / 100 * height
        out.append(
            {
                "x": round(i * step + 1, 1),
                "w": round(max(step - 2, 1), 1),
                "y": round(height - h, 1),
                "h": round(h, 1),
            }
        )
    return out
