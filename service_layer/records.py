"""Progress, history, exports, the weekly summary and deleting everything about a person.

Reads through the repositories only; renders the chart (bot.charts) in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

import rehab
import rehab.reasons
from service_layer.chart_data import ChartData, GateMark, MorningPoint, SessionPoint, StageBand
from service_layer.export_schema import (
    AchillesCoachExport,
    ExportCheckin,
    ExportDecision,
    ExportGateTest,
    ExportProfile,
    ExportProgramme,
    ExportRedFlagAnswer,
    ExportSchedule,
    ExportSession,
    ExportSet,
    ExportStageChange,
    ExportUser,
)
from service_layer.runtime import Runtime
from storage.models import (
    Decision,
    GateTest,
    MorningCheckin,
    Profile,
    Programme,
    RedFlagAnswer,
    SessionStatus,
    SetLog,
    TrainingSession,
    User,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MIN_CHART_POINTS = 3
HISTORY_DAYS = 14
PROGRAMME_WEEKS = 12
MISSED_KIND = "missed"  # sent_log kind written when a scheduled day ends without a session
REMINDER_KIND = "reminder"
SKIPPED_STATUS = "skipped"


# -- reading everything about one person --------------------------------------------------------


@dataclass
class Records:
    """Every row about one person, loaded in one unit of work (detached, read-only)."""

    user: User
    zone: ZoneInfo
    profile: Profile | None
    programme: Programme | None
    sessions: Sequence[TrainingSession]
    sets: dict[int, list[SetLog]]
    checkins: Sequence[MorningCheckin]
    decisions: Sequence[Decision]
    red_flags: Sequence[RedFlagAnswer]
    gate_tests: Sequence[GateTest]
    missed_days: int = 0

    @property
    def onboarded(self) -> bool:
        return self.programme is not None

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def start_date(self) -> date:
        """The first day of the programme (its start, or the first recorded day)."""
        days: list[date] = []
        if self.programme is not None:
            days.append(self.local_date(self.programme.started_at))
        days += [s.local_date for s in self.sessions[:1]]
        days += [c.local_date for c in self.checkins[:1]]
        return min(days) if days else self.local_date(self.user.created_at)

    def current_stage(self) -> int | None:
        if self.programme is not None:
            stage = _int_or_none((self.programme.state or {}).get("stage"))
            if stage is not None:
                return stage
        return self.sessions[-1].stage if self.sessions else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def zone_of(user: User | None) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone) if user is not None and user.timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def _load(uow: UnitOfWork, user_id: int) -> Records | None:
    user = await uow.users.get(user_id)
    if user is None:
        return None
    sessions = await uow.sessions.all_for(user_id)
    sets: dict[int, list[SetLog]] = {}
    for logged in await uow.sessions.sets_for_user(user_id):
        sets.setdefault(logged.session_id, []).append(logged)
    for rows in sets.values():
        rows.sort(key=lambda r: (r.exercise_index, r.set_no))
    return Records(
        user=user,
        zone=zone_of(user),
        profile=await uow.profiles.get(user_id),
        programme=await uow.programmes.get(user_id),
        sessions=sessions,
        sets=sets,
        checkins=await uow.checkins.all_for(user_id),
        decisions=await uow.decisions.all_for(user_id),
        red_flags=await uow.red_flags.all_for(user_id),
        gate_tests=await uow.gate_tests.all_for(user_id),
        missed_days=await uow.sent_log.count(user_id, MISSED_KIND),
    )


async def load_records(runtime: Runtime, user_id: int) -> Records | None:
    """Everything stored about `user_id`, or None when the bot has never met them."""
    async with runtime.uow() as uow:
        return await _load(uow, user_id)


# -- derived figures ----------------------------------------------------------------------------


def _max_pain(rows: Sequence[SetLog]) -> int | None:
    pains = [r.pain_during for r in rows if r.pain_during is not None]
    return max(pains) if pains else None


def stage_bands(records: Records, until: date) -> list[StageBand]:
    """Contiguous runs of the stage the sessions were planned at (the last one runs to `until`)."""
    bands: list[StageBand] = []
    for session in records.sessions:
        if bands and bands[-1].stage == session.stage:
            continue
        if bands:
            bands[-1] = StageBand(bands[-1].stage, bands[-1].start, session.local_date)
        bands.append(StageBand(session.stage, session.local_date, session.local_date))
    if bands:
        last = bands[-1]
        bands[-1] = StageBand(last.stage, last.start, max(until, last.start) + timedelta(days=1))
    return bands


def chart_data(records: Records, until: date) -> ChartData:
    """The chart's input from the stored rows."""
    points: list[SessionPoint] = []
    for session in records.sessions:
        if session.status in SessionStatus.open() and not records.sets.get(session.id):
            continue
        rows = [r for r in records.sets.get(session.id, []) if r.completed]
        loads = [r.load_kg for r in rows if r.load_kg]
        holds = [r.hold_s for r in rows if r.hold_s]
        during = _max_pain(records.sets.get(session.id, []))
        if during is None and session.pain_after is None:
            continue
        points.append(
            SessionPoint(
                day=session.local_date,
                pain_during_max=during,
                pain_after=session.pain_after,
                load_kg=max(loads) if loads else 0.0,
                hold_s=max(holds) if holds else None,
            )
        )
    return ChartData(
        sessions=points,
        mornings=[MorningPoint(c.local_date, c.pain) for c in records.checkins],
        stages=stage_bands(records, until),
        gates=[GateMark(g.local_date, g.stage, g.passed) for g in records.gate_tests],
    )


