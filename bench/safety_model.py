"""How the learned part of the safety screen generalises: leave one labelled file out.

    .venv/bin/python bench/safety_model.py

Each training file (scripts/train_safety_model.py's TRAINING) was written by a different hand
in a different voice. For each file, the model is trained on all the others and scores the one
left out, so every report is scored by a model that never saw its writer. Prints recall and
false alarms per threshold for the model alone, and for the model and the word lists together
(the word lists' outcomes are out of sample only on files they were never tuned on).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

import train_safety_model as training  # noqa: E402

from caredesk.safety import listed  # noqa: E402
from caredesk.safety.screen import EVENT_THRESHOLD, MODEL_THRESHOLD  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)
RULES_OUT_OF_SAMPLE = (
    "heldout.jsonl",
    "heldout3.jsonl",
    "heldout4.jsonl",
    "develop2-a.jsonl",
    "develop2-b.jsonl",
)  # the word lists were never tuned on these
FALSE_ALARM_BAR = 0.05


def out_of_file_scores() -> list[tuple[str, dict[str, object], float]]:
    files = training.training_files()
    by_file = {path.name: training.rows([path]) for path in files}
    documents = {name: training.documents(rows) for name, rows in by_file.items()}
    scored = []
    for name, rows in by_file.items():
        train_rows = [r for other, rs in by_file.items() if other != name for r in rs]
        train_docs = [d for other, ds in documents.items() if other != name for d in ds]
        fitted = training.fit(train_docs, [str(r["label"]) for r in train_rows])
        probabilities = training.harm_probability(fitted, documents[name])
        scored += [(name, row, p) for row, p in zip(rows, probabilities, strict=True)]
    return scored


def threshold_for(outcome: str) -> float:
    """The screen's threshold for a text the word lists found `outcome` in."""
    return EVENT_THRESHOLD if outcome == "event" else MODEL_THRESHOLD


def figures(rows: list[tuple[bool, bool]]) -> str:
    positives = [flag for truth, flag in rows if truth]
    negatives = [flag for truth, flag in rows if not truth]
    recall = sum(positives) / len(positives) if positives else 1.0
    false = sum(negatives) / len(negatives) if negatives else 0.0
    return f"{recall:6.1%} {false:6.1%}"


def main() -> None:
    scored = out_of_file_scores()
    names = sorted({name for name, _, _ in scored})
    print(f"{'file':22s} {'threshold':>9s}  recall  false alarms")
    for name in [*names, "all"]:
        part = [s for s in scored if name in ("all", s[0])]
        for threshold in THRESHOLDS:
            rows = [(r["label"] != "none", p >= threshold) for _, r, p in part]
            print(f"{name:22s} {threshold:9.2f} {figures(rows)}")
    negatives = sorted(p for _, r, p in scored if r["label"] == "none")
    bar = math.nextafter(negatives[int(len(negatives) * (1 - FALSE_ALARM_BAR))], 1.0)
    at_bar = [(r["label"] != "none", p >= bar) for _, r, p in scored]
    print(
        f"\nall writers, model alone from {bar:.3f} (false alarms at most 5 %): {figures(at_bar)}"
    )
    shipped = [
        (r["label"] != "none", p >= threshold_for(listed(str(r["text"])).outcome))
        for _, r, p in scored
    ]
    rule = f"from {MODEL_THRESHOLD}, a list event from {EVENT_THRESHOLD}"
    print(f"all writers, the screen ({rule}): {figures(shipped)}")
    print("\nword lists with the model, on the files the word lists were never tuned on")
    part = [s for s in scored if s[0] in RULES_OUT_OF_SAMPLE]
    outcomes = [listed(str(r["text"])).outcome for _, r, _ in part]
    truth = [r["label"] != "none" for _, r, _ in part]
    alone = [outcome != "none" for outcome in outcomes]
    print(f"{'word lists alone':40s} {figures(list(zip(truth, alone, strict=True)))}")
    for threshold in (*THRESHOLDS, MODEL_THRESHOLD):
        for event in (0.4, 0.5, EVENT_THRESHOLD, MODEL_THRESHOLD):
            flags = [
                p >= (event if o == "event" else threshold)
                for (_, _, p), o in zip(part, outcomes, strict=True)
            ]
            label = f"model >= {threshold}, a list event from {event}"
            print(f"{label:40s} {figures(list(zip(truth, flags, strict=True)))}")
    print("\nthe earlier held-out sets (heldout*.jsonl), each scored by a model that never saw it")
    held = [s for s in scored if s[0].startswith("heldout")]
    held_outcomes = [listed(str(r["text"])).outcome for _, r, _ in held]
    held_truth = [r["label"] != "none" for _, r, _ in held]
    for threshold in GRID:
        for event in GRID:
            if event > threshold:
                continue
            flags = [
                p >= (event if o == "event" else threshold)
                for (_, _, p), o in zip(held, held_outcomes, strict=True)
            ]
            label = f"model >= {threshold}, a list event from {event}"
            print(f"{label:40s} {figures(list(zip(held_truth, flags, strict=True)))}")


if __name__ == "__main__":
    main()
