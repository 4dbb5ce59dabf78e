"""The learned part of the screen: shipped fresh, read exactly as scikit-learn computes it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from caredesk.safety import listed, model, screen

ROOT = Path(__file__).resolve().parents[2]


def _training():
    spec = importlib.util.spec_from_file_location(
        "train_safety_model", ROOT / "scripts" / "train_safety_model.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_safety_model", module)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_was_trained_on_the_labelled_data_as_it_is_now():
    training = _training()
    import gzip
    import json

    with gzip.open(model.PATH, "rt", encoding="utf-8") as shipped:
        trained_on = json.load(shipped)["trained_on"]
    assert trained_on == training.digest(training.training_files()), (
        "labelled data changed: run scripts/train_safety_model.py"
    )


def test_no_held_out_set_is_ever_trained_on():
    training = _training()
    names = [path.name for path in training.training_files()]
    assert not [name for name in names if "heldout4" in name]
    assert all(row.get("split") != "heldout4" for row in training.rows(training.training_files()))


def test_the_standard_library_reading_equals_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from caredesk.safety.features import features, marked

    training = _training()
    rows = training.rows(training.training_files())[::7]
    texts = [marked(str(r["text"]), str(r["lang"])) for r in rows]
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2)
    fitted = LogisticRegression(C=4.0, max_iter=5000, class_weight="balanced").fit(
        vectorizer.fit_transform(texts), [r["label"] != "none" for r in rows]
    )
    ours = model.from_json(training.train(rows, c=4.0))
    probe = [*rows[:40], {"text": "Unseen words only: zzqx plorf.", "lang": "en"}]
    expected = fitted.predict_proba(
        vectorizer.transform([marked(str(r["text"]), str(r["lang"])) for r in probe])
    )[:, 1]
    for row, want in zip(probe, expected, strict=True):
        assert ours.probability(str(row["text"]), str(row["lang"])) == pytest.approx(want, abs=1e-5)


@pytest.mark.parametrize(
    "text",
    [
        "After the update the pump gave her the full night dose at once and she was shaking.",
        "She went grey and stopped answering me halfway through the video visit.",
    ],
)
def test_the_model_flags_harm_the_word_lists_do_not_know(text):
    assert listed(text).outcome == "none"  # wording from no word list
    finding = screen(text)
    assert finding.outcome == "possible"  # a clinician reviews it within 15 minutes
    assert finding.score >= 0.4
    assert finding.reasons == (f"model: {finding.score:.2f}",)


def test_a_word_list_event_is_kept_only_when_the_model_agrees():
    text = "The charger caught fire on the bedside table last night."
    assert listed(text).outcome == "event"
    finding = screen(text)
    assert finding.outcome == "event"
    assert "smoke_fire" in finding.kinds
    assert "A07" in finding.codes


def test_reasons_never_copy_the_customers_words():
    text = "Oma Henrike fell from the hoist and cut her head open on the rail."
    finding = screen(text)
    assert finding.outcome == "event"
    for reason in finding.reasons:
        assert "Henrike" not in reason and "hoist" not in reason
