"""Why the engine decided what it did, as data: a code and its values, never words.

Every decision (``Decision.reason``) and every in-session advice (``SetAdvice.reason``) carries
one of the models below: the code says which rule fired, the fields say which answer triggered
it, what changed and the old and new values. The words live in the bot's text catalogue
(``bot/texts.py``, ``reason_text``), which the simulator's command uses too, so a reason can be
restyled or translated without touching the engine.

The small parts reasons are built from (an answer, a dose, a load change, a referral trigger)
are models of their own with a ``kind``; every model is frozen and JSON round-trippable (the
programme state stores its last decision).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from rehab.enums import ExerciseKind, ExerciseLeg, GateTest, ReviewRating, Stance


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------------------------
# Parts: the answers that trigger a rule
# ---------------------------------------------------------------------------------------------


class MorningFlare(_Part):
    """The morning answer was a flare."""

    kind: Literal["morning_flare"] = "morning_flare"
    pain: int


class RedSession(_Part):
    """A session's pain went above the ceiling."""

    kind: Literal["red_session"] = "red_session"
    ceiling: int


class MorningAboveUsual(_Part):
    """The morning answer was a little above the person's usual (amber)."""

    kind: Literal["morning_above_usual"] = "morning_above_usual"
    pain: int


class SetAtCeiling(_Part):
    """A set reached the ceiling, never above (amber)."""

    kind: Literal["set_at_ceiling"] = "set_at_ceiling"
    ceiling: int


class MissingAnswer(_Part):
    """An answer the rule needs and never got: a session's pain answers, or the morning answer
    after a session."""

    kind: Literal["missing_answer"] = "missing_answer"
    what: Literal["session_pain", "morning_after"]
    session_on: date