@dataclass(frozen=True)
class Adherence:
    done: int
    planned: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.planned) if self.planned else None


def adherence(
    records: Records, first: date | None = None, last: date | None = None, missed_days: int = 0
) -> Adherence:
    """Sessions done out of those due: done + ended early on pain + stopped by the person + days
    missed. A session ended early is not done (as /history and /plan say)."""
    chosen = [
        s
        for s in records.sessions
        if (first is None or s.local_date >= first) and (last is None or s.local_date <= last)
    ]
    # An early end is not "done": it counts with the sessions stopped, as /history shows it.
    done = sum(1 for s in chosen if s.status == SessionStatus.DONE)
    stopped = sum(
        1
        for s in chosen
        if s.status in SessionStatus.cut_off() | {SessionStatus.ENDED_EARLY}
        or s.status == MISSED_KIND
    )
    return Adherence(done, done + stopped + missed_days)


def _mean_morning(records: Records, first: date, last: date) -> float | None:
    pains = [c.pain for c in records.checkins if first <= c.local_date <= last]
    return mean(pains) if pains else None


# -- /progress ------------------------------------------------------------------------------------


class ProgressStatus(StrEnum):
    NOT_ONBOARDED = "not_onboarded"
    TOO_LITTLE = "too_little"
    CHART = "chart"


class DayOutcome(StrEnum):
    """What a day of /history shows: one list for the records and the text catalogue."""

    DONE = SessionStatus.DONE.value
    ENDED_EARLY = SessionStatus.ENDED_EARLY.value  # not "done": the session stopped on pain
    OPEN = "open"
    STOPPED = SessionStatus.STOPPED.value
    MISSED = "missed"
    SKIPPED = "skipped"
    TODAY = "today"  # the day isn't over: not a rest day (yet)
    REST = "rest"


@dataclass(frozen=True)
class ProgressFacts:
    """The figures under the /progress chart."""

    week: int
    total_weeks: int
    stage: int | None
    morning_week1: float | None
    morning_now: float | None
    sessions_done: int
    sessions_missed: int


@dataclass(frozen=True)
class Progress:
    status: ProgressStatus
    facts: ProgressFacts | None = None
    chart: ChartData | None = None
    points: int = 0


