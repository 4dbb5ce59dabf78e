"""The safety screen: does a customer's text report harm, or a device behaving in a way that harms?

Pure Python: no Django, no models, nothing downloaded. Two parts work together. Word lists
(`listed()`) say what the text is about: the kinds, their IMDRF codes, and whether a kind is
named as an event (page now) or only possibly. A learned model (`model`: a logistic regression
over character and word n-grams and the word lists' finding, trained on the labelled reports in
the repository, shipped as a table) scores how much the text reads like a harm report, and that
score alone decides whether the text is flagged: word lists written by hand missed one harm
report in five from writers they were not written against; the model learns from the labelled
reports when to trust them.

`listed()` folds the text, keeps the newest
part of a mail, tells its language and splits it into sentences. A gate (`trigger.Gate`, one scan
for the literal words every pattern needs) picks the few word-list patterns a sentence can match;
only a sentence with a match has its senses that are not harm blanked out and its context weighed.
Two layers of word lists (`lexicon`): phrases that name harm or a hazard outright ("event"), and
word families per language and kind (`families`: stems with their inflections, compounds, clitics
and slang) that make any other harm word at least "possible" (recall first). A match is dropped
when it is negated within its clause, follows a hypothetical or a question's cue, or stands in a
sentence that is historical or rules harm out; it is downgraded to "possible" when the writer
hedges. Reasons name kinds and levels only, never the customer's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caredesk.safety import context, model
from caredesk.safety.features import findings
from caredesk.safety.lexicon import CONCEPTS, EVENT, GATES, POSSIBLE, Concept
from caredesk.safety.text import LANGUAGES, fold, newest_part, sentences, tell_language

OUTCOMES = ("event", "possible", "none")

DEVICE_CODES: dict[str, str] = {
    "overheating": "A10",
    "smoke_fire": "A07",
    "shock": "A07",
    "unintended_motion": "A15",
    "unintended_energy": "A09",
    "failure_to_stop": "A09",
    "alarm_failure": "A16",
    "wrong_patient_data": "A11",
    "wrong_dose": "A14",
}
HEALTH_CODES: dict[str, str] = {"allergic_reaction": "E0402"}
HEALTH_KINDS = frozenset(
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
    }
)
_NEVER_HEDGED = frozenset({"death", "seizure"})
_NEGATION_WINDOW = 5  # words before a match that a negation cue may stand in
_LANGUAGE_SAMPLE = 2000  # characters enough to tell the language of a long mail
_HEALTH_UNCLASSIFIED = "E2401"
_NO_DEVICE_PROBLEM = "A24"


# The learned model decides whether a text is flagged; the word lists say what it is about.
# The model reads the word lists' finding as features, so it has learnt from the labelled
# reports how far to trust them. A text flags from 0.3, whether or not the word lists name an
# event in it: on the twenty-five earlier held-out files, each scored by a model that never saw
# its writer, that flags 99.7 % of the harm at 4.0 % false alarms (bench/safety_model.py, leave
# one writer out): of the thresholds whose false alarms there stay under 4.5 %, the pair that
# flags the most harm. The two stay apart so they can be set apart (a short report, "it caught
# fire an hour ago", has few words for the model).
MODEL_THRESHOLD = 0.3
EVENT_THRESHOLD = 0.3
# Fewer words than this ("Hi", "Hello?", "One more thing", "Il a chuté.") give the model nothing
# to read, and its score there is its prior, not evidence: the word lists alone decide them.
MIN_WORDS_FOR_MODEL = 4
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Finding:
    """What the screen found in one text; `reasons` name concepts, never the text itself."""

    outcome: str
    codes: tuple[str, ...]
    kinds: tuple[str, ...]
    language: str
    reasons: tuple[str, ...]
    score: float = 0.0

    @property
    def flagged(self) -> bool:
        return self.outcome != "none"


def screen(text: str, *, lang: str | None = None) -> Finding:
    """Screen one inbound text for a safety event or a possible one.

    The word lists run first; the model scores the text with their finding among its features.
    From `MODEL_THRESHOLD` the text is flagged (from `EVENT_THRESHOLD` when the word lists name
    an event in it): a safety event when they do, possible otherwise, with the word lists' kinds
    and IMDRF codes. A newest message under `MIN_WORDS_FOR_MODEL` words is the word lists' alone."""
    found = listed(text, lang=lang)
    if len(_WORDS.findall(newest_part(text))) < MIN_WORDS_FOR_MODEL:
        return found
    probability = model.score(text, found.language, findings(found.outcome, found.kinds))
    reason = f"model: {probability:.2f}"
    threshold = EVENT_THRESHOLD if found.outcome == EVENT else MODEL_THRESHOLD
    if probability < threshold:
        return Finding("none", (), (), found.language, (), probability)
    if found.outcome == "none":
        return Finding("possible", (), (), found.language, (reason,), probability)
    reasons = (*found.reasons, reason)
    return Finding(found.outcome, found.codes, found.kinds, found.language, reasons, probability)


