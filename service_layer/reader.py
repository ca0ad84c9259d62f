"""One tolerant reader for what people type: numbers inside words, units, yes/no/none, sides,
clock times in common forms, and the few action words of a session ("go", "done").

Pure functions of the text. Each returns a `Reading` (the value and whether the reader is sure
of it) or None when the text holds no answer at all. A reading that is not sure is a guess the
caller confirms with one short question ("Did you mean 3/10?") before using it.

Languages: the words of every language the bot speaks (English, Spanish, Russian) are read
at once, whatever the person's chosen language, rather than passing the language in. That is
the robust choice here: people type in the language they think in, which is not always the
one they chose (or the one Telegram reported before they chose); nothing needs threading
through the callers; and the three vocabularies do not clash, because Russian is written in
Cyrillic and the Spanish words kept mean the same as any English word they look like ("no").
The one word that would clash, Spanish "once" (eleven) against English "once" (a day), is
left out: no answer needs eleven in words. Decimal commas ("12,5 kg", "12,5 кг") are read
everywhere, as are accented and unaccented spellings ("sí", "si").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

LB_TO_KG = 0.45359237
ST_TO_KG = 6.35029318


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What the reader made of a text: `value`, and `sure` (False: a guess to confirm)."""

    value: T
    sure: bool = True


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that may come with an answer without changing it ("about 78 kg", "I'd say 3").
FILLER = _set(
    "a about around approx approximately roughly some maybe probably perhaps guess i i'd id "
    "think say would it's its it is was like just only ok okay um uh er erm hmm hm well so "
    "the my me now today this morning currently at most least kg kgs kilo kilos kilogram "
    "kilograms lb lbs pound pounds st stone stones out of ten pain score sets reps min mins "
    "minute minutes raises times "
    # Spanish
    "unos unas alrededor aproximadamente diría digo creo quizás quizá quizas quiza tal vez "
    "eh pues bueno mi me hoy ahora esta mañana manana kilogramo kilogramos libras libra "
    "de sobre diez dolor series repeticiones minutos minuto elevaciones veces "
    # Russian
    "около примерно приблизительно где то наверное может быть думаю скажу ну вот так "
    "сегодня сейчас утром кг кило килограмм килограмма килограммов фунт фунта фунтов "
    "из десяти боль подходов повторов повторений минут минуты минута раз"
)
# Filler that still makes the answer a guess to confirm.
HEDGES = _set(
    "maybe probably perhaps guess think hmm hm um uh er erm "
    "quizás quizá quizas quiza tal vez creo eh "
    "наверное может быть думаю где то"
)

NUMBER_WORDS = {
    "zero": 0,
    "nil": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    # Spanish ("once", eleven, is left out: it is also English)
    "cero": 0,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "doce": 12,
    "quince": 15,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    # Russian
    "ноль": 0,
    "нуль": 0,
    "один": 1,
    "одна": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "двенадцать": 12,
    "пятнадцать": 15,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
}

YES_WORDS = _set(
    "yes y yeah yea yep yup ya sure correct right true ok okay affirmative definitely "
    "indeed absolutely aye si ja oui "
    "sí claro vale dale correcto cierto exacto afirmativo "
    "да ага угу конечно верно точно ок есть"
)
NO_WORDS = _set(
    "no n nope nah nay not none never false negative nothing neither nein non "
    "nunca ninguno ninguna ningún ningun nada negativo tampoco "
    "нет не ни нету никогда ничего ничто никаких никакого"
)
NONE_PHRASES = (
    "none",
    "none of them",
    "none of these",
    "none of those",
    "none apply",
    "nothing",
    "neither",
    "no",
    "nope",
    "nah",
    "not any",
    "no none",
    "zero",
    "nil",
    # Spanish
    "ninguno",
    "ninguna",
    "ningún",
    "ningun",
    "ninguno de estos",
    "ninguna de estas",
    "ninguno de ellos",
    "ninguna de ellas",
    "ni uno",
    "nada",
    "cero",
    "no ninguno",
    # Russian
    "нет",
    "ни одного",
    "ни одной",
    "ни один",
    "ни одна",
    "ничего",
    "ничего из этого",
    "никаких",
    "никакого",
    "нету",
    "ноль",
    "нет ничего",
)
# The first word of a short "none of these" ("none apply here", "нет ни одного").
NONE_FIRST_WORDS = frozenset(
    {"none", "no", "nope", "nah", "ninguno", "ninguna", "nada", "нет", "ни", "ничего"}
)

