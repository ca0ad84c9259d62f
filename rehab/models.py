"""Pydantic models exchanged with the engine. All are JSON round-trippable."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rehab.enums import (
    DecisionKind,
    Effort,
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
from rehab.reasons import HoldOutOfReach, LegacyText, Reason, Requirement

Pain = int  # 0-10; validated with Field(ge=0, le=10) where it enters the engine


class Profile(BaseModel):
    """Onboarding answers."""

    model_config = ConfigDict(extra="forbid")

    presentation: Presentation
    side: Side
    bodyweight_kg: float = Field(gt=20, le=300)
    max_added_load_kg: float = Field(0.0, ge=0, le=300)
    gym: bool = False
    has_step: bool = True
    rest_pain: int = Field(ge=0, le=10)
    morning_pain: int = Field(ge=0, le=10)
    stiffness_minutes: int = Field(ge=0, le=24 * 60)
    single_leg_heel_raises: int = Field(ge=0, le=500)
    once_daily: bool = False
    stage3_entry_test: bool = False
    smallest_plate_kg: float = Field(2.5, gt=0, le=20)

    @property
    def heel_raise_band(self) -> HeelRaiseBand:
        return HeelRaiseBand.from_count(self.single_leg_heel_raises)


class Assessment(BaseModel):
    irritability: Irritability
    floor_only: bool
    stage: int
    rung: int
    suggest_assessment: bool
    summary: str  # in English (the simulator's words); the bot words the fields below
    presentation: Presentation = Presentation.MID_PORTION
    entry_test: bool = False  # the Stage 3 entry test comes first (chosen at onboarding)


# ---------------------------------------------------------------------------------------------
# Prescription
# ---------------------------------------------------------------------------------------------


class ExercisePrescription(BaseModel):
    exercise_id: str
    name: str
    how_to: str
    kind: ExerciseKind
    knee: Knee
    stance: Stance
    surface: Surface
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    tempo_s: tuple[int, int] | None = None  # (up, down)
    pause_top_s: int = 0
    rest_s: int
    load_kg: float = 0.0
    contacts: int | None = None  # Stage 4: ground contacts per set
    rung: int
    leg: ExerciseLeg | None = None  # single-leg work: which leg (each leg in turn when both)
    walk_min: float | None = None  # running block: minutes of walking per rep
    jog_min: float | None = None  # running block: minutes of jogging per rep


class SessionPlan(BaseModel):
    stage: int
    exercises: list[ExercisePrescription]
    session_type: SessionType = SessionType.STAGE
    note: str = ""


class SetAdvice(BaseModel):
    action: Literal["continue", "drop_rung", "stop_exercise", "end_session"]
    next: ExercisePrescription | None
    reason: Reason


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


class SessionResult(BaseModel):
    on: date
    stage: int
    completed: bool
    set_pains: list[int] = Field(default_factory=list)
    pain_after: int | None = Field(None, ge=0, le=10)
    efforts: dict[str, Effort] = Field(default_factory=dict)
    ended_early: bool = False
    session_type: SessionType = SessionType.STAGE


class GateTestResult(BaseModel):
    """What the user reports from a gate test. Fields not part of the test stay ``None``.

    When both tendons are sore, the heel-raise count is per leg (``left_reps``, ``right_reps``)
    and each leg must reach the norm; ``heel_raise_reps`` is then the weaker leg's count.
    """

    heel_raise_reps: int | None = Field(None, ge=0, le=500)
    left_reps: int | None = Field(None, ge=0, le=500)
    right_reps: int | None = Field(None, ge=0, le=500)
    other_side_reps: int | None = Field(None, ge=0, le=500)
    loaded_hold_pain: int | None = Field(None, ge=0, le=10)
    # The 1.5 x body-weight hold: False when the user could not hold it for the full time.
    loaded_hold_done: bool | None = None
    hop_pain: int | None = Field(None, ge=0, le=10)
    morning_pain: int | None = Field(None, ge=0, le=10)  # for the 14+ day re-check


# ---------------------------------------------------------------------------------------------
# Decisions and gates
# ---------------------------------------------------------------------------------------------


class Decision(BaseModel):
    kind: DecisionKind
    reason: Reason  # the rule that decided and its values; the bot's catalogue words it
    stage_from: int
    stage_to: int
    rung_from: int
    rung_to: int
    gate: GateTest | None = None

    @field_validator("reason", mode="before")
    @classmethod
    def _words_from_before(cls, v: object) -> object:
        """A programme state saved before reasons were data holds the words themselves."""
        return LegacyText(text=v) if isinstance(v, str) else v


GateRequirement = Requirement  # one gate requirement, met or not (rehab.reasons)


class GateStatus(BaseModel):
    due: bool
    test: GateTest | None
    requirements: list[GateRequirement]
    # Stage 3 -> 4 without the weight for the checkpoint hold: the endurance and hop test instead
    hold_out_of_reach: HoldOutOfReach | None = None


# ---------------------------------------------------------------------------------------------
# Safety
# ---------------------------------------------------------------------------------------------


class RedFlag(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    question: str
    outcome: RedFlagOutcome
    advice: str


class RedFlagResult(BaseModel):
    outcome: RedFlagOutcome
    codes: list[str]  # every flag answered yes, most urgent first
    advice: str


class RedFlagSuspicion(BaseModel):
    code: str
    matched: str
    question: str


# ---------------------------------------------------------------------------------------------
# Programme state (stored by the storage layer as one JSON column)
# ---------------------------------------------------------------------------------------------


class MorningEntry(BaseModel):
    on: date
    pain: int = Field(ge=0, le=10)
    stiffness_minutes: int | None = None
    zone: PainZone
    evaluated: bool = False


class SessionLog(BaseModel):
    on: date
    stage: int
    rung: int
    session_type: SessionType = SessionType.STAGE
    completed: bool
    ended_early: bool = False
    max_set_pain: int | None
    pain_after: int | None
    zone: PainZone | None  # None: pain answers missing
    evaluated: bool = False


class LoadState(BaseModel):
    """One Stage 3 exercise's regulated load."""

    load_kg: float = Field(ge=0)
    reps_basis: int  # the xRM the load was set for (rescaled when the Beyer phase changes)
    tempo_level: int = 0  # 0: 3 s/3 s; 1: 4 s/4 s; 2: 4 s/4 s plus a 2 s pause at the top
    hold_s: int | None = None  # holds only
    easy_streak: int = 0
    last_effort: Effort | None = None
    changed_on: date | None = None
    sets_off: int = 0  # R2 gap rule: a set fewer when no added load is left to take off
    recent: list[LoadMark] = Field(default_factory=list)  # loads set in the last days