def progress_facts(records: Records, today: date) -> ProgressFacts:
    start = records.start_date()
    week = (today - start).days // 7 + 1
    week1 = _mean_morning(records, start, start + timedelta(days=6))
    latest = max((c.local_date for c in records.checkins), default=today)
    now = _mean_morning(records, latest - timedelta(days=6), latest)
    counts = adherence(records, missed_days=records.missed_days)
    return ProgressFacts(
        week=week,
        total_weeks=PROGRAMME_WEEKS,
        stage=records.current_stage(),
        morning_week1=week1,
        morning_now=now,
        sessions_done=counts.done,
        sessions_missed=counts.planned - counts.done,
    )


async def progress(runtime: Runtime, user_id: int) -> Progress:
    """What /progress shows (the chart's data and its figures), or why there is none yet."""
    records = await load_records(runtime, user_id)
    if records is None or not records.onboarded:
        return Progress(ProgressStatus.NOT_ONBOARDED)
    today = records.local_date(runtime.now())
    data = chart_data(records, today)
    points = data.data_points()
    if points < MIN_CHART_POINTS:
        return Progress(ProgressStatus.TOO_LITTLE, points=points)
    return Progress(ProgressStatus.CHART, progress_facts(records, today), data, points)


# -- /history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryDay:
    day: date
    outcome: DayOutcome
    sessions_done: int  # sessions finished, in full or ended early
    pain_during_max: int | None
    morning_pain: int | None
    decision: str | None
    ended_early: int = 0  # of sessions_done, those the engine ended early (pain too high)


async def history_days(runtime: Runtime, user_id: int) -> list[HistoryDay] | None:
    """The last 14 local days, oldest first; None when the person has not onboarded."""
    async with runtime.uow() as uow:
        records = await _load(uow, user_id)
        if records is None or not records.onboarded:
            return None
        today = records.local_date(runtime.now())
        first = max(today - timedelta(days=HISTORY_DAYS - 1), records.start_date())
        from service_layer.programme import load_state
        from service_layer.sessions import planned_sessions

        state = await load_state(uow, user_id)
        days: list[HistoryDay] = []
        day = first
        while day <= today:
            ledger = await uow.sent_log.for_date(user_id, day)
            entry = _history_day(records, day, ledger_kinds(ledger), today=day == today)
            # A past day the schedule had sessions on, with none held: missed, as /plan says
            # ("not done"), whether or not its reminders were ever sent. Not the day of setup:
            # its session times may have passed before there was a programme (the day's end
            # marks it missed if a session was still to come), as /progress counts it.
            if (
                entry.outcome == DayOutcome.REST
                and day > records.start_date()
                and state is not None
                and await planned_sessions(uow, user_id, state, day)
            ):
                entry = replace(entry, outcome=DayOutcome.MISSED)
            days.append(entry)
            day += timedelta(days=1)
    return days


def ledger_kinds(rows: Sequence[Any]) -> set[str]:
    kinds = {str(r.kind) for r in rows}
    if any(r.kind == REMINDER_KIND and r.status == SKIPPED_STATUS for r in rows):
        kinds.add(SKIPPED_STATUS)
    return kinds


def _history_day(
    records: Records, day: date, ledger: set[str], *, today: bool = False
) -> HistoryDay:
    sessions = [s for s in records.sessions if s.local_date == day]
    done = sum(1 for s in sessions if s.status in SessionStatus.finished())
    ended = sum(1 for s in sessions if s.status == SessionStatus.ENDED_EARLY)
    if done > ended:
        outcome = DayOutcome.DONE
    elif ended:
        outcome = DayOutcome.ENDED_EARLY
    elif any(s.status in SessionStatus.open() for s in sessions):
        outcome = DayOutcome.OPEN
    elif any(s.status in SessionStatus.cut_off() for s in sessions):
        outcome = DayOutcome.STOPPED
    elif MISSED_KIND in ledger or any(s.status == MISSED_KIND for s in sessions):
        outcome = DayOutcome.MISSED
    elif SKIPPED_STATUS in ledger:
        outcome = DayOutcome.SKIPPED
    elif today:
        outcome = DayOutcome.TODAY
    else:
        outcome = DayOutcome.REST
    pains = [
        p for s in sessions for r in records.sets.get(s.id, []) if (p := r.pain_during) is not None
    ]
    morning = next((c.pain for c in records.checkins if c.local_date == day), None)
    decisions = [d for d in records.decisions if d.local_date == day]
    return HistoryDay(
        day=day,
        outcome=outcome,
        sessions_done=done,
        pain_during_max=max(pains) if pains else None,
        morning_pain=morning,
        decision=decisions[-1].kind if decisions else None,
        ended_early=ended,
    )


