"""The data export: the JSON document's pydantic models and the CSV (sets, morning and
after-session answers).

Documented for people and physiotherapists in docs/export.md. Bump SCHEMA_VERSION on any change
that is not purely additive.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 2  # 2: the CSV has a `kind` column and the morning and after-session rows
CSV_FILENAME = "achilles-coach-export.csv"
JSON_FILENAME = "achilles-coach-export.json"
CSV_COLUMNS = (
    "date_local",
    "kind",
    "session_id",
    "stage",
    "exercise_id",
    "set_no",
    "reps",
    "hold_s",
    "load_kg",
    "pain_during",
    "completed",
    "leg",
    "pain_after",
    "morning_pain",
)
CSV_KINDS = ("morning", "set", "after_session")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExportUser(_Model):
    first_name: str
    timezone: str | None
    created_at: datetime


class ExportProfile(_Model):
    """The onboarding answers as given (presentation, side, equipment, baseline tests …)."""

    answers: dict[str, Any] = Field(default_factory=dict)


class ExportSchedule(_Model):
    timezone: str | None
    session_times: list[str] = Field(default_factory=list)
    weekly_days: list[int] = Field(default_factory=list)
    weekly_time: str | None = None
    checkin_time: str | None = None
    weekly_summary: bool = True
    paused: bool = False
    paused_until: date | None = None


class ExportProgramme(_Model):
    status: str
    started_at: datetime
    current_stage: int | None
    state: dict[str, Any] = Field(default_factory=dict)


class ExportStageChange(_Model):
    """The programme entered `stage` on `date_local` (the first entry is the starting stage)."""

    date_local: date
    stage: int
    stage_from: int | None
    reason: str


class ExportSet(_Model):
    exercise_index: int
    exercise_id: str
    set_no: int
    reps: int | None
    hold_s: int | None
    load_kg: float
    pain_during: int | None
    completed: bool
    logged_at: datetime
    leg: str | None = None  # single-leg work: "left" or "right"


class ExportSession(_Model):
    session_id: int
    date_local: date
    slot: str
    stage: int
    status: str
    pain_after: int | None
    started_at: datetime
    ended_at: datetime | None
    sets: list[ExportSet] = Field(default_factory=list)


class ExportCheckin(_Model):
    date_local: date
    pain: int
    stiffness_minutes: int | None
    answered_at: datetime


class ExportDecision(_Model):
    date_local: date
    kind: str
    reason: str
    stage_from: int | None
    stage_to: int | None
    made_at: datetime


class ExportRedFlagAnswer(_Model):
    code: str
    answer: bool
    source: str
    outcome: str | None
    answered_at: datetime


class ExportGateTest(_Model):
    date_local: date
    stage: int
    test: str
    passed: bool
    result: dict[str, Any] = Field(default_factory=dict)
    taken_at: datetime


class AchillesCoachExport(_Model):
    """Everything Achilles Coach stores about one person."""

    schema_version: Literal[2] = 2  # SCHEMA_VERSION
    generated_at: datetime
    user: ExportUser
    profile: ExportProfile | None
    schedule: ExportSchedule
    programme: ExportProgramme | None
    stage_history: list[ExportStageChange] = Field(default_factory=list)
    sessions: list[ExportSession] = Field(default_factory=list)
    morning_checkins: list[ExportCheckin] = Field(default_factory=list)
    decisions: list[ExportDecision] = Field(default_factory=list)
    red_flag_answers: list[ExportRedFlagAnswer] = Field(default_factory=list)
    gate_tests: list[ExportGateTest] = Field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_rows(export: AchillesCoachExport) -> list[dict[str, str]]:
    """Day by day: the morning answer, then each session's sets and its pain after."""
    dated: list[tuple[date, int, dict[str, object]]] = []
    for checkin in export.morning_checkins:
        values: dict[str, object] = {"kind": "morning", "morning_pain": checkin.pain}
        dated.append((checkin.date_local, 0, values))
    for order, session in enumerate(export.sessions, start=1):
        common: dict[str, object] = {"session_id": session.session_id, "stage": session.stage}
        for logged in session.sets:
            values = {
                **common,
                "kind": "set",
                "exercise_id": logged.exercise_id,
                "set_no": logged.set_no,
                "reps": logged.reps,
                "hold_s": logged.hold_s,
                "load_kg": logged.load_kg,
                "pain_during": logged.pain_during,
                "completed": logged.completed,
                "leg": logged.leg,
            }
            dated.append((session.date_local, order, values))
        if session.pain_after is not None:
            values = {**common, "kind": "after_session", "pain_after": session.pain_after}
            dated.append((session.date_local, order, values))
    dated.sort(key=lambda item: (item[0], item[1]))  # stable: sets keep their order
    return [
        {
            column: _cell(day.isoformat() if column == "date_local" else values.get(column))
            for column in CSV_COLUMNS
        }
        for day, _, values in dated
    ]


def to_csv(export: AchillesCoachExport) -> bytes:
    """The CSV file (UTF-8, header row, comma-separated)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(export))
    return buffer.getvalue().encode("utf-8")


def to_json(export: AchillesCoachExport) -> bytes:
    """The JSON file (UTF-8, indented for reading)."""
    return export.model_dump_json(indent=2).encode("utf-8")
