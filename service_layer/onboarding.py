"""Onboarding (and the /settings questions that reuse its steps) as a DB-backed flow.

The flow's data (service_layer/flow_data.py: OnboardingData, SettingsData) holds the answers so
far, the steps in order, the steps already answered (for Back) and, in /settings, what is being
changed.
Every answer is committed before the bot replies; the handler only renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import rehab
from service_layer import flows, languages, planner, reader, timezones
from service_layer.flow_data import ONBOARDING_FLOW as ONBOARDING_FLOW
from service_layer.flow_data import PARKED_FLOW as PARKED_FLOW
from service_layer.flow_data import SETTINGS_FLOW as SETTINGS_FLOW
from service_layer.flow_data import (
    OnboardingData,
    RaisedFlag,
    SettingsData,
    StepsData,
)
from service_layer.flows import FlowView
from service_layer.pain import parse_pain
from service_layer.programme import load_state, save_state
from service_layer.reader import Reading
from service_layer.runtime import Runtime
from storage.models import Profile, RedFlagAnswer
from storage.uow import UnitOfWork

# Steps, in onboarding order.
WELCOME = "welcome"
FLAGS = "flags"
RF = "rf"  # one red-flag question; its index is OnboardingData.red_flag_index
FLAGGED = "flagged"
CLEARED = "cleared"
SIDE = "side"
SITE = "site"
REST_PAIN = "rest_pain"
MORNING_PAIN = "morning_pain"
STIFFNESS = "stiffness"
HEEL_RAISES = "heel_raises"
WEIGHT = "weight"
HAS_STEP = "has_step"
LOAD = "max_load"
GYM = "gym"
ENTRY = "entry"
ZONE = "zone"
ZONE_OK = "zone_ok"
TIME1 = "time1"
TIME2 = "time2"
DAYS = "days"
WEEKLY_TIME = "weekly_time"
CHECKIN = "checkin"
DONE = "done"
MENU = "menu"  # /settings: what to change
LANGUAGE = "language"  # /settings: the language to speak

ONBOARDING_SEQ: tuple[str, ...] = (
    WELCOME,
    FLAGS,
    SIDE,
    SITE,
    REST_PAIN,
    MORNING_PAIN,
    STIFFNESS,
    HEEL_RAISES,
    WEIGHT,
    HAS_STEP,
    LOAD,
    GYM,
    ENTRY,
    ZONE,
    ZONE_OK,
    TIME1,
    TIME2,
    DAYS,
    WEEKLY_TIME,
    CHECKIN,
    DONE,
)

# /settings: each choice runs these steps, then saves.
SETTINGS_SEQS: dict[str, tuple[str, ...]] = {
    "times": (TIME1, TIME2),
    "zone": (ZONE, ZONE_OK),
    "days": (DAYS, WEEKLY_TIME),
    "checkin": (CHECKIN,),
    "weight": (WEIGHT,),
    "equipment": (HAS_STEP, LOAD, GYM),
    "language": (LANGUAGE,),
}

CLEARANCE_CODE = "clinician_clearance"

# The welcome's language buttons: "lang:<code>" (a tap changes the language, not the step).
LANGUAGE_BUTTON = "lang:"

# Button payload → stored value, per choice step.
SIDES = {"left": "left", "right": "right", "both": "both"}
SITES = {
    "mid": rehab.Presentation.MID_PORTION.value,
    "ins": rehab.Presentation.INSERTIONAL.value,
    "unsure": rehab.Presentation.UNSURE.value,
}
STIFFNESS_CHOICES = {"0": 0, "5": 5, "20": 20, "45": 45, "90": 90}
HEEL_RAISE_CHOICES = {"0": 0, "5": 5, "15": 15, "25": 25}
LOAD_CHOICES = {"0": 0.0, "5": 5.0, "10": 10.0, "20": 20.0, "40": 40.0}
YES_NO = {"yes": True, "no": False}
ENTRY_CHOICES = {"stage2": False, "test": True}
TIME1_CHOICES = ("06:30", "07:00", "07:30", "08:00", "12:00", "17:00", "18:00", "19:00")
TIME2_CHOICES = ("12:00", "13:00", "16:00", "17:00", "18:00", "19:00", "20:00", "21:00")
ONCE = "once"
# Button key: the weekdays it stands for, one digit a day (0 = Monday).
DAYS_CHOICES: dict[str, tuple[int, ...]] = {
    key: tuple(int(day) for day in key) for key in ("024", "135", "035", "246")
}
DEFAULT_DAYS = planner.DEFAULT_WEEKLY_DAYS
WEEKLY_TIME_CHOICES = ("07:00", "08:00", "12:00", "17:00", "18:00", "19:00")
CHECKIN_CHOICES = ("06:30", "07:00", "07:30", "08:00", "08:30", "09:00")

MIN_WEIGHT_KG = 30.0
MAX_WEIGHT_KG = 250.0
MAX_LOAD_KG = 300.0
LB_TO_KG = 0.45359237
DAYS_PER_WEEK = 7
WEEKLY_SESSIONS = 3


# -- parsing what people type ------------------------------------------------------------------

_MASS = re.compile(
    r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*(kg|kgs|kilo|kilos|lb|lbs|pound|pounds|кг)?\.?\s*$",
    re.IGNORECASE,
)
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)
_MINUTES = re.compile(r"^\s*(\d{1,4})\s*(?:m|min|mins|minutes?)?\s*$", re.IGNORECASE)
_COUNT = re.compile(r"^\s*(\d{1,3})\s*\+?\s*$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How each weekday's name begins, in English, Spanish and Russian (full or short: "mié",
# "пн", "пятница"); no beginning is another day's in any of them.
DAY_BEGINNINGS: tuple[tuple[str, ...], ...] = (
    ("mon", "lun", "пн", "пон"),
    ("tue", "mar", "вт"),
    ("wed", "mié", "mie", "ср"),
    ("thu", "jue", "чт", "чет"),
    ("fri", "vie", "пт", "пят"),
    ("sat", "sáb", "sab", "сб", "суб"),
    ("sun", "dom", "вс", "вос"),
)
AND_WORDS = frozenset({"and", "y", "e", "и"})


def parse_mass_kg(text: str) -> float | None:
    """A mass typed as `72`, `72 kg`, `72,5kg`, `72,5 кг` or `160 lb`, in kg (None if not one)."""
    match = _MASS.match(text)
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or "kg").lower()
    if unit.startswith(("lb", "pound")):
        value *= LB_TO_KG
    return round(value, 1)


def parse_weight(text: str) -> float | None:
    """Body weight in kg, accepted from 30 to 250 kg."""
    kg = parse_mass_kg(text)
    return kg if kg is not None and MIN_WEIGHT_KG <= kg <= MAX_WEIGHT_KG else None


def parse_load(text: str) -> float | None:
    """The heaviest added weight the user has, in kg (`0`, `12.5`, `25 lb`, `none`, `ninguno`,
    `нет`)."""
    if text.strip() == "0" or " ".join(reader.words(text)) in reader.NONE_PHRASES:
        return 0.0
    kg = parse_mass_kg(text)
    return kg if kg is not None and 0 <= kg <= MAX_LOAD_KG else None


def parse_time(text: str) -> str | None:
    """A clock time typed as `7:30`, `07.30`, `19:00`, `7pm`, as `HH:MM` (None if not one)."""
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        return None  # a bare number is too ambiguous
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_minutes(text: str) -> int | None:
    match = _MINUTES.match(text)
    return int(match.group(1)) if match and int(match.group(1)) <= 24 * 60 else None


def parse_count(text: str) -> int | None:
    match = _COUNT.match(text)
    return int(match.group(1)) if match else None


def parse_days(text: str) -> tuple[int, ...] | None:
    """Three training days typed like `mon wed fri`, `lun mié vie` or `пн ср пт` (None unless
    3 non-consecutive days)."""
    found = []
    for word in re.split(r"[\s,/;&+.-]+", text.strip().lower()):
        if not word or word in AND_WORDS:
            continue
        day = next(
            (i for i, names in enumerate(DAY_BEGINNINGS) if word.startswith(names)),
            None,
        )
        if day is None:
            return None
        found.append(day)
    days = tuple(sorted(set(found)))
    return days if valid_days(days) else None


def valid_days(days: tuple[int, ...]) -> bool:
    """Three days a week, none the day after another (Sunday → Monday counts too)."""
    if len(days) != WEEKLY_SESSIONS:
        return False
    return all((b - a) % DAYS_PER_WEEK != 1 for a in days for b in days)


# -- the steps ---------------------------------------------------------------------------------


def _pain(payload: str) -> int | None:
    return parse_pain(payload)


def _choice(table: dict[str, Any]) -> Any:
    return lambda payload: table.get(payload)


def _time_choice(payload: str) -> str | None:
    return parse_time(payload)


def _time2_choice(payload: str) -> str | None:
    return ONCE if payload == ONCE else parse_time(payload)


def _zone_choice(payload: str) -> str | None:
    return payload if timezones.is_zone(payload) else None


def _days_choice(payload: str) -> tuple[int, ...] | None:
    return DAYS_CHOICES.get(payload)


def _language_choice(payload: str) -> str | None:
    return payload if payload in languages.SUPPORTED else None


BUTTON_VALUE: dict[str, Any] = {
    SIDE: _choice(SIDES),
    SITE: _choice(SITES),
    REST_PAIN: _pain,
    MORNING_PAIN: _pain,
    STIFFNESS: _choice(STIFFNESS_CHOICES),
    HEEL_RAISES: _choice(HEEL_RAISE_CHOICES),
    HAS_STEP: _choice(YES_NO),
    LOAD: _choice(LOAD_CHOICES),
    GYM: _choice(YES_NO),
    ENTRY: _choice(ENTRY_CHOICES),
    ZONE: _zone_choice,
    ZONE_OK: _choice(YES_NO),
    TIME1: _time_choice,
    TIME2: _time2_choice,
    DAYS: _days_choice,
    WEEKLY_TIME: _time_choice,
    CHECKIN: _time_choice,
    LANGUAGE: _language_choice,
}

TEXT_VALUE: dict[str, Any] = {
    REST_PAIN: parse_pain,
    MORNING_PAIN: parse_pain,
    STIFFNESS: parse_minutes,
    HEEL_RAISES: parse_count,
    WEIGHT: parse_weight,
    LOAD: parse_load,
    ZONE: timezones.zone_from_text,
    TIME1: parse_time,
    TIME2: parse_time,
    DAYS: parse_days,
    WEEKLY_TIME: parse_time,
    CHECKIN: parse_time,
}


CONFIRMED = "ok:"  # a button that confirms a guess: "ok:<the answer in plain form>"


def value_from_button(step: str, payload: str) -> Any:
    if payload.startswith(CONFIRMED):
        reading = read_answer(step, payload[len(CONFIRMED) :])
        return reading.value if reading is not None and reading.sure else None
    parse = BUTTON_VALUE.get(step)
    return None if parse is None else parse(payload)


def _bounded(reading: Reading[float] | None, low: float, high: float) -> Reading[float] | None:
    return reading if reading is not None and low <= reading.value <= high else None


def _whole(reading: Reading[float] | None, high: int) -> Reading[int] | None:
    if reading is None or reading.value != int(reading.value) or not 0 <= reading.value <= high:
        return None
    return Reading(int(reading.value), reading.sure)


def _sure(value: Any) -> Reading[Any] | None:
    return None if value is None else Reading(value)


def read_answer(step: str, text: str) -> Reading[Any] | None:
    """What `text` answers on `step`, through the tolerant reader (None: no answer in it)."""
    if step in (REST_PAIN, MORNING_PAIN):
        return reader.read_pain(text)
    if step == STIFFNESS:
        return _whole(reader.read_number(text.replace("min", " min")), 24 * 60)
    if step == HEEL_RAISES:
        return _whole(reader.read_number(text), 999)
    if step == WEIGHT:
        return _bounded(reader.read_mass_kg(text), MIN_WEIGHT_KG, MAX_WEIGHT_KG)
    if step == LOAD:
        return _bounded(reader.read_mass_kg(text), 0, MAX_LOAD_KG)
    if step == ZONE:
        return _sure(timezones.zone_from_text(text))
    if step in (TIME1, TIME2, WEEKLY_TIME, CHECKIN):
        if step == TIME2 and reader.words(text) in (["once"], ["once", "a", "day"], ["none"]):
            return Reading(ONCE)
        return reader.read_time(text)
    if step == DAYS:
        return _sure(parse_days(text))
    if step == SIDE:
        return reader.read_side(text)
    if step in (HAS_STEP, GYM, ZONE_OK, RF):
        return reader.read_yes_no(text)
    if step == FLAGS:
        return Reading(True) if reader.read_none(text) else None
    if step == WELCOME:
        return Reading(True) if reader.read_action(text, "go") else None
    if step == LANGUAGE:
        return _sure(reader.read_language(text))
    return None


MIN_GAP_MINUTES = 6 * 60


def is_time_step(step: str) -> bool:
    return step in (TIME1, TIME2, WEEKLY_TIME, CHECKIN)


def _minutes(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def second_time_choices(first: str) -> list[str]:
    """The second-session buttons that leave at least 6 hours after `first`."""
    if not first or first == ONCE:
        return list(TIME2_CHOICES)
    earliest = _minutes(first) + MIN_GAP_MINUTES
    return [t for t in TIME2_CHOICES if _minutes(t) >= earliest]


def checkin_choices(first: str | None) -> list[str]:
    """Check-in buttons before the first session (an hour and half an hour before it when
    none of the usual ones is early enough)."""
    if not first:
        return list(CHECKIN_CHOICES)
    start = _minutes(first)
    usual = [t for t in CHECKIN_CHOICES if _minutes(t) < start]
    return usual or [_hhmm(m) for m in (start - 60, start - 30) if m >= 0]


class TimeClash(StrEnum):
    """Why a time does not work."""

    GAP = "gap"  # the second session is less than six hours after the first
    FIRST_BEFORE_CHECKIN = "first_before_checkin"  # the first session before the check-in
    CHECKIN_LATE = "checkin_late"  # the check-in at or after the first session


@dataclass(frozen=True)
class TimeProblem:
    """Why a time does not work (with the times that clash), and the times that would."""

    clash: TimeClash
    times: dict[str, str]  # first / second / checkin, as typed or chosen
    fixes: list[str]
    offer_once: bool = False  # a second session that cannot fit: offer once a day instead


async def first_session_time(runtime: Runtime, flow: FlowView) -> str | None:
    """The first session's time: this flow's answer, else the saved one."""
    answered = flow.data_as(StepsData).answers.get(TIME1)
    if answered:
        return str(answered)
    async with runtime.uow() as uow:
        row = await uow.profiles.get(flow.user_id)
        return str(row.session_times[0]) if row is not None and row.session_times else None


async def _saved_checkin(runtime: Runtime, user_id: int) -> str | None:
    async with runtime.uow() as uow:
        row = await uow.profiles.get(user_id)
        return row.checkin_time if row is not None else None


async def check_time(runtime: Runtime, flow: FlowView, value: Any) -> TimeProblem | None:
    """Session times in order and 6 hours apart; the morning check-in before the first session
    (so the first session's dose already knows this morning's answer)."""
    step = flow.step
    data = flow.data_as(StepsData)
    answers = data.answers
    if step == TIME2 and value != ONCE:
        first = str(answers.get(TIME1) or "")
        if first and _minutes(str(value)) - _minutes(first) < MIN_GAP_MINUTES:
            return TimeProblem(
                TimeClash.GAP,
                {"first": first, "second": str(value)},
                second_time_choices(first)[:6],
                offer_once=True,
            )
    if step == TIME1 and _mode(data) == "times":
        checkin = await _saved_checkin(runtime, flow.user_id)
        if checkin and _minutes(str(value)) <= _minutes(checkin):
            later = [t for t in TIME1_CHOICES if _minutes(t) > _minutes(checkin)]
            return TimeProblem(
                TimeClash.FIRST_BEFORE_CHECKIN,
                {"first": str(value), "checkin": checkin},
                later[:6],
            )
    if step == CHECKIN:
        session = await first_session_time(runtime, flow)
        if session and _minutes(str(value)) >= _minutes(session):
            return TimeProblem(
                TimeClash.CHECKIN_LATE,
                {"checkin": str(value), "first": session},
                checkin_choices(session),
            )
    return None


def plain_answer(step: str, value: Any) -> str:
    """`value` in the plain form read_answer reads back for certain ("78 kg", "18:30")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if step in (WEIGHT, LOAD):
        return f"{float(value):g} kg"
    if step in (REST_PAIN, MORNING_PAIN):
        return f"{value}/10"
    if step == STIFFNESS:
        return f"{value} min"
    return str(value)