# -- /export --------------------------------------------------------------------------------------


# Puts a reason into words: the bot's catalogue (bot/texts.py `reason_text`) in the bot.
ReasonWords = Callable[[rehab.Reason], str]


def stored_reason(row: Decision) -> rehab.Reason:
    """A stored decision's reason as data, for the catalogue to word (in the words of its time):
    rows written before reasons were data keep the words stored with them."""
    if row.reason_data is None:
        return rehab.reasons.LegacyText(text=row.reason)
    try:
        return rehab.reasons.reason_from_json(row.reason_data)
    except ValidationError:
        log.warning("a stored decision's reason could not be read; showing its stored words")
        return rehab.reasons.LegacyText(text=row.reason)


def stage_history(records: Records, words: ReasonWords) -> list[ExportStageChange]:
    """The starting stage, then every decision that moved the stage."""
    moves = [
        d
        for d in records.decisions
        if d.stage_to is not None and d.stage_from is not None and d.stage_to != d.stage_from
    ]
    first_stage: int | None
    if moves:
        first_stage = moves[0].stage_from
    elif records.sessions:
        first_stage = records.sessions[0].stage
    else:
        first_stage = records.current_stage()
    changes: list[ExportStageChange] = []
    if first_stage is not None:
        changes.append(
            ExportStageChange(
                date_local=records.start_date(),
                stage=first_stage,
                stage_from=None,
                reason="Starting stage",
            )
        )
    for d in moves:
        assert d.stage_to is not None
        changes.append(
            ExportStageChange(
                date_local=d.local_date,
                stage=d.stage_to,
                stage_from=d.stage_from,
                reason=words(stored_reason(d)),
            )
        )
    return changes


def build_export(records: Records, now: datetime, words: ReasonWords) -> AchillesCoachExport:
    """The export document from the stored rows."""
    profile = records.profile
    programme = records.programme
    return AchillesCoachExport(
        generated_at=now,
        user=ExportUser(
            first_name=records.user.first_name,
            timezone=records.user.timezone,
            created_at=records.user.created_at,
        ),
        profile=None if profile is None else ExportProfile(answers=dict(profile.answers or {})),
        schedule=ExportSchedule(
            timezone=records.user.timezone,
            session_times=list(profile.session_times or []) if profile else [],
            weekly_days=list(profile.weekly_days or []) if profile else [],
            weekly_time=profile.weekly_time if profile else None,
            checkin_time=profile.checkin_time if profile else None,
            weekly_summary=bool(profile.weekly_summary) if profile else True,
            paused=bool(profile.paused) if profile else False,
            paused_until=profile.paused_until if profile else None,
        ),
        programme=None
        if programme is None
        else ExportProgramme(
            status=programme.status,
            started_at=programme.started_at,
            current_stage=records.current_stage(),
            state=dict(programme.state or {}),
        ),
        stage_history=stage_history(records, words),
        sessions=[
            ExportSession(
                session_id=s.id,
                date_local=s.local_date,
                slot=s.slot,
                stage=s.stage,
                status=s.status,
                pain_after=s.pain_after,
                started_at=s.started_at,
                ended_at=s.ended_at,
                sets=[
                    ExportSet(
                        exercise_index=r.exercise_index,
                        exercise_id=r.exercise_id,
                        set_no=r.set_no,
                        reps=r.reps,
                        hold_s=r.hold_s,
                        load_kg=r.load_kg,
                        pain_during=r.pain_during,
                        completed=r.completed,
                        logged_at=r.logged_at,
                        leg=r.leg,
                    )
                    for r in records.sets.get(s.id, [])
                ],
            )
            for s in records.sessions
        ],
        morning_checkins=[
            ExportCheckin(
                date_local=c.local_date,
                pain=c.pain,
                stiffness_minutes=c.stiffness_minutes,
                answered_at=c.answered_at,
            )
            for c in records.checkins
        ],
        decisions=[
            ExportDecision(
                date_local=d.local_date,
                kind=d.kind,
                reason=words(stored_reason(d)),
                stage_from=d.stage_from,
                stage_to=d.stage_to,
                made_at=d.made_at,
            )
            for d in records.decisions
        ],
        red_flag_answers=[
            ExportRedFlagAnswer(
                code=a.code,
                answer=a.answer,
                source=a.source,
                outcome=a.outcome,
                answered_at=a.answered_at,
            )
            for a in records.red_flags
        ],
        gate_tests=[
            ExportGateTest(
                date_local=g.local_date,
                stage=g.stage,
                test=g.test,
                passed=g.passed,
                result=dict(g.result or {}),
                taken_at=g.taken_at,
            )
            for g in records.gate_tests
        ],
    )