Answer = Annotated[
    MorningFlare | RedSession | MorningAboveUsual | SetAtCeiling | MissingAnswer,
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------------------------
# Parts: doses and what changed
# ---------------------------------------------------------------------------------------------


class HoldsDose(_Part):
    """Stage 1: ``sets`` holds of ``hold_s`` seconds."""

    kind: Literal["holds"] = "holds"
    sets: int
    hold_s: int


class SlowRepsDose(_Part):
    """Stage 2: sets x reps, maybe with added load, a slower tempo or a pause at the top."""

    kind: Literal["slow_reps"] = "slow_reps"
    sets: int
    reps: int
    load_kg: float = 0.0
    tempo_s: tuple[int, int] | None = None  # only when slower than the usual tempo
    pause_top_s: int = 0


class HeavyDose(_Part):
    """Stage 3 (and Stage 4's heavy session): the Beyer week's sets x reps."""

    kind: Literal["heavy"] = "heavy"
    sets: int
    reps: int


class JumpsDose(_Part):
    """Stage 4: how many drills, how many ground contacts in all."""

    kind: Literal["jumps"] = "jumps"
    drills: int
    contacts: int


class MaintenanceDose(_Part):
    kind: Literal["maintenance"] = "maintenance"


Dose = Annotated[
    HoldsDose | SlowRepsDose | HeavyDose | JumpsDose | MaintenanceDose,
    Field(discriminator="kind"),
]


class ExerciseRef(_Part):
    """One exercise, by its id in ``rehab.protocol.EXERCISES`` (its load went up)."""

    kind: Literal["exercise"] = "exercise"
    exercise_id: str


Raised = Annotated[
    HoldsDose | SlowRepsDose | HeavyDose | JumpsDose | MaintenanceDose | ExerciseRef,
    Field(discriminator="kind"),
]


class SetDose(_Part):
    """One set of an exercise in a session (the next, lighter set)."""

    exercise_id: str
    kind: ExerciseKind
    hold_s: int | None = None
    reps: int | None = None
    contacts: int | None = None
    load_kg: float = 0.0
    stance: Stance
    leg: ExerciseLeg | None = None


class LoadChange(_Part):
    """One heavy exercise's load, hold or tempo, before and after."""

    exercise_id: str
    old_kg: float
    new_kg: float
    old_hold_s: int | None = None
    new_hold_s: int | None = None
    old_tempo_level: int = 0
    new_tempo_level: int = 0


class NewWeek(_Part):
    """A new week of the heavy schedule starts: Stage 3's programme, or Stage 4's (and
    maintenance's) weekly heavy session."""

    stage3: bool
    sets: int
    reps: int


class EnduranceShort(_Part):
    """Too few heel raises for the Stage 4 test."""

    kind: Literal["endurance_short"] = "endurance_short"
    reps: int
    need: int
    both_sides: bool
    other_side_fraction: float


class PainOverLimit(_Part):
    """A test hurt more than its limit (the hold, or the hops)."""

    kind: Literal["pain_over_limit"] = "pain_over_limit"
    what: Literal["hold", "hops"]
    pain: int
    limit: int


TestShortfall = Annotated[EnduranceShort | PainOverLimit, Field(discriminator="kind")]

# ---------------------------------------------------------------------------------------------
# Parts: a gate's requirements (how close the person is to the next test), met or not
# ---------------------------------------------------------------------------------------------


class _Requirement(_Part):
    met: bool


class NoFlareFor(_Requirement):
    """No morning flare in the last ``days`` days (``last_flare``: the latest one, if any)."""

    kind: Literal["no_flare_for"] = "no_flare_for"
    days: int
    last_flare: date | None


class RetestFrom(_Requirement):
    """A failed test can be repeated from ``on``."""

    kind: Literal["retest_from"] = "retest_from"
    on: date


class TopHolds(_Requirement):
    """Stage 1: reach the ladder's top holds (``step`` of ``steps``)."""

    kind: Literal["top_holds"] = "top_holds"
    sets: int
    hold_s: int
    step: int
    steps: int


class DaysAtTop(_Requirement):
    kind: Literal["days_at_top"] = "days_at_top"
    days: int
    max_pain: int
    good_days: int


class CalmMorningsAfter(_Requirement):
    kind: Literal["calm_mornings_after"] = "calm_mornings_after"
    days: int
    calm: int


class DaysInStage(_Requirement):
    kind: Literal["days_in_stage"] = "days_in_stage"
    stage: int
    min_days: int
    days: int


class LoadedHeelDrops(_Requirement):
    """Stage 2: 3 x 15 heel drops with ``target_kg`` added (now: sets x reps with load_kg)."""

    kind: Literal["loaded_heel_drops"] = "loaded_heel_drops"
    target_kg: float
    sets: int
    reps: int
    load_kg: float


class PainAtThatDose(_Requirement):
    kind: Literal["pain_at_that_dose"] = "pain_at_that_dose"
    max_pain: int


class WeeksInStage(_Requirement):
    kind: Literal["weeks_in_stage"] = "weeks_in_stage"
    stage: int
    min_weeks: int
    weeks: int


class WeeksInProgramme(_Requirement):
    kind: Literal["weeks_in_programme"] = "weeks_in_programme"
    min_weeks: int
    weeks: int


class FullJumpLadder(_Requirement):
    kind: Literal["full_jump_ladder"] = "full_jump_ladder"
    step: int
    steps: int


class LowPainDaysOnFullLadder(_Requirement):
    kind: Literal["low_pain_days_full_ladder"] = "low_pain_days_full_ladder"
    days: int
    so_far: int


class EasyRunning30(_Requirement):
    kind: Literal["easy_running_30"] = "easy_running_30"
    step: int
    steps: int


class RecheckAfterBreak(_Requirement):
    kind: Literal["recheck_after_break"] = "recheck_after_break"


class CalmMorningAfterTest(_Requirement):
    kind: Literal["calm_morning_after_test"] = "calm_morning_after_test"


class ChosenAtOnboarding(_Requirement):
    kind: Literal["chosen_at_onboarding"] = "chosen_at_onboarding"


class NoFlareYesterdayOrToday(_Requirement):
    kind: Literal["no_flare_yesterday_or_today"] = "no_flare_yesterday_or_today"


class HopsLowForTwoWeeks(_Requirement):
    kind: Literal["hops_low_for_two_weeks"] = "hops_low_for_two_weeks"


Requirement = Annotated[
    NoFlareFor
    | RetestFrom
    | TopHolds
    | DaysAtTop
    | CalmMorningsAfter
    | DaysInStage
    | LoadedHeelDrops
    | PainAtThatDose
    | WeeksInStage
    | WeeksInProgramme
    | FullJumpLadder
    | LowPainDaysOnFullLadder
    | EasyRunning30
    | RecheckAfterBreak
    | CalmMorningAfterTest
    | ChosenAtOnboarding
    | NoFlareYesterdayOrToday
    | HopsLowForTwoWeeks,
    Field(discriminator="kind"),
]
"""One requirement of a gate (``requirement.met``: reached or not); the catalogue words it."""

# ---------------------------------------------------------------------------------------------
# Parts: why a clinician should see the tendon
# ---------------------------------------------------------------------------------------------


class SevereMornings(_Part):
    kind: Literal["severe_mornings"] = "severe_mornings"
    pain: int  # the threshold: first steps at this or more
    mornings: int


class ManyFlares(_Part):
    kind: Literal["flares"] = "flares"
    flares: int
    days: int


class Stuck(_Part):
    kind: Literal["stuck"] = "stuck"
    days: int


class RisingMornings(_Part):
    kind: Literal["rising_mornings"] = "rising_mornings"
    weeks: int


class ReviewNotImproved(_Part):
    kind: Literal["review_not_improved"] = "review_not_improved"
    week: int


class ReviewRatedPoorly(_Part):
    kind: Literal["review_rated"] = "review_rated"
    week: int
    rating: ReviewRating | None


ReferralWhy = Annotated[
    SevereMornings | ManyFlares | Stuck | RisingMornings | ReviewNotImproved | ReviewRatedPoorly,
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------------------------
# The reasons
# ---------------------------------------------------------------------------------------------


class ReasonCode(StrEnum):
    """Which rule decided. One code per reason model below."""

    # in a session: after each set
    SET_NOT_STARTED = "set_not_started"
    SET_END_SESSION = "set_end_session"
    SET_STOP_EXERCISE = "set_stop_exercise"
    SET_RED_EXERCISE_DONE = "set_red_exercise_done"
    SET_DROP_RUNG = "set_drop_rung"
    SET_AT_CEILING = "set_at_ceiling"
    SET_COMFORTABLE = "set_comfortable"
    # the daily decision
    STOPPED = "stopped"
    PAUSED = "paused"
    GAP_RECHECK = "gap_recheck"
    GAP_LIGHTER = "gap_lighter"
    FLARE_STAGE_DOWN = "flare_stage_down"
    FLARE_BACK_TO_FIRST_HOLDS = "flare_back_to_first_holds"
    FLARE_LIGHTER = "flare_lighter"
    FLARE_LIGHTEST = "flare_lightest"
    REFERRAL_OPEN = "referral_open"
    SETTLED_AMBER_STEP_UP = "settled_amber_step_up"
    SAME_DOSE = "same_dose"
    TREND_HOLD = "trend_hold"
    FLARE_COOLDOWN = "flare_cooldown"
    RECHECK_DUE = "recheck_due"
    GATE_OFFER = "gate_offer"
    RUN_STEP_UP = "run_step_up"
    EFFORT_LIGHTER = "effort_lighter"
    EFFORT_HEAVIER = "effort_heavier"
    STEP_UP = "step_up"
    LOAD_STEP_WAIT = "load_step_wait"
    STALE_DOSE_NUDGE = "stale_dose_nudge"
    NEW_WEEK = "new_week"
    NOTHING_TO_JUDGE = "nothing_to_judge"
    LOADS_HOLD = "loads_hold"
    TOP_OF_LADDER = "top_of_ladder"
    ONE_MORE_SESSION = "one_more_session"
    # gate tests
    NO_TEST_ACTIVE = "no_test_active"
    TEST_NOT_DUE = "test_not_due"
    TEST_NEEDS_ANSWERS = "test_needs_answers"
    HOP_TEST_PASSED = "hop_test_passed"
    HOP_TEST_FAILED = "hop_test_failed"
    RECHECK_PASSED = "recheck_passed"
    RECHECK_FAILED = "recheck_failed"
    HOLDS_REVIEW_PASSED = "holds_review_passed"
    GRADUATED = "graduated"
    HEEL_RAISES_PASSED = "heel_raises_passed"
    HEEL_RAISES_FAILED = "heel_raises_failed"
    HOLD_NOT_DONE = "hold_not_done"
    STAGE4_TEST_FAILED = "stage4_test_failed"
    CHECKPOINT_PASSED = "checkpoint_passed"
    ENDURANCE_HOPS_PASSED = "endurance_hops_passed"
    NO_MORNING_AFTER_TEST = "no_morning_after_test"
    CALM_MORNING_STAGE_UP = "calm_morning_stage_up"
    # outcomes and safety
    REFER = "refer"
    HEEL_RAISES_COUNTED = "heel_raises_counted"
    RED_FLAG_STOP = "red_flag_stop"
    LEGACY_TEXT = "legacy_text"


class _Reason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- in a session -----------------------------------------------------------------------------


class SetNotStarted(_Reason):
    code: Literal[ReasonCode.SET_NOT_STARTED] = ReasonCode.SET_NOT_STARTED


class SetEndSession(_Reason):
    code: Literal[ReasonCode.SET_END_SESSION] = ReasonCode.SET_END_SESSION
    pain: int


class SetStopExercise(_Reason):
    code: Literal[ReasonCode.SET_STOP_EXERCISE] = ReasonCode.SET_STOP_EXERCISE
    pain: int
    ceiling: int


class SetRedExerciseDone(_Reason):
    """A set above the ceiling was the exercise's last: the next session is lighter."""

    code: Literal[ReasonCode.SET_RED_EXERCISE_DONE] = ReasonCode.SET_RED_EXERCISE_DONE
    pain: int
    ceiling: int


class SetDropRung(_Reason):
    code: Literal[ReasonCode.SET_DROP_RUNG] = ReasonCode.SET_DROP_RUNG
    pain: int
    ceiling: int
    next: SetDose


class SetAtCeilingAdvice(_Reason):
    code: Literal[ReasonCode.SET_AT_CEILING] = ReasonCode.SET_AT_CEILING
    pain: int
    exercise_done: bool


class SetComfortable(_Reason):
    code: Literal[ReasonCode.SET_COMFORTABLE] = ReasonCode.SET_COMFORTABLE
    pain: int
    exercise_done: bool


# -- the daily decision -----------------------------------------------------------------------


class Stopped(_Reason):
    code: Literal[ReasonCode.STOPPED] = ReasonCode.STOPPED
    flag: str | None  # the red-flag code that stopped the programme


class Paused(_Reason):
    code: Literal[ReasonCode.PAUSED] = ReasonCode.PAUSED


class GapRecheck(_Reason):
    code: Literal[ReasonCode.GAP_RECHECK] = ReasonCode.GAP_RECHECK
    days: int
    stage: int


class GapLighter(_Reason):
    code: Literal[ReasonCode.GAP_LIGHTER] = ReasonCode.GAP_LIGHTER
    days: int
    dose: Dose


class FlareStageDown(_Reason):
    """A second flare within the window: back to the start of the stage below."""

    code: Literal[ReasonCode.FLARE_STAGE_DOWN] = ReasonCode.FLARE_STAGE_DOWN
    window_days: int
    answer: Answer
    stage: int


class FlareBackToFirstHolds(_Reason):
    code: Literal[ReasonCode.FLARE_BACK_TO_FIRST_HOLDS] = ReasonCode.FLARE_BACK_TO_FIRST_HOLDS
    window_days: int
    answer: Answer


class FlareLighter(_Reason):
    code: Literal[ReasonCode.FLARE_LIGHTER] = ReasonCode.FLARE_LIGHTER
    answer: Answer
    dose: Dose


class FlareLightest(_Reason):
    code: Literal[ReasonCode.FLARE_LIGHTEST] = ReasonCode.FLARE_LIGHTEST
    answer: Answer
    dose: Dose


class ReferralOpen(_Reason):
    """A referral was advised and the person has not said they were seen yet."""

    code: Literal[ReasonCode.REFERRAL_OPEN] = ReasonCode.REFERRAL_OPEN


class SettledAmberStepUp(_Reason):
    code: Literal[ReasonCode.SETTLED_AMBER_STEP_UP] = ReasonCode.SETTLED_AMBER_STEP_UP
    sessions: int
    ceiling: int
    dose: Dose


class SameDose(_Reason):
    code: Literal[ReasonCode.SAME_DOSE] = ReasonCode.SAME_DOSE
    answer: Answer


class TrendHold(_Reason):
    code: Literal[ReasonCode.TREND_HOLD] = ReasonCode.TREND_HOLD
    until: date


class FlareCooldown(_Reason):
    code: Literal[ReasonCode.FLARE_COOLDOWN] = ReasonCode.FLARE_COOLDOWN


class RecheckDue(_Reason):
    code: Literal[ReasonCode.RECHECK_DUE] = ReasonCode.RECHECK_DUE


class HoldOutOfReach(_Part):
    """The 1.5 x body-weight hold needs more added weight than the person has."""

    need_kg: float
    have_kg: float


class GateOffer(_Reason):
    code: Literal[ReasonCode.GATE_OFFER] = ReasonCode.GATE_OFFER
    test: GateTest
    hold_out_of_reach: HoldOutOfReach | None = None


class RunStepUp(_Reason):
    """The walk-jog block moves on; the steps are indices into ``rehab.protocol.RUN_LADDER``."""

    code: Literal[ReasonCode.RUN_STEP_UP] = ReasonCode.RUN_STEP_UP
    step_from: int
    step_to: int


class EffortLighter(_Reason):
    """A last set failed or form broke: that exercise is lighter (and easy ones rise)."""

    code: Literal[ReasonCode.EFFORT_LIGHTER] = ReasonCode.EFFORT_LIGHTER
    new_week: NewWeek | None = None
    lighter: list[LoadChange]
    heavier: list[LoadChange] = Field(default_factory=list)


class EffortHeavier(_Reason):
    code: Literal[ReasonCode.EFFORT_HEAVIER] = ReasonCode.EFFORT_HEAVIER
    new_week: NewWeek | None = None
    heavier: list[LoadChange]


class StepUp(_Reason):
    code: Literal[ReasonCode.STEP_UP] = ReasonCode.STEP_UP
    pain_max: int
    dose: Dose


class LoadStepWait(_Reason):
    code: Literal[ReasonCode.LOAD_STEP_WAIT] = ReasonCode.LOAD_STEP_WAIT
    on: date


class StaleDoseNudge(_Reason):
    code: Literal[ReasonCode.STALE_DOSE_NUDGE] = ReasonCode.STALE_DOSE_NUDGE
    days: int
    raised: list[Raised]


class NewWeekStarts(_Reason):
    code: Literal[ReasonCode.NEW_WEEK] = ReasonCode.NEW_WEEK
    new_week: NewWeek
    loads: list[LoadChange]


class NothingToJudge(_Reason):
    code: Literal[ReasonCode.NOTHING_TO_JUDGE] = ReasonCode.NOTHING_TO_JUDGE


class LoadsHold(_Reason):
    code: Literal[ReasonCode.LOADS_HOLD] = ReasonCode.LOADS_HOLD


class TopOfLadder(_Reason):
    code: Literal[ReasonCode.TOP_OF_LADDER] = ReasonCode.TOP_OF_LADDER
    still_to_come: Requirement | None = None  # the first requirement of the gate not met yet


class OneMoreSession(_Reason):
    code: Literal[ReasonCode.ONE_MORE_SESSION] = ReasonCode.ONE_MORE_SESSION
    pain_max: int


# -- gate tests -------------------------------------------------------------------------------


class NoTestActive(_Reason):
    code: Literal[ReasonCode.NO_TEST_ACTIVE] = ReasonCode.NO_TEST_ACTIVE


class TestNotDue(_Reason):
    code: Literal[ReasonCode.TEST_NOT_DUE] = ReasonCode.TEST_NOT_DUE
    unmet: list[Requirement]


class TestNeedsAnswers(_Reason):
    """A test result without the answers it needs (``missing``: the result's field names)."""

    code: Literal[ReasonCode.TEST_NEEDS_ANSWERS] = ReasonCode.TEST_NEEDS_ANSWERS
    test: GateTest
    missing: list[str]


class HopTestPassed(_Reason):
    code: Literal[ReasonCode.HOP_TEST_PASSED] = ReasonCode.HOP_TEST_PASSED
    hops: int
    pain: int


class HopTestFailed(_Reason):
    code: Literal[ReasonCode.HOP_TEST_FAILED] = ReasonCode.HOP_TEST_FAILED
    pain: int
    limit: int
    retest_days: int


class RecheckPassed(_Reason):
    code: Literal[ReasonCode.RECHECK_PASSED] = ReasonCode.RECHECK_PASSED
    reps: int
    stage: int


class RecheckFailed(_Reason):
    """``stage``: the stage restarted; ``stage_down``: one stage lower than before."""

    code: Literal[ReasonCode.RECHECK_FAILED] = ReasonCode.RECHECK_FAILED
    reps: int
    need: int
    flare: bool
    stage: int
    stage_down: bool


class HoldsReviewPassed(_Reason):
    code: Literal[ReasonCode.HOLDS_REVIEW_PASSED] = ReasonCode.HOLDS_REVIEW_PASSED


class Graduated(_Reason):
    code: Literal[ReasonCode.GRADUATED] = ReasonCode.GRADUATED


class HeelRaisesPassed(_Reason):
    """The Stage 3 test or entry test passed; the next stage waits for a calm morning."""

    code: Literal[ReasonCode.HEEL_RAISES_PASSED] = ReasonCode.HEEL_RAISES_PASSED
    test: GateTest
    reps: int


class HeelRaisesFailed(_Reason):
    code: Literal[ReasonCode.HEEL_RAISES_FAILED] = ReasonCode.HEEL_RAISES_FAILED
    test: GateTest
    reps: int
    need: int
    retest_days: int


class HoldNotDone(_Reason):
    code: Literal[ReasonCode.HOLD_NOT_DONE] = ReasonCode.HOLD_NOT_DONE
    seconds: int
    retest_days: int


class Stage4TestFailed(_Reason):
    code: Literal[ReasonCode.STAGE4_TEST_FAILED] = ReasonCode.STAGE4_TEST_FAILED
    test: GateTest
    shortfall: TestShortfall
    retest_days: int


class CheckpointPassed(_Reason):
    code: Literal[ReasonCode.CHECKPOINT_PASSED] = ReasonCode.CHECKPOINT_PASSED
    hold_pain: int
    reps: int


class EnduranceHopsPassed(_Reason):
    code: Literal[ReasonCode.ENDURANCE_HOPS_PASSED] = ReasonCode.ENDURANCE_HOPS_PASSED
    reps: int
    hops: int
    pain: int


class NoMorningAfterTest(_Reason):
    code: Literal[ReasonCode.NO_MORNING_AFTER_TEST] = ReasonCode.NO_MORNING_AFTER_TEST


class CalmMorningStageUp(_Reason):
    code: Literal[ReasonCode.CALM_MORNING_STAGE_UP] = ReasonCode.CALM_MORNING_STAGE_UP
    pain: int
    stage: int


# -- outcomes and safety ----------------------------------------------------------------------


class Refer(_Reason):
    code: Literal[ReasonCode.REFER] = ReasonCode.REFER
    why: ReferralWhy


class HeelRaisesCounted(_Reason):
    """The two-weekly heel-raise count against the last one and the start."""

    code: Literal[ReasonCode.HEEL_RAISES_COUNTED] = ReasonCode.HEEL_RAISES_COUNTED
    reps: int
    last: int | None
    start: int


class RedFlagStop(_Reason):
    code: Literal[ReasonCode.RED_FLAG_STOP] = ReasonCode.RED_FLAG_STOP
    flag: str


class LegacyText(_Reason):
    """A reason stored before reasons were data (a programme state saved as words)."""

    code: Literal[ReasonCode.LEGACY_TEXT] = ReasonCode.LEGACY_TEXT
    text: str


Reason = Annotated[
    SetNotStarted
    | SetEndSession
    | SetStopExercise
    | SetRedExerciseDone
    | SetDropRung
    | SetAtCeilingAdvice
    | SetComfortable
    | Stopped
    | Paused
    | GapRecheck
    | GapLighter
    | FlareStageDown
    | FlareBackToFirstHolds
    | FlareLighter
    | FlareLightest
    | ReferralOpen
    | SettledAmberStepUp
    | SameDose
    | TrendHold
    | FlareCooldown
    | RecheckDue
    | GateOffer
    | RunStepUp
    | EffortLighter
    | EffortHeavier
    | StepUp
    | LoadStepWait
    | StaleDoseNudge
    | NewWeekStarts
    | NothingToJudge
    | LoadsHold
    | TopOfLadder
    | OneMoreSession
    | NoTestActive
    | TestNotDue
    | TestNeedsAnswers
    | HopTestPassed
    | HopTestFailed
    | RecheckPassed
    | RecheckFailed
    | HoldsReviewPassed
    | Graduated
    | HeelRaisesPassed
    | HeelRaisesFailed
    | HoldNotDone
    | Stage4TestFailed
    | CheckpointPassed
    | EnduranceHopsPassed
    | NoMorningAfterTest
    | CalmMorningStageUp
    | Refer
    | HeelRaisesCounted
    | RedFlagStop
    | LegacyText,
    Field(discriminator="code"),
]
"""Any reason; ``reason.code`` names the rule, the other fields are its values."""

_READER: TypeAdapter[Reason] = TypeAdapter(Reason)


def reason_from_json(data: object) -> Reason:
    """A reason stored as JSON (``reason.model_dump(mode="json")``), read back.

    Raises ``pydantic.ValidationError`` for data that is no reason this engine knows."""
    return _READER.validate_python(data)