def value_from_text(step: str, text: str) -> Any:
    """The answer in `text` if the reader is sure of it (else None)."""
    reading = read_answer(step, text)
    return reading.value if reading is not None and reading.sure else None


def takes_text(step: str) -> bool:
    return step in TEXT_VALUE


def build_profile(answers: dict[str, Any]) -> rehab.Profile:
    """The engine's Profile from the onboarding answers."""
    return rehab.Profile(
        presentation=rehab.Presentation(answers[SITE]),
        side=rehab.Side(answers[SIDE]),
        bodyweight_kg=float(answers[WEIGHT]),
        max_added_load_kg=float(answers.get(LOAD, 0.0)),
        gym=bool(answers.get(GYM, False)),
        has_step=bool(answers.get(HAS_STEP, False)),
        rest_pain=int(answers[REST_PAIN]),
        morning_pain=int(answers[MORNING_PAIN]),
        stiffness_minutes=int(answers[STIFFNESS]),
        single_leg_heel_raises=int(answers[HEEL_RAISES]),
        once_daily=answers.get(TIME2) == ONCE,
        stage3_entry_test=bool(answers.get(ENTRY, False)),
    )


def entry_choice_applies(answers: dict[str, Any]) -> bool:
    """Low irritability with 25+ heel raises: Stage 2's top rung or the Stage 3 entry test."""
    try:
        profile = build_profile({**answers, ENTRY: False})
    except (KeyError, ValueError):
        return False
    assessment = rehab.assess(profile)
    return (
        assessment.irritability is rehab.Irritability.LOW
        and profile.heel_raise_band is rehab.HeelRaiseBand.MANY
    )