# Words are letters of any alphabet (Spanish accents, Cyrillic) and apostrophes ("let's").
_TOKEN = re.compile(r"(?<![\w.])-\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|(?:[^\W\d_]|')+|[?/~+]")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def words(text: str) -> list[str]:
    """Lower-case tokens: numbers (with a decimal point or comma), words, `?`, `/`, `~`."""
    return _TOKEN.findall(text.casefold())


def _sure_around(tokens: list[str], used: set[int]) -> bool | None:
    """Whether the tokens other than `used` leave the answer certain (True), a guess (False),
    or contradict it with other numbers (None)."""
    sure = True
    for index, token in enumerate(tokens):
        if index in used:
            continue
        if _NUMBER.fullmatch(token) or token in NUMBER_WORDS:
            return None
        if token in ("?",) or token in HEDGES:
            sure = False
        elif token in ("~", "/", "+"):
            continue
        elif token not in FILLER:
            sure = False
    return sure


def _to_float(token: str) -> float:
    return float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else float(token.replace(",", "."))


def read_number(text: str) -> Reading[float] | None:
    """The one number in `text` ("about 78", "hmm maybe 3?", "seven"); None if there is no
    number or more than one."""
    tokens = words(text)
    found = [i for i, t in enumerate(tokens) if _NUMBER.fullmatch(t) or t in NUMBER_WORDS]
    if len(found) != 1:
        return None
    sure = _sure_around(tokens, set(found))
    if sure is None:
        return None
    return Reading(_to_float(tokens[found[0]]), sure)


NO_PAIN = frozenset(
    {
        "none",
        "no pain",
        "nothing",
        "no pain at all",
        "zero",
        "nil",
        "ninguno",
        "nada",
        "sin dolor",
        "ningún dolor",
        "ningun dolor",
        "cero",
        "нет",
        "нет боли",
        "без боли",
        "не болит",
        "ничего",
        "ноль",
    }
)
# "3 de 10", "3 sobre 10", "3 из 10": the 10 is the scale.
OF_TEN = [[of, ten] for of in ("de", "sobre", "из") for ten in ("10", "diez", "десяти")]


def read_pain(text: str) -> Reading[int] | None:
    """A 0–10 score: `3`, `3/10`, "about 2/10", "hmm maybe 3?", "none" (0)."""
    tokens = words(text)
    if " ".join(tokens) in NO_PAIN:
        return Reading(0)
    used: set[int] = set()
    value: float | None = None
    for index, token in enumerate(tokens):
        if _NUMBER.fullmatch(token) or token in NUMBER_WORDS:
            # "3/10" and "3 out of 10": the 10 is the scale, not a second number
            if tokens[index + 1 : index + 3] == ["/", "10"]:
                used |= {index, index + 1, index + 2}
            elif tokens[index + 1 : index + 4] in (["out", "of", "10"], ["out", "of", "ten"]):
                used |= {index, index + 1, index + 2, index + 3}
            elif tokens[index + 1 : index + 3] in OF_TEN:  # "3 de 10", "3 из 10"
                used |= {index, index + 1, index + 2}
            elif index in used:
                continue
            else:
                used.add(index)
            if value is not None:
                return None
            value = _to_float(token)
    if value is None or value != int(value) or not 0 <= value <= 10:
        return None
    sure = _sure_around(tokens, used)
    if sure is None:
        return None
    return Reading(int(value), sure)


