"""Achilles Coach's rehab engine: the clinical protocol as a pure, deterministic domain.

Nothing here reads the clock, touches storage or talks to Telegram: "today" is always a
parameter, and every number lives in :mod:`rehab.protocol`.

Public API
==========

Onboarding
    ``assess(profile: Profile) -> Assessment`` -- irritability, floor_only, stage, rung,
    suggest_assessment, summary.
    ``start_programme(profile: Profile, today: date) -> ProgrammeState``.
    ``restart_after_clearance(state, on, profile=None) -> ProgrammeState`` -- after a red flag,
    once a clinician cleared the user.

State
    ``ProgrammeState`` -- everything the engine remembers; store it with
    ``state.model_dump(mode="json")`` and load it with ``ProgrammeState.model_validate(data)``.
    Every function returns a new state; none mutates its argument.

Prescription
    ``cadence(state) -> Cadence``; ``sessions_on(state, on) -> int`` (the default schedule:
    Stage 1-2 twice or once daily, Stage 3-4 Mon/Wed/Fri, maintenance Mondays);
    ``prescribe(state, on: date) -> SessionPlan`` (``stage``, ``exercises``:
    list[ExercisePrescription], ``session_type``).

Pain model
    ``classify_set_pain(p) -> PainZone``; ``classify_session_pain(p) -> PainZone``;
    ``classify_morning(state, p, on=None) -> PainZone`` (baseline: ``morning_baseline``);
    ``THRESHOLDS: Thresholds`` (``amber_ceiling`` = 4 and the rest, configurable).

In a session
    ``adjust_after_set(ex, set_pains: list[int]) -> SetAdvice`` -- action ``continue`` |
    ``drop_rung`` | ``stop_exercise`` | ``end_session``, the dose of the next set, a reason.

Reasons
    Every ``Decision.reason`` and ``SetAdvice.reason`` is a ``Reason`` (:mod:`rehab.reasons`):
    ``reason.code`` (a ``ReasonCode``) names the rule, the other fields hold the answer that
    triggered it, what changed and the old and new values. The engine never words them; the
    bot's catalogue does (``bot.texts.reason_text``).

Between sessions
    ``record_morning(state, on, pain, stiffness_minutes=None) -> ProgrammeState``;
    ``record_session(state, result: SessionResult) -> ProgrammeState``;
    ``record_missed(state, on) -> ProgrammeState``; ``pause(state, on)``; ``resume(state, on)``;
    ``decide_next(state, today) -> tuple[ProgrammeState, Decision]`` -- call once a day after
    the morning check-in (or at the session if it was not answered), before ``prescribe``.

Gates
    ``gate_status(state, today) -> GateStatus`` (due, test: GateTest | None, requirements:
    list[GateRequirement]: one small model per requirement, ``met`` and its numbers,
    hold_out_of_reach);
    ``record_gate_test(state, result: GateTestResult, on) -> tuple[ProgrammeState, Decision]``.

Safety
    ``RED_FLAG_CHECKLIST: list[RedFlag]``; ``evaluate_red_flags(answers: dict[str, bool]) ->
    RedFlagResult | None``; ``scan_free_text(text) -> RedFlagSuspicion | None`` (asks to
    confirm, never acts); ``stop_programme(state, code, on) -> tuple[ProgrammeState, Decision]``.

Simulator
    :mod:`rehab.simulator`: ``Persona``, ``simulate(persona, days=84, start=DEFAULT_START)``,
    ``render_jsonl(records, reason_text)``, ``render_table(records, reason_text)``,
    ``main(argv, reason_text) -> int`` (``reason_text`` words the reasons: ``bot.texts``).
"""

from rehab.dosing import cadence, prescribe, sessions_on
from rehab.engine import (
    adjust_after_set,
    assess,
    classify_irritability,
    decide_next,
    pause,
    record_missed,
    record_morning,
    record_session,
    restart_after_clearance,
    resume,
    start_programme,
)
from rehab.enums import (
    Cadence,
    DecisionKind,
    Effort,
    Equipment,
    ExerciseKind,
    ExerciseLeg,
    GateTest,
    HeelRaiseBand,
    Irritability,
    Knee,
    PainZone,
    Presentation,
    ProgrammeStatus,
    RedFlagOutcome,
    ReviewRating,
    SessionType,
    Side,
    Stance,
    Surface,
)
from rehab.gates import gate_status, record_gate_test
from rehab.models import (
    Assessment,
    Decision,
    ExercisePrescription,
    GateRequirement,
    GateStatus,
    GateTestResult,
    Profile,
    ProgrammeState,
    RedFlag,
    RedFlagResult,
    RedFlagSuspicion,
    SessionPlan,
    SessionResult,
    SetAdvice,
)
from rehab.pain import (
    classify_morning,
    classify_session_pain,
    classify_set_pain,
    morning_baseline,
)
from rehab.protocol import EXERCISES, GATES, LOADS, THRESHOLDS, TIMINGS, Thresholds
from rehab.reasons import Reason, ReasonCode
from rehab.safety import (
    RED_FLAG_CHECKLIST,
    clearance_offered,
    evaluate_red_flags,
    flag_name,
    scan_free_text,
    stop_programme,
)

__all__ = [
    "EXERCISES",
    "GATES",
    "LOADS",
    "RED_FLAG_CHECKLIST",
    "THRESHOLDS",
    "TIMINGS",
    "Assessment",
    "Cadence",
    "Decision",
    "DecisionKind",
    "Effort",
    "Equipment",
    "ExerciseKind",
    "ExerciseLeg",
    "ExercisePrescription",
    "GateRequirement",
    "GateStatus",
    "GateTest",
    "GateTestResult",
    "HeelRaiseBand",
    "Irritability",
    "Knee",
    "PainZone",
    "Presentation",
    "Profile",
    "ProgrammeState",
    "ProgrammeStatus",
    "Reason",
    "ReasonCode",
    "RedFlag",
    "RedFlagOutcome",
    "RedFlagResult",
    "RedFlagSuspicion",
    "ReviewRating",
    "SessionPlan",
    "SessionResult",
    "SessionType",
    "SetAdvice",
    "Side",
    "Stance",
    "Surface",
    "Thresholds",
    "adjust_after_set",
    "assess",
    "cadence",
    "classify_irritability",
    "classify_morning",
    "classify_session_pain",
    "classify_set_pain",
    "clearance_offered",
    "decide_next",
    "evaluate_red_flags",
    "flag_name",
    "gate_status",
    "morning_baseline",
    "pause",
    "prescribe",
    "record_gate_test",
    "record_missed",
    "record_morning",
    "record_session",
    "restart_after_clearance",
    "resume",
    "scan_free_text",
    "sessions_on",
    "start_programme",
    "stop_programme",
]