def red_flags() -> list[rehab.RedFlag]:
    return list(rehab.RED_FLAG_CHECKLIST)


# -- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to an answer. `flow` is the step to render next (None: flow is over)."""

    flow: FlowView | None
    accepted: bool = True
    saved: str | None = None  # /settings: what was changed


def _mode(data: StepsData) -> str | None:
    """What /settings is changing (None in onboarding, and on the /settings menu)."""
    return data.mode if isinstance(data, SettingsData) else None


def _next_in_seq(data: StepsData, step: str) -> str | None:
    seq: list[str] = list(data.sequence or ONBOARDING_SEQ)
    if step in (RF, CLEARED):
        step = FLAGS
    try:
        index = seq.index(step)
    except ValueError:
        return None
    for candidate in seq[index + 1 :]:
        if candidate == ENTRY and not entry_choice_applies(data.answers):
            continue
        return candidate
    return None


def _with_history(data: StepsData, step: str) -> StepsData:
    new = data.model_copy(deep=True)
    index = new.red_flag_index if isinstance(new, OnboardingData) else 0
    new.history.append(f"{RF}:{index}" if step == RF else step)
    return new


async def _load_checked(uow: UnitOfWork, flow: FlowView) -> FlowView | None:
    """The flow as stored, if it is still the step the user answered."""
    stored = await flows.load(uow, flow.user_id)
    if stored is None or stored.version != flow.version or stored.name != flow.name:
        return None
    return stored


