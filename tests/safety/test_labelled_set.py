"""The labelled safety reports keep the shape the safety screen is measured against.

No database: these tests read ``data/reports.jsonl`` only. The held-out part is checked for its
shape and stratification here, never for what any screen says about it.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "reports.jsonl"

LANGS = ("en", "es", "fr", "de")
LABELS = ("safety_event", "possible_safety", "none")
SPLITS = ("tune", "heldout")
KINDS = frozenset(
    {
        "injury",
        "burn",
        "shock",
        "fall",
        "wrong_dose",
        "allergic_reaction",
        "unconscious",
        "breathing",
        "seizure",
        "hospital",
        "death",
        "overheating",
        "smoke_fire",
        "unintended_motion",
        "unintended_energy",
        "failure_to_stop",
        "alarm_failure",
        "wrong_patient_data",
    }
)
FIELDS = {"id", "lang", "text", "label", "kinds", "split", "why"}


def _load() -> list[dict]:
    reports = []
    with DATA.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            assert line.strip(), f"line {number} is blank"
            try:
                reports.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
                pytest.fail(f"line {number} is not JSON: {exc}")
    return reports


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    return _load()


def test_every_line_is_one_report_with_exactly_the_documented_fields(reports):
    for report in reports:
        assert isinstance(report, dict)
        assert set(report) == FIELDS, report.get("id")
        assert isinstance(report["text"], str) and report["text"].strip(), report["id"]
        assert isinstance(report["why"], str) and report["why"].strip(), report["id"]
        assert isinstance(report["kinds"], list), report["id"]


def test_ids_are_unique_and_name_their_language(reports):
    ids = [r["id"] for r in reports]
    assert len(ids) == len(set(ids))
    for report in reports:
        match = re.fullmatch(r"(en|es|fr|de)-(\d{4})", report["id"])
        assert match, report["id"]
        assert match.group(1) == report["lang"], report["id"]


def test_only_allowed_values(reports):
    for report in reports:
        assert report["lang"] in LANGS, report["id"]
        assert report["label"] in LABELS, report["id"]
        assert report["split"] in SPLITS, report["id"]
        assert set(report["kinds"]) <= KINDS, (report["id"], report["kinds"])
        assert len(report["kinds"]) == len(set(report["kinds"])), report["id"]


def test_kinds_are_empty_exactly_for_reports_labelled_none(reports):
    for report in reports:
        assert (report["label"] == "none") == (report["kinds"] == []), report["id"]


def test_at_least_440_reports_and_no_text_twice(reports):
    assert len(reports) >= 440
    texts = Counter(" ".join(r["text"].split()).casefold() for r in reports)
    assert [t for t, n in texts.items() if n > 1] == []


def test_at_least_40_percent_are_safety_reports(reports):
    safety = sum(r["label"] != "none" for r in reports)
    assert safety / len(reports) >= 0.40
    # both safety outcomes are present, the event being the larger part
    labels = Counter(r["label"] for r in reports)
    assert labels["safety_event"] > labels["possible_safety"] > 0


def test_every_language_is_present_and_spanish_french_german_hold_15_percent_each(reports):
    langs = Counter(r["lang"] for r in reports)
    assert set(langs) == set(LANGS)
    for lang in ("es", "fr", "de"):
        assert langs[lang] / len(reports) >= 0.15, lang
    assert langs["en"] == max(langs.values())


def test_held_out_part_is_a_quarter_to_a_third_and_covers_every_language_and_label(reports):
    heldout = [r for r in reports if r["split"] == "heldout"]
    assert 0.25 <= len(heldout) / len(reports) <= 0.35
    pairs = {(r["lang"], r["label"]) for r in heldout}
    assert pairs == {(lang, label) for lang in LANGS for label in LABELS}
    tune_pairs = {(r["lang"], r["label"]) for r in reports if r["split"] == "tune"}
    assert tune_pairs == pairs
