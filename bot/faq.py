"""Typed questions matched to the answers of /learn (bot/texts.py, LEARN_ANSWERS).

Matching is local and fast (rapidfuzz; no network, no model): each topic has a few cues, the
words and short phrases people use when they ask about it. A cue of one short word (run, ice,
gym) must appear as a whole word, so "nice" is not "ice"; a longer word may carry a typo
("strech"); a phrase is found inside the message with a little slack ("anti inflamatory").
The topic with the most cues found wins; none found, no answer.

Questions are understood in English, Spanish and Russian whatever language the person chose
(the Spanish and Russian cues are in bot/faq_cues.py).

Red-flag words are not this module's business: the red-flag screen sees every message first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import faq_cues, texts

# rapidfuzz is imported on the first typed message, not at start-up (an idle bot's memory).

SHORT_WORD = 4  # cues this short must match a whole word exactly
WORD_SCORE = 88  # rapidfuzz ratio for a longer one-word cue against a word of the message
PHRASE_SCORE = 90  # rapidfuzz partial_ratio for a phrase cue inside the message

QUESTION_WORDS = frozenset(
    [
        "what",
        "why",
        "how",
        "when",
        "where",
        "which",
        "who",
        "can",
        "could",
        "should",
        "shall",
        "is",
        "are",
        "am",
        "do",
        "does",
        "did",
        "will",
        "would",
        "may",
        "might",
        "must",
        "any",
        "anything",
        "ok",
        "okay",
    ]
)

# The cues of each topic, lower case. tests/unit/bot/test_faq.py holds the questions, phrased
# as people phrase them, that these must bring to the right answer.
CUES: dict[str, tuple[str, ...]] = {
    "load": (
        "rest",
        "resting",
        "why exercise",
        "why exercises",
        "have to exercise",
        "need to exercise",
        "exercising it",
        "why load",
        "why loading",
        "complete rest",
        "stop training",
        "take a break",
        "off my feet",
        "make it worse",
        "do more damage",
        "damage it",
        "exercise help",
    ),
    "pain": (
        "how much pain",
        "how much should it hurt",
        "pain during",
        "hurts during",
        "hurt during",
        "hurts while",
        "hurt while",
        "push through",
        "should it hurt",
        "is some pain",
        "painful exercise",
        "sore during",
        "it hurts when i do",
    ),
    "stretch": (
        "stretch",
        "stretching",
        "stretches",
        "stretched",
        "foam roll",
        "foam roller",
        "massage",
    ),
    "morning": (
        "morning",
        "mornings",
        "first steps",
        "stiff",
        "stiffness",
        "when i wake",
        "wake up",
        "out of bed",
    ),
    "activity": (
        "run",
        "runs",
        "running",
        "jog",
        "jogging",
        "walk",
        "walks",
        "walking",
        "hike",
        "hiking",
        "cycle",
        "cycling",
        "bike",
        "biking",
        "swim",
        "swimming",
        "football",
        "tennis",
        "sport",
        "sports",
        "marathon",
        "parkrun",
    ),
    "ice": (
        "ice",
        "icing",
        "cold pack",
        "ibuprofen",
        "naproxen",
        "diclofenac",
        "voltaren",
        "nsaid",
        "nsaids",
        "anti inflammatory",
        "anti inflammatories",
        "antiinflammatory",
        "painkiller",
        "painkillers",
        "pain killer",
        "pain killers",
        "tablets",
        "pills",
        "medication",
        "gel",
    ),
    "shoes": (
        "shoe",
        "shoes",
        "trainers",
        "sneakers",
        "footwear",
        "boots",
        "heel lift",
        "heel lifts",
        "heel cup",
        "heel raise insert",
        "insoles",
        "orthotics",
        "barefoot",
        "flip flops",
        "high heels",
    ),
    "badday": (
        "bad day",
        "bad week",
        "flare",
        "flared",
        "flare up",
        "setback",
        "worse today",
        "worse than yesterday",
        "hurts more today",
        "skip today",
        "skip a session",
        "miss a session",
        "not up to it",
    ),
    "clinician": (
        "doctor",
        "doctors",
        "physio",
        "physiotherapist",
        "clinician",
        "gp",
        "specialist",
        "get it checked",
        "see someone",
        "see a professional",
        "scan",
        "mri",
        "ultrasound",
        "injection",
        "surgery",
    ),
    "duration": (
        "how long",
        "how many weeks",
        "how many months",
        "when will it",
        "heal",
        "healed",
        "healing",
        "recover",
        "recovery",
        "go away",
        "back to normal",
        "be better",
        "get better",
        "be cured",
    ),
}


# Every language's cues and question openers, matched together (bot/faq_cues.py says why).
_ALL_CUES = {key: cues + faq_cues.CUES.get(key, ()) for key, cues in CUES.items()}
_OPENS = QUESTION_WORDS | faq_cues.QUESTION_WORDS


@dataclass(frozen=True)
class Match:
    key: str
    cues: tuple[str, ...]  # the cues found, for logs and tests


# Said in passing, not asked about: "Good morning, can I run?" is about running.
GREETINGS = re.compile(
    rf"\b(?:good (?:morning|afternoon|evening|night)|morning all|{faq_cues.GREETING_WORDS})\b"
)
# Words that may stand beside a topic's name in a message that only names it ("and shoes?").
FILLER = (
    frozenset(["a", "an", "the", "and", "or", "about", "my", "on", "of", "what", "re"])
    | faq_cues.FILLER
)


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces, greetings left out
    ("Good morning! Anti-inflammatories?" → "anti inflammatories")."""
    from rapidfuzz import utils

    plain = " ".join(utils.default_process(text).split())
    return " ".join(GREETINGS.sub(" ", plain).split())


