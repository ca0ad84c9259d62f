"""Red flags: stop and refer (protocol section 8)."""

from __future__ import annotations

import re
from datetime import date

from rehab.enums import DecisionKind, ProgrammeStatus, RedFlagOutcome
from rehab.models import (
    Decision,
    ProgrammeState,
    RedFlag,
    RedFlagResult,
    RedFlagSuspicion,
    StopRecord,
)
from rehab.protocol import TIMINGS
from rehab.reasons import RedFlagStop
from rehab.transitions import decision, finish

# Most urgent first: when several flags are present, the first outcome in this list wins.
URGENCY: tuple[RedFlagOutcome, ...] = (
    RedFlagOutcome.EMERGENCY,
    RedFlagOutcome.URGENT_CARE,
    RedFlagOutcome.SEE_DOCTOR,
    RedFlagOutcome.CONTACT_PRESCRIBER,
    RedFlagOutcome.NOT_FOR_PROGRAMME,
)

RED_FLAG_CHECKLIST: list[RedFlag] = [
    RedFlag(
        code="rupture",
        question=(
            "Did you feel a sudden pop or snap, or as if someone kicked the back of your heel, "
            "or can you suddenly no longer push off or stand on tiptoe on that leg?"
        ),
        outcome=RedFlagOutcome.URGENT_CARE,
        advice=(
            "That can mean the tendon has torn. Please get seen today at urgent care or an "
            "emergency department, and do not exercise the leg until you have been checked."
        ),
    ),
    RedFlag(
        code="calf_clot",
        question="Is one calf swollen, warm, red or tender to touch?",
        outcome=RedFlagOutcome.URGENT_CARE,
        advice=(
            "A swollen, warm or tender calf can be a blood clot. Please get checked today at "
            "urgent care, and stop the exercises until then."
        ),
    ),
    RedFlag(
        code="breathless_chest_pain",
        question="Are you short of breath, or do you have chest pain?",
        outcome=RedFlagOutcome.EMERGENCY,
        advice=(
            "Call the emergency services now. Breathlessness or chest pain can mean a clot has "
            "moved to the lungs."
        ),
    ),
    RedFlag(
        code="hot_tendon_fever",
        question="Is the tendon hot, red and swollen while you have a fever or feel unwell?",
        outcome=RedFlagOutcome.SEE_DOCTOR,
        advice="That may be an infection or inflammation. Please see a doctor today.",
    ),
    RedFlag(
        code="fluoroquinolone",
        question=(
            "Did the pain start while taking, or soon after, an antibiotic such as "
            "ciprofloxacin, levofloxacin or moxifloxacin?"
        ),
        outcome=RedFlagOutcome.CONTACT_PRESCRIBER,
        advice=(
            "These antibiotics can weaken tendons. Stop the exercises and contact the person who "
            "prescribed it before doing anything else."
        ),
    ),
    RedFlag(
        code="severe_rest_pain",
        question="Do you have severe pain at rest or at night that does not ease?",
        outcome=RedFlagOutcome.SEE_DOCTOR,
        advice="Pain like that needs a doctor's look before any loading programme.",
    ),
    RedFlag(
        code="inflammatory",
        question=(
            "Do you have several swollen joints, back stiffness that is worst in the morning, "
            "psoriasis, or eye inflammation?"
        ),
        outcome=RedFlagOutcome.SEE_DOCTOR,
        advice=(
            "These can point to an inflammatory condition that changes the treatment. Please see "
            "a doctor first."
        ),
    ),
    RedFlag(
        code="recent_rupture_or_surgery",
        question="Have you had an Achilles rupture or Achilles surgery in the last 12 months?",
        outcome=RedFlagOutcome.NOT_FOR_PROGRAMME,
        advice=(
            "This programme is not made for rehab after a rupture or surgery. Please follow your "
            "surgeon's or physiotherapist's plan."
        ),
    ),
    RedFlag(
        code="under_16",
        question="Are you under 16?",
        outcome=RedFlagOutcome.NOT_FOR_PROGRAMME,
        advice="This programme is for adults and older teenagers; please see a physiotherapist.",
    ),
]