_MASS_UNITS = {
    "kg": 1.0,
    "kgs": 1.0,
    "kilo": 1.0,
    "kilos": 1.0,
    "kilogram": 1.0,
    "kilograms": 1.0,
    "k": 1.0,
    "lb": LB_TO_KG,
    "lbs": LB_TO_KG,
    "pound": LB_TO_KG,
    "pounds": LB_TO_KG,
    "st": ST_TO_KG,
    "stone": ST_TO_KG,
    "stones": ST_TO_KG,
    "kilogramo": 1.0,
    "kilogramos": 1.0,
    "libra": LB_TO_KG,
    "libras": LB_TO_KG,
    "кг": 1.0,
    "кило": 1.0,
    "килограмм": 1.0,
    "килограмма": 1.0,
    "килограммов": 1.0,
    "фунт": LB_TO_KG,
    "фунта": LB_TO_KG,
    "фунтов": LB_TO_KG,
}
_GLUED_UNIT = re.compile(r"(\d)(kg|kgs|kilos?|k|lbs?|st|stone|кг)\b")
NO_WEIGHTS = frozenset(
    {"no weights", "no weight", "sin pesas", "sin peso", "no tengo", "нет весов", "нет гирь"}
)


def read_mass_kg(text: str) -> Reading[float] | None:
    """A mass in kg: `72`, "about 78kg", `160 lb`, `11 st 4`, "a backpack with about 10 kg"
    (a guess: other words around it). "none", "nothing", "no" read as 0."""
    lowered = _GLUED_UNIT.sub(r"\1 \2", text.casefold())
    tokens = words(lowered)
    if not tokens:
        return None
    if " ".join(tokens) in NONE_PHRASES or " ".join(tokens) in NO_WEIGHTS:
        return Reading(0.0)
    total = 0.0
    used: set[int] = set()
    numbers = 0
    index = 0
    last_unit = 1.0
    while index < len(tokens):
        token = tokens[index]
        if _NUMBER.fullmatch(token) or token in NUMBER_WORDS:
            numbers += 1
            unit_token = tokens[index + 1] if index + 1 < len(tokens) else ""
            if unit_token in _MASS_UNITS:
                last_unit = _MASS_UNITS[unit_token]
                used |= {index, index + 1}
                total += _to_float(token) * last_unit
                index += 2
                continue
            if numbers == 2 and last_unit == ST_TO_KG:  # "11 st 4": the 4 is pounds
                total += _to_float(token) * LB_TO_KG
            elif numbers > 1:
                return None
            else:
                total += _to_float(token)
            used.add(index)
        index += 1
    if numbers == 0 or numbers > 2:
        return None
    if numbers == 2 and not any(tokens[i] in ("st", "stone", "stones") for i in used):
        return None
    sure = _sure_around(tokens, used)
    if sure is None or total < 0:
        return None
    return Reading(round(total, 1), sure)


def read_yes_no(text: str) -> Reading[bool] | None:
    """Yes or no in words ("yeah", "nope", "no I don't", "none of them" = no; "sí", "да",
    "нет", "ninguno")."""
    tokens = [t for t in words(text) if t != "?"]
    if not tokens:
        return None
    phrase = " ".join(tokens)
    if phrase in NONE_PHRASES or tokens[0] in ("none", "ninguno", "ninguna", "ни"):
        return Reading(False)
    first = tokens[0]
    if first in YES_WORDS and not (set(tokens) & NO_WORDS):
        return Reading(True, len(tokens) <= 3)
    if first in NO_WORDS and not (set(tokens[1:]) & YES_WORDS):
        return Reading(False, len(tokens) <= 4)
    return None


def read_none(text: str) -> bool:
    """Whether `text` says "none of these" ("none of them", "nope", "no", "nothing",
    "ninguno", "нет", "ни одного")."""
    tokens = [t for t in words(text) if t != "?"]
    phrase = " ".join(tokens)
    return phrase in NONE_PHRASES or (
        bool(tokens) and tokens[0] in NONE_FIRST_WORDS and len(tokens) <= 4
    )


SIDE_WORDS = {
    "left": "left",
    "l": "left",
    "right": "right",
    "r": "right",
    "both": "both",
    "izquierda": "left",
    "izquierdo": "left",
    "derecha": "right",
    "derecho": "right",
    "ambos": "both",
    "ambas": "both",
    "левая": "left",
    "левый": "left",
    "левую": "left",
    "левой": "left",
    "слева": "left",
    "правая": "right",
    "правый": "right",
    "правую": "right",
    "правой": "right",
    "справа": "right",
    "обе": "both",
    "оба": "both",
    "обеих": "both",
}


