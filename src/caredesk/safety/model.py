"""The learned part of the screen: how much a text reads like a harm report, from 0 to 1.

A logistic regression trained on the labelled reports in the repository
(scripts/train_safety_model.py) and shipped as a table of feature -> (idf, weight) in
`model.json.gz`; reading it needs nothing but the standard library. The score is the model's
probability that the text reports harm or a hazard, given its words and what the word lists
found in it (`features.findings`).
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
    """A linear model over tf-idf features: sublinear term frequency, L2-normalised."""

    intercept: float
    table: dict[str, tuple[float, float]]  # feature -> (idf, weight)

    def probability(self, text: str, lang: str | None = None, listed: Sequence[str] = ()) -> float:
        """The probability that `text` reports harm; `listed` is the word lists' finding on it
        (`features.findings`)."""
        table = self.table
        total = 0.0
        norm = 0.0
        get = table.get
        for feature, count in Counter(features(marked(text, lang), listed)).items():
            entry = get(feature)
            if entry is None:
                continue  # a feature never seen in training weighs 0
            idf, weight = entry
            value = idf if count == 1 else (1.0 + math.log(count)) * idf
            norm += value * value
            total += value * weight
        if norm:
            total /= math.sqrt(norm)
        return 1.0 / (1.0 + math.exp(-(self.intercept + total)))


def from_json(data: dict[str, object]) -> Model:
    table = data["features"]
    assert isinstance(table, dict)
    weights = {feature: (float(idf), float(weight)) for feature, (idf, weight) in table.items()}
    return Model(float(str(data["intercept"])), weights)


@cache
def shipped() -> Model:
    """The model that ships with the screen (read once per process)."""
    with gzip.open(PATH, "rt", encoding="utf-8") as stored:
        return from_json(json.load(stored))


def score(text: str, lang: str | None = None, listed: Sequence[str] = ()) -> float:
    """The shipped model's probability that `text` reports harm or a hazard."""
    return shipped().probability(text, lang, listed)


__all__ = ["PATH", "Model", "from_json", "score", "shipped"]
