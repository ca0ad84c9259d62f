"""Does English reach a person who reads Spanish or Russian? A detector for what the bot sends.

`english_words(text)` lists the English words in a text the bot sent: its words (runs of
letters) are looked up in `ENGLISH`, a few hundred common English words, the function words and
the words of this bot's own domain. Left out of the lookup, because they are not wording: slash
commands (/today), HTML tags, URLs, numbers with their units (12,5 kg, 30 s), emoji, and the
names in `ALLOWED` (Telegram, Achilles, the people of the tests). Words that are also everyday
Spanish ("a", "no", "me", "he", "come", "use", "uses", "once", "may", "plan", "doctor",
"tempo", "test", "total"...) are left out of `ENGLISH`: a Spanish text would be flagged for
its own words.

`mostly_cyrillic(text)`: Russian is written in Cyrillic; a text whose letters are mostly Latin
(after the same exclusions) was not translated.
"""

from __future__ import annotations

import re
import unicodedata

# Names, not words: the platform, the bot's own name ("Achilles Coach", a product name that
# stays as it is, like "Telegram"), and the people in the tests.
ALLOWED = frozenset({"telegram", "achilles", "coach", "ana", "alex", "lucía", "lucia"})
# Each language's own name on the language buttons (English, Español, Русский) and UTC: the
# same in every language by design.
ALLOWED |= {"english", "español", "espanol", "utc"}

_COMMON = """
    the an and or but if then than that this these those there here what which who whom whose
    when where why how all any each every some many much more most less least few other
    another such same both either neither only own just also too very again ever still yet
    already soon now today tonight tomorrow yesterday later before after while until since
    during about above below under over into onto from with without within through between
    against among around off out up down on in at by for of to per via
    i you your yours yourself she it its we our ours they them their us my mine
    am is are was were be been being do does did done doing have had having will would
    shall should can could might must let lets get gets got make makes made take takes
    took taken give gives gave given go goes going went keep keeps kept
    see sees saw seen look looks tell tells told say says said ask asks asked send sends sent
    try tries tried used need needs want wants like likes know think feel feels felt
    help helps find found show shows shown turn turns choose chose change changes changed
    tap taps tapped type typed reply answer answers answered pick picked add added stop stops
    stopped start starts started begin begins continue carry finish finished finishes
    skip skipped pause paused resume resumed snooze snoozed remind reminds reminded
    delete deleted download export exported noted note notes saved save
    yes not none nothing never always often sometimes usually twice
    good great well better best bad worse worst fine right wrong left sure ready easy hard
    light lighter heavy heavier slow slower slowly fast faster gentle gently steady short
    long longer high higher low lower new old next last first second third half full early
    late small big little few whole open closed free due
    one two three four five six seven eight nine twelve fifteen twenty thirty
    day days week weeks weekly month months hour hours minute minutes second seconds time
    times morning mornings evening night daily pm
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april june july august september october
    november december jan apr aug dec
    session sessions set sets rep reps hold holds exercise exercises programme program stage
    stages step steps level pain painful hurt hurts hurting sore stiff stiffness tendon
    tendons heel heels calf calves leg legs foot feet toe toes knee raise raises raising
    drop drops rest resting load loaded loading weight weights weigh backpack dumbbell
    dumbbells vest machine gym stair floor edge wall balance jog jogging walk walking run
    running runs hop hops hopping jump stretch strength strong stronger progress chart
    history summary review reminder reminders check checked checkin settings language
    zone location city physio physiotherapist clinician cleared safety warning sign
    signs swelling swollen flare better worse round rounds pace effort
    count counted counts score scores result results passed failed gate gates
    please thanks thank sorry hi hello welcome bye okay ok
    way thing things part kind everything something anything someone anyone people person
    place share data report file list menu button buttons question questions reason reasons
    plan's today's week's you're you've you'll i'm i'll i've don't can't won't isn't it's
    let's that's there's what's doesn't didn't haven't
    because so as though although unless whether
    goes grow grows build builds keeps stays stay seems seem works work worked
"""
ENGLISH = frozenset(_COMMON.split())

# Not wording: a /command, an HTML tag or entity, a URL, an e-mail or @name, a time zone id
# (Europe/Berlin), numbers with their unit ("12,5 kg", "30 s"; "6:45 pm" is not one), and the
# shell commands of the command line's texts.
_IGNORED = re.compile(
    r"""
      (?<![\w/])/[A-Za-z_][A-Za-z0-9_]*      # /today, /learn_rest
    | <[^>]*>                               # <b>, </code>
    | &[a-z]+;|&\#\d+;                      # &amp;
    | https?://\S+                          # a link
    | \S+@\S+|@\w+                          # an address, a username
    | \b[A-Z][a-z]+(?:/[A-Za-z_]+)+\b       # Europe/Berlin, America/Argentina/Buenos_Aires
    | \d+(?:[.,]\d+)?\s*(?:kg|lb|lbs|s|min|cm|km|m|h)\b  # a number with its unit
    | \d+\s*x(?=\s*\d)                      # 3 x 15
    | `[^`]*`                               # a shell command (the CLI's texts)
    | \bexport\s+[A-Z_]+\b                  # export TELEGRAM_BOT_TOKEN
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The words of `text` that are wording (see `_IGNORED`), as they are written."""
    return _WORD.findall(_IGNORED.sub(" ", unicodedata.normalize("NFC", text)))


def _key(word: str) -> str:
    return word.lower().replace("’", "'")


def english_words(text: str) -> list[str]:
    """The English words in `text` (each as written, in order; a contraction such as "you're"
    counts once), the allowed names aside."""
    found = []
    for word in words(text):
        key = _key(word)
        if key in ALLOWED:
            continue
        parts = re.split(r"'", key)
        # "I" is listed: alone, it is English (Spanish and Russian never write it alone).
        if key in ENGLISH or any(part in ENGLISH for part in parts if len(part) > 1):
            found.append(word)
    return found


def _cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def mostly_cyrillic(text: str) -> bool:
    """Whether most letters of the wording of `text` are Cyrillic (a text without letters, an
    emoji or a number, passes)."""
    letters = [
        char for word in words(text) if _key(word) not in ALLOWED for char in word if char.isalpha()
    ]
    if not letters:
        return True
    return sum(_cyrillic(char) for char in letters) * 2 > len(letters)


def leaks(language: str, text: str) -> list[str]:
    """What is wrong in `text` for a reader of `language` ("es" or "ru"): its English words,
    and, in Russian, a text whose letters are mostly not Cyrillic."""
    found = english_words(text)
    if language == "ru" and not mostly_cyrillic(text):
        found.append("(not Cyrillic)")
    return found
