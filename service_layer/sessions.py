"""The guided session, step by step.

Where the user is lives in the `sessions` row (exercise_index, set_no, step and the plan snapshot,
a rehab.SessionPlan as JSON). The user's flow "session" mirrors the step and versions the buttons,
so a stale or forged tap is refused. Every function here is one transaction: it re-reads the
session, checks that the user is still where the caller thinks, stores the answer, commits, and
returns a detached `Position` (or None when the tap no longer applies) for the handler to show.

A timer (the end of a hold or a rest) and a tap (Done, Skip rest, Pause, End session) can come
at the same moment. The steps of one user's session therefore run one at a time in this process
(`_stepping`): otherwise both could pass the "still where the caller thinks" check and move the
session twice (the second move bumps the flow version, and the buttons just shown stop working).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum, StrEnum, auto
from typing import Any

import rehab
from service_layer import flows, planner, serial
from service_layer.flow_data import SESSION_FLOW as SESSION_FLOW
from service_layer.flow_data import SessionData
from service_layer.flows import FlowView
from service_layer.programme import load_state, save_state, user_zone
from service_layer.runtime import Runtime
from storage.models import Decision, SessionStatus, SetLog, TrainingSession
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# The flow's step once the session is over: the row stays so that a double tap of the last
# button is acknowledged quietly ("already noted") instead of being called expired.
CLOSED_STEP = "closed"
EFFORTS = ("easy", "right", "hard")
EFFORT_STAGE = 3
SIDES = (rehab.ExerciseLeg.LEFT, rehab.ExerciseLeg.RIGHT)


def asks_effort(stage: int, ex: rehab.ExercisePrescription) -> bool:
    """Easy / right / hard is asked after a heavy exercise (Stage 3 on), whose load it steers;
    not after hops and runs, where "reps left" means nothing and nothing depends on it."""
    return stage >= EFFORT_STAGE and ex.kind not in (
        rehab.ExerciseKind.PLYO,
        rehab.ExerciseKind.RUN,
    )


class Step(StrEnum):
    READY = "ready"  # about to start set N of exercise i (the card is shown before set 1)
    ACTIVE = "active"  # the set is running: hold timer or tempo reps
    PAIN = "pain"  # "pain during that set?"
    REST = "rest"  # rest timer before the next set
    EFFORT = "effort"  # Stage 3: easy / right / hard after an exercise
    AFTER = "after"  # "pain right now?" at the end


@dataclass(frozen=True)
class Position:
    """A detached view of a session in progress: what to show and which buttons to offer."""

    session_id: int
    user_id: int
    chat_id: int
    step: Step
    stage: int
    exercise_index: int
    set_no: int
    exercises: tuple[rehab.ExercisePrescription, ...]
    version: int

    @property
    def exercise(self) -> rehab.ExercisePrescription:
        return self.exercises[min(self.exercise_index, len(self.exercises) - 1)]

    @property
    def is_last_exercise(self) -> bool:
        return self.exercise_index >= len(self.exercises) - 1


class OpenKind(Enum):
    """What to show (never stored: the values are not statuses)."""

    NOT_ONBOARDED = auto()
    STOPPED = auto()
    PAUSED = auto()
    NOTHING_TODAY = auto()
    DONE_TODAY = auto()
    PAIN_STOPPED_TODAY = auto()  # a session ended at pain >= 7: rest today
    STARTED = auto()
    CONTINUED = auto()


@dataclass(frozen=True)
class Opened:
    kind: OpenKind
    position: Position | None = None
    note: rehab.Reason | None = None  # the engine's decision's reason, when it changed something
    note_kind: str = ""  # that decision's kind (rehab.DecisionKind)


class Outcome(StrEnum):
    NEXT_SET = "next_set"  # rest, then the next set of the same exercise
    NEXT_EXERCISE = "next_exercise"  # the card of the next exercise
    EFFORT = "effort"  # Stage 3: ask easy / right / hard
    AFTER = "after"  # all done: ask "pain right now?"
    ENDED = "ended"  # the engine ended the session (pain too high)


@dataclass(frozen=True)
class ExerciseDone:
    name: str  # in English (rehab's words); the bot words `exercise_id`
    sets: int
    top_pain: int | None
    exercise_id: str = ""


@dataclass(frozen=True)
class Summary:
    """What the end-of-session message tells."""

    exercises: tuple[ExerciseDone, ...]
    pain_after: int | None
    checkin_time: str | None
    ended_early: bool
    decision_reason: str | None = None


@dataclass(frozen=True)
class PainResult:
    """The answer to "pain during that set?", stored, and what comes next."""

    pain: int
    action: str
    reason: rehab.Reason  # the engine's advice after the set (the catalogue words it)
    outcome: Outcome
    position: Position
    previous: rehab.ExercisePrescription
    summary: Summary | None = None


@dataclass
class _Loaded:
    row: TrainingSession
    flow: FlowView
    plan: rehab.SessionPlan
    chat_id: int
    extra: dict[str, Any] = field(default_factory=dict)


# -- helpers -------------------------------------------------------------------------------------


def each_leg_apart(plan: rehab.SessionPlan) -> rehab.SessionPlan:
    """Both sides sore: a single-leg exercise is done with the left leg, then the right, each
    with its own sets, pains and records (issue 11)."""
    out: list[rehab.ExercisePrescription] = []
    for ex in plan.exercises:
        if ex.leg == rehab.ExerciseLeg.EACH:
            out += [ex.model_copy(update={"leg": leg}) for leg in SIDES]
        else:
            out.append(ex)
    return plan.model_copy(update={"exercises": out})


def _dump_plan(plan: rehab.SessionPlan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


def _load_plan(data: dict[str, Any]) -> rehab.SessionPlan:
    return rehab.SessionPlan.model_validate(data)


async def local_today(uow: UnitOfWork, user_id: int, now: datetime) -> date:
    """The user's calendar date at `now`, in their own zone."""
    return now.astimezone(await user_zone(uow, user_id)).date()