class GateRecord(BaseModel):
    on: date
    test: GateTest
    stage: int
    passed: bool
    detail: str


class PendingGate(BaseModel):
    """A loaded-hold gate passed on the day; it still needs a calm next morning."""

    test: GateTest
    on: date


class LoadMark(BaseModel):
    """A load an exercise was set to, from ``on`` (for the 7-day rise cap)."""

    on: date
    load_kg: float


class ReferralRecord(BaseModel):
    """R2: the bot advised seeing a clinician; progress waits until the user says they were
    seen (``seen_at``, stored with its time like a red flag's clearance)."""

    code: str
    on: date
    seen_on: date | None = None


class ReviewRecord(BaseModel):
    week: int
    on: date
    rating: ReviewRating | None = None
    morning_start: float
    morning_now: float | None
    heel_raises_start: int
    heel_raises_now: int | None
    improved: bool


class HeelRaiseCount(BaseModel):
    on: date
    reps: int
    left: int | None = None
    right: int | None = None


class StopRecord(BaseModel):
    code: str
    on: date
    outcome: RedFlagOutcome


class ProgrammeState(BaseModel):
    """Everything the engine remembers about one user's programme."""

    schema_version: int = 1
    profile: Profile
    irritability: Irritability
    floor_only: bool
    status: ProgrammeStatus = ProgrammeStatus.ACTIVE
    paused: bool = False
    paused_on: date | None = None
    stage: int = Field(ge=1, le=4)
    rung: int = Field(ge=0)
    programme_start: date
    stage_start: date
    dose_changed_on: date
    rung_changed_on: date | None = None
    last_session_on: date | None = None
    mornings: list[MorningEntry] = Field(default_factory=list)
    flares: list[date] = Field(default_factory=list)
    sessions: list[SessionLog] = Field(default_factory=list)
    missed: list[date] = Field(default_factory=list)
    green_streak: int = 0  # consecutive green, complete sessions at the current dose
    not_green_on: date | None = None  # the last day any answer was not green (or missing)
    stage3_loads: dict[str, LoadState] = Field(default_factory=dict)
    last_hsr_on: date | None = None
    full_ladder_since: date | None = None  # Stage 4: first day on the full ladder
    gate_results: list[GateRecord] = Field(default_factory=list)
    pending_gate: PendingGate | None = None
    gate_retest_after: date | None = None
    entry_test_pending: bool = False
    needs_recheck: bool = False
    gap_handled_for: date | None = None  # the last-session date a gap rule was applied to
    gap_level: int = 0  # 7 or 14: which gap rule was applied to it
    trend_checked_week: int = 0
    trend_hold_until: date | None = None
    last_decision: Decision | None = None
    last_decision_on: date | None = None
    stop: StopRecord | None = None
    red_flag_history: list[StopRecord] = Field(default_factory=list)
    # ---- R2 ----
    load_rung_days: list[date] = Field(default_factory=list)  # Stage 2 load rungs
    beyer_weeks_done: int = 0  # Stage 3 weeks of the schedule completed (by sessions)
    beyer_week_from: date | None = None
    beyer_week_sessions: int = 0
    stage4_factor: float = Field(1.0, gt=0, le=1)  # Stage 4 contacts scale (after a step down)
    amber_streak: int = 0  # sessions at this dose with sets at the ceiling that settled
    flared_loads: dict[str, float] = Field(default_factory=dict)  # loads when Stage 3 flared
    last_rise_on: date | None = None
    referral: ReferralRecord | None = None
    referral_history: list[ReferralRecord] = Field(default_factory=list)
    reviews: list[ReviewRecord] = Field(default_factory=list)
    heel_raise_log: list[HeelRaiseCount] = Field(default_factory=list)
    runs: bool | None = None  # asked once in Stage 4: do you run (or want to)?
    run_step: int = 0
    run_since: date | None = None
    last_run_on: date | None = None
    hop_test_on: date | None = None  # the 10 single-leg hops passed (gate or Stage 4 test)
    single_hops_since: date | None = None  # Stage 4: first day with single-leg hops

    def clone(self) -> ProgrammeState:
        """A copy whose containers can be changed without touching this state.

        The items inside (entries, logs, loads) are treated as values: the engine replaces
        them instead of mutating them, so copying the containers is enough (and much faster
        than a deep copy).
        """
        c = self.model_copy()
        c.mornings = list(self.mornings)
        c.flares = list(self.flares)
        c.sessions = list(self.sessions)
        c.missed = list(self.missed)
        c.stage3_loads = dict(self.stage3_loads)
        c.gate_results = list(self.gate_results)
        c.red_flag_history = list(self.red_flag_history)
        c.load_rung_days = list(self.load_rung_days)
        c.flared_loads = dict(self.flared_loads)
        c.referral_history = list(self.referral_history)
        c.reviews = list(self.reviews)
        c.heel_raise_log = list(self.heel_raise_log)
        return c
