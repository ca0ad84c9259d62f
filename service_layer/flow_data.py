"""What each multi-step conversation keeps between steps (table `flows`, JSON column `data`).

One pydantic model per flow. A flow row's data is validated into its flow's model when the row
is loaded (service_layer/flows.py) and dumped back when it is stored; the use cases and the
adapter read and write fields, never string keys.

The stored key names are the ones the first, untyped version wrote (`a`, `seq`, `_hist`,
`rf_i`, `_last`, ...): each field reads and writes its stored key as an alias. So a row written
before these models existed loads unchanged (someone halfway through onboarding during a deploy
keeps their answers) and a row written now is still one the previous release can read: no data
migration, in either direction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import rehab

# The flows, by name (the `flows.name` column).
ONBOARDING_FLOW = "onboarding"
PARKED_FLOW = "onboarding_parked"  # onboarding left with /cancel, its answers kept
SETTINGS_FLOW = "settings"
SESSION_FLOW = "session"
GATE_FLOW = "gate"
REDFLAG_FLOW = "redflag"
PAUSE_FLOW = "pause"
RESTART_FLOW = "restart"

# An onboarding answer, as stored: a choice or time (text), a count or pain (whole number), a
# mass in kg, a yes/no, or training days (weekday numbers).
Answer = bool | int | float | str | list[int]


class LastTap(BaseModel):
    """The last accepted tap: the step's version and the button's payload (a repeat of it is a
    double tap, acknowledged without storing anything twice; bot/flows.py)."""

    model_config = ConfigDict(frozen=True)

    version: int
    payload: str


class FlowData(BaseModel):
    """What every flow keeps: the last accepted tap (written by service_layer/flows.advance)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    last_tap: LastTap | None = Field(None, alias="_last")

    def stored(self) -> dict[str, Any]:
        """The JSON the `flows.data` column holds (the stored key names; unset values left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class PauseData(FlowData):
    """/pause: how long is chosen by the tap itself; nothing else is kept."""


class RestartData(FlowData):
    """/start over (or a fresh start after a clinician's clearance): nothing else is kept."""


class StepsData(FlowData):
    """The question-by-question flows (onboarding and /settings): the answers so far, keyed by
    step, the steps in order, and the steps answered (for Back)."""

    answers: dict[str, Answer] = Field(default_factory=dict, alias="a")
    sequence: list[str] = Field(default_factory=list, alias="seq")
    history: list[str] = Field(default_factory=list, alias="_hist")


class RaisedFlag(BaseModel):
    """A red flag answered yes during onboarding: what it means and the day it was raised (a
    clinician's clearance is offered from the next day on)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    outcome: str
    advice: str
    code: str
    raised_on: date | None = Field(None, alias="on")


class OnboardingData(StepsData):
    """Onboarding (also while parked by /cancel): the red-flag checklist's progress besides the
    answers."""

    red_flag_index: int = Field(0, ge=0, lt=len(rehab.RED_FLAG_CHECKLIST), alias="rf_i")
    red_flag_answers: dict[str, bool] = Field(default_factory=dict, alias="rf")
    flag: RaisedFlag | None = None


class SettingsData(StepsData):
    """/settings: what is being changed (None on the menu) and the person's zone (to show the
    times they choose in it)."""

    mode: str | None = None
    zone: str | None = None


class SessionData(FlowData):
    """A guided session: which session row the buttons belong to, and how long each hold of a
    set ended early by Done really lasted."""

    session_id: int
    held_seconds: int | None = Field(None, ge=0, alias="held_s")


class GateData(FlowData):
    """A gate test or the heel-raise count: which one, its steps, the answers so far (the
    engine's own result model) and the hold's added load."""

    test: str
    steps: list[str] = Field(default_factory=list)
    answers: rehab.GateTestResult = Field(default_factory=rehab.GateTestResult)
    load_kg: float | None = None


class Interrupted(BaseModel):
    """The flow a red-flag question interrupted, as stored (restored at the same step)."""

    model_config = ConfigDict(extra="ignore")

    name: str
    step: str
    data: dict[str, Any] = Field(default_factory=dict)


class RedFlagData(FlowData):
    """A red-flag word in free text: the flag suspected, the question asked, and the flow it
    interrupted."""

    code: str
    question: str  # in English (rehab's words); the bot words `code` and `matched`
    previous: Interrupted | None = None
    matched: str | None = None  # the words that raised the suspicion (None: asked before they
    # were stored, so the question is worded from `question`)


MODELS: dict[str, type[FlowData]] = {
    ONBOARDING_FLOW: OnboardingData,
    PARKED_FLOW: OnboardingData,
    SETTINGS_FLOW: SettingsData,
    SESSION_FLOW: SessionData,
    GATE_FLOW: GateData,
    REDFLAG_FLOW: RedFlagData,
    PAUSE_FLOW: PauseData,
    RESTART_FLOW: RestartData,
}


def parse(name: str, stored: object) -> FlowData:
    """The data of a flow called `name` from its stored JSON; pydantic.ValidationError if the
    JSON is not that flow's (corrupt, forged, or of an unknown shape, a list or text included)."""
    return MODELS.get(name, FlowData).model_validate({} if stored is None else stored)