async def _chat_id(uow: UnitOfWork, user_id: int) -> int:
    user = await uow.users.get(user_id)
    return user.chat_id if user is not None else user_id


@asynccontextmanager
async def _stepping(runtime: Runtime, user_id: int) -> AsyncIterator[UnitOfWork]:
    """A unit of work for a step of the user's session, taken after the step before it ended
    (in any replica: service_layer/serial.py)."""
    async with serial.one_at_a_time(runtime, user_id), runtime.uow() as uow:
        yield uow


def _position(loaded: _Loaded) -> Position:
    row = loaded.row
    return Position(
        session_id=row.id,
        user_id=row.user_id,
        chat_id=loaded.chat_id,
        step=Step(row.step),
        stage=row.stage,
        exercise_index=row.exercise_index,
        set_no=row.set_no,
        exercises=tuple(loaded.plan.exercises),
        version=loaded.flow.version,
    )


def _of_session(flow: FlowView, session_id: int) -> bool:
    """Whether `flow` is the session flow of session `session_id`."""
    return flow.name == SESSION_FLOW and flow.data_as(SessionData).session_id == session_id


async def _load(uow: UnitOfWork, user_id: int, session_id: int, step: Step) -> _Loaded | None:
    """The user's own open session `session_id`, if its flow is current and at `step`."""
    row = await uow.sessions.get(session_id)
    if row is None or row.user_id != user_id or row.status != SessionStatus.IN_PROGRESS:
        return None
    flow = await flows.load(uow, user_id)
    if flow is None or not _of_session(flow, session_id):
        return None
    if row.step != step:
        return None
    return _Loaded(row, flow, _load_plan(row.plan), await _chat_id(uow, user_id))


async def _move(
    uow: UnitOfWork,
    loaded: _Loaded,
    step: Step,
    now: datetime,
    payload: str | None,
    held_seconds: int | None = None,
) -> None:
    """Set the session's step and bump the flow version (old buttons stop working)."""
    loaded.row.step = step
    await flows.advance(
        uow,
        loaded.flow,
        step,
        SessionData(session_id=loaded.row.id, held_seconds=held_seconds),
        now=now,
        accepted_payload=payload,
    )