def read_side(text: str) -> Reading[str] | None:
    """left, right or both: "right one", "the left", "both sides", "left and right"."""
    tokens = words(text)
    sides = {SIDE_WORDS[t] for t in tokens if t in SIDE_WORDS and (len(t) > 1 or len(tokens) == 1)}
    if {"left", "right"} <= sides or "both" in sides:
        return Reading("both")
    if len(sides) != 1:
        return None
    return Reading(sides.pop())


_HHMM = re.compile(r"^(\d{1,2})\s*(?:[:.h]\s*(\d{2}))?\s*h?$")
_AMPM = re.compile(r"(?<![a-z])(a\.?m\.?|p\.?m\.?)$")
_EVENING = ("evening", "night", "tonight", "afternoon", "pm")
_MORNING = ("morning", "am")


# "7 de la tarde", "в 7 вечера", "3 дня" (3 in the afternoon), "6 утра".
_PM_ENDINGS = (
    " in the evening",
    " in the afternoon",
    " at night",
    " tonight",
    " evening",
    " de la tarde",
    " por la tarde",
    " de la noche",
    " por la noche",
    " вечера",
    " вечером",
    " дня",
    " днём",
    " днем",
)
_AM_ENDINGS = (
    " in the morning",
    " morning",
    " de la mañana",
    " por la mañana",
    " de la manana",
    " утра",
    " утром",
)
# "at 7pm", "a las 7", "в 19:00": the word before a time says nothing of it.
_AT = re.compile(r"^(?:at|around|about|a las|a la|las|la|sobre las|hacia las|в|к|около)\s+")


def _period(text: str) -> tuple[str, str | None]:
    """The text without an am/pm or "in the evening" ending, and that ending ("am"/"pm")."""
    text = _AT.sub("", text.strip().rstrip(".!? ").strip())
    match = _AMPM.search(text)
    if match is not None:
        kind = "am" if match.group(1).startswith("a") else "pm"
        return text[: match.start()].strip(), kind
    for marker in _PM_ENDINGS:
        if text.endswith(marker):
            return text[: -len(marker)].strip(), "pm"
    for marker in _AM_ENDINGS:
        if text.endswith(marker):
            return text[: -len(marker)].strip(), "am"
    return text, None


def _word_hour(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    value = NUMBER_WORDS.get(token)
    return value if value is not None and 1 <= value <= 12 else None


def _spoken(text: str) -> tuple[int, int] | None:
    """(hour, minute) from "half past six", "quarter to eight", "six thirty", "noon",
    "6 y media", "8 menos cuarto", "mediodía", "полдень"."""
    tokens = [t for t in words(text) if t not in ("at", "around", "about", "o'clock", "oclock")]
    if tokens in (["noon"], ["midday"], ["mediodía"], ["mediodia"], ["полдень"]):
        return 12, 0
    if tokens in (["midnight"], ["medianoche"], ["полночь"]):
        return 0, 0
    if len(tokens) == 3 and tokens[1] in ("past", "after", "to"):
        minutes = {"half": 30, "quarter": 15}.get(tokens[0])
        if minutes is None and tokens[0].isdigit():
            minutes = int(tokens[0])
        hour = _word_hour(tokens[2])
        if minutes is None or hour is None or minutes >= 60:
            return None
        if tokens[1] == "to":
            return (hour - 1) % 24, 60 - minutes
        return hour, minutes
    if len(tokens) == 3 and tokens[1] in ("y", "menos") and tokens[2] in ("media", "cuarto"):
        hour = _word_hour(tokens[0])  # "6 y media", "siete y cuarto", "8 menos cuarto"
        minutes = 30 if tokens[2] == "media" else 15
        if hour is None or (tokens[1] == "menos" and minutes == 30):
            return None
        if tokens[1] == "menos":
            return (hour - 1) % 24, 60 - minutes
        return hour, minutes
    if len(tokens) == 2 and tokens[1] in ("thirty", "fifteen", "fortyfive"):
        hour = _word_hour(tokens[0])
        if hour is None:
            return None
        return hour, {"thirty": 30, "fifteen": 15, "fortyfive": 45}[tokens[1]]
    if len(tokens) == 1 and tokens[0] in NUMBER_WORDS:
        hour = _word_hour(tokens[0])
        return (hour, 0) if hour is not None else None
    return None


def read_time(text: str) -> Reading[str] | None:
    """A clock time as `HH:MM`: `18:30`, `18.30`, `18h30`, `7pm`, `6:30 pm`, "half past six pm",
    "quarter to eight in the evening", "noon". A time without am/pm that could be either
    ("half past six", `7`) is a guess (morning from 5 to 11, else afternoon)."""
    body, period = _period(text.casefold())
    compact = body.replace(" ", "") if re.fullmatch(r"[\d\s:.h]+", body) else body
    match = _HHMM.match(compact)
    explicit_minutes = False
    if match is not None:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        explicit_minutes = match.group(2) is not None or compact.endswith("h")
    else:
        spoken = _spoken(body)
        if spoken is None:
            return None
        hour, minute = spoken
    if minute > 59:
        return None
    if period is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if period == "pm" else 0)
        return Reading(f"{hour:02d}:{minute:02d}")
    if hour > 23:
        return None
    if match is not None and explicit_minutes:
        return Reading(f"{hour:02d}:{minute:02d}")  # 18:30, 07.30, 18h30: a 24-hour clock
    if hour == 12 or hour == 0 or hour > 12:
        return Reading(f"{hour:02d}:{minute:02d}", match is None)
    guess = hour if 5 <= hour <= 11 else hour + 12
    return Reading(f"{guess:02d}:{minute:02d}", sure=False)


