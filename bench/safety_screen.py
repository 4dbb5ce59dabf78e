"""Safety screen benchmark: own rules against the keyword rule they replace and the libraries
made for this (a lemmatiser, a stemmer, language identifiers, medspacy's ConText).

Accuracy is measured on the whole labelled set (tests/safety/data/reports.jsonl, 555 reports)
and per fold (5 folds: a report's number modulo 5), per language; the figures that tell how the
screen generalises are the out-of-fold ones logged in docs/benchmarks.md. The cost per message is
timed over the whole set (p50/p95/max, the smallest of five runs of each report) and on long
mails: per language, 5 KB and 20 KB of new text made of the language's reports (every sentence a
candidate: the worst case) and of its `none` reports (ordinary support text).

    .venv/bin/python bench/safety_screen.py            # own rules, keyword rule, what is installed
    /path/to/other/venv/bin/python bench/safety_screen.py   # a venv with the libraries added

Libraries that are not installed are reported as such; nothing is downloaded.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from caredesk.safety import screen  # noqa: E402
from caredesk.safety.text import detect_language, fold  # noqa: E402

DATA = ROOT / "tests" / "safety" / "data" / "reports.jsonl"
LANGS = ("en", "es", "fr", "de")

# The keyword rule the screen replaces (rules/protocols/device-escalation.yaml before it).
OLD_KEYWORDS = [
    "injury", "burn", "shock", "fall", "malfunction during treatment", "injured", "injuries",
    "hurt", "bleeding", "wound", "burned", "burnt", "burning", "scorched", "overheated",
    "too hot", "shocked", "electric shock", "electrocuted", "zap", "zapped", "fell", "fallen",
    "tipped over", "stopped during treatment", "failed during treatment",
    "malfunctioned during therapy", "stopped mid-session",
]  # fmt: skip
OLD_RULE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in OLD_KEYWORDS) + r")\b")

# Harm lemmas per language for the lemmatiser and stemmer variants (no context handling).
HARM_WORDS = {
    "en": "injure injury hurt burn blister shock electrocute fall fell overdose faint unconscious "
    "collapse seizure hospital ambulance die death fire smoke spark overheat hot allergic rash "
    "swell choke breathe alarm",
    "es": "herir herida lesión quemar quemadura ampolla descarga caer caída sobredosis desmayar "
    "inconsciente convulsión urgencias ambulancia hospital morir fallecer muerte fuego humo "
    "chispa caliente alergia alérgico hinchar ahogar respirar alarma",
    "fr": "blesser blessure brûler brûlure cloque décharge électriser tomber chute surdosage "
    "évanouir inconscient convulsion urgence ambulance hôpital mourir décéder décès feu fumée "
    "étincelle chaud allergique gonfler étouffer respirer alarme",
    "de": "verletzen verletzung verbrennen verbrennung blase stromschlag stürzen sturz "
    "überdosis ohnmächtig bewusstlos krampfanfall notaufnahme krankenhaus sterben tod feuer "
    "rauch funke heiß allergisch schwellen ersticken atmen alarm",
}


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def figures(rows: list[dict[str, object]], flag: Callable[[dict[str, object]], bool]) -> dict:
    out: dict[str, object] = {}
    for lang in (*LANGS, "all"):
        part = [r for r in rows if lang == "all" or r["lang"] == lang]
        safety = [r for r in part if r["label"] != "none"]
        none = [r for r in part if r["label"] == "none"]
        if not safety or not none:
            continue
        out[lang] = {
            "recall": sum(flag(r) for r in safety) / len(safety),
            "false_alarms": sum(flag(r) for r in none) / len(none),
        }
    return out


def timing(texts: list[str], fn: Callable[[str], object]) -> dict[str, float]:
    ms = []
    for text in texts:
        start = time.perf_counter()
        fn(text)
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    return {
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[int(len(ms) * 0.95) - 1],
        "max_ms": ms[-1],
    }


def best_of(text: str, fn: Callable[[str], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def cost(rows: list[dict[str, object]]) -> dict[str, object]:
    """p50/p95/max over the reports (best of five runs each) and long mails per language."""
    ms = sorted(best_of(str(r["text"]), screen) for r in rows)
    out: dict[str, object] = {
        "reports": {
            "p50_ms": statistics.median(ms),
            "p95_ms": ms[int(len(ms) * 0.95) - 1],
            "max_ms": ms[-1],
        }
    }
    for lang in LANGS:
        dense = " ".join(str(r["text"]).replace("\n", " ") for r in rows if r["lang"] == lang)
        plain = " ".join(
            str(r["text"]).replace("\n", " ")
            for r in rows
            if r["lang"] == lang and r["label"] == "none"
        )
        out[f"{lang} mails"] = {
            f"{kind} {size // 1000} KB ms": best_of((body * 8)[:size], screen, 3)
            for kind, body in (("dense", dense), ("plain", plain))
            for size in (5000, 20000)
        }
    return out


def folds(rows: list[dict[str, object]]) -> dict[str, object]:
    """Recall and false alarms per fold (report number modulo 5) and language."""
    out: dict[str, object] = {}
    for number in range(5):
        part = [r for r in rows if int(str(r["id"]).split("-")[1]) % 5 == number]
        out[f"fold {number}"] = figures(part, lambda r: screen(str(r["text"])).flagged)
    return out


def optional(name: str) -> object | None:
    try:
        return __import__(name)
    except ImportError:
        return None


def lemma_flagger(kind: str) -> Callable[[dict[str, object]], bool] | None:
    """Keyword matching on lemmas (simplemma) or stems (snowballstemmer), no context."""
    if kind == "simplemma":
        lib = optional("simplemma")
        if lib is None:
            return None

        def norm(word: str, lang: str) -> str:
            return str(lib.lemmatize(word, lang=lang)).lower()  # type: ignore[attr-defined]

    else:
        lib = optional("snowballstemmer")
        if lib is None:
            return None
        names = {"en": "english", "es": "spanish", "fr": "french", "de": "german"}
        stemmers = {lang: lib.stemmer(names[lang]) for lang in LANGS}  # type: ignore[attr-defined]

        def norm(word: str, lang: str) -> str:
            return str(stemmers[lang].stemWord(word.lower()))

    harm = {lang: {norm(w, lang) for w in words.split()} for lang, words in HARM_WORDS.items()}

    def flag(row: dict[str, object]) -> bool:
        lang = str(row["lang"])
        words = re.findall(r"\w+", str(row["text"]))
        return any(norm(w, lang) in harm[lang] for w in words)

    return flag


def language_ids(rows: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    texts = [str(r["text"]) for r in rows]
    out = {}

    def own(text: str) -> str:
        return detect_language(text)

    candidates: dict[str, Callable[[str], str]] = {"own stopwords": own}
    if optional("py3langid") is not None:
        import py3langid.langid as p3  # type: ignore[import-not-found]

        p3.set_languages(list(LANGS))
        candidates["py3langid"] = lambda t: p3.classify(t)[0]
    langid = optional("langid")
    if langid is not None:
        langid.set_languages(list(LANGS))  # type: ignore[attr-defined]
        candidates["langid"] = lambda t: langid.classify(t)[0]  # type: ignore[attr-defined]
    for name, fn in candidates.items():
        right = sum(fn(str(r["text"])) == r["lang"] for r in rows)
        out[name] = {"accuracy": right / len(rows), **timing(texts, fn)}
    return out


def context_flagger() -> Callable[[dict[str, object]], bool] | None:
    """English only: our concept patterns as targets, medspacy's ConText for the context."""
    medspacy = optional("medspacy")
    if medspacy is None:
        return None
    from medspacy.ner import TargetRule  # type: ignore[import-not-found]

    loguru = optional("loguru")
    if loguru is not None:  # PyRuSH logs every token at DEBUG level
        loguru.logger.remove()  # type: ignore[attr-defined]

    from caredesk.safety.lexicon import CONCEPTS

    nlp = medspacy.load(  # type: ignore[attr-defined]
        medspacy_enable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"]
    )
    matcher = nlp.get_pipe("medspacy_target_matcher")
    rules = [
        TargetRule(literal=f"{c.kind}{i}", category=c.kind, pattern=c.pattern.pattern)
        for i, c in enumerate(CONCEPTS["en"])
    ]
    matcher.add(rules)

    def flag(row: dict[str, object]) -> bool:
        if row["lang"] != "en":
            return False
        doc = nlp(fold(str(row["text"])))
        return any(
            not (e._.is_negated or e._.is_hypothetical or e._.is_historical or e._.is_family)
            for e in doc.ents
        )

    return flag