# -- the service -------------------------------------------------------------------------------


async def begin(runtime: Runtime, user_id: int, *, after_clearance: bool = False) -> FlowView:
    """Start onboarding from the welcome (or, once cleared by a clinician, from the side)."""
    async with runtime.uow() as uow:
        step = SIDE if after_clearance else WELCOME
        data = OnboardingData(sequence=list(ONBOARDING_SEQ))
        flow = await flows.begin(uow, user_id, ONBOARDING_FLOW, step, data, runtime.now())
        await uow.commit()
        return flow


async def resume(runtime: Runtime, user_id: int) -> FlowView | None:
    """Bring back an onboarding left with /cancel, at the same step with the same answers."""
    async with runtime.uow() as uow:
        flow = await flows.load(uow, user_id)
        if flow is None or flow.name != PARKED_FLOW:
            return flow if flow is not None and flow.name == ONBOARDING_FLOW else None
        resumed = await flows.begin(
            uow, user_id, ONBOARDING_FLOW, flow.step, flow.data, runtime.now()
        )
        await uow.commit()
        return resumed


async def park(runtime: Runtime, user_id: int) -> bool:
    """/cancel during onboarding: stop listening, keep the answers for the next /start."""
    async with runtime.uow() as uow:
        flow = await flows.load(uow, user_id)
        if flow is None or flow.name != ONBOARDING_FLOW:
            return False
        await flows.begin(uow, user_id, PARKED_FLOW, flow.step, flow.data, runtime.now())
        await uow.commit()
        return True