async def export(runtime: Runtime, user_id: int, words: ReasonWords) -> AchillesCoachExport | None:
    """Everything about `user_id` as an export document, its reasons put into `words`; None
    when nothing is stored."""
    records = await load_records(runtime, user_id)
    if records is None or (records.profile is None and records.programme is None):
        return None
    return await asyncio.to_thread(build_export, records, runtime.now(), words)


# -- /delete --------------------------------------------------------------------------------------


async def is_known(runtime: Runtime, user_id: int) -> bool:
    """True when any row about `user_id` exists (the user row always comes first)."""
    async with runtime.uow() as uow:
        return await uow.users.get(user_id) is not None


async def delete_everything(runtime: Runtime, user_id: int) -> bool:
    """Delete every row about `user_id` and their jobs; False when there was nothing to delete."""
    async with runtime.uow() as uow:
        existed = await uow.users.get(user_id) is not None
        await uow.users.delete_everything(user_id)
        await uow.commit()
    await runtime.scheduler.unschedule_user(user_id)
    log.info("deleted every record of user %s (existed=%s)", user_id, existed)
    return existed


# -- the weekly summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklySummary:
    """The Sunday-evening summary as data; `onboarded` False: there is nothing to sum up."""

    onboarded: bool
    first: date | None = None
    last: date | None = None
    done: int = 0
    planned: int = 0
    morning_now: float | None = None
    morning_before: float | None = None
    stage: int | None = None
    stage_to: int | None = None  # a stage move made this week
    decision_kind: str | None = None
    decision_reason: rehab.Reason | None = None
    chart: ChartData | None = None  # None: too few points to draw


async def build_weekly_summary(runtime: Runtime, user_id: int, now: datetime) -> WeeklySummary:
    """The Sunday-evening summary: adherence, morning-pain trend, what changes next week."""
    async with runtime.uow() as uow:
        records = await _load(uow, user_id)
        if records is None or not records.onboarded:
            return WeeklySummary(onboarded=False)
        today = records.local_date(now)
        first = today - timedelta(days=6)
        missed = 0
        day = first
        while day <= today:
            if MISSED_KIND in ledger_kinds(await uow.sent_log.for_date(user_id, day)):
                missed += 1
            day += timedelta(days=1)
    week = adherence(records, first, today, missed_days=missed)
    decisions = [d for d in records.decisions if first <= d.local_date <= today]
    stage_moves = [d for d in decisions if d.stage_to is not None and d.stage_to != d.stage_from]
    latest = decisions[-1] if decisions else None
    data = chart_data(records, today)
    return WeeklySummary(
        onboarded=True,
        first=first,
        last=today,
        done=week.done,
        planned=week.planned,
        morning_now=_mean_morning(records, first, today),
        morning_before=_mean_morning(records, first - timedelta(days=7), first - timedelta(days=1)),
        stage=records.current_stage(),
        stage_to=stage_moves[-1].stage_to if stage_moves else None,
        decision_kind=latest.kind if latest else None,
        decision_reason=stored_reason(latest) if latest else None,
        chart=data if data.data_points() >= MIN_CHART_POINTS else None,
    )
