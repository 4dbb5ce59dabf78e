"""The learned part of the screen: how much a text reads like a harm report, from 0 to 1.

A multinomial logistic regression trained on the labelled reports in the repository
(scripts/train_safety_model.py) to tell no harm, possible harm and a safety event apart, shipped
as a table of feature -> (multiplier, weight per class) in `model.json.gz`; reading it needs
nothing but the standard library. A feature's multiplier is its idf times how unevenly it falls
between harm and plain reports in training, so a telling word keeps its weight in a long text.
The score is the model's probability that the text reports harm or a hazard (either harm class),
given its words and what the word lists found in it (`features.findings`). Learning the faint,
possible reports as a class of their own keeps them from being averaged away between plain
traffic and clear events.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from caredesk.safety.features import features, marked

PATH = Path(__file__).with_name("model.json.gz")


@dataclass(frozen=True)
class Model:
    """A linear model over weighted features (sublinear term frequency times each feature's
    multiplier, L2-normalised) with one weight per class; the first class is "no harm"."""

    intercepts: tuple[float, ...]
    table: dict[str, tuple[float, tuple[float, ...]]]  # feature -> (multiplier, weights)

    def probability(self, text: str, lang: str | None = None, listed: Sequence[str] = ()) -> float:
        """The probability that `text` reports harm; `listed` is the word lists' finding on it
        (`features.findings`)."""
        totals = [0.0] * len(self.intercepts)
        norm = 0.0
        get = self.table.get
        for feature, count in Counter(features(marked(text, lang), listed)).items():
            entry = get(feature)
            if entry is None:
                continue  # a feature never seen in training weighs 0
            multiplier, weights = entry
            value = multiplier if count == 1 else (1.0 + math.log(count)) * multiplier
            norm += value * value
            for i, weight in enumerate(weights):
                totals[i] += value * weight
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        logits = [b + t * scale for b, t in zip(self.intercepts, totals, strict=True)]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        return 1.0 - exps[0] / sum(exps)


def from_json(data: dict[str, object]) -> Model:
    table, intercepts = data["features"], data["intercepts"]
    assert isinstance(table, dict) and isinstance(intercepts, list)
    weights = {
        feature: (float(row[0]), tuple(float(w) for w in row[1:])) for feature, row in table.items()
    }
    return Model(tuple(float(b) for b in intercepts), weights)


@cache
def shipped() -> Model:
    """The model that ships with the screen (read once per process)."""
    with gzip.open(PATH, "rt", encoding="utf-8") as stored:
        return from_json(json.load(stored))


def score(text: str, lang: str | None = None, listed: Sequence[str] = ()) -> float:
    """The shipped model's probability that `text` reports harm or a hazard."""
    return shipped().probability(text, lang, listed)


__all__ = ["PATH", "Model", "from_json", "score", "shipped"]
