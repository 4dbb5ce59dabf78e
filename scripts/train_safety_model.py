"""Train the safety screen's learned part from the labelled reports in the repository.

    .venv/bin/python scripts/train_safety_model.py          # writes safety/model.json.gz
    .venv/bin/python scripts/train_safety_model.py --check  # fails when the shipped model is stale

A multinomial logistic regression (scikit-learn) over tf-idf weighted features
(`caredesk.safety.features`) that tells three classes apart: no harm, possible harm and a safety
event. Before each text's features are L2-normalised, every feature is scaled by how unevenly it
falls between harm and plain reports in the training data (the square root of the absolute log
ratio of its smoothed shares, as in naive-Bayes-weighted linear models): a word that tells the
two apart weighs more against the rest of a long text, and the regularisation spends less on it.
What ships is a plain table of feature -> (idf times that scale, weight per class), read without
scikit-learn at run time; the screen's score is the probability of either harm class.
Only the files in TRAINING are read; a held-out set is never among them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DATA = ROOT / "tests" / "safety" / "data"
TRAINING = (
    "reports.jsonl",
    "develop.jsonl",
    "heldout.jsonl",  # measured once (second pass), training data since
    "heldout3.jsonl",  # measured once (third pass), training data since
    "heldout4.jsonl",  # measured once (with the first model), training data since
    "heldout5.jsonl",  # measured once (with the second model), training data since
    "heldout6.jsonl",  # measured once (with the third model), training data since
    "heldout7.jsonl",  # measured once (with the fourth model), training data since
    "heldout8.jsonl",  # measured once (with the fifth model), training data since
    "heldout9.jsonl",  # measured once (with the sixth model), training data since
    "heldout10.jsonl",  # measured once (with the seventh model), training data since
    "heldout11.jsonl",  # measured once (with the eighth model), training data since
    "heldout12.jsonl",  # measured once (with the ninth model), training data since
    "heldout13.jsonl",  # measured once (with the tenth model), training data since
    "heldout14.jsonl",  # measured once (with the eleventh model), training data since
    "heldout15.jsonl",  # measured once (with the twelfth model), training data since
    "heldout16.jsonl",  # measured once (with the thirteenth model), training data since
    "heldout17.jsonl",  # measured once (with the fourteenth model), training data since
    "heldout18.jsonl",  # measured once (with the fifteenth model), training data since
    "heldout19.jsonl",  # measured once (with the sixteenth model), training data since
    "heldout20.jsonl",  # measured once (with the seventeenth model), training data since
    "heldout21.jsonl",  # measured once (with the eighteenth model), training data since
    "heldout22.jsonl",  # measured once (with the nineteenth model), training data since
    "heldout23.jsonl",  # measured once (with the twentieth model), training data since
    "heldout24.jsonl",  # measured once (with the twenty-first model), training data since
    "heldout25.jsonl",  # measured once (with the twenty-second model), training data since
    "heldout26.jsonl",  # measured once (with the twenty-third model), training data since
)
# Sets read when present: development sets in new voices and more everyday traffic
# ("develop2-a.jsonl", "develop3.jsonl", "everyday2.jsonl", ...). A held-out set is never named
# like these; when one has been measured, add it to TRAINING above.
TRAINING_GLOBS = ("develop[0-9]*.jsonl", "everyday[0-9]*.jsonl")
EVERYDAY = "everyday.jsonl"  # plain everyday traffic: what the desk mostly receives
# The hand-written sentences of the screen's own tests: (module, list, is it harm?)
SENTENCES = (
    ("tests.safety.test_screen", "EVENTS", True),
    ("tests.safety.test_screen", "POSSIBLE", True),
    ("tests.safety.test_screen", "NOT_HARM", False),
    ("tests.safety.test_screen_families", "FLAGGED", True),
    ("tests.safety.test_screen_families", "NONE", False),
    ("tests.safety.test_screen_families", "MORE_FLAGGED", True),
    ("tests.safety.test_screen_families", "MORE_NONE", False),
    ("tests.safety.test_screen_families", "HARM_THAT_IS_A_NEGATION", True),
    ("tests.safety.test_screen_third_pass", "EVENTS", True),
    ("tests.safety.test_screen_third_pass", "POSSIBLE", True),
    ("tests.safety.test_screen_third_pass", "NOT_HARM", False),
    ("tests.safety.test_screen_third_pass", "SOMEONE_ELSES_THINGS", False),
)
NEVER = ("heldout27",)  # the held-out set of record (files heldout27*, split "heldout27"): refused
MODEL = ROOT / "src" / "caredesk" / "safety" / "model.json.gz"
C = 16.0
MIN_DF = 2
EVIDENCE_POWER = 0.5  # the scale is |log ratio| ** this; 0 would be plain tf-idf


def training_files() -> list[Path]:
    modules = sorted({module for module, _, _ in SENTENCES})
    files = [DATA / name for name in (*TRAINING, EVERYDAY)]
    files += sorted({path for pattern in TRAINING_GLOBS for path in DATA.glob(pattern)})
    files += [ROOT / (module.replace(".", "/") + ".py") for module in modules]
    for path in files:
        if any(word in path.name for word in NEVER):
            raise SystemExit(f"{path.name} is held out: never train on it")
    return files


def digest(files: list[Path]) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def sentences(path: Path | None = None) -> list[dict[str, object]]:
    """The tests' hand-written sentences (of one test module when `path` names it)."""
    import importlib

    sys.path.insert(0, str(ROOT))
    out: list[dict[str, object]] = []
    for module, name, harm in SENTENCES:
        if path is not None and ROOT / (module.replace(".", "/") + ".py") != path:
            continue
        for item in getattr(importlib.import_module(module), name):
            label = "safety_event" if harm else "none"
            out.append({"lang": item[0], "text": item[1], "label": label, "source": module})
    return out