async def choose_language(runtime: Runtime, flow: FlowView, language: str) -> FlowView | None:
    """A language button on the welcome: store the choice and stay on the welcome (a new
    version of it, shown in the new language). None when the welcome is no longer current
    (a stale button) or the language is not one we speak (a forged one): nothing stored."""
    if flow.step != WELCOME or language not in languages.SUPPORTED:
        return None
    async with runtime.uow() as uow:
        stored = await _load_checked(uow, flow)
        if stored is None or stored.step != WELCOME:
            return None
        if not await languages.store(uow, stored.user_id, language):
            return None
        moved = await flows.advance(
            uow, stored, WELCOME, now=runtime.now(), accepted_payload=f"{LANGUAGE_BUTTON}{language}"
        )
        await uow.commit()
    languages.remember(runtime, flow.user_id, language)
    return moved


async def begin_settings(runtime: Runtime, user_id: int) -> FlowView:
    async with runtime.uow() as uow:
        data = SettingsData(sequence=[MENU])
        flow = await flows.begin(uow, user_id, SETTINGS_FLOW, MENU, data, runtime.now())
        await uow.commit()
        return flow


async def choose_setting(runtime: Runtime, flow: FlowView, what: str) -> Outcome:
    """/settings menu: start the steps for `what`, prefilled with the current values."""
    seq = SETTINGS_SEQS.get(what)
    if seq is None:
        return Outcome(flow, accepted=False)
    async with runtime.uow() as uow:
        stored = await _load_checked(uow, flow)
        if stored is None:
            return Outcome(None, accepted=False)
        user = await uow.users.get(stored.user_id)
        zone = user.timezone if user is not None and user.timezone else None
        data = SettingsData(sequence=[MENU, *seq], history=[MENU], mode=what, zone=zone)
        moved = await flows.advance(uow, stored, seq[0], data, now=runtime.now())
        await uow.commit()
        return Outcome(moved)


