"""Training arithmetic: which questions an attempt draws, its grade, the cool-down, expiry."""

from __future__ import annotations

import calendar
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


def draw(question_ids: Sequence[int], n: int, seed: int) -> list[int]:
    """The questions an attempt asks: `n` of the bank, the same for the same seed."""
    pool = sorted(question_ids)
    return random.Random(seed).sample(pool, min(n, len(pool)))  # noqa: S311 - not a secret


@dataclass(frozen=True)
class Key:
    """A question's correct answer: the indexes of its right choices."""

    question_id: int
    correct: frozenset[int]


def grade(keys: Sequence[Key], answers: Mapping[str, Sequence[int]]) -> int:
    """The score in per cent: a question counts when exactly its right choices are given."""
    if not keys:
        return 0
    right = sum(1 for k in keys if frozenset(answers.get(str(k.question_id), ())) == k.correct)
    return round(100 * right / len(keys))


def next_attempt_at(last_submitted: datetime | None, cooldown_hours: int) -> datetime | None:
    """When the next attempt may start (None: at once)."""
    if last_submitted is None:
        return None
    return last_submitted + timedelta(hours=cooldown_hours)


def expires(granted: datetime, months: int) -> datetime:
    """A certification granted at `granted` lapses `months` calendar months later."""
    month0 = granted.month - 1 + months
    year, month = granted.year + month0 // 12, month0 % 12 + 1
    day = min(granted.day, calendar.monthrange(year, month)[1])
    return granted.replace(year=year, month=month, day=day)


def exam_refusal(
    *,
    now: datetime,
    signed_off: int,
    required: int,
    attempts: int,
    limit: int,
    last_submitted: datetime | None,
    cooldown_hours: int,
    questions: int,
) -> str:
    """Why an agent may not start the exam now ('' if they may)."""
    if signed_off < required:
        return f"Shadow {required} live interactions first: {signed_off} signed off so far."
    if questions == 0:
        return "The exam has no questions yet."
    if limit and attempts >= limit:
        return f"All {limit} attempts are used; a lead can grant the certification."
    after = next_attempt_at(last_submitted, cooldown_hours)
    if after is not None and now < after:
        return f"The next attempt opens at {after:%Y-%m-%d %H:%M} UTC."
    return ""
