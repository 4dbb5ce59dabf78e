"""What the learned part of the screen reads: a text turned into features it was trained on.

The text is cut to its newest part, folded (lower case, no accents) and split into sentences,
as for the word lists. In each sentence, senses that are not harm ("screen burn-in", "the fall
newsletter") become one token, words after a negation cue within their clause carry `n_`, and
words from where a hypothetical or a question starts carry `h_`: a linear model then tells
"the pump burnt her" from "nobody got burnt" and "could it burn?". Features are character
n-grams within words (spelling, inflections, compounds in four languages) and word uni- to
trigrams, and the word lists' own finding (`l:` and the outcome, `l:k:` and each kind), so the
model learns from the labelled reports how far to trust the word lists. Training
(scripts/train_safety_model.py) and screening call the same functions, so what the model learnt
and what it reads cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from caredesk.safety import context
from caredesk.safety.text import LANGUAGES, fold, newest_part, sentences, tell_language

CHAR_SIZES = (3, 4, 5)
WORD_SIZES = (1, 2, 3)
LIMIT = 6000  # characters of the newest part read: the model's cost stays bounded
_LANGUAGE_SAMPLE = 2000
_WORD = re.compile(r"\w+")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-\s|\b(?:but|pero|mais|aber|however|sin embargo)\b")
_NEGATION_REACH = 5  # words after a cue that stay negated
SENSE = "zsense"


def marked(text: str, lang: str | None = None) -> str:
    """The newest part of `text`, folded, with senses blanked and negated or hypothetical
    words marked; sentences joined by " . "."""
    newest = newest_part(text)[:LIMIT]
    if lang not in LANGUAGES:
        lang, _sure = tell_language(newest[:_LANGUAGE_SAMPLE])
    language = str(lang)
    gate, senses = context.NOT_HARM_GATES[language], context.NOT_HARM[language]
    out: list[str] = []
    for raw in sentences(fold(newest)):
        sentence = raw
        for index in gate.candidates(raw):
            sentence = senses[index].sub(f" {SENSE} ", sentence)
        hypothetical = _hypothetical_start(sentence, language)
        breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence)]
        tokens: list[str] = []
        reach = 0
        previous = ""
        for match in _WORD.finditer(sentence):
            start = match.start()
            while breaks and breaks[0] < start:
                breaks.pop(0)
                reach = 0  # a negation never reaches past its clause
            word = match.group(0)
            if _is_cue(language, word) or (word == "t" and previous.endswith("n")):
                tokens.append(word)
                previous = word
                reach = _NEGATION_REACH
                continue
            prefix = "h_" if start >= hypothetical else ""
            if reach:
                prefix += "n_"
                reach -= 1
            tokens.append(prefix + word)
            previous = word
        if tokens:
            out.append(" ".join(tokens))
    return " . ".join(out)


@lru_cache(maxsize=65536)
def _is_cue(lang: str, word: str) -> bool:
    """Whether one word is a negation cue ("no", "nadie", "jamais", "keine")."""
    return bool(context.NEGATION[lang].search(f" {word} "))


def _hypothetical_start(sentence: str, lang: str) -> int:
    starts = [m.start() for m in context.HYPOTHETICAL_STRONG[lang].finditer(sentence)]
    if sentence.rstrip().endswith("?"):
        starts += [m.start() for m in context.HYPOTHETICAL_WEAK[lang].finditer(sentence)]
    return min(starts, default=len(sentence) + 1)


def findings(outcome: str, kinds: Iterable[str]) -> tuple[str, ...]:
    """The word lists' finding on a text as features: its outcome and the kinds it names."""
    return ("l:" + outcome, *["l:k:" + kind for kind in kinds])


def features(text: str, listed: Sequence[str] = ()) -> list[str]:
    """The features of an already `marked` text: `c:` character n-grams within words (with a
    space at each end of a word), `w:` word n-grams, and the word lists' `findings`."""
    out: list[str] = list(listed)
    words = text.split()
    for word in words:
        if word != ".":
            out.extend(_grams(word))
    for n in WORD_SIZES:
        out.extend(["w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1)])
    return out


@lru_cache(maxsize=131072)
def _grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    size = len(padded)
    return tuple(["c:" + padded[i : i + n] for n in CHAR_SIZES for i in range(size - n + 1)])


__all__ = ["LIMIT", "features", "findings", "marked"]