async def go_back(runtime: Runtime, flow: FlowView) -> Outcome:
    """Back: the previous step, answers kept (they are overwritten when answered again)."""
    async with runtime.uow() as uow:
        stored = await _load_checked(uow, flow)
        if stored is None:
            return Outcome(None, accepted=False)
        data = stored.data_as(StepsData).model_copy(deep=True)
        if not data.history:
            return Outcome(stored, accepted=False)
        previous = data.history.pop()
        if previous.startswith(f"{RF}:") and isinstance(data, OnboardingData):
            data.red_flag_index = int(previous.split(":", 1)[1])
            previous = RF
        if previous == MENU:
            data = SettingsData(sequence=[MENU])
        moved = await flows.advance(uow, stored, previous, data, now=runtime.now())
        await uow.commit()
        return Outcome(moved)


async def answer(runtime: Runtime, flow: FlowView, value: Any, *, payload: str) -> Outcome:
    """Store the answer to the current step and move on; the caller has validated `value`."""
    now = runtime.now()
    async with runtime.uow() as uow:
        stored = await _load_checked(uow, flow)
        if stored is None:
            return Outcome(None, accepted=False)
        step = stored.step
        data = _with_history(stored.data_as(StepsData), step)
        answers = dict(data.answers)
        saved: str | None = None
        if step in (FLAGS, RF, FLAGGED, CLEARED) and not isinstance(data, OnboardingData):
            return Outcome(None, accepted=False)  # the checklist belongs to onboarding only
        if step == FLAGS and isinstance(data, OnboardingData):
            if value is True:  # "none of these apply"
                for flag in red_flags():
                    _store_flag(uow, stored.user_id, flag.code, False, None, now)
                next_step: str | None = _next_in_seq(data, FLAGS)
            else:
                data.red_flag_index, next_step = 0, RF
        elif step == RF and isinstance(data, OnboardingData):
            next_step = _answer_red_flag(uow, stored.user_id, data, bool(value), now)
            if next_step == FLAGGED and data.flag is not None:
                data.history = []  # a flag ends onboarding: no way Back past the advice
                data.flag.raised_on = date.fromisoformat(await _today(uow, stored.user_id, now))
        elif step in (FLAGGED, CLEARED) and isinstance(data, OnboardingData):
            flagged = data.flag
            today = date.fromisoformat(await _today(uow, stored.user_id, now))
            if not rehab.clearance_offered(_raised_on(flagged), today):
                return Outcome(None, accepted=False)  # never in the same sitting as the flag
            if step == FLAGGED:
                next_step = CLEARED
            else:
                # stored with its time, naming the flag it clears
                code = flagged.code if flagged is not None and flagged.code else CLEARANCE_CODE
                _store_flag(uow, stored.user_id, code, True, None, now, source="clearance")
                data.history = []
                next_step = SIDE
        elif step == ZONE_OK and value is False:
            data.history = data.history[:-2]  # choosing again: Back skips the zone pair
            next_step = ZONE
        else:
            if step not in (WELCOME, ZONE_OK):
                answers[step] = list(value) if isinstance(value, tuple) else value
            data.answers = answers
            next_step = _next_in_seq(data, step)
        if next_step == DONE or (next_step is None and _mode(data)):
            if _mode(data):
                saved = await _save_settings(runtime, uow, stored.user_id, data)
                await flows.finish(uow, stored.user_id)
                await uow.commit()
                if saved == "language":  # the very next message is in it
                    languages.remember(runtime, stored.user_id, str(answers[LANGUAGE]))
                else:
                    await runtime.reschedule(stored.user_id)
                return Outcome(None, saved=saved)
            await _complete(uow, stored.user_id, answers, now)
            data.answers = answers
        if next_step is None:
            raise LookupError(f"no step after {step!r}")
        moved = await flows.advance(uow, stored, next_step, data, now=now, accepted_payload=payload)
        await uow.commit()
    if next_step == DONE:
        await runtime.reschedule(flow.user_id)
    return Outcome(moved)