def main() -> None:
    rows = load()
    tune = [r for r in rows if r["split"] == "tune"]
    texts = [str(r["text"]) for r in rows]
    result: dict[str, object] = {
        "machine": {"uname": " ".join(platform.uname()), "python": platform.python_version()},
        "reports": {"all": len(rows), "tune": len(tune), "timed": len(texts)},
        "own rules": {
            **figures(rows, lambda r: screen(str(r["text"])).flagged),
            **timing(texts, screen),
        },
        "own rules per fold": folds(rows),
        "own rules cost": cost(rows),
        "keyword rule (before)": {
            **figures(tune, lambda r: bool(OLD_RULE.search(str(r["text"]).lower()))),
            **timing(texts, lambda t: OLD_RULE.search(t.lower())),
        },
        "language identification": language_ids(tune),
    }
    events = [r for r in rows if r["label"] == "safety_event"]
    result["own rules"]["events classed event"] = sum(  # type: ignore[index]
        screen(str(r["text"])).outcome == "event" for r in events
    ) / len(events)
    for name in ("simplemma", "snowballstemmer"):
        flag = lemma_flagger(name)
        if flag is None:
            result[f"{name} keywords"] = "not installed"
            continue
        result[f"{name} keywords"] = {
            **figures(tune, flag),
            **timing(texts, lambda t, f=flag: f({"text": t, "lang": "en"})),  # type: ignore[misc]
        }
    flag = context_flagger()
    if flag is None:
        result["medspacy ConText (en)"] = "not installed"
    else:
        en = [r for r in tune if r["lang"] == "en"]
        result["medspacy ConText (en)"] = {
            **figures(en, flag)["en"],  # type: ignore[dict-item]
            **timing(
                [str(r["text"]) for r in rows if r["lang"] == "en"],
                lambda t: flag({"text": t, "lang": "en"}),
            ),  # fmt: skip
        }
    print(json.dumps(result, indent=2, default=lambda x: round(x, 3)))


if __name__ == "__main__":
    main()