# A hold ended by Done this close to its full length counts as held in full.
HOLD_GRACE_S = 1.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _held_seconds(uow: UnitOfWork, loaded: _Loaded, now: datetime) -> int | None:
    """For a hold ended early by the user: how long each hold really lasted (seconds)."""
    ex = loaded.plan.exercises[loaded.row.exercise_index]
    if not ex.hold_s:
        return None
    stored = await uow.flows.get(loaded.row.user_id)
    if stored is None or stored.updated_at is None:
        return None
    holds = max(ex.reps or 1, 1)
    elapsed = (now - _aware(stored.updated_at)).total_seconds()  # since Go (ACTIVE began)
    if elapsed >= ex.hold_s * holds - HOLD_GRACE_S:
        return None
    return max(int(elapsed // holds), 0)


async def position_of(runtime: Runtime, user_id: int) -> Position | None:
    """Where the user is in their session in progress, if the session flow is theirs now."""
    async with runtime.uow() as uow:
        flow = await flows.load(uow, user_id)
        if flow is None or flow.name != SESSION_FLOW:
            return None
        session_id = flow.data_as(SessionData).session_id
        row = await uow.sessions.get(session_id)
        if row is None or row.user_id != user_id or row.status != SessionStatus.IN_PROGRESS:
            return None
        loaded = _Loaded(row, flow, _load_plan(row.plan), await _chat_id(uow, user_id))
        return _position(loaded)


# -- opening -------------------------------------------------------------------------------------


async def planned_sessions(
    uow: UnitOfWork, user_id: int, state: rehab.ProgrammeState, on: date
) -> int:
    """How many sessions the user's schedule has on `on`: their own days in Stages 3-4, and the
    first of them in maintenance (the days the reminders come, service_layer.planner)."""
    cadence = rehab.cadence(state)
    if cadence in (rehab.Cadence.THREE_WEEKLY, rehab.Cadence.WEEKLY):
        profile = await uow.profiles.get(user_id)
        if profile is not None and profile.weekly_days and not state.paused:
            if state.status == rehab.ProgrammeStatus.STOPPED:
                return 0
            days = planner.session_weekdays(planner.to_cadence(cadence), profile.weekly_days)
            return 1 if on.weekday() in days else 0
    return rehab.sessions_on(state, on)


async def close_if_left_from_an_earlier_day(runtime: Runtime, user_id: int) -> bool:
    """A session still open from an earlier day (left past midnight) is abandoned, as if the
    user had ended it: its sets reach the engine. True if there was one."""
    async with runtime.uow() as uow:
        row = await uow.sessions.open_for(user_id)
        if row is None or row.local_date >= await local_today(uow, user_id, runtime.now()):
            return False
        session_id = row.id
    return await abandon(runtime, user_id, session_id)


async def open_today(runtime: Runtime, user_id: int) -> Opened:
    """Continue the user's open session, or start today's from the engine's prescription."""
    await close_if_left_from_an_earlier_day(runtime, user_id)
    now = runtime.now()
    async with _stepping(runtime, user_id) as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return Opened(OpenKind.NOT_ONBOARDED)
        if state.status == rehab.ProgrammeStatus.STOPPED:
            return Opened(OpenKind.STOPPED)
        if state.paused:
            return Opened(OpenKind.PAUSED)
        today = await local_today(uow, user_id, now)
        row = await uow.sessions.open_for(user_id)
        if row is not None and row.local_date != today:
            row = None  # closed just above; today gets a fresh one
        kind = OpenKind.CONTINUED
        note: rehab.Reason | None = None
        note_kind = ""
        if row is None:
            earlier = [
                s
                for s in await uow.sessions.on_date(user_id, today)
                if s.status in SessionStatus.finished()
            ]
            if any(s.status == SessionStatus.ENDED_EARLY for s in earlier):
                return Opened(OpenKind.PAIN_STOPPED_TODAY)
            planned = await planned_sessions(uow, user_id, state, today)
            if planned == 0:
                return Opened(OpenKind.NOTHING_TODAY)
            if len(earlier) >= planned:
                return Opened(OpenKind.DONE_TODAY)
            if state.last_decision_on != today:
                # No check-in today: the engine decides now, before prescribing (rule 3).
                state, made = rehab.decide_next(state, today)
                await save_state(uow, user_id, state, now)
                uow.decisions.add(decision_row(user_id, today, made, now))
                if made.kind != rehab.DecisionKind.HOLD:
                    note, note_kind = made.reason, str(made.kind)
            plan = each_leg_apart(rehab.prescribe(state, today))
            if not plan.exercises:
                return Opened(OpenKind.NOTHING_TODAY)
            row = TrainingSession(
                user_id=user_id,
                local_date=today,
                slot=str(len(await uow.sessions.on_date(user_id, today)) + 1),
                stage=int(plan.stage),
                status=SessionStatus.IN_PROGRESS,
                plan=_dump_plan(plan),
                exercise_index=0,
                set_no=1,
                step=Step.READY,
                efforts={},
                started_at=now,
            )
            uow.sessions.add(row)
            await uow.sessions.flush()
            kind = OpenKind.STARTED
        row.status = SessionStatus.IN_PROGRESS
        if row.step in (Step.ACTIVE, Step.REST):
            # A set or a rest in flight when the user paused: the next set starts from Go.
            row.step = Step.READY
        data = SessionData(session_id=row.id)
        flow = await flows.begin(uow, user_id, SESSION_FLOW, row.step, data, now)
        loaded = _Loaded(row, flow, _load_plan(row.plan), await _chat_id(uow, user_id))
        position = _position(loaded)
        await uow.commit()
        return Opened(kind, position, note, note_kind)


# -- the steps -----------------------------------------------------------------------------------


async def start_set(
    runtime: Runtime, user_id: int, session_id: int, payload: str | None
) -> Position | None:
    """Go: the set starts (READY → ACTIVE)."""
    async with _stepping(runtime, user_id) as uow:
        loaded = await _load(uow, user_id, session_id, Step.READY)
        if loaded is None:
            return None
        await _move(uow, loaded, Step.ACTIVE, runtime.now(), payload)
        position = _position(loaded)
        await uow.commit()
        return position


async def end_set(
    runtime: Runtime,
    user_id: int,
    session_id: int,
    exercise_index: int,
    set_no: int,
    payload: str | None = None,
    *,
    by_user: bool = False,
) -> Position | None:
    """Time's up (or the user tapped Done, `by_user`): ask for the pain (ACTIVE → PAIN). A hold
    the user ended early keeps its real length for the set's record.

    None when the user has moved on (another set, a pause, another flow): the timer then does
    nothing.
    """
    return await _timer_step(
        runtime,
        user_id,
        session_id,
        (exercise_index, set_no),
        Step.ACTIVE,
        Step.PAIN,
        payload,
        by_user=by_user,
    )


async def _timer_step(
    runtime: Runtime,
    user_id: int,
    session_id: int,
    at: tuple[int, int],
    from_step: Step,
    to_step: Step,
    payload: str | None,
    *,
    by_user: bool = False,
) -> Position | None:
    """Move from `from_step` to `to_step` if the session is still at set `at` (exercise index,
    set number) and at `from_step`; None otherwise (a late timer or an old button)."""
    now = runtime.now()
    async with _stepping(runtime, user_id) as uow:
        loaded = await _load(uow, user_id, session_id, from_step)
        if loaded is None or (loaded.row.exercise_index, loaded.row.set_no) != at:
            return None
        held = await _held_seconds(uow, loaded, now) if by_user else None
        await _move(uow, loaded, to_step, now, payload, held)
        position = _position(loaded)
        await uow.commit()
        return position


async def log_pain(
    runtime: Runtime, user_id: int, session_id: int, pain: int, payload: str | None
) -> PainResult | None:
    """Store the pain of the set just done (with its time), then apply the engine's advice."""
    now = runtime.now()
    async with _stepping(runtime, user_id) as uow:
        loaded = await _load(uow, user_id, session_id, Step.PAIN)
        if loaded is None:
            return None
        row = loaded.row
        exercises = list(loaded.plan.exercises)
        ex = exercises[row.exercise_index]
        held = loaded.flow.data_as(SessionData).held_seconds
        stored = await uow.sessions.log_set(
            SetLog(
                session_id=row.id,
                user_id=user_id,
                exercise_index=row.exercise_index,
                exercise_id=ex.exercise_id,
                set_no=row.set_no,
                reps=ex.reps,
                hold_s=ex.hold_s if held is None else int(held),
                load_kg=float(ex.load_kg or 0.0),
                pain_during=pain,
                completed=held is None,  # a hold let go early is not a completed set
                logged_at=now,
                leg=str(ex.leg)
                if ex.leg in (rehab.ExerciseLeg.LEFT, rehab.ExerciseLeg.RIGHT)
                else None,
            )
        )
        if not stored:
            return None
        pains = [
            int(s.pain_during)
            for s in await uow.sessions.sets_of(row.id)
            if s.exercise_index == row.exercise_index and s.pain_during is not None
        ]
        advice = rehab.adjust_after_set(ex, pains)
        action = str(advice.action)
        outcome: Outcome
        summary: Summary | None = None
        if action == "end_session":
            outcome = Outcome.ENDED
            summary = await _close(
                uow, loaded, now, pain_after=None, ended_early=True, payload=payload
            )
        else:
            if action == "drop_rung" and advice.next is not None:
                exercises[row.exercise_index] = advice.next
                loaded.plan = loaded.plan.model_copy(update={"exercises": exercises})
                row.plan = _dump_plan(loaded.plan)
            more_sets = row.set_no < ex.sets and action != "stop_exercise"
            if more_sets:
                row.set_no += 1
                outcome = Outcome.NEXT_SET
                await _move(uow, loaded, Step.REST, now, payload)
            elif asks_effort(row.stage, ex) and action != "stop_exercise":
                outcome = Outcome.EFFORT
                await _move(uow, loaded, Step.EFFORT, now, payload)
            else:
                outcome = await _next_exercise(uow, loaded, now, payload)
        position = _position(loaded)
        await uow.commit()
        return PainResult(pain, action, advice.reason, outcome, position, ex, summary)


async def _next_exercise(
    uow: UnitOfWork, loaded: _Loaded, now: datetime, payload: str | None
) -> Outcome:
    row = loaded.row
    if row.exercise_index + 1 < len(loaded.plan.exercises):
        row.exercise_index += 1
        row.set_no = 1
        await _move(uow, loaded, Step.READY, now, payload)
        return Outcome.NEXT_EXERCISE
    await _move(uow, loaded, Step.AFTER, now, payload)
    return Outcome.AFTER


async def end_rest(
    runtime: Runtime,
    user_id: int,
    session_id: int,
    exercise_index: int,
    set_no: int,
    payload: str | None = None,
) -> Position | None:
    """The rest is over (timer or "skip rest"): the next set is ready (REST → READY)."""
    return await _timer_step(
        runtime, user_id, session_id, (exercise_index, set_no), Step.REST, Step.READY, payload
    )


async def log_effort(
    runtime: Runtime, user_id: int, session_id: int, effort: str, payload: str | None
) -> tuple[Outcome, Position] | None:
    """Stage 3: how the last set felt (EFFORT → next exercise or AFTER)."""
    if effort not in EFFORTS:
        return None
    now = runtime.now()
    async with _stepping(runtime, user_id) as uow:
        loaded = await _load(uow, user_id, session_id, Step.EFFORT)
        if loaded is None:
            return None
        row = loaded.row
        ex = loaded.plan.exercises[row.exercise_index]
        row.efforts = {**(row.efforts or {}), ex.exercise_id: effort}
        outcome = await _next_exercise(uow, loaded, now, payload)
        position = _position(loaded)
        await uow.commit()
        return outcome, position


async def finish(
    runtime: Runtime, user_id: int, session_id: int, pain_after: int, payload: str | None
) -> Summary | None:
    """ "Pain right now?" answered: the session is done and the engine learns of it."""
    async with _stepping(runtime, user_id) as uow:
        loaded = await _load(uow, user_id, session_id, Step.AFTER)
        if loaded is None:
            return None
        summary = await _close(
            uow, loaded, runtime.now(), pain_after=pain_after, ended_early=False, payload=payload
        )
        await uow.commit()
        return summary


async def _park(
    uow: UnitOfWork, flow: FlowView, session_id: int, now: datetime, payload: str | None
) -> None:
    """End the session's flow, remembering the last tap (see CLOSED_STEP)."""
    data = SessionData(session_id=session_id)
    await flows.advance(uow, flow, CLOSED_STEP, data, now=now, accepted_payload=payload)


async def _close(
    uow: UnitOfWork,
    loaded: _Loaded,
    now: datetime,
    *,
    pain_after: int | None,
    ended_early: bool,
    payload: str | None,
) -> Summary:
    """Mark the session finished, tell the engine (record_session) and build the summary."""
    row = loaded.row
    sets = list(await uow.sessions.sets_of(row.id))
    row.pain_after = pain_after
    row.status = SessionStatus.ENDED_EARLY if ended_early else SessionStatus.DONE
    row.ended_at = now
    await _park(uow, loaded.flow, row.id, now, payload)
    await _record(uow, row, loaded.plan, sets, pain_after, ended_early=ended_early, now=now)
    profile = await uow.profiles.get(row.user_id)
    done = []
    for index, ex in enumerate(loaded.plan.exercises):
        mine = [s for s in sets if s.exercise_index == index]
        if not mine:
            continue
        pains = [s.pain_during for s in mine if s.pain_during is not None]
        top = max(pains) if pains else None
        done.append(ExerciseDone(ex.name, len(mine), top, ex.exercise_id))
    return Summary(
        exercises=tuple(done),
        pain_after=pain_after,
        checkin_time=profile.checkin_time if profile is not None else None,
        ended_early=ended_early,
    )


async def _record(
    uow: UnitOfWork,
    row: TrainingSession,
    plan: rehab.SessionPlan,
    sets: list[SetLog],
    pain_after: int | None,
    *,
    ended_early: bool,
    now: datetime,
) -> None:
    """Hand the session's result to the engine and store its new state."""
    state = await load_state(uow, row.user_id)
    if state is None:
        return
    planned = sum(ex.sets for ex in plan.exercises)
    result = rehab.SessionResult(
        on=row.local_date,
        stage=row.stage,
        completed=not ended_early and len(sets) >= planned and all(s.completed for s in sets),
        set_pains=[int(s.pain_during) for s in sets if s.pain_during is not None],
        pain_after=pain_after,
        efforts={k: rehab.Effort(v) for k, v in dict(row.efforts or {}).items()},
        ended_early=ended_early,
        session_type=plan.session_type,
    )
    state = rehab.record_session(state, result)
    await save_state(uow, row.user_id, state, now)


async def pause(
    runtime: Runtime, user_id: int, session_id: int, payload: str | None = None
) -> bool:
    """Pause the session: it stays open (status paused) and /today offers Continue."""
    async with _stepping(runtime, user_id) as uow:
        row = await uow.sessions.get(session_id)
        flow = await flows.load(uow, user_id)
        if row is None or row.user_id != user_id or row.status != SessionStatus.IN_PROGRESS:
            return False
        if flow is None or not _of_session(flow, session_id):
            return False
        row.status = SessionStatus.PAUSED
        if row.step == Step.ACTIVE:
            row.step = Step.READY
        await _park(uow, flow, session_id, runtime.now(), payload)
        await uow.commit()
        return True


async def abandon(
    runtime: Runtime, user_id: int, session_id: int, payload: str | None = None
) -> bool:
    """Give up on the session: logged as abandoned; sets already done reach the engine."""
    now = runtime.now()
    async with _stepping(runtime, user_id) as uow:
        row = await uow.sessions.get(session_id)
        if row is None or row.user_id != user_id or row.status not in SessionStatus.open():
            return False
        flow = await flows.load(uow, user_id)
        if flow is not None and flow.name == SESSION_FLOW:
            await _park(uow, flow, session_id, now, payload)
        row.status = SessionStatus.ABANDONED
        row.ended_at = now
        sets = list(await uow.sessions.sets_of(row.id))
        if sets:
            await _record(uow, row, _load_plan(row.plan), sets, None, ended_early=True, now=now)
        await uow.commit()
        log.info("user %s abandoned session %s after %d sets", user_id, session_id, len(sets))
        return True


async def stop_open_session(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """Close any open session because the programme stopped (red flag)."""
    row = await uow.sessions.open_for(user_id)
    if row is not None:
        row.status = SessionStatus.STOPPED
        row.ended_at = now


def decision_row(user_id: int, on: date, decision: rehab.Decision, now: datetime) -> Decision:
    """The storage row of an engine decision: its reason as data (what readers put into words,
    in the catalogue of their time and language), its code beside it for a plain reader."""
    return Decision(
        user_id=user_id,
        local_date=on,
        kind=str(decision.kind),
        reason=str(decision.reason.code),
        reason_data=decision.reason.model_dump(mode="json"),
        stage_from=decision.stage_from,
        stage_to=decision.stage_to,
        made_at=now,
    )
