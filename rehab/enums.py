"""The vocabulary of the rehab engine: every closed set of values is a ``StrEnum``."""

from __future__ import annotations

from enum import StrEnum


class Presentation(StrEnum):
    """Where the tendon hurts (protocol section 1)."""

    MID_PORTION = "mid-portion"
    INSERTIONAL = "insertional"
    UNSURE = "unsure"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class HeelRaiseBand(StrEnum):
    """Single-leg heel raises on the affected side with pain no more than 3/10."""

    NONE = "0"
    FEW = "1-9"
    SOME = "10-24"
    MANY = "25+"

    @classmethod
    def from_count(cls, n: int) -> HeelRaiseBand:
        if n < 0:
            raise ValueError("a heel-raise count cannot be negative")
        if n == 0:
            return cls.NONE
        if n < 10:
            return cls.FEW
        if n < 25:
            return cls.SOME
        return cls.MANY


class Effort(StrEnum):
    """How the last set of a heavy exercise felt (Stage 3 load regulation)."""

    EASY = "easy"  # could do 3+ more
    RIGHT = "right"  # 1-2 left
    HARD = "hard"  # failed or form broke


class Irritability(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class ExerciseKind(StrEnum):
    HOLD = "hold"
    REPS = "reps"
    ECCENTRIC = "eccentric"
    PLYO = "plyo"
    STRETCH = "stretch"
    RUN = "run"


class Stance(StrEnum):
    TWO_LEGS = "two-legs"
    SINGLE_LEG = "single-leg"


class Surface(StrEnum):
    FLOOR = "floor"
    STEP = "step"


class Knee(StrEnum):
    STRAIGHT = "straight"
    BENT = "bent"


class DecisionKind(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STAGE_UP = "stage_up"
    STAGE_DOWN = "stage_down"
    DELOAD = "deload"
    REASSESS = "reassess"
    GATE_TEST = "gate_test"
    STOP = "stop"
    REFER = "refer"  # R2: not getting better; see a clinician (progress waits until seen)


class Cadence(StrEnum):
    TWICE_DAILY = "twice_daily"
    ONCE_DAILY = "once_daily"
    THREE_WEEKLY = "three_weekly"
    WEEKLY = "weekly"


class PainZone(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class RedFlagOutcome(StrEnum):
    """What a red flag means for the user, most urgent first (see ``URGENCY``)."""

    EMERGENCY = "emergency"
    URGENT_CARE = "urgent_care"
    SEE_DOCTOR = "see_doctor"
    CONTACT_PRESCRIBER = "contact_prescriber"
    NOT_FOR_PROGRAMME = "not_for_programme"


class Equipment(StrEnum):
    """Equipment an exercise needs beyond the floor and a wall."""

    STEP = "step"
    GYM = "gym"


class GateTest(StrEnum):
    """The check the bot walks the user through before a stage change."""

    HOLDS_REVIEW = "holds_review"  # 1 -> 2: read from the logs, nothing to perform
    HEEL_RAISE = "heel_raise"  # 2 -> 3: single-leg heel-raise endurance
    STAGE3_ENTRY = "stage3_entry"  # onboarding shortcut for low irritability with 25+ raises
    LOADED_HOLD = "loaded_hold"  # 3 -> 4: 1.5 x body-weight hold + heel-raise endurance
    ENDURANCE_HOPS = "endurance_hops"  # 3 -> 4 when equipment cannot reach 1.5 x body weight
    GRADUATION = "graduation"  # 4 -> maintenance: read from the logs
    RECHECK = "recheck"  # after a 14+ day gap: morning pain + heel-raise test
    HOP_TEST = "hop_test"  # R2: 10 single-leg hops before the running block


class ProgrammeStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"
    MAINTENANCE = "maintenance"


class SessionType(StrEnum):
    """What a session trains: the stage's own work, or heavy slow resistance in Stage 4."""

    STAGE = "stage"
    HSR = "hsr"
    RUN = "run"  # R2: the walk-jog block, in place of one hop session a week


class ExerciseLeg(StrEnum):
    """Which leg a single-leg exercise works: one side, or each side in turn (both sore)."""

    LEFT = "left"
    RIGHT = "right"
    EACH = "each"


class ReviewRating(StrEnum):
    """How the person rates the change at the 6- and 12-week reviews."""

    MUCH_BETTER = "much_better"
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
