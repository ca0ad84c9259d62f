"""Stage gates: what the next stage needs (/stage) and running a due test (/test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import rehab
from rehab.outcomes import count_compared, heel_raise_count_due, record_heel_raises
from service_layer import flows
from service_layer.flow_data import GATE_FLOW as GATE_FLOW
from service_layer.flow_data import GateData
from service_layer.flows import FlowView
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from service_layer.sessions import decision_row, local_today
from storage.models import GateTest
from storage.uow import UnitOfWork

COUNT = "count"  # the two-weekly heel-raise count (issue 11), run by /test like a test

# The steps the bot walks through for each test (answers are GateTestResult fields).
STEPS: dict[str, tuple[str, ...]] = {
    rehab.GateTest.HEEL_RAISE: ("heel_raise_reps",),
    rehab.GateTest.STAGE3_ENTRY: ("heel_raise_reps",),
    rehab.GateTest.LOADED_HOLD: ("heel_raise_reps", "other_side_reps", "loaded_hold_pain"),
    rehab.GateTest.ENDURANCE_HOPS: ("heel_raise_reps", "other_side_reps", "hop_pain"),
    rehab.GateTest.RECHECK: ("morning_pain", "heel_raise_reps"),
    rehab.GateTest.HOP_TEST: ("hop_pain",),  # before the running block (Stage 4)
}
# Issue 11: both tendons sore: the heel raises are counted per leg (each leg to the norm).
PER_LEG = ("left_reps", "right_reps")
# Gates read from the logs: nothing to perform, /test records them at once.
REVIEWS = frozenset({rehab.GateTest.HOLDS_REVIEW, rehab.GateTest.GRADUATION})
COUNT_STEPS = frozenset({"heel_raise_reps", "other_side_reps", *PER_LEG})
# The checkpoint hold's "couldn't hold it" button, and how long the hold is.
HOLD_NOT_DONE = "nohold"
HOLD_SECONDS = rehab.GATES.hold_seconds
OPTIONAL_STEPS = frozenset({"other_side_reps"})


@dataclass(frozen=True)
class StageView:
    onboarded: bool
    stopped: bool = False
    stage: int = 0
    maintenance: bool = False
    gate: rehab.GateStatus | None = None


async def stage_view(runtime: Runtime, user_id: int) -> StageView:
    """The user's stage and the requirements of the next gate, met or not."""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return StageView(onboarded=False)
        if state.status == rehab.ProgrammeStatus.STOPPED:
            return StageView(onboarded=True, stopped=True, stage=state.stage)
        today = await local_today(uow, user_id, runtime.now())
        return StageView(
            onboarded=True,
            stage=state.stage,
            maintenance=state.status == rehab.ProgrammeStatus.MAINTENANCE,
            gate=rehab.gate_status(state, today),
        )


@dataclass(frozen=True)
class TestAnswer:
    flow: FlowView | None  # the next step, or None when the test is recorded
    passed: bool = False
    reason: rehab.Reason | None = None  # the engine's reason (the catalogue words it)
    stage_changed: bool = False
    counted: bool = False  # the two-weekly heel-raise count, not a gate test


@dataclass(frozen=True)
class TestStart:
    onboarded: bool
    stopped: bool = False
    flow: FlowView | None = None
    load_kg: float = 0.0
    reviewed: TestAnswer | None = None


def steps_for(state: rehab.ProgrammeState, test: str) -> tuple[str, ...]:
    """The test's steps; with both sides sore, each leg's count instead of one side's (and no
    "other side")."""
    steps = STEPS[test]
    if state.profile.side is not rehab.Side.BOTH:
        return steps
    out: list[str] = []
    for step in steps:
        if step == "heel_raise_reps":
            out += PER_LEG
        elif step != "other_side_reps":
            out.append(step)
    return tuple(out)


def hold_load(state: rehab.ProgrammeState) -> float:
    """The added load of the 1.5 × body-weight hold: half the body weight."""
    return round(state.profile.bodyweight_kg / 2, 1)


