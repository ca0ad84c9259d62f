"""The service layer's answers put into words: /start's status, the /settings menu and the
times in force, a time that clashes, /progress, /history, the weekly summary and a stored
decision's reason (every sentence comes from the catalogue, bot/texts.py)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from babel.dates import format_date

from bot import i18n, texts
from service_layer import onboarding as ob
from service_layer import settings, timezones
from service_layer.languages import DEFAULT
from service_layer.onboarding import TimeClash, TimeProblem
from service_layer.records import (
    HistoryDay,
    ProgressFacts,
    WeeklySummary,
    stored_reason,
)
from service_layer.runtime import Runtime
from service_layer.settings import NextSession, SettingsView, Status, TimesNow
from storage.models import Decision


async def newcomer_text(runtime: Runtime, user_id: int) -> str:
    """What a command says to someone without a programme: mid-setup, where they are; else
    how to begin."""
    return texts.OB_IN_SETUP if await settings.in_setup(runtime, user_id) else texts.NOT_ONBOARDED


def short_date(day: date) -> str:
    """`Tue 01 Dec` (a pause's end), in the language in force."""
    return format_date(day, "EEE dd MMM", locale=i18n.locale(i18n.current()))


def status_text(status: Status) -> str:
    """/start's summary for an onboarded user."""
    if status.stopped:
        template = texts.STATUS_STOPPED if status.clearance_offered else texts.STATUS_STOPPED_WAIT
        return template.format(flag=escape(texts.red_flag_name(status.flag_code)))
    if status.paused:
        label = (
            texts.STATUS_PAUSED_UNTIL.format(day=short_date(status.paused_until))
            if status.paused_until
            else texts.STATUS_PAUSED
        )
    elif status.maintenance:
        label = texts.STATUS_MAINTENANCE
    else:
        label = texts.STATUS_ACTIVE
    return texts.STATUS.format(
        name=escape(status.name),
        stage=status.stage,
        status=label,
        next=escape(when_words(status.next_session) or texts.STATUS_NEXT_NONE),
    )


def shown_answer(step: str, value: Any, zone: str | None) -> str:
    """A typed answer as it is shown back to be confirmed, in the person's words: a time with
    the place whose clock it is (`07:30 (Berlin time)`), `78 kg`, `3/10`, `20 min`."""
    if isinstance(value, bool):
        return texts.ANSWER_YES if value else texts.ANSWER_NO
    if ob.is_time_step(step) and value != ob.ONCE and zone:
        return texts.ANSWER_TIME_IN_ZONE.format(time=value, place=i18n.city(zone))
    if step in (ob.WEIGHT, ob.LOAD):
        return texts.ANSWER_KG.format(kg=i18n.number(float(value), 2))
    if step == ob.STIFFNESS:
        return texts.ANSWER_MINUTES.format(minutes=value)
    return ob.plain_answer(step, value)


# Zone buttons that name two cities (service_layer/timezones.py), and the one that names a country.
_ZONE_CITIES = {
    "Europe/Berlin": ("Europe/Berlin", "Europe/Paris"),
    "Europe/Athens": ("Europe/Athens", "Europe/Helsinki"),
}
_ZONE_COUNTRIES = {"Asia/Kolkata": "IN"}


def zone_choices() -> list[tuple[str, str]]:
    """The zone buttons (label, IANA name), the cities named as the person's language names
    them (Babel's locale data: `Berlín / París`, `Нью-Йорк`)."""
    if i18n.current() == DEFAULT:
        return list(timezones.COMMON_ZONES)
    loc = i18n.locale(i18n.current())
    choices = []
    for label, zone in timezones.COMMON_ZONES:
        if zone == "UTC":
            choices.append((label, zone))
        elif zone in _ZONE_COUNTRIES:
            choices.append((str(loc.territories.get(_ZONE_COUNTRIES[zone], label)), zone))
        else:
            cities = [i18n.city(z) for z in _ZONE_CITIES.get(zone, (zone,))]
            choices.append((" / ".join(cities), zone))
    return choices


def when_words(when: NextSession | None) -> str | None:
    """`today at 18:00`, `tomorrow at 07:30` or `Wed 3 Dec at 18:00`; None: nothing ahead."""
    if when is None:
        return None
    time = i18n.clock(when.at)
    if when.days_ahead == 0:
        return texts.WHEN_TODAY.format(time=time)
    if when.days_ahead == 1:
        return texts.WHEN_TOMORROW.format(time=time)
    return texts.WHEN_DAY.format(day=i18n.day_month(when.at.date()), time=time)


def _times_text(times: TimesNow) -> str:
    if len(times.session_times) < 2:
        return texts.SETTINGS_ONCE_DAILY.format(first=times.session_times[0])
    first, second = times.session_times[:2]
    return texts.SETTINGS_TWICE_DAILY.format(first=first, second=second)


def times_now_text(times: TimesNow) -> str:
    """Every reminder time in force, in the person's zone."""
    return texts.SETTINGS_TIMES_NOW.format(
        times=_times_text(times),
        checkin=times.checkin,
        days=texts.weekday_list(times.days),
        weekly_time=times.weekly_time,
        zone=escape(times.zone),
    )


def settings_menu_text(view: SettingsView) -> str:
    """The /settings menu's text."""
    kit = [texts.SETTINGS_STEP] if view.has_step else []
    if view.max_added_load_kg:
        kit.append(texts.SETTINGS_WEIGHTS.format(kg=i18n.number(view.max_added_load_kg, 2)))
    if view.gym:
        kit.append(texts.SETTINGS_GYM)
    times = view.times
    return texts.SETTINGS_MENU.format(
        times=_times_text(times),
        days=texts.weekday_list(times.days),
        weekly_time=times.weekly_time,
        checkin=times.checkin,
        zone=escape(times.zone),
        weight=i18n.number(view.bodyweight_kg, 2),
        equipment=", ".join(kit) or texts.SETTINGS_NO_EQUIPMENT,
        summary=texts.SETTINGS_ON if view.weekly_summary else texts.SETTINGS_OFF,
    )


def progress_caption(facts: ProgressFacts) -> str:
    """The caption under the /progress chart."""
    return texts.progress_caption(
        week=facts.week,
        total_weeks=facts.total_weeks,
        stage=facts.stage,
        morning_week1=facts.morning_week1,
        morning_now=facts.morning_now,
        sessions_done=facts.sessions_done,
        sessions_missed=facts.sessions_missed,
    )


def history_text(days: list[HistoryDay] | None) -> str:
    """The /history message, newest day first (or a pointer to /start)."""
    if days is None:
        return texts.RECORDS_NOT_ONBOARDED
    return texts.history(
        [
            texts.history_line(
                i18n.day_month(d.day),
                d.outcome,
                d.sessions_done,
                d.pain_during_max,
                d.morning_pain,
                d.decision,
                ended_early=d.ended_early,
            )
            for d in reversed(days)
        ]
    )


def weekly_summary_text(summary: WeeklySummary) -> str:
    """The Sunday-evening summary's text."""
    if not summary.onboarded or summary.first is None or summary.last is None:
        return texts.RECORDS_NOT_ONBOARDED
    kind = summary.decision_kind
    return texts.weekly_summary(
        period=f"{i18n.day_month(summary.first)} – {i18n.day_month(summary.last)}",
        done=summary.done,
        planned=summary.planned,
        morning_now=summary.morning_now,
        morning_before=summary.morning_before,
        stage=summary.stage,
        stage_to=summary.stage_to,
        decision_label=texts.decision_label(kind) if kind else None,
        decision_kind=kind,
        decision_reason=(
            texts.reason_text(summary.decision_reason) if summary.decision_reason else None
        ),
    )


# English templates: read through the catalogue when used (texts.X here is read at import).
_CLASHES = {
    TimeClash.GAP: texts.OB_TIME_GAP,
    TimeClash.FIRST_BEFORE_CHECKIN: texts.OB_FIRST_BEFORE_CHECKIN,
    TimeClash.CHECKIN_LATE: texts.OB_CHECKIN_LATE,
}


def time_problem_text(problem: TimeProblem) -> str:
    """Why a time was not taken, with the times that clash."""
    return i18n._(_CLASHES[problem.clash]).format(
        **{k: escape(v) for k, v in problem.times.items()}
    )


def reason_words(row: Decision) -> str:
    """A stored decision's reason in today's words (its data worded by the catalogue)."""
    return texts.reason_text(stored_reason(row))