def listed(text: str, *, lang: str | None = None) -> Finding:
    """What the word lists alone find in a text (kinds, IMDRF codes, event or possible).

    A text too short to tell its language by (no stopword of any language) is screened in every
    language, and the most serious finding kept: recall first."""
    newest = newest_part(text)
    folded = fold(newest)
    if lang in LANGUAGES:
        language, sure = str(lang), True
    else:
        language, sure = tell_language(newest[:_LANGUAGE_SAMPLE])
    levels = _levels(folded, language)
    if not sure and not levels:
        for other in LANGUAGES:
            found = _levels(folded, other) if other != language else {}
            if found:
                return _finding(found, other)
    return _finding(levels, language)


def _levels(folded: str, language: str) -> dict[str, str]:
    levels: dict[str, str] = {}
    gate, concepts = GATES[language], CONCEPTS[language]
    for sentence in sentences(folded):
        hits = [
            concepts[i] for i in gate.candidates(sentence) if concepts[i].pattern.search(sentence)
        ]
        if not hits:
            continue  # no concept's word here: no context to weigh
        for kind, level in _sentence_matches(sentence, language, hits):
            if levels.get(kind) != EVENT:
                levels[kind] = level
    if set(levels) == {"death"} and context.ACCOUNT_ADMIN[language].search(folded):
        return {}
    return levels


def _sentence_matches(sentence: str, lang: str, candidates: list[Concept]) -> list[tuple[str, str]]:
    cleaned = sentence
    senses = context.NOT_HARM[lang]
    for index in context.NOT_HARM_GATES[lang].candidates(sentence):
        cleaned = senses[index].sub(" ", cleaned)
    if context.DISMISSED[lang].search(cleaned):
        return []
    hypothetical_from, strong_from = _hypothetical_starts(cleaned, lang)
    hedged: bool | None = None  # looked up once, when an event needs it
    found: list[tuple[str, str]] = []
    for concept in candidates:
        limit = strong_from if concept.asked else hypothetical_from
        for match in concept.pattern.finditer(cleaned):
            if match.start() >= limit:
                break
            if not concept.own_negation and _negated(cleaned, match, lang):
                continue
            level = concept.level
            if level == EVENT and concept.kind not in _NEVER_HEDGED:
                if hedged is None:
                    hedged = bool(context.HEDGE[lang].search(cleaned))
                if hedged:
                    level = POSSIBLE
            found.append((concept.kind, level))
            break
    return found


def _hypothetical_starts(sentence: str, lang: str) -> tuple[int, int]:
    """Where a hypothetical or a question begins (what follows it did not happen), and where
    a strong hypothetical alone begins."""
    strong = [m.start() for m in context.HYPOTHETICAL_STRONG[lang].finditer(sentence)]
    starts = list(strong)
    if sentence.rstrip().endswith("?"):
        starts += [m.start() for m in context.HYPOTHETICAL_WEAK[lang].finditer(sentence)]
    end = len(sentence) + 1
    return min(starts, default=end), min(strong, default=end)


def _negated(sentence: str, match: re.Match[str], lang: str) -> bool:
    before = sentence[: match.start()]
    clause_start = 0
    for boundary in context.CLAUSE.finditer(before):
        clause_start = boundary.end()
    if context.NEGATION[lang].search(match.group(0)):
        return True  # "smells not burnt": a cue inside a pattern's gap
    window = " ".join(before[clause_start:].split()[-_NEGATION_WINDOW:])
    if window and context.NEGATION[lang].search(window):
        return True
    after = sentence[match.end() :]
    return bool(context.NEGATION_AFTER[lang].search(after))


def _finding(levels: dict[str, str], language: str) -> Finding:
    if not levels:
        return Finding("none", (), (), language, ())
    outcome = "event" if EVENT in levels.values() else "possible"
    kinds = tuple(sorted(levels))
    device = [DEVICE_CODES[k] for k in kinds if k in DEVICE_CODES]
    health = [HEALTH_CODES.get(k, _HEALTH_UNCLASSIFIED) for k in kinds if k in HEALTH_KINDS]
    if health and not device:
        device.append(_NO_DEVICE_PROBLEM)
    codes = tuple(dict.fromkeys(sorted(device) + sorted(health)))
    reasons = tuple(f"{kind}: {levels[kind]}" for kind in kinds)
    return Finding(outcome, codes, kinds, language, reasons)


__all__ = ["OUTCOMES", "Concept", "Finding", "listed", "screen"]
