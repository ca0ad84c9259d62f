"""What /today and /plan show: today's session (or why there is none), the gate test due, and
the week with its past as it happened and its future sessions' times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, auto

import rehab
from service_layer.programme import load_state
from service_layer.runtime import Runtime
from service_layer.sessions import Position, local_today, planned_sessions
from storage.models import Profile, SessionStatus


class TodayKind(Enum):
    """What to show (never stored: the values are not statuses)."""

    NOT_ONBOARDED = auto()
    STOPPED = auto()
    PAUSED = auto()
    OPEN = auto()
    REST = auto()
    DONE = auto()
    PAIN_STOPPED = auto()  # a session ended at pain >= 7 today: rest
    DUE = auto()


@dataclass(frozen=True)
class DayPlan:
    day: date
    planned: int
    done: int
    times: tuple[str, ...] = ()  # the reminder times of a day ahead (local, HH:MM)
    ended_early: int = 0  # of `done`, sessions the engine ended on pain (the day's training ends)
    paused: bool = False  # a day from today on while the reminders are paused


@dataclass(frozen=True)
class Overview:
    """Today's (or this week's) picture for /today and /plan."""

    kind: TodayKind
    stage: int = 0
    plan: rehab.SessionPlan | None = None
    open_position: Position | None = None
    week: tuple[DayPlan, ...] = ()
    today: date | None = None
    next_day: date | None = None
    cadence: str = ""
    started: date | None = None
    test_due: str = ""  # "gate" or "recheck" when /test has a test to run
    maintenance: bool = False


WEEK_DAYS = 7


def _times_of(
    profile: Profile | None, state: rehab.ProgrammeState, planned: int
) -> tuple[str, ...]:
    """The reminder times of a day with `planned` sessions (service_layer.planner)."""
    if profile is None or planned == 0:
        return ()
    if rehab.cadence(state) in (rehab.Cadence.THREE_WEEKLY, rehab.Cadence.WEEKLY):
        return (str(profile.weekly_time),) if profile.weekly_time else ()
    return tuple(str(t) for t in (profile.session_times or [])[:planned])


async def overview(runtime: Runtime, user_id: int) -> Overview:
    """The user's state today and this week (Monday to Sunday, their zone)."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return Overview(TodayKind.NOT_ONBOARDED)
        if state.status == rehab.ProgrammeStatus.STOPPED:
            return Overview(TodayKind.STOPPED, stage=state.stage)
        today = await local_today(uow, user_id, now)
        monday = date.fromordinal(today.toordinal() - today.weekday())
        sunday = date.fromordinal(monday.toordinal() + WEEK_DAYS - 1)
        rows = await uow.sessions.between(user_id, monday, sunday)
        profile = await uow.profiles.get(user_id)
        week = []
        # While paused, the days ahead show what the schedule holds, marked paused.
        schedule = state.model_copy(update={"paused": False}) if state.paused else state
        for offset in range(WEEK_DAYS):
            day = date.fromordinal(monday.toordinal() + offset)
            planned = await planned_sessions(uow, user_id, schedule, day)
            held = [r for r in rows if r.local_date == day]
            done = sum(1 for r in held if r.status in SessionStatus.finished())
            if day < today and held:
                # The past as it happened: the sessions held then, whatever today's cadence.
                planned = max(len(held), done)
            times = _times_of(profile, state, planned) if day >= today else ()
            ended = sum(1 for r in held if r.status == SessionStatus.ENDED_EARLY)
            paused = state.paused and day >= today and planned > 0
            week.append(DayPlan(day, planned, done, times, ended, paused))
        next_day = None
        for offset in range(1, 15):
            day = date.fromordinal(today.toordinal() + offset)
            if await planned_sessions(uow, user_id, state, day):
                next_day = day
                break
        if state.last_decision_on != today:
            state, _ = rehab.decide_next(state, today)  # a preview: stored when a session starts
        plan = rehab.prescribe(state, today)
        gate = rehab.gate_status(state, today)
        test_due = ""
        if gate.due and gate.test is not None:
            test_due = "recheck" if gate.test == rehab.GateTest.RECHECK else "gate"
        open_row = await uow.sessions.open_for(user_id)
        this_day = week[today.weekday()]
        if state.paused:
            kind = TodayKind.PAUSED
        elif open_row is not None and open_row.local_date == today:
            kind = TodayKind.OPEN
        elif any(r.local_date == today and r.status == SessionStatus.ENDED_EARLY for r in rows):
            kind = TodayKind.PAIN_STOPPED
        elif this_day.planned == 0 or not plan.exercises:
            kind = TodayKind.REST
        elif this_day.done >= this_day.planned:
            kind = TodayKind.DONE
        else:
            kind = TodayKind.DUE
        return Overview(
            kind,
            stage=state.stage,
            plan=plan,
            week=tuple(week),
            today=today,
            next_day=next_day,
            cadence=str(rehab.cadence(state)),
            started=state.programme_start,
            test_due=test_due,
            maintenance=state.status == rehab.ProgrammeStatus.MAINTENANCE,
        )