async def _today(uow: UnitOfWork, user_id: int, now: datetime) -> str:
    """The user's local date (UTC until they have chosen a zone), as ISO text."""
    user = await uow.users.get(user_id)
    zone = ZoneInfo(user.timezone) if user is not None and user.timezone else ZoneInfo("UTC")
    return now.astimezone(zone).date().isoformat()


@dataclass(frozen=True)
class Clearance:
    """What the flagged step offers: the clearance (from the next day on) and the flag's name."""

    offered: bool
    flag: str  # in plain English (the code's stable words)
    code: str = ""  # the red flag's code (the bot words it)


def _raised_on(flag: RaisedFlag | None) -> date:
    """The day a flag was raised (none known: never, so no clearance is offered)."""
    return flag.raised_on if flag is not None and flag.raised_on is not None else date.max


async def clearance(runtime: Runtime, flow: FlowView) -> Clearance:
    flag = flow.data_as(OnboardingData).flag
    code = flag.code if flag is not None else ""
    async with runtime.uow() as uow:
        today = date.fromisoformat(await _today(uow, flow.user_id, runtime.now()))
    offered = rehab.clearance_offered(_raised_on(flag), today)
    return Clearance(offered, rehab.flag_name(code), code)


def _store_flag(
    uow: UnitOfWork,
    user_id: int,
    code: str,
    answer_: bool,
    outcome: str | None,
    now: datetime,
    *,
    source: str = "checklist",
) -> None:
    uow.red_flags.add(
        RedFlagAnswer(
            user_id=user_id,
            code=code,
            answer=answer_,
            source=source,
            outcome=outcome,
            answered_at=now,
        )
    )


def _answer_red_flag(
    uow: UnitOfWork, user_id: int, data: OnboardingData, yes: bool, now: datetime
) -> str:
    checklist = red_flags()
    index = data.red_flag_index
    flag = checklist[index]
    _store_flag(uow, user_id, flag.code, yes, flag.outcome.value if yes else None, now)
    data.red_flag_answers[flag.code] = yes
    if yes:
        result = rehab.evaluate_red_flags(dict(data.red_flag_answers))
        if result is not None:
            data.flag = RaisedFlag(
                outcome=result.outcome.value,
                advice=result.advice,
                code=result.codes[0] if result.codes else flag.code,
            )
            return FLAGGED
    if index + 1 < len(checklist):
        data.red_flag_index = index + 1
        return RF
    return _next_in_seq(data, FLAGS) or SIDE


