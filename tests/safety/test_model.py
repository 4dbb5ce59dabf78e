"""The learned part of the screen: shipped fresh, read exactly as scikit-learn computes it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from caredesk.safety import listed, model, screen
from caredesk.safety.features import SENSE, findings, marked
from caredesk.safety.screen import MODEL_THRESHOLD

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


def test_the_held_out_set_of_record_is_refused_until_it_is_measured(monkeypatch, tmp_path):
    training = _training()
    names = [path.name for path in training.training_files()]
    assert not [name for name in names if name.startswith("heldout27")]
    monkeypatch.setattr(training, "TRAINING", (*training.TRAINING, "heldout27.jsonl"))
    with pytest.raises(SystemExit, match="held out"):
        training.training_files()  # refused by its name, before anything is read
    smuggled = tmp_path / "develop23.jsonl"
    smuggled.write_text('{"lang": "en", "text": "x", "label": "none", "split": "heldout27"}\n')
    with pytest.raises(SystemExit, match="held-out row"):
        training.rows([smuggled])


def test_spent_held_out_sets_and_new_development_sets_are_trained_on(monkeypatch, tmp_path):
    training = _training()
    names = [path.name for path in training.training_files()]
    assert {
        "heldout.jsonl",
        "heldout3.jsonl",
        "heldout4.jsonl",
        "heldout5.jsonl",
        "heldout6.jsonl",
        "heldout7.jsonl",
        "heldout8.jsonl",
        "heldout9.jsonl",
        "heldout10.jsonl",
        "develop8.jsonl",
        "develop9.jsonl",
    } <= set(names)
    for name in ("develop3.jsonl", "everyday2.jsonl"):
        (tmp_path / name).write_text("")
    monkeypatch.setattr(training, "DATA", tmp_path)
    found = {path.name for path in training.training_files()}
    assert {"develop3.jsonl", "everyday2.jsonl"} <= found  # taken when present


def test_the_standard_library_reading_equals_scikit_learn():
    training = _training()
    rows = training.rows(training.training_files())[::7]
    fitted = training.fit(training.documents(rows), [str(r["label"]) for r in rows], 4.0)
    ours = model.from_json(training.train(rows, c=4.0))
    probe = [*rows[:40], {"text": "Unseen words only: zzqx plorf.", "lang": "en"}]
    # scikit-learn's probability of either harm class (possible or event)
    expected = training.harm_probability(fitted, training.documents(probe))
    for row, want in zip(probe, expected, strict=True):
        found = listed(str(row["text"]))
        lists = findings(found.outcome, found.kinds)
        got = ours.probability(str(row["text"]), str(row["lang"]), lists)
        assert got == pytest.approx(want, abs=1e-5)


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
    assert finding.score >= MODEL_THRESHOLD
    assert finding.reasons == (f"model: {finding.score:.2f}",)


def test_a_word_list_event_is_kept_only_when_the_model_agrees():
    text = "The charger caught fire on the bedside table last night."
    assert listed(text).outcome == "event"
    finding = screen(text)
    assert finding.outcome == "event"
    assert "smoke_fire" in finding.kinds
    assert "A07" in finding.codes


def test_the_model_weighs_what_the_word_lists_found():
    text = "The pump alarm kept going off all night."
    found = listed(text)
    with_lists = model.score(text, found.language, findings(found.outcome, found.kinds))
    assert with_lists != model.score(text, found.language, findings("event", ("burn",)))
    assert model.shipped().table.keys() >= {"l:none", "l:event", "l:possible", "l:k:burn"}


def test_reasons_never_copy_the_customers_words():
    text = "Oma Henrike fell from the hoist and cut her head open on the rail."
    finding = screen(text)
    assert finding.outcome == "event"
    for reason in finding.reasons:
        assert "Henrike" not in reason and "hoist" not in reason


@pytest.mark.parametrize(
    ("lang", "text", "kept"),
    [
        ("fr", "La tablette d'une autre patiente affichait ses résultats.", "d une autre patiente"),
        ("en", "The tablet showed someone else's results.", "someone else s results"),
        ("de", "Im Video ist der Patient gestorben.", "patient gestorben"),
    ],
)
def test_the_model_still_reads_another_patient_and_a_death_where_a_thing_is_blanked(
    lang, text, kept
):
    # "someone else's charger" and "the call died" are senses blanked before the model reads a
    # text; another patient's results and a patient's death must stay words it reads
    read = marked(text, lang)
    assert kept in read and SENSE not in read