RED_FLAGS: dict[str, RedFlag] = {f.code: f for f in RED_FLAG_CHECKLIST}


def evaluate_red_flags(answers: dict[str, bool]) -> RedFlagResult | None:
    """Checklist answers (code -> yes/no). ``None`` when no flag is raised; otherwise the most
    urgent outcome, with every flag raised listed most urgent first."""
    unknown = sorted(set(answers) - set(RED_FLAGS))
    if unknown:
        raise ValueError(f"unknown red-flag codes: {', '.join(unknown)}")
    raised = [RED_FLAGS[c] for c, yes in answers.items() if yes]
    if not raised:
        return None
    raised.sort(key=lambda f: URGENCY.index(f.outcome))
    top = raised[0]
    return RedFlagResult(outcome=top.outcome, codes=[f.code for f in raised], advice=top.advice)


_APOS = "['’]"
_PATTERNS: list[tuple[str, str]] = [
    ("breathless_chest_pain", r"\b(?:breathless\w*|short(?:ness)? of breath|chest pain)\b"),
    ("rupture", r"\b(?:pop(?:s|ped|ping)?|snap(?:s|ped|ping)?)\b"),
    ("rupture", r"\b(?:tear|tore|torn|ruptur\w*)\b"),
    ("rupture", r"\bkick(?:ed)?\b"),
    (
        "rupture",
        rf"\b(?:can{_APOS}?t|cannot|can not|unable to|could ?n{_APOS}?t) (?:walk|stand|"
        rf"push off|go on (?:my )?tip ?toes?|stand on (?:my )?tip ?toes?)\b",
    ),
    ("rupture", r"\bno push[- ]?off\b"),
    ("calf_clot", r"\b(?:swollen|swelling in (?:my|the)|hot|red|warm|tender) calf\b"),
    ("calf_clot", r"\bcalf (?:is |feels |looks )?(?:swollen|warm|hot|red|tender)\b"),
    ("hot_tendon_fever", r"\b(?:fever|feverish|temperature)\b"),
    ("fluoroquinolone", r"\b(?:cipro\w*|levofloxacin|moxifloxacin|ofloxacin|\w+floxacin)\b"),
    # The same warnings as Spanish speakers put them.
    (
        "breathless_chest_pain",
        r"\b(?:falta de aire|me falta el aire|sin aliento|ahog\w*|dificultad para respirar|"
        r"no puedo respirar|dolor (?:en el|de) pecho|dolor tor[aá]cico)\b",
    ),
    ("rupture", r"\b(?:chasquido|estallido|latigazo|se (?:me )?(?:rompi[oó]|ha roto|rompe))\b"),
    ("rupture", r"\b(?:rotura|roto|rota|ruptura|desgarr\w*|romp\w* el tend[oó]n)\b"),
    ("rupture", r"\b(?:patada|me patearon|como si me pegaran)\b"),
    (
        "rupture",
        r"\bno (?:puedo|consigo|logro) (?:caminar|andar|apoyar|estar de pie|"
        r"ponerme de puntillas|subir de puntillas|empujar)\b",
    ),
    (
        "calf_clot",
        r"\b(?:pantorrilla|gemelo|pierna) (?:est[aá] |muy )?(?:hinchad[oa]|caliente|roj[oa]|"
        r"inflamad[oa])\b",
    ),
    ("calf_clot", r"\bhinchaz[oó]n (?:en|de) (?:la pantorrilla|el gemelo)\b"),
    ("hot_tendon_fever", r"\b(?:fiebre|febril|tengo temperatura|calentura)\b"),
    ("fluoroquinolone", r"\b(?:\w+floxacino|\w+floxacina)\b"),
    # ... and as Russian speakers put them.
    (
        "breathless_chest_pain",
        r"(?:одышк\w*|задыха\w*|не хватает воздуха|трудно дышать|тяжело дышать|"
        r"боль в груди|болит (?:в )?груд\w*)",
    ),
    ("rupture", r"(?:щелч\w*|щёлк\w*|щелкн\w*|хлопок|хлопнул\w*|что-то лопнул\w*)"),
    ("rupture", r"(?:разрыв\w*|порвал\w*|надорвал\w*|надрыв\w*|лопнул\w*)"),
    ("rupture", r"(?:будто (?:пнули|ударили)|как будто (?:пнули|ударили)|удар сзади)"),
    (
        "rupture",
        r"не (?:могу|получается|выходит) (?:ходить|идти|стоять|наступ\w*|опереть\w*|"
        r"встать на нос\w*|подняться на нос\w*|оттолкнуться)",
    ),
    (
        "calf_clot",
        r"(?:икр\w* (?:опух\w*|отекл\w*|отёкл\w*|горяч\w*|красн\w*|покраснел\w*)|"
        r"(?:опух\w*|отёчн\w*|отечн\w*|горяч\w*|красн\w*) икр\w*|отёк икр\w*|отек икр\w*)",
    ),
    ("hot_tendon_fever", r"(?:температур\w*|лихорад\w*|\bжар\b|знобит|озноб)"),
    ("fluoroquinolone", r"(?:ципро\w*|\w*флоксацин\w*)"),
]
_COMPILED = [(code, re.compile(p, re.IGNORECASE)) for code, p in _PATTERNS]


