"""The independently written labelled sets keep their documented shapes.

No database: these tests read ``data/heldout.jsonl`` (second held-out set), ``data/develop.jsonl``
(development), ``data/heldout3.jsonl`` (third held-out set), ``data/heldout4.jsonl`` (fourth
held-out set), ``data/develop3.jsonl``, ``data/develop4.jsonl`` and ``data/everyday2.jsonl``
(development and training), ``data/heldout5.jsonl`` (fifth held-out set), ``data/heldout6.jsonl`` (sixth held-out set), ``data/develop5.jsonl`` (development and training), ``data/heldout7.jsonl`` (seventh held-out set), ``data/develop6.jsonl`` (development and training), ``data/heldout8.jsonl`` (eighth held-out set), ``data/develop7.jsonl`` (development and training), ``data/heldout9.jsonl`` (ninth held-out set), ``data/develop8.jsonl`` (development and training), ``data/heldout10.jsonl`` (tenth held-out set), ``data/develop9.jsonl`` (development and training), ``data/heldout11.jsonl`` (eleventh held-out set), ``data/develop10.jsonl`` (development and training), ``data/heldout12.jsonl`` (twelfth held-out set), ``data/develop11.jsonl`` (development and training), ``data/heldout13.jsonl`` (thirteenth held-out set), ``data/develop12.jsonl`` (development and training), ``data/heldout14.jsonl`` (fourteenth held-out set), ``data/develop13.jsonl`` (development and training), ``data/heldout15.jsonl`` (fifteenth held-out set), ``data/develop14.jsonl`` (development and training), ``data/heldout16.jsonl`` (sixteenth held-out set), ``data/develop15.jsonl`` (development and training), ``data/heldout17.jsonl`` (seventeenth held-out set), ``data/develop16.jsonl`` (development and training), ``data/heldout18.jsonl`` (eighteenth held-out set), ``data/develop17.jsonl`` (development and training), ``data/heldout19.jsonl`` (nineteenth held-out set), ``data/develop18.jsonl`` (development and training), ``data/heldout20.jsonl`` (twentieth held-out set), ``data/develop19.jsonl`` (development and training), ``data/heldout21.jsonl`` (twenty-first held-out set), ``data/develop20.jsonl`` (development and training), ``data/heldout22.jsonl`` (twenty-second held-out set), ``data/develop21.jsonl`` (development and training), ``data/heldout23.jsonl`` (twenty-third held-out set), ``data/develop22.jsonl`` (development and training), ``data/heldout24.jsonl`` (twenty-fourth held-out set), ``data/develop23.jsonl`` (development and training), ``data/heldout25.jsonl`` (twenty-fifth held-out set), ``data/heldout26.jsonl`` (twenty-sixth held-out set), ``data/heldout27.jsonl`` (the held-out set of record),
and the other ``data/*.jsonl`` sets only to make sure no text of a set repeats a text of another. They check each set's shape
and label mix, never what any screen says about it; a failure names report ids only, never texts.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.safety.test_labelled_set import FIELDS, KINDS, LABELS, LANGS

DATA = Path(__file__).parent / "data"
LONG_MAIL = range(600, 3001)


@dataclass(frozen=True)
class LabelledSet:
    file: str
    prefix: str  # ids are <prefix>-<lang>-NNNN
    split: str
    minimum: dict[str, int]  # reports per language
    kind_minimum: int  # times every kind appears over the set
    long_share_per_language: float

    @property
    def total_minimum(self) -> int:
        return sum(self.minimum.values())


SETS = [
    LabelledSet("heldout.jsonl", "h", "heldout", {"en": 90, "es": 50, "fr": 50, "de": 50}, 2, 0.0),
    LabelledSet("develop.jsonl", "d", "develop", {"en": 100, "es": 60, "fr": 60, "de": 60}, 3, 0.2),
    LabelledSet(
        "heldout3.jsonl", "t", "heldout", {"en": 100, "es": 60, "fr": 60, "de": 60}, 3, 0.2
    ),
    LabelledSet(
        "heldout4.jsonl", "h4", "heldout4", {"en": 100, "es": 100, "fr": 100, "de": 100}, 3, 0.2
    ),
]

# heldout4.jsonl was written to an exact mix: per language 45 events, 15 possible, 40 plain reports
HELDOUT4_MIX = {"safety_event": 45, "possible_safety": 15, "none": 40}


def _read(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            assert line.strip(), f"{path.name} line {number} is blank"
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
                pytest.fail(f"{path.name} line {number} is not JSON: {exc}")
    return rows


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.fixture(scope="module", params=SETS, ids=[s.file for s in SETS])
def labelled(request: pytest.FixtureRequest) -> tuple[LabelledSet, list[dict]]:
    return request.param, _read(DATA / request.param.file)


def _by_language(reports: list[dict]) -> dict[str, list[dict]]:
    return {lang: [r for r in reports if r["lang"] == lang] for lang in LANGS}


def _assert_fields(reports: list[dict], split: str) -> None:
    for report in reports:
        assert isinstance(report, dict)
        assert set(report) == FIELDS, report.get("id")
        assert isinstance(report["text"], str) and report["text"].strip(), report["id"]
        assert isinstance(report["why"], str) and report["why"].strip(), report["id"]
        assert isinstance(report["kinds"], list), report["id"]
        assert report["split"] == split, report["id"]
        assert report["lang"] in LANGS, report["id"]
        assert report["label"] in LABELS, report["id"]


def _assert_ids(reports: list[dict], prefix: str) -> None:
    ids = [r["id"] for r in reports]
    assert len(ids) == len(set(ids))
    for report in reports:
        match = re.fullmatch(rf"{prefix}-(en|es|fr|de)-(\d{{4}})", report["id"])
        assert match, report["id"]
        assert match.group(1) == report["lang"], report["id"]
    for lang, rows in _by_language(reports).items():
        numbers = sorted(int(r["id"].rsplit("-", 1)[1]) for r in rows)
        assert numbers == list(range(1, len(rows) + 1)), lang
        if len({r["label"] for r in rows}) > 1:
            # shuffled before numbering: the first ten of every language are not all one label
            first = sorted(rows, key=lambda r: r["id"])[:10]
            assert len({r["label"] for r in first}) > 1, lang


def _assert_kinds(reports: list[dict]) -> None:
    for report in reports:
        kinds = report["kinds"]
        assert set(kinds) <= KINDS, (report["id"], kinds)
        assert len(kinds) == len(set(kinds)), report["id"]
        assert (report["label"] == "none") == (kinds == []), report["id"]


# Two writers, each unaware of the other's set, wrote the same short plain French question (a
# `none` report of 76 characters); the held-out set was measured with it (docs/benchmarks.md).
COINCIDENCES = {"d11-fr-0004", "h13-fr-0038"}


def _assert_no_text_twice_nor_copied(reports: list[dict], file: str) -> None:
    texts = Counter(_normalised(r["text"]) for r in reports)
    assert sum(n > 1 for n in texts.values()) == 0
    others = sorted(path for path in DATA.glob("*.jsonl") if path.name != file)
    assert others, "the other labelled sets are missing"
    seen = {_normalised(row["text"]) for path in others for row in _read(path)}
    copied = [r["id"] for r in reports if _normalised(r["text"]) in seen]
    assert [found for found in copied if found not in COINCIDENCES] == []


def test_every_line_is_one_report_with_exactly_the_documented_fields(labelled):
    spec, reports = labelled
    _assert_fields(reports, spec.split)


def test_ids_are_unique_numbered_per_language_and_name_their_language(labelled):
    spec, reports = labelled
    _assert_ids(reports, spec.prefix)


def test_kinds_come_from_the_list_and_are_empty_exactly_for_none(labelled):
    _spec, reports = labelled
    _assert_kinds(reports)


def test_every_language_has_its_minimum_number_of_reports(labelled):
    spec, reports = labelled
    assert len(reports) >= spec.total_minimum
    langs = Counter(r["lang"] for r in reports)
    for lang, minimum in spec.minimum.items():
        assert langs[lang] >= minimum, (lang, langs[lang])


def test_at_least_40_percent_safety_reports_in_every_language(labelled):
    _spec, reports = labelled
    for lang, rows in _by_language(reports).items():
        labels = Counter(r["label"] for r in rows)
        assert (labels["safety_event"] + labels["possible_safety"]) / len(rows) >= 0.40, lang
        # both safety outcomes are present, the event being the larger part, and negatives too
        assert labels["safety_event"] > labels["possible_safety"] > 0, lang
        assert labels["none"] > 0, lang


def test_every_kind_appears_and_every_language_covers_twelve_kinds(labelled):
    spec, reports = labelled
    kinds = Counter(kind for r in reports for kind in r["kinds"])
    assert {kind: kinds[kind] for kind in KINDS if kinds[kind] < spec.kind_minimum} == {}
    for lang, rows in _by_language(reports).items():
        covered = {kind for r in rows for kind in r["kinds"]}
        assert len(covered) >= 12, (lang, sorted(covered))


def test_about_a_quarter_are_long_mails_and_none_is_longer_than_3000_characters(labelled):
    spec, reports = labelled
    long_mails = [r for r in reports if len(r["text"]) in LONG_MAIL]
    assert len(long_mails) / len(reports) >= 0.22
    assert [r["id"] for r in reports if len(r["text"]) > LONG_MAIL[-1]] == []
    # long mails are spread over the languages and carry both safety and plain reports
    for lang, rows in _by_language(reports).items():
        long_here = [r for r in rows if len(r["text"]) in LONG_MAIL]
        assert len(long_here) / len(rows) >= spec.long_share_per_language, lang
        assert {"safety_event", "none"} <= {r["label"] for r in long_here}, lang


def test_no_text_twice_and_none_copied_from_another_set(labelled):
    spec, reports = labelled
    _assert_no_text_twice_nor_copied(reports, spec.file)


def test_heldout4_has_exactly_its_documented_mix_per_language():
    reports = _read(DATA / "heldout4.jsonl")
    assert Counter(r["lang"] for r in reports) == {lang: 100 for lang in LANGS}
    for lang, rows in _by_language(reports).items():
        assert Counter(r["label"] for r in rows) == HELDOUT4_MIX, lang
        # every kind is named by at least two safety events in every language
        kinds = Counter(k for r in rows if r["label"] == "safety_event" for k in r["kinds"])
        assert {kind: kinds[kind] for kind in KINDS if kinds[kind] < 2} == {}, lang


@dataclass(frozen=True)
class ExactSet:
    """A set written to an exact mix of labels per language."""

    file: str
    prefix: str
    split: str
    mix: dict[str, int]  # reports per label in every language
    long_minimum: int  # long mails (600 to 3000 characters) in every language
    kind_minimum: int = 2  # safety events naming each kind, in every language
    mixes: dict[str, dict[str, int]] | None = None  # a language whose mix differs from `mix`


HELDOUT_MIX = {"safety_event": 51, "possible_safety": 17, "none": 44}

EXACT_SETS = [
    ExactSet(
        "develop3.jsonl",
        "d3",
        "develop3",
        {"safety_event": 50, "possible_safety": 20, "none": 50},
        8,
    ),
    ExactSet("everyday2.jsonl", "e2", "everyday2", {"none": 120}, 6),
    ExactSet(
        "heldout5.jsonl",
        "h5",
        "heldout5",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        11,
    ),
    ExactSet(
        "develop4.jsonl",
        "d4",
        "develop4",
        {"safety_event": 40, "possible_safety": 40, "none": 40},
        10,
    ),
    ExactSet(
        "develop5.jsonl",
        "d5",
        "develop5",
        {"safety_event": 45, "possible_safety": 25, "none": 50},
        10,
        kind_minimum=1,  # weighted to wrong doses and another patient's data
    ),
    ExactSet(
        "develop6.jsonl",
        "d6",
        "develop6",
        {"safety_event": 35, "possible_safety": 45, "none": 40},
        10,
        kind_minimum=1,  # weighted to possible reports
    ),
    ExactSet(
        "develop7.jsonl",
        "d7",
        "develop7",
        {"safety_event": 30, "possible_safety": 50, "none": 40},
        10,
        kind_minimum=1,  # weighted to possible reports
    ),
    ExactSet(
        "develop8.jsonl",
        "d8",
        "develop8",
        {"safety_event": 50, "possible_safety": 20, "none": 50},
        15,
    ),
    ExactSet(
        "develop9.jsonl",
        "d9",
        "develop9",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        0,  # short reports only: chat lines, phone notes, forms
        kind_minimum=1,  # weighted to another patient's data and monitors that stopped
    ),
    ExactSet(
        "develop10.jsonl",
        "d10",
        "develop10",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        0,  # short reports only
        kind_minimum=1,  # weighted to everyday injuries, falls, burns, doses and another's data
    ),
    ExactSet(
        "develop11.jsonl",
        "d11",
        "develop11",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        30,  # hazards buried in long mails; fainting and another's data in short reports
        kind_minimum=1,
    ),
    ExactSet(
        "develop12.jsonl",
        "d12",
        "develop12",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        10,  # short overheating in French and German, another's data, German doses, look-alikes
        kind_minimum=1,
    ),
    ExactSet(
        "develop13.jsonl",
        "d13",
        "develop13",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        0,  # short reports only: overheating and shocks told in a line, another's data
        kind_minimum=1,
    ),
    ExactSet(
        "develop14.jsonl",
        "d14",
        "develop14",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        0,  # short reports only: hospital stays told briefly, faint possible ones, German plain
        kind_minimum=1,
    ),
    ExactSet(
        "develop15.jsonl",
        "d15",
        "develop15",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        0,  # short reports only: devices that did not stop, deaths and stays told in a line
        kind_minimum=1,
        mixes={
            lang: {"safety_event": 36, "possible_safety": 12, "none": 32} for lang in ("en", "es")
        },
    ),
    ExactSet(
        "develop16.jsonl",
        "d16",
        "develop16",
        {"safety_event": 35, "possible_safety": 15, "none": 50},
        0,  # long mails in English and French only (20 each): harm in one sentence
        kind_minimum=1,
        mixes={
            lang: {"safety_event": 32, "possible_safety": 12, "none": 36} for lang in ("en", "fr")
        },
    ),
    # 80 short reports per language from develop17 on (what each is weighted to: the data README);
    # from develop20, weighted to plain look-alikes, some languages' events name 17 of the 18 kinds
    *(
        ExactSet(
            f"develop{n}.jsonl",
            f"d{n}",
            f"develop{n}",
            {"safety_event": 30, "possible_safety": 10, "none": 40},
            0,
            kind_minimum=1 if n < 20 else 0,
        )
        for n in range(17, 24)
    ),
    ExactSet(
        "heldout6.jsonl",
        "h6",
        "heldout6",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        12,
    ),
    ExactSet(
        "heldout7.jsonl",
        "h7",
        "heldout7",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        12,
    ),
    ExactSet(
        "heldout8.jsonl",
        "h8",
        "heldout8",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        12,
    ),
    ExactSet(
        "heldout9.jsonl",
        "h9",
        "heldout9",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        12,
    ),
    ExactSet(
        "heldout10.jsonl",
        "h10",
        "heldout10",
        {"safety_event": 45, "possible_safety": 15, "none": 40},
        12,
    ),
    ExactSet(
        "heldout11.jsonl",
        "h11",
        "heldout11",
        {"safety_event": 51, "possible_safety": 17, "none": 44},
        12,
        kind_minimum=1,
    ),
    # 400 short reports and 48 long mails from heldout12 on (two writers; five from heldout17)
    *(
        ExactSet(f"heldout{n}.jsonl", f"h{n}", f"heldout{n}", HELDOUT_MIX, 12)
        for n in range(12, 22)
    ),
    # one English kind is named by a single safety event
    ExactSet("heldout22.jsonl", "h22", "heldout22", HELDOUT_MIX, 12, kind_minimum=1),
    *(
        ExactSet(f"heldout{n}.jsonl", f"h{n}", f"heldout{n}", HELDOUT_MIX, 12)
        for n in (23, 24, 25, 26, 27)
    ),
]


@pytest.fixture(scope="module", params=EXACT_SETS, ids=[s.file for s in EXACT_SETS])
def exact(request: pytest.FixtureRequest) -> tuple[ExactSet, list[dict]]:
    return request.param, _read(DATA / request.param.file)


def test_exact_sets_have_the_documented_fields_ids_and_split(exact):
    spec, reports = exact
    _assert_fields(reports, spec.split)
    _assert_ids(reports, spec.prefix)


def test_exact_sets_have_their_mix_and_kinds_in_every_language(exact):
    spec, reports = exact
    _assert_kinds(reports)
    for lang, rows in _by_language(reports).items():
        mix = (spec.mixes or {}).get(lang, spec.mix)
        assert Counter(r["label"] for r in rows) == mix, lang
        if spec.mix.get("safety_event"):
            # every kind is named by enough safety events in every language
            kinds = Counter(k for r in rows if r["label"] == "safety_event" for k in r["kinds"])
            thin = {kind: kinds[kind] for kind in KINDS if kinds[kind] < spec.kind_minimum}
            assert thin == {}, lang


def test_exact_sets_have_long_mails_and_none_longer_than_3000_characters(exact):
    spec, reports = exact
    assert [r["id"] for r in reports if len(r["text"]) > LONG_MAIL[-1]] == []
    for lang, rows in _by_language(reports).items():
        long_here = [r for r in rows if len(r["text"]) in LONG_MAIL]
        assert len(long_here) >= spec.long_minimum, lang
        if not spec.long_minimum:
            continue
        # in a labelled mix, long mails carry both safety events and plain reports
        wanted = {"none"} if set(spec.mix) == {"none"} else {"safety_event", "none"}
        assert wanted <= {r["label"] for r in long_here}, lang


def test_exact_sets_repeat_no_text_of_their_own_or_of_another_set(exact):
    spec, reports = exact
    _assert_no_text_twice_nor_copied(reports, spec.file)
