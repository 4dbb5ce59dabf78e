"""Text preparation for the safety screen: fold, drop quoted mail, split, tell the language."""

from __future__ import annotations

import re
import unicodedata

_QUOTE_HEADER = re.compile(
    r"^\s*(on .{0,80}wrote:|le .{0,80}a ecrit\s*:|am .{0,80}schrieb.{0,40}:|el .{0,80}escribio\s*:"
    r"|-{2,}\s*(original message|urspr\w+ nachricht|message d'origine|mensaje original)"
    r"|from:\s|von:\s|de:\s)",
)
# A forward brings the forwarded message to the desk: its header lines are skipped, and its
# text is read up to the next quote header.
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:forwarded message|weitergeleitete nachricht|mensaje reenviado"
    r"|message transfere|begin forwarded message|debut du message reexpedie)"
)
_HEADER_FIELD = re.compile(
    r"^\s*(?:from|von|de|to|an|a|para|cc|subject|betreff|asunto|objet|date|datum|fecha|sent"
    r"|gesendet|envoye|enviado)\s*:"
)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SIGNATURE = re.compile(r"^\s*--\s*$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=[a-z¿¡])")

_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "ae",
        "Ö": "oe",
        "Ü": "ue",
        "’": "'",
        "‘": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "„": '"',
        "–": "-",
        "—": " - ",
    }
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is was it to of my his her with after not this that on for have at has but "
        "we you i he she they in what how can just our your"
    ),
    "es": _words(
        "el la los las y es de que en un una mi se con por para lo al del pero su ya como esta "
        "muy fue han ha tiene dos veces este hay"
    ),
    "fr": _words(
        "le la les et est de que en un une mon ma il elle avec pour pas ne du des sur au "
        "je vous on ce notre votre nous merci d'une l'objet au aux dans sont mais ou cette ces "
        "fois deux son sa ses leur lui tres"
    ),
    "de": _words(
        "der die das und ist ich nicht mit ein eine mein meine hat sich auf zu den dem von "
        "im wir es war sie er"
    ),
}
LANGUAGES = tuple(_STOPWORDS)
_WORD = re.compile(r"[a-z']+")


def fold(text: str) -> str:
    """Lower-case `text`, drop accents and unify quotes and dashes."""
    if text.isascii():
        return text.lower().replace("`", "'")
    text = text.translate(_FOLD).lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def newest_part(text: str) -> str:
    """Keep the newest message of a mail: drop quoted lines, quote headers and signatures. A mail
    that opens with its own header ("From: ..."), or holds only quoted lines, is read as the
    message it carries.

    Works on the text as written (lines are folded only to be recognised), so a long quoted
    thread costs one look at each line."""
    kept: list[str] = []
    quoted: list[str] = []
    in_forward_header = False
    for line in text.split("\n"):
        if line.lstrip().startswith(">"):
            quoted.append(line.lstrip().lstrip(">").strip())
            continue
        head = fold(line[:120])
        if _FORWARD.match(head):
            in_forward_header = True
            continue
        if in_forward_header:
            if _HEADER_FIELD.match(head) or not head.strip():
                continue
            in_forward_header = False
        if _QUOTE_HEADER.match(head) or _SIGNATURE.match(head):
            if _HEADER_FIELD.match(head) and not any(k.strip() for k in kept):
                in_forward_header = True  # a mail that opens with its own header: read its text
                continue
            break
        kept.append(line)
    if not any(k.strip() for k in kept):
        return "\n".join(quoted)  # only quoted lines (a pasted transcript): they are the message
    return "\n".join(kept)


def sentences(folded: str) -> list[str]:
    """Split folded text into sentences (a question keeps its question mark)."""
    return [s.strip() for s in _SENTENCE.split(folded) if s and s.strip()]


_HINTS: dict[str, re.Pattern[str]] = {
    "es": re.compile(r"[ñ¿¡]|ción\b"),
    "fr": re.compile(r"[çèêœàùâîô]|\b(?:l|d|j|n|qu|c|s)'[a-zéèêàâîô]|\w\wée?s?\b"),
    "de": re.compile(r"[äöüß]|sch|ung\b|cht\b|\bich\b"),
}


def detect_language(text: str) -> str:
    """Tell which of the screen's languages `text` is written in (English when unsure)."""
    return tell_language(text)[0]


def tell_language(text: str) -> tuple[str, bool]:
    """The language of `text` (English when unsure) and whether any stopword told it."""
    raw = text.lower()
    words = _WORD.findall(fold(raw))
    best, best_score, stopwords_seen = "en", 0, False
    for lang, stop in _STOPWORDS.items():
        hits = sum(1 for w in words if w in stop)
        stopwords_seen = stopwords_seen or hits > 0
        score = 2 * hits
        hints = _HINTS.get(lang)
        if hints is not None:
            score += len(hints.findall(raw))
        if score > best_score:
            best, best_score = lang, score
    return best, stopwords_seen