async def _complete(uow: UnitOfWork, user_id: int, answers: dict[str, Any], now: datetime) -> None:
    """The last answer: store the zone, the profile and the programme in one transaction."""
    user = await uow.users.get(user_id)
    if user is None:
        raise LookupError(f"user {user_id} is not registered")
    zone = str(answers.get(ZONE) or "UTC")
    user.timezone = zone
    today = now.astimezone(ZoneInfo(zone)).date()
    profile = build_profile(answers)
    state = rehab.start_programme(profile, today)
    await save_state(uow, user_id, state, now)
    row = await uow.profiles.get(user_id)
    if row is None:
        row = Profile(user_id=user_id, answers={}, updated_at=now)
        uow.profiles.add(row)
    row.answers = profile.model_dump(mode="json")
    row.session_times = _session_times(answers)
    row.weekly_days = list(answers.get(DAYS) or DEFAULT_DAYS)
    row.weekly_time = str(answers.get(WEEKLY_TIME) or "18:00")
    row.checkin_time = str(answers.get(CHECKIN) or "07:30")
    row.paused = False
    row.paused_until = None
    row.updated_at = now
    await uow.session.flush()


def _session_times(answers: dict[str, Any]) -> list[str]:
    first = str(answers.get(TIME1) or "07:30")
    second = answers.get(TIME2)
    return [first] if second in (None, ONCE) else [first, str(second)]


async def _save_settings(runtime: Runtime, uow: UnitOfWork, user_id: int, data: StepsData) -> str:
    """Apply a /settings change to the profile (and the engine's copy of it)."""
    answers: dict[str, Any] = dict(data.answers)
    what = str(_mode(data))
    now = runtime.now()
    row = await uow.profiles.get(user_id)
    user = await uow.users.get(user_id)
    if row is None or user is None:
        return what
    state = await load_state(uow, user_id)
    engine_changes: dict[str, Any] = {}
    if what == "times":
        row.session_times = _session_times(answers)
        engine_changes["once_daily"] = answers.get(TIME2) == ONCE
    elif what == "zone":
        user.timezone = str(answers[ZONE])
    elif what == "days":
        row.weekly_days = list(answers[DAYS])
        row.weekly_time = str(answers[WEEKLY_TIME])
    elif what == "checkin":
        row.checkin_time = str(answers[CHECKIN])
    elif what == "weight":
        engine_changes["bodyweight_kg"] = float(answers[WEIGHT])
    elif what == "language":
        await languages.store(uow, user_id, str(answers[LANGUAGE]))
    elif what == "equipment":
        engine_changes["has_step"] = bool(answers[HAS_STEP])
        engine_changes["max_added_load_kg"] = float(answers[LOAD])
        engine_changes["gym"] = bool(answers[GYM])
    if engine_changes:
        row.answers = {**(row.answers or {}), **engine_changes}
        if state is not None:
            new_state = state.clone()
            new_state.profile = state.profile.model_copy(update=engine_changes)
            await save_state(uow, user_id, new_state, now)
    row.updated_at = now
    await uow.session.flush()
    return what


# -- what the summary shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """The starting point computed from the stored programme."""

    assessment: rehab.Assessment
    plan: rehab.SessionPlan
    today: date


async def starting_point(runtime: Runtime, user_id: int) -> Start | None:
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        user = await uow.users.get(user_id)
        if state is None or user is None:
            return None
        today = runtime.now().astimezone(ZoneInfo(user.timezone or "UTC")).date()
        return Start(rehab.assess(state.profile), rehab.prescribe(state, today), today)


async def finish(runtime: Runtime, user_id: int) -> None:
    """Close the onboarding flow after the summary's buttons."""
    async with runtime.uow() as uow:
        flow = await flows.load(uow, user_id)
        if flow is not None and flow.name == ONBOARDING_FLOW:
            await flows.finish(uow, user_id)
            await uow.commit()