def scan_free_text(text: str) -> RedFlagSuspicion | None:
    """Look for words suggesting a rupture, a clot or another red flag in a free-text message.

    Returns the suspected flag with a confirmation question; never acts by itself. When several
    match, the most urgent wins.
    """
    found: list[tuple[RedFlag, str]] = []
    for code, pattern in _COMPILED:
        m = pattern.search(text)
        if m:
            found.append((RED_FLAGS[code], m.group(0)))
    if not found:
        return None
    found.sort(key=lambda fm: URGENCY.index(fm[0].outcome))
    flag, matched = found[0]
    return RedFlagSuspicion(
        code=flag.code,
        matched=matched,
        question=f'You wrote "{matched}". To be safe, please confirm: {flag.question}',
    )


# What each flag is, in a few plain words (the clearance names the flag it clears).
FLAG_NAMES: dict[str, str] = {
    "rupture": "a possible tendon tear",
    "calf_clot": "a possible blood clot",
    "breathless_chest_pain": "breathlessness or chest pain",
    "hot_tendon_fever": "a possible infection",
    "fluoroquinolone": "the antibiotic warning",
    "severe_rest_pain": "severe pain at rest",
    "inflammatory": "possible joint inflammation",
    "recent_rupture_or_surgery": "a recent tear or surgery",
    "under_16": "the age limit",
}


def flag_name(code: str) -> str:
    return FLAG_NAMES.get(code, "the warning sign")


def clearance_offered(flagged_on: date, today: date) -> bool:
    """Issue 11: "I have been checked and cleared" is never offered in the same sitting as the
    flag; it is offered from the next day (``TIMINGS.clearance_after_days``)."""
    return (today - flagged_on).days >= TIMINGS.clearance_after_days


def stop_programme(state: ProgrammeState, code: str, on: date) -> tuple[ProgrammeState, Decision]:
    """A confirmed red flag stops the programme at once."""
    flag = RED_FLAGS.get(code)
    if flag is None:
        raise ValueError(f"unknown red-flag code: {code}")
    before = state
    s = state.clone()
    record = StopRecord(code=code, on=on, outcome=flag.outcome)
    s.status = ProgrammeStatus.STOPPED
    s.stop = record
    s.pending_gate = None
    s.red_flag_history.append(record)
    return finish(s, decision(before, s, DecisionKind.STOP, RedFlagStop(flag=code)), on)