def is_question(text: str) -> bool:
    """A question mark, or a first word that opens a question ("can I run")."""
    words = normalise(text).split()
    return "?" in text or "¿" in text or (bool(words) and words[0] in _OPENS)


def _found(cue: str, message: str, words: frozenset[str]) -> bool:
    from rapidfuzz import fuzz

    if " " in cue:
        return fuzz.partial_ratio(cue, message) >= PHRASE_SCORE
    if len(cue) <= SHORT_WORD:
        return cue in words
    return any(len(word) > SHORT_WORD and fuzz.ratio(cue, word) >= WORD_SCORE for word in words)


def match(text: str) -> Match | None:
    """The topic a typed question is about, or None when no topic's cue is in it."""
    message = normalise(text)
    if not message:
        return None
    words = frozenset(message.split())
    best: Match | None = None
    for key, cues in _ALL_CUES.items():
        found = tuple(cue for cue in cues if _found(cue, message, words))
        if found and (best is None or len(found) > len(best.cues)):
            best = Match(key, found)
    return best


def names_topic(text: str) -> Match | None:
    """The topic a short message only names ("heel lifts", "ice?"): every word of it belongs to
    the topic's cues, so "good luck with the shoes" or "morning done" is not taken as asked."""
    found = match(text)
    if found is None:
        return None
    from rapidfuzz import fuzz

    cue_words = {word for cue in found.cues for word in cue.split()}
    for word in normalise(text).split():
        if word in FILLER or word in cue_words:
            continue
        if len(word) > SHORT_WORD and any(fuzz.ratio(word, c) >= WORD_SCORE for c in cue_words):
            continue
        return None
    return found


def topics() -> tuple[tuple[str, str], ...]:
    """(key, label) of every topic, in /learn's order, in the language in force."""
    return texts.learn_topics()


def answer(key: str) -> str | None:
    return texts.learn_answer(key)


# The topic each stage's session intro links to: the question people in that stage most need.
STAGE_TOPICS: dict[int, str] = {1: "load", 2: "pain", 3: "duration", 4: "activity"}


def stage_topic(stage: int) -> tuple[str, str] | None:
    """(key, label) of the topic linked from the session intro of `stage`."""
    key = STAGE_TOPICS.get(stage)
    labels = dict(texts.learn_topics())
    return None if key is None else (key, labels[key])
