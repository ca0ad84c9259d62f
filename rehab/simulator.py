"""The what-if simulator: run the engine day by day against a scripted persona.

``achilles-coach simulate PERSONA.json [--days N] [--start YYYY-MM-DD] [--table]`` (wired in
``bot/cli.py``) calls :func:`main`. The persona format is documented in ``docs/simulator.md``.

Day ``N``'s ``morning`` answer is the first-steps score reported on the morning of day ``N``
(about day ``N - 1``); ``pain_during`` and ``pain_after`` are for day ``N``'s sessions. Sessions
run only on the default schedule's training days: every day (twice, or once if the profile asks)
in Stages 1-2, Monday/Wednesday/Friday in Stages 3-4, Mondays in maintenance.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rehab.dosing import prescribe, sessions_on
from rehab.engine import (
    adjust_after_set,
    decide_next,
    record_missed,
    record_morning,
    record_session,
    start_programme,
)
from rehab.enums import (
    DecisionKind,
    Effort,
    GateTest,
    PainZone,
    ProgrammeStatus,
    ReviewRating,
    Side,
)
from rehab.gates import record_gate_test
from rehab.models import (
    Decision,
    ExercisePrescription,
    GateTestResult,
    Profile,
    ProgrammeState,
    SessionResult,
)
from rehab.outcomes import (
    heel_raise_count_due,
    record_heel_raises,
    record_review,
    review_due,
    running_offer_due,
    set_running,
)
from rehab.protocol import THRESHOLDS
from rehab.reasons import Reason
from rehab.safety import RED_FLAGS, scan_free_text, stop_programme

ReasonText = Callable[[Reason], str]
"""Words for a reason (the bot's catalogue: ``bot.texts.reason_text``)."""

DEFAULT_START = date(2026, 1, 5)  # a Monday; the simulator never reads the clock
DEFAULT_DAYS = 84

_DAY_KEY = re.compile(r"^(\d+)(?:-(\d+))?$")


class DayAnswers(BaseModel):
    """A day's scripted answers. ``None`` pain answers mean "not answered"."""

    model_config = ConfigDict(extra="forbid")

    pain_during: int | None = Field(None, ge=0, le=10)
    pain_after: int | None = Field(None, ge=0, le=10)
    morning: int | None = Field(None, ge=0, le=10)
    stiffness_minutes: int | None = Field(None, ge=0)
    completed: bool = True
    effort: Effort = Effort.RIGHT
    skip: bool = False  # no check-in and no session that day
    red_flag: str | None = None  # a checklist code, or words that suggest one (confirmed)
    text: str | None = None  # free text the user sends; scanned, reported, not acted on
    runs: bool | None = None  # R2: "do you run?" (asked once, in Stage 4)
    review: ReviewRating | None = None  # R2: how they rate the change at weeks 6 and 12

    @field_validator("red_flag")
    @classmethod
    def _known_flag(cls, v: str | None) -> str | None:
        if v is not None and v not in RED_FLAGS and scan_free_text(v) is None:
            raise ValueError(
                f"{v!r} is neither a red-flag code ({', '.join(RED_FLAGS)}) nor a warning word"
            )
        return v


class PersonaAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: DayAnswers = Field(default_factory=DayAnswers)
    days: dict[str, DayAnswers] = Field(default_factory=dict)

    @field_validator("days")
    @classmethod
    def _keys(cls, v: dict[str, DayAnswers]) -> dict[str, DayAnswers]:
        for key in v:
            m = _DAY_KEY.match(key.strip())
            if m is None:
                raise ValueError(f"day key {key!r} must be a day number or a range like '20-26'")
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            if first < 1 or last < first:
                raise ValueError(f"day key {key!r} must count from 1 with the start first")
        return v


class LegReps(BaseModel):
    """A heel-raise count per leg (both tendons sore)."""

    model_config = ConfigDict(extra="forbid")

    left: int = Field(ge=0, le=500)
    right: int = Field(ge=0, le=500)


class PersonaTests(GateTestResult):
    """The results the persona gives whenever a test is due. ``heel_raise_reps`` is a number,
    or ``{"left": n, "right": n}`` when both tendons are sore."""

    model_config = ConfigDict(extra="forbid")

    heel_raise_reps: int | LegReps | None = None  # type: ignore[assignment]

    def result(self) -> GateTestResult:
        data = self.model_dump(exclude={"heel_raise_reps"})
        reps = self.heel_raise_reps
        if isinstance(reps, LegReps):
            data |= {"heel_raise_reps": min(reps.left, reps.right)}
            data |= {"left_reps": reps.left, "right_reps": reps.right}
        else:
            data["heel_raise_reps"] = reps
        return GateTestResult.model_validate(data)


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str = ""
    profile: Profile
    answers: PersonaAnswers = Field(default_factory=PersonaAnswers)
    tests: PersonaTests | None = None

    def answers_for(self, day: int) -> DayAnswers:
        """Default answers, overridden by every matching key in file order (later wins)."""
        merged = self.answers.default.model_dump()
        for first, last, over in self._ranges():
            if first <= day <= last:
                merged.update(over)
        return DayAnswers.model_validate(merged)

    def _ranges(self) -> list[tuple[int, int, dict[str, Any]]]:
        out: list[tuple[int, int, dict[str, Any]]] = []
        for key, over in self.answers.days.items():
            m = _DAY_KEY.match(key.strip())
            assert m is not None
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            out.append((first, last, over.model_dump(exclude_unset=True)))
        return out

    def script(self, days: int) -> list[DayAnswers]:
        """The answers of days 1..``days``, resolved once."""
        default = self.answers.default.model_dump()
        ranges = self._ranges()
        out: list[DayAnswers] = []
        for day in range(1, days + 1):
            merged = dict(default)
            for first, last, over in ranges:
                if first <= day <= last:
                    merged.update(over)
            out.append(DayAnswers.model_validate(merged))
        return out


class SimExercise(BaseModel):
    id: str
    name: str
    kind: str
    knee: str
    stance: str
    surface: str
    sets: int
    reps: int | None
    hold_s: int | None
    tempo_s: tuple[int, int] | None
    pause_top_s: int
    rest_s: int
    load_kg: float
    contacts: int | None
    rung: int
    leg: str | None = None  # single-leg work: "left", "right" or "each" (both sore)
    walk_min: float | None = None  # runs: minutes walked per rep
    jog_min: float | None = None  # runs: minutes jogged per rep

    @classmethod
    def of(cls, p: ExercisePrescription) -> SimExercise:
        return cls(
            id=p.exercise_id,
            name=p.name,
            kind=p.kind.value,
            knee=p.knee.value,
            stance=p.stance.value,
            surface=p.surface.value,
            sets=p.sets,
            reps=p.reps,
            hold_s=p.hold_s,
            tempo_s=p.tempo_s,
            pause_top_s=p.pause_top_s,
            rest_s=p.rest_s,
            load_kg=p.load_kg,
            contacts=p.contacts,
            rung=p.rung,
            leg=p.leg.value if p.leg is not None else None,
            walk_min=p.walk_min,
            jog_min=p.jog_min,
        )


class SimDecision(BaseModel):
    kind: DecisionKind
    reason: Reason  # data; the output functions word it with the renderer they are given

    @classmethod
    def of(cls, d: Decision) -> SimDecision:
        return cls(kind=d.kind, reason=d.reason)

    def as_json(self, reason_text: ReasonText) -> dict[str, Any]:
        return {"kind": self.kind.value, "reason": reason_text(self.reason)}


class SimGate(BaseModel):
    """A gate test taken that day: the test, whether it passed, the results and its decision."""

    test: GateTest
    passed: bool
    result: dict[str, Any]
    decision: SimDecision

    def as_json(self, reason_text: ReasonText) -> dict[str, Any]:
        return {
            "test": self.test.value,
            "passed": self.passed,
            "result": self.result,
            "decision": self.decision.as_json(reason_text),
        }


class DayRecord(BaseModel):
    day: int
    date: date
    stage: int
    status: ProgrammeStatus
    sessions: list[list[SimExercise]]
    answers: dict[str, Any]
    morning_zone: PainZone | None = None  # how the engine read that morning's answer
    decision: SimDecision | None
    gate: SimGate | None = None
    events: list[str] = Field(default_factory=list)

    def as_json(self, reason_text: ReasonText) -> dict[str, Any]:
        """The day as one JSON object, reasons in words."""
        data = self.model_dump(mode="json")
        data["decision"] = self.decision.as_json(reason_text) if self.decision else None
        data["gate"] = self.gate.as_json(reason_text) if self.gate else None
        return data


def _run_session(
    plan_exercises: list[ExercisePrescription], a: DayAnswers, plate: float
) -> tuple[list[int], bool]:
    """Play the sets with the day's pain answer and the in-session rules."""
    pains: list[int] = []
    ended = False
    for ex in plan_exercises:
        if a.pain_during is None:
            break
        current = ex
        if ex.kind.value == "run":  # the walk-jog: one pain answer for the run
            pains.append(a.pain_during)
            if a.pain_during >= THRESHOLDS.end_session_pain:
                ended = True
            continue
        ex_pains: list[int] = []
        for _ in range(ex.sets):
            ex_pains.append(a.pain_during)
            if a.pain_during <= THRESHOLDS.set_green_max and len(ex_pains) < ex.sets:
                continue  # a green set never changes the dose: skip the call (speed)
            advice = adjust_after_set(current, ex_pains, plate_kg=plate)
            if advice.action == "end_session":
                ended = True
                break
            if advice.action == "stop_exercise":
                break
            if advice.action == "drop_rung" and advice.next is not None:
                current = advice.next
        pains.extend(ex_pains)
        if ended:
            break
    return pains, ended


def simulate(
    persona: Persona,
    days: int = DEFAULT_DAYS,
    start: date = DEFAULT_START,
    state: ProgrammeState | None = None,
) -> list[DayRecord]:
    """Day by day from ``start``; ``state`` starts from a programme already under way (tests
    and what-ifs of later stages), else from the persona's onboarding."""
    state = state if state is not None else start_programme(persona.profile, start)
    records: list[DayRecord] = []
    plate = persona.profile.smallest_plate_kg
    script = persona.script(days)
    for i in range(1, days + 1):
        on = start + timedelta(days=i - 1)
        a = script[i - 1]
        shown = a.model_dump(mode="json", exclude_defaults=True)
        events: list[str] = []
        gate: SimGate | None = None
        sessions: list[list[SimExercise]] = []
        decision: Decision | None = None
        morning_zone: PainZone | None = None

        if state.status is not ProgrammeStatus.STOPPED and a.red_flag is not None:
            code = a.red_flag
            if code not in RED_FLAGS:
                suspicion = scan_free_text(code)
                assert suspicion is not None
                events.append(f"asked to confirm: {suspicion.question}")
                code = suspicion.code
            state, decision = stop_programme(state, code, on)
        elif state.status is not ProgrammeStatus.STOPPED and a.skip:
            if sessions_on(state, on):
                state = record_missed(state, on)
                events.append("missed session")
        else:
            if a.text:
                suspicion = scan_free_text(a.text)
                if suspicion is not None:
                    events.append(f"asked to confirm: {suspicion.question}")
            if a.morning is not None and state.status is not ProgrammeStatus.STOPPED:
                state = record_morning(state, on, a.morning, a.stiffness_minutes)
                morning_zone = state.mornings[-1].zone
            state, decision = decide_next(state, on)
            referral = state.referral
            if decision.kind is DecisionKind.REFER and referral is not None and referral.on == on:
                events.append(f"refer: {referral.code}")
            gate_now = decision.gate if decision.kind is DecisionKind.GATE_TEST else None
            if gate_now is not None and any(
                g.test is gate_now and not g.passed for g in state.gate_results
            ):
                events.append(f"retest: {gate_now.value}")
            if (
                decision.gate is not None
                and decision.kind in (DecisionKind.GATE_TEST, DecisionKind.REASSESS)
                and persona.tests is not None
            ):
                result = persona.tests.result()
                if decision.gate is GateTest.RECHECK and a.morning is not None:
                    result = result.model_copy(update={"morning_pain": a.morning})
                recorded = len(state.gate_results)
                state, gate_decision = record_gate_test(state, result, on)
                if len(state.gate_results) > recorded:
                    passed = state.gate_results[-1].passed
                else:
                    passed = state.pending_gate is not None
                gate = SimGate(
                    test=decision.gate,
                    passed=passed,
                    result=result.model_dump(mode="json", exclude_none=True),
                    decision=SimDecision.of(gate_decision),
                )
                decision = gate_decision
            state, decision = _outcome_checks(state, persona, a, on, decision, events)
            for _ in range(sessions_on(state, on)):
                plan = prescribe(state, on)
                sessions.append([SimExercise.of(p) for p in plan.exercises])
                pains, ended = _run_session(plan.exercises, a, plate)
                efforts = {p.exercise_id: a.effort for p in plan.exercises}
                result_ = SessionResult(
                    on=on,
                    stage=plan.stage,
                    completed=a.completed and not ended,
                    set_pains=pains,
                    pain_after=a.pain_after,
                    efforts=efforts,
                    ended_early=ended,
                    session_type=plan.session_type,
                )
                state = record_session(state, result_)
                if ended:
                    events.append("session ended early for pain")
        records.append(
            DayRecord(
                day=i,
                date=on,
                stage=state.stage,
                status=state.status,
                sessions=sessions,
                answers=shown,
                morning_zone=morning_zone,
                decision=SimDecision.of(decision) if decision is not None else None,
                gate=gate,
                events=events,
            )
        )
    return records


def _outcome_checks(
    state: ProgrammeState,
    persona: Persona,
    a: DayAnswers,
    on: date,
    decision: Decision,
    events: list[str],
) -> tuple[ProgrammeState, Decision]:
    """R2: the 2-weekly heel-raise count, the week 6 and 12 reviews, "do you run?"."""
    if state.status is ProgrammeStatus.STOPPED:
        return state, decision
    tests = persona.tests.result() if persona.tests is not None else None
    if tests is not None and tests.heel_raise_reps is not None and heel_raise_count_due(state, on):
        reps = tests.heel_raise_reps
        state = record_heel_raises(state, on, reps, tests.left_reps, tests.right_reps)
        events.append(f"heel raises: {_count_words(state.profile.side, tests)}")
    week = review_due(state, on)
    if week is not None:
        state, referral = record_review(state, week, a.review, on)
        rating = a.review.value if a.review is not None else "not answered"
        improved = "improved" if state.reviews[-1].improved else "no better than the start"
        events.append(f"review: week {week}, rated {rating}, {improved}")
        if referral is not None and state.referral is not None:
            events.append(f"refer: {state.referral.code}")
            decision = referral
    if a.runs is not None and running_offer_due(state, on):
        state = set_running(state, a.runs, on)
        events.append("running: walk-jog block starts" if a.runs else "running: not a runner")
    return state, decision


def _count_words(side: Side, t: GateTestResult) -> str:
    if side is Side.BOTH and t.left_reps is not None and t.right_reps is not None:
        return f"left {t.left_reps}, right {t.right_reps}"
    return str(t.heel_raise_reps)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_jsonl(records: Sequence[DayRecord], reason_text: ReasonText) -> str:
    return "".join(json.dumps(r.as_json(reason_text), ensure_ascii=False) + "\n" for r in records)


def _dose(e: SimExercise) -> str:
    if e.walk_min is not None and e.jog_min is not None:
        return f"{e.id} {e.reps}x(w{e.walk_min:g}+j{e.jog_min:g}min)"
    if e.contacts is not None:
        text = f"{e.sets}x{e.contacts}c"
    elif e.hold_s is not None:
        text = f"{e.sets}x{e.hold_s}s"
    else:
        text = f"{e.sets}x{e.reps}"
    if e.load_kg:
        text += f"+{e.load_kg:g}kg"
    if e.tempo_s is not None and e.tempo_s != (3, 3):
        text += f"@{e.tempo_s[0]}/{e.tempo_s[1]}"
    if e.pause_top_s:
        text += f"p{e.pause_top_s}"
    return f"{e.id} {text}"


def render_table(records: Sequence[DayRecord], reason_text: ReasonText) -> str:
    lines = [f"{'day':>3}  {'date':<10} {'dow':<3} {'st':>2}  {'session':<60}  decision"]
    for r in records:
        if r.sessions:
            times = f"{len(r.sessions)}x " if len(r.sessions) > 1 else ""
            session = times + "; ".join(_dose(e) for e in r.sessions[0])
        else:
            session = "-"
        if r.decision is not None:
            decision = f"{r.decision.kind.value}: {reason_text(r.decision.reason)}"
        else:
            decision = "-"
        if r.answers:
            decision += "  [" + ", ".join(f"{k}={v}" for k, v in r.answers.items()) + "]"
        lines.append(
            f"{r.day:>3}  {r.date.isoformat()} {r.date.strftime('%a'):<3} {r.stage:>2}  "
            f"{session:<60}  {decision}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


class PersonaError(ValueError):
    """A persona file that cannot be used; the message is one line naming the field."""


def load_persona(path: Path) -> Persona:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PersonaError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PersonaError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    try:
        return Persona.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = str(err["msg"]).replace("\n", " ")
        raise PersonaError(f"{path}: {field}: {msg}") from exc


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def main(argv: list[str], reason_text: ReasonText) -> int:
    """``simulate PERSONA.json [--days N] [--start YYYY-MM-DD] [--table]``. Returns the exit
    status: 0, or 2 for a bad persona or bad arguments (one line on stderr).

    ``reason_text`` words the decisions' reasons: the bot's catalogue (``bot.texts``), passed
    in by the ``achilles-coach`` command, as the engine imports nothing outside ``rehab``."""
    parser = argparse.ArgumentParser(
        prog="achilles-coach simulate",
        description="Run the rehab engine day by day against a scripted persona.",
    )
    parser.add_argument("persona", type=Path, help="persona JSON file")
    parser.add_argument("--days", type=_positive, default=DEFAULT_DAYS, help="days to simulate")
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=DEFAULT_START,
        help=f"first day, YYYY-MM-DD (default {DEFAULT_START.isoformat()})",
    )
    parser.add_argument("--table", action="store_true", help="print a readable table")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        persona = load_persona(args.persona)
    except PersonaError as exc:
        print(f"error: bad persona: {exc}", file=sys.stderr)
        return 2
    records = simulate(persona, days=args.days, start=args.start)
    out = render_table(records, reason_text) if args.table else render_jsonl(records, reason_text)
    sys.stdout.write(out)
    return 0