# "listo" and "готово" are both ready and done: each step waits for one action only.
ACTION_WORDS = {
    "go": frozenset(
        {"go", "start", "begin", "ready", "lets go", "let's go", "go go", "starting"}
        | {"vamos", "empezar", "empezamos", "empiezo", "comenzar", "comenzamos", "listo"}
        | {"lista", "listos", "dale", "adelante", "vamos allá", "vamos alla"}
        | {"начать", "начинаем", "начнём", "начнем", "поехали", "вперёд", "вперед", "старт"}
        | {"готов", "готова", "готово", "давай", "давайте", "погнали"}
    ),
    "done": frozenset(
        {"done", "finished", "finish", "did it", "ok done", "done it", "over"}
        | {"listo", "lista", "hecho", "hecha", "terminado", "terminada", "terminé", "termine"}
        | {"ya", "ya está", "ya esta", "acabé", "acabe", "fin"}
        | {"готово", "сделано", "сделал", "сделала", "всё", "все", "закончил", "закончила"}
        | {"выполнено"}
    ),
}
# Words around an action word that do not change it ("ok, done now please").
ACTION_FILLER = frozenset(
    {"?", "ok", "okay", "now", "please", "vale", "ahora", "por", "favor", "ок", "сейчас"}
    | {"пожалуйста", "ну", "вот"}
)


def read_action(text: str, action: str) -> bool:
    """Whether `text` is the action word a step waits for ("start", "go", "done")."""
    phrase = " ".join(t for t in words(text) if t not in ACTION_FILLER)
    phrase = phrase or " ".join(words(text))
    return phrase in ACTION_WORDS.get(action, frozenset())


# A language named in English, in itself, or in the other two languages.
LANGUAGE_NAMES = {
    "en": frozenset({"english", "en", "inglés", "ingles", "английский", "английском"}),
    "es": frozenset({"spanish", "es", "español", "espanol", "castellano", "испанский"}),
    "ru": frozenset({"russian", "ru", "ruso", "русский", "русском", "по русски"}),
}


def read_language(text: str) -> str | None:
    """The language `text` names ("Español", "spanish", "русский"), as its code, or None."""
    phrase = " ".join(t for t in words(text) if t not in ("in", "en", "на", "?"))
    phrase = phrase or " ".join(words(text))
    found = [code for code, names in LANGUAGE_NAMES.items() if phrase in names]
    return found[0] if len(found) == 1 else None