def rows(files: list[Path]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in files:
        if path.suffix != ".jsonl":
            out += sentences(path)
            continue
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if str(row.get("split", "")) in NEVER:
                    raise SystemExit(f"{path.name}: a held-out row in training data")
                out.append(row)
    return out


def documents(data: list[dict[str, object]]) -> list[tuple[str, tuple[str, ...]]]:
    """What the model reads of each report: its `marked` text and the word lists' finding, as
    the screen computes them (the word lists tell the language; the label's language marks)."""
    from caredesk.safety import listed
    from caredesk.safety.features import findings, marked

    out = []
    for row in data:
        text = str(row["text"])
        found = listed(text)
        out.append((marked(text, str(row["lang"])), findings(found.outcome, found.kinds)))
    return out


def analyzer(document: tuple[str, tuple[str, ...]]) -> list[str]:
    from caredesk.safety.features import features

    return features(*document)


CLASSES = ("none", "possible_safety", "safety_event")  # the order of each feature's weights


def evidence_scale(counts: Any, labels: list[str]) -> Any:
    """Per feature: |log(share among harm reports / share among plain ones)| ** EVIDENCE_POWER,
    from the documents each feature occurs in, smoothed by one."""
    import numpy as np

    harm = np.array([label != "none" for label in labels])
    present = (counts > 0).astype(np.float64)
    in_harm = 1.0 + np.asarray(present[harm].sum(axis=0)).ravel()
    in_plain = 1.0 + np.asarray(present[~harm].sum(axis=0)).ravel()
    ratio = np.log((in_harm / in_harm.sum()) / (in_plain / in_plain.sum()))
    return np.abs(ratio) ** EVIDENCE_POWER


def _scaled(counts: Any, scale: Any) -> Any:
    from sklearn.preprocessing import normalize

    return normalize(counts.multiply(scale).tocsr())


def fit(
    docs: list[tuple[str, tuple[str, ...]]], labels: list[str], c: float = C
) -> tuple[Any, Any, Any]:
    """The fitted vectorizer, per-feature scale and multinomial model (classes in the order of
    CLASSES)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=MIN_DF, norm=None)
    counts = vectorizer.fit_transform(docs)
    scale = evidence_scale(counts, labels)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(_scaled(counts, scale), [CLASSES.index(label) for label in labels])
    return vectorizer, scale, model


def harm_probability(
    fitted: tuple[Any, Any, Any], docs: list[tuple[str, tuple[str, ...]]]
) -> list[float]:
    """What the screen reads: the probability of either harm class, one per document."""
    vectorizer, scale, model = fitted
    none = model.predict_proba(_scaled(vectorizer.transform(docs), scale))[:, 0]
    return [1.0 - float(p) for p in none]


def train(data: list[dict[str, object]], c: float = C) -> dict[str, object]:
    """Fit the model on `data`; return what ships: the intercept per class and
    feature -> [multiplier (idf times the evidence scale), weight per class]."""
    vectorizer, scale, model = fit(documents(data), [str(row["label"]) for row in data], c)
    weights = model.coef_
    idf = vectorizer.idf_ * scale  # what the screen multiplies a feature's term frequency by
    table = {
        feature: [round(float(idf[i]), 6), *[round(float(w), 6) for w in weights[:, i]]]
        for feature, i in sorted(vectorizer.vocabulary_.items())
        if idf[i] > 0  # a feature as common in plain reports as in harm ones weighs nothing
    }
    intercepts = [round(float(b), 6) for b in model.intercept_]
    return {"classes": list(CLASSES), "intercepts": intercepts, "features": table}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the model is stale")
    args = parser.parse_args()
    files = training_files()
    sums = digest(files)
    if args.check:
        with gzip.open(MODEL, "rt", encoding="utf-8") as shipped:
            trained_on = json.load(shipped)["trained_on"]
        if trained_on != sums:
            print("the shipped safety model is stale: run scripts/train_safety_model.py")
            return 1
        return 0
    data = rows(files)
    model = {"format": 2, "trained_on": sums, "reports": len(data), **train(data)}
    with gzip.GzipFile(MODEL, "wb", mtime=0) as out:
        out.write(json.dumps(model, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    print(f"{MODEL.relative_to(ROOT)}: {len(model['features'])} features from {len(data)} reports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