async def begin_test(runtime: Runtime, user_id: int) -> TestStart:
    """Open the test flow at its first step if a performable test is due."""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return TestStart(onboarded=False)
        if state.status == rehab.ProgrammeStatus.STOPPED:
            return TestStart(onboarded=True, stopped=True)
        today = await local_today(uow, user_id, runtime.now())
        status = rehab.gate_status(state, today)
        if (not status.due or status.test is None) and heel_raise_count_due(state, today):
            # Issue 11: the heel-raise count every 2 weeks, the programme's objective outcome
            steps = steps_for(state, rehab.GateTest.HEEL_RAISE)
            counting = GateData(test=COUNT, steps=list(steps))
            flow = await flows.begin(uow, user_id, GATE_FLOW, steps[0], counting, runtime.now())
            await uow.commit()
            return TestStart(onboarded=True, flow=flow)
        if not status.due or status.test is None:
            return TestStart(onboarded=True)
        if status.test in REVIEWS:
            reviewed = await _record(
                uow, user_id, state, str(status.test), rehab.GateTestResult(), today, runtime
            )
            await uow.commit()
            return TestStart(onboarded=True, reviewed=reviewed)
        if str(status.test) not in STEPS:
            return TestStart(onboarded=True)
        test = str(status.test)
        steps = steps_for(state, test)
        data = GateData(test=test, steps=list(steps), load_kg=hold_load(state))
        flow = await flows.begin(uow, user_id, GATE_FLOW, steps[0], data, runtime.now())
        await uow.commit()
        return TestStart(onboarded=True, flow=flow, load_kg=hold_load(state))


async def answer(
    runtime: Runtime, user_id: int, flow: FlowView, value: int | None, payload: str | None
) -> TestAnswer | None:
    """Store one answer of the test; after the last, record the test with the engine."""
    now = runtime.now()
    async with runtime.uow() as uow:
        current = await flows.load(uow, user_id)
        if current is None or current.name != GATE_FLOW or current.version != flow.version:
            return None
        data = current.data_as(GateData).model_copy(deep=True)
        test = data.test
        steps = tuple(data.steps or STEPS.get(test, ("heel_raise_reps",)))
        answered: dict[str, Any] = {current.step: value}
        if current.step == "loaded_hold_pain":
            answered["loaded_hold_done"] = payload != HOLD_NOT_DONE
        data.answers = rehab.GateTestResult.model_validate(
            {**data.answers.model_dump(exclude_none=True), **answered}
        )
        answers = data.answers
        index = steps.index(current.step)
        if index + 1 < len(steps):
            nxt = await flows.advance(
                uow, current, steps[index + 1], data, now=now, accepted_payload=payload
            )
            await uow.commit()
            return TestAnswer(nxt)
        state = await load_state(uow, user_id)
        if state is None:
            return None
        today = await local_today(uow, user_id, now)
        recorded = await _record(uow, user_id, state, test, answers, today, runtime)
        await flows.finish(uow, user_id)
        await uow.commit()
        return recorded


async def _record(
    uow: UnitOfWork,
    user_id: int,
    state: rehab.ProgrammeState,
    test: str,
    answers: rehab.GateTestResult,
    today: date,
    runtime: Runtime,
) -> TestAnswer:
    """Hand the result to the engine; store the test, the decision and the new state."""
    now = runtime.now()
    result = answers
    if answers.left_reps is not None and answers.right_reps is not None:
        weaker = min(answers.left_reps, answers.right_reps)
        result = answers.model_copy(update={"heel_raise_reps": weaker})
    if test == COUNT:
        reps = result.heel_raise_reps or 0
        counted = count_compared(state, reps, today)
        state = record_heel_raises(state, today, reps, result.left_reps, result.right_reps)
        await save_state(uow, user_id, state, now)
        return TestAnswer(None, True, counted, counted=True)
    stage_before = state.stage
    records_before = len(state.gate_results)
    state, decision = rehab.record_gate_test(state, result, today)
    if len(state.gate_results) > records_before:
        passed = bool(state.gate_results[-1].passed)
    else:  # the loaded hold: passed today, confirmed by a calm morning
        passed = state.pending_gate is not None
    uow.gate_tests.add(
        GateTest(
            user_id=user_id,
            stage=stage_before,
            test=test,
            result=result.model_dump(mode="json"),
            passed=passed,
            local_date=today,
            taken_at=now,
        )
    )
    uow.decisions.add(decision_row(user_id, today, decision, now))
    await save_state(uow, user_id, state, now)
    return TestAnswer(None, passed, decision.reason, state.stage != stage_before)
