"""Everyday account services: status for /start, /pause and /resume, the /settings view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import rehab
from service_layer import flow_data, flows, planner
from service_layer.flow_data import PAUSE_FLOW as PAUSE_FLOW
from service_layer.flow_data import RESTART_FLOW as RESTART_FLOW
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from storage.models import Profile, RedFlagAnswer, SessionStatus

CLEARANCE_CODE = "clinician_clearance"


def _zone(name: str | None) -> ZoneInfo:
    return planner.zone_of(name)


def next_session(
    *,
    now: datetime,
    zone: str | None,
    cadence: rehab.Cadence,
    session_times: list[str],
    weekly_days: list[int],
    weekly_time: str | None,
    paused: bool,
    paused_until: date | None,
    session_statuses: Sequence[str] = (),
) -> datetime | None:
    """The next reminder instant (local time of the user's zone), or None when paused.

    Today's reminders already covered by today's sessions (`session_statuses`) are not sent
    (the scheduler's rule, planner.reminder_covered), so they are not the next session either."""
    plan = planner.build_plan(
        zone=zone,
        cadence=planner.to_cadence(cadence),
        session_times=session_times,
        weekly_days=weekly_days,
        weekly_time=weekly_time,
        paused=paused,
        paused_until=paused_until,
    )
    today = planner.local_date_of(now, plan.zone)
    found: list[datetime] = []
    for slot in plan.session_slots:
        due = planner.next_due(plan, slot, now)
        covered = planner.reminder_covered(slot.name, session_statuses)
        if due is not None and due.local_date == today and covered:
            due = planner.next_due(plan, slot, due.due_utc)
        if due is not None:
            found.append(due.due_utc)
    return min(found).astimezone(plan.zone) if found else None


@dataclass(frozen=True)
class NextSession:
    """When the next session is, in the person's zone, and what day it is there now (the bot
    words it: `today at 18:00`, `tomorrow at 07:30`, `Wed 3 Dec at 18:00`)."""

    at: datetime
    today: date

    @property
    def days_ahead(self) -> int:
        return (self.at.date() - self.today).days


async def is_onboarded(runtime: Runtime, user_id: int) -> bool:
    async with runtime.uow() as uow:
        return await uow.programmes.get(user_id) is not None


async def in_setup(runtime: Runtime, user_id: int) -> bool:
    """True while someone without a programme is answering the onboarding questions."""
    flow = await flows.current(runtime, user_id)
    return flow is not None and flow.name == "onboarding"


async def next_session_at(runtime: Runtime, user_id: int) -> NextSession | None:
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        profile = await uow.profiles.get(user_id)
        user = await uow.users.get(user_id)
        if state is None or profile is None or user is None:
            return None
        if state.status == rehab.ProgrammeStatus.STOPPED:
            return None
        today = now.astimezone(_zone(user.timezone)).date()
        sessions = list(await uow.sessions.on_date(user_id, today))
        local = next_session(
            now=now,
            zone=user.timezone,
            cadence=rehab.cadence(state),
            session_times=list(profile.session_times or []),
            weekly_days=list(profile.weekly_days or []),
            weekly_time=profile.weekly_time,
            paused=profile.paused,
            paused_until=profile.paused_until,
            # A session under way counts as done here: "next" is the one after it, the same
            # answer /start gives now and the end of the session gives later.
            session_statuses=[
                SessionStatus.DONE if s.status in SessionStatus.open() else s.status
                for s in sessions
            ],
        )
        return None if local is None else NextSession(local, today)


@dataclass(frozen=True)
class Status:
    """What /start shows an onboarded user."""

    name: str
    stage: int
    stopped: bool
    clearance_offered: bool = False  # stopped: "I've been cleared" from the day after the flag
    flag_name: str = ""  # stopped: the warning sign, in plain English (the code's stable words)
    flag_code: str = ""  # stopped: the red flag's code (the bot words it)
    paused: bool = False
    paused_until: date | None = None
    maintenance: bool = False
    next_session: NextSession | None = None  # None: no session ahead


def _clearance_offered(state: rehab.ProgrammeState, today: date) -> bool:
    return state.stop is None or rehab.clearance_offered(state.stop.on, today)


async def status_of(runtime: Runtime, user_id: int) -> Status | None:
    """What /start shows an onboarded user (None if they are not)."""
    next_at = await next_session_at(runtime, user_id)
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        user = await uow.users.get(user_id)
        profile = await uow.profiles.get(user_id)
        if state is None or user is None:
            return None
        if state.status == rehab.ProgrammeStatus.STOPPED:
            today = runtime.now().astimezone(_zone(user.timezone)).date()
            code = state.stop.code if state.stop else ""
            offered = _clearance_offered(state, today)
            return Status(
                user.first_name, state.stage, True, offered, rehab.flag_name(code), flag_code=code
            )
        return Status(
            user.first_name,
            state.stage,
            False,
            paused=profile is not None and profile.paused,
            paused_until=profile.paused_until if profile is not None else None,
            maintenance=state.status == rehab.ProgrammeStatus.MAINTENANCE,
            next_session=next_at,
        )


async def stop_flag_code(runtime: Runtime, user_id: int) -> str:
    """The code of the red flag that stopped the programme ("" when none did)."""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
    return state.stop.code if state is not None and state.stop is not None else ""


# -- /pause and /resume ------------------------------------------------------------------------


@dataclass(frozen=True)
class PauseResult:
    ok: bool
    until: date | None = None


async def begin_flow(runtime: Runtime, user_id: int, name: str, step: str) -> flows.FlowView:
    async with runtime.uow() as uow:
        data = flow_data.MODELS[name]()
        flow = await flows.begin(uow, user_id, name, step, data, runtime.now())
        await uow.commit()
        return flow


async def close(runtime: Runtime, user_id: int) -> None:
    async with runtime.uow() as uow:
        await flows.finish(uow, user_id)
        await uow.commit()


async def paused_until(runtime: Runtime, user_id: int) -> tuple[bool, date | None]:
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(user_id)
        if profile is None:
            return False, None
        return profile.paused, profile.paused_until


async def pause(runtime: Runtime, user_id: int, days: int) -> PauseResult:
    """Pause reminders for `days` (0: until /resume); stored, then rescheduled."""
    now = runtime.now()
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(user_id)
        user = await uow.users.get(user_id)
        state = await load_state(uow, user_id)
        if profile is None or user is None or state is None:
            return PauseResult(False)
        today = now.astimezone(_zone(user.timezone)).date()
        until = today + timedelta(days=days) if days > 0 else None
        profile.paused, profile.paused_until, profile.updated_at = True, until, now
        await save_state(uow, user_id, rehab.pause(state, today), now)
        await flows.finish(uow, user_id)
        await uow.commit()
    await runtime.reschedule(user_id)
    return PauseResult(True, until)


async def is_stopped(runtime: Runtime, user_id: int) -> bool:
    """Whether a red flag has stopped the programme (until a clinician clears the user)."""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        return state is not None and state.status == rehab.ProgrammeStatus.STOPPED


async def resume(runtime: Runtime, user_id: int) -> bool:
    """Turn reminders back on. False if they were not paused."""
    now = runtime.now()
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(user_id)
        user = await uow.users.get(user_id)
        state = await load_state(uow, user_id)
        if profile is None or user is None or state is None or not profile.paused:
            return False
        today = now.astimezone(_zone(user.timezone)).date()
        profile.paused, profile.paused_until, profile.updated_at = False, None, now
        await save_state(uow, user_id, rehab.resume(state, today), now)
        await uow.commit()
    await runtime.reschedule(user_id)
    return True


# -- start over / cleared ----------------------------------------------------------------------


async def restart_after_clearance(runtime: Runtime, user_id: int) -> rehab.Assessment | None:
    """A stopped user confirmed a clinician cleared them: start afresh, keep the history."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        user = await uow.users.get(user_id)
        if state is None or user is None or state.status != rehab.ProgrammeStatus.STOPPED:
            return None
        today = now.astimezone(_zone(user.timezone)).date()
        if not _clearance_offered(state, today):
            return None  # never on the day of the flag (a stale or forged button)
        fresh = rehab.restart_after_clearance(state, today)
        await save_state(uow, user_id, fresh, now)
        uow.red_flags.add(  # the clearance, with its time and the flag it clears
            RedFlagAnswer(
                user_id=user_id,
                code=state.stop.code if state.stop else CLEARANCE_CODE,
                answer=True,
                source="clearance",
                outcome=None,
                answered_at=now,
            )
        )
        await flows.finish(uow, user_id)
        await uow.commit()
    await runtime.reschedule(user_id)
    return rehab.assess(fresh.profile)


# -- /settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimesNow:
    """The reminder times in force, in the person's zone."""

    session_times: tuple[str, ...]  # one time: once a day
    checkin: str
    days: tuple[int, ...]
    weekly_time: str
    zone: str


@dataclass(frozen=True)
class SettingsView:
    """What the /settings menu shows."""

    times: TimesNow
    bodyweight_kg: float
    has_step: bool
    max_added_load_kg: float
    gym: bool
    weekly_summary: bool


def _times_now(profile: Profile, user_zone_name: str | None, once: bool) -> TimesNow:
    times = list(profile.session_times or [])
    first = times[0] if times else planner.DEFAULT_SESSION_TIMES[0]
    session_times = (first,) if once or len(times) < 2 else (first, times[1])
    return TimesNow(
        session_times=session_times,
        checkin=profile.checkin_time or planner.DEFAULT_CHECKIN_TIME,
        days=planner.effective_weekly_days(profile.weekly_days),
        weekly_time=profile.weekly_time or planner.DEFAULT_WEEKLY_TIME,
        zone=user_zone_name or "UTC",
    )


async def times_saved(runtime: Runtime, user_id: int) -> TimesNow | None:
    """The times now in force, in the person's zone: shown back after a change of times, days,
    check-in or zone."""
    view = await describe(runtime, user_id)
    return view.times if view is not None else None


async def describe(runtime: Runtime, user_id: int) -> SettingsView | None:
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(user_id)
        user = await uow.users.get(user_id)
        state = await load_state(uow, user_id)
        if profile is None or user is None or state is None:
            return None
        p = state.profile
        return SettingsView(
            times=_times_now(profile, user.timezone, p.once_daily),
            bodyweight_kg=p.bodyweight_kg,
            has_step=p.has_step,
            max_added_load_kg=p.max_added_load_kg or 0.0,
            gym=p.gym,
            weekly_summary=profile.weekly_summary,
        )


async def toggle_summary(runtime: Runtime, flow: flows.FlowView) -> flows.FlowView | None:
    """Flip the weekly summary from the /settings menu. The menu stays open (a new version of
    it, so a double tap is not a second flip); None if the user has no profile."""
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(flow.user_id)
        if profile is None:
            return None
        profile.weekly_summary = not profile.weekly_summary
        profile.updated_at = runtime.now()
        moved = await flows.advance(
            uow, flow, flow.step, now=runtime.now(), accepted_payload="summary"
        )
        await uow.commit()
    await runtime.reschedule(flow.user_id)
    return moved
