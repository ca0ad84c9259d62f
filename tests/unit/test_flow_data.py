"""The typed data of each flow (service_layer/flow_data.py): stored as the JSON the first,
untyped release wrote, so rows from before a deploy load (and rows from after it are ones the
previous release reads); data that is not its flow's is refused, never half-read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

import rehab
from service_layer import flow_data
from service_layer import onboarding as ob
from service_layer.flow_data import (
    GateData,
    Interrupted,
    LastTap,
    OnboardingData,
    RaisedFlag,
    RedFlagData,
    SessionData,
    SettingsData,
)
from service_layer.flows import FlowDataMismatch, FlowView

# Rows as the untyped release stored them (its key names, its values), one per flow.
OLD_ROWS: dict[str, dict[str, Any]] = {
    flow_data.ONBOARDING_FLOW: {
        "a": {"side": "left", "site": "mid-portion", "rest_pain": 3, "weight": 72.5},
        "seq": list(ob.ONBOARDING_SEQ),
        "_hist": ["welcome", "flags", "rf:0", "side", "site", "rest_pain"],
        "rf_i": 1,
        "rf": {"calf_clot": False},
        "_last": {"version": 7, "payload": "3"},
    },
    flow_data.PARKED_FLOW: {
        "a": {"side": "both", "days": [0, 2, 4], "has_step": True},
        "seq": list(ob.ONBOARDING_SEQ),
        "_hist": ["welcome", "flags"],
        "flag": {
            "outcome": "urgent",
            "advice": "See a doctor.",
            "code": "rupture",
            "on": "2026-11-30",
        },
    },
    flow_data.SETTINGS_FLOW: {
        "a": {"time1": "07:00"},
        "seq": ["menu", "time1", "time2"],
        "_hist": ["menu", "time1"],
        "mode": "times",
        "zone": "Europe/Berlin",
    },
    flow_data.SESSION_FLOW: {
        "session_id": 12,
        "held_s": 25,
        "_last": {"version": 3, "payload": "12:done"},
    },
    flow_data.GATE_FLOW: {
        "test": "loaded_hold",
        "answers": {"heel_raise_reps": 24, "other_side_reps": 30},
        "load_kg": 36.0,
        "steps": ["heel_raise_reps", "other_side_reps", "loaded_hold_pain"],
    },
    flow_data.REDFLAG_FLOW: {
        "code": "rupture",
        "question": "Did you hear a pop?",
        "previous": {"name": "session", "step": "pain", "data": {"session_id": 12}},
    },
    flow_data.PAUSE_FLOW: {},
    flow_data.RESTART_FLOW: {"_last": {"version": 1, "payload": "no"}},
}


@pytest.mark.parametrize("name", sorted(OLD_ROWS))
def test_a_row_of_the_untyped_release_loads_and_is_stored_back_unchanged(name: str) -> None:
    data = flow_data.parse(name, OLD_ROWS[name])
    assert isinstance(data, flow_data.MODELS[name])
    stored = data.stored()
    assert {key: stored[key] for key in OLD_ROWS[name]} == OLD_ROWS[name]
    # Added at most: the defaults the untyped release read where the key was missing.
    added = {key: value for key, value in stored.items() if key not in OLD_ROWS[name]}
    assert added in ({}, {"rf_i": 0, "rf": {}})
    assert flow_data.parse(name, stored) == data


def test_old_key_names_read_as_readable_fields() -> None:
    onboarding = flow_data.parse(flow_data.ONBOARDING_FLOW, OLD_ROWS[flow_data.ONBOARDING_FLOW])
    assert isinstance(onboarding, OnboardingData)
    assert onboarding.answers[ob.WEIGHT] == 72.5
    assert onboarding.answers[ob.REST_PAIN] == 3
    assert onboarding.history[-1] == ob.REST_PAIN
    assert (onboarding.red_flag_index, onboarding.red_flag_answers) == (1, {"calf_clot": False})
    assert onboarding.last_tap == LastTap(version=7, payload="3")

    parked = flow_data.parse(flow_data.PARKED_FLOW, OLD_ROWS[flow_data.PARKED_FLOW])
    assert isinstance(parked, OnboardingData)
    assert parked.answers[ob.DAYS] == [0, 2, 4]
    assert parked.answers[ob.HAS_STEP] is True  # a yes stays a yes, not the number 1
    assert parked.flag is not None
    assert (parked.flag.code, parked.flag.raised_on) == ("rupture", date(2026, 11, 30))

    settings = flow_data.parse(flow_data.SETTINGS_FLOW, OLD_ROWS[flow_data.SETTINGS_FLOW])
    assert isinstance(settings, SettingsData)
    assert (settings.mode, settings.zone) == ("times", "Europe/Berlin")

    session = flow_data.parse(flow_data.SESSION_FLOW, OLD_ROWS[flow_data.SESSION_FLOW])
    assert session == SessionData(
        session_id=12, held_seconds=25, last_tap=LastTap(version=3, payload="12:done")
    )

    gate = flow_data.parse(flow_data.GATE_FLOW, OLD_ROWS[flow_data.GATE_FLOW])
    assert isinstance(gate, GateData)
    assert gate.answers == rehab.GateTestResult(heel_raise_reps=24, other_side_reps=30)
    assert gate.load_kg == 36.0

    redflag = flow_data.parse(flow_data.REDFLAG_FLOW, OLD_ROWS[flow_data.REDFLAG_FLOW])
    assert isinstance(redflag, RedFlagData)
    assert redflag.previous == Interrupted(name="session", step="pain", data={"session_id": 12})


def test_the_untyped_release_s_nulls_load_too() -> None:
    """It stored a skipped answer and "nothing interrupted" as null."""
    gate = flow_data.parse(
        flow_data.GATE_FLOW,
        {"test": "count", "answers": {"heel_raise_reps": 20, "other_side_reps": None}},
    )
    assert isinstance(gate, GateData)
    assert gate.answers.other_side_reps is None
    assert gate.steps == []  # its oldest rows had no steps: the use case falls back to STEPS
    redflag = flow_data.parse(
        flow_data.REDFLAG_FLOW, {"code": "rupture", "question": "?", "previous": None}
    )
    assert isinstance(redflag, RedFlagData)
    assert redflag.previous is None


def test_new_data_is_stored_under_the_old_key_names() -> None:
    data = OnboardingData(
        answers={ob.SIDE: "right"},
        sequence=["welcome", "flags"],
        history=["welcome"],
        red_flag_index=2,
        flag=RaisedFlag(
            outcome="stop", advice="Rest.", code="calf_clot", raised_on=date(2026, 12, 1)
        ),
        last_tap=LastTap(version=4, payload="none"),
    )
    assert data.stored() == {
        "a": {"side": "right"},
        "seq": ["welcome", "flags"],
        "_hist": ["welcome"],
        "rf_i": 2,
        "rf": {},
        "flag": {"outcome": "stop", "advice": "Rest.", "code": "calf_clot", "on": "2026-12-01"},
        "_last": {"version": 4, "payload": "none"},
    }


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        (flow_data.ONBOARDING_FLOW, ["not", "a", "mapping"]),
        (flow_data.ONBOARDING_FLOW, "text"),
        (flow_data.PAUSE_FLOW, 5),
        (flow_data.ONBOARDING_FLOW, {"a": "not answers"}),
        (flow_data.ONBOARDING_FLOW, {"_hist": 7}),
        (flow_data.ONBOARDING_FLOW, {"rf_i": "x"}),
        (flow_data.ONBOARDING_FLOW, {"rf_i": len(rehab.RED_FLAG_CHECKLIST)}),  # past the end
        (flow_data.ONBOARDING_FLOW, {"rf_i": -1}),
        (flow_data.ONBOARDING_FLOW, {"a": {"weight": {"kg": 70}}}),
        (flow_data.ONBOARDING_FLOW, {"flag": {"code": "rupture"}}),
        (flow_data.ONBOARDING_FLOW, {"_last": {"version": "seven", "payload": "x"}}),
        (flow_data.SESSION_FLOW, {}),
        (flow_data.SESSION_FLOW, {"session_id": "12; drop table"}),
        (flow_data.SESSION_FLOW, {"session_id": 12, "held_s": -5}),
        (flow_data.GATE_FLOW, {"answers": {}}),
        (flow_data.GATE_FLOW, {"test": "count", "answers": {"heel_raise_reps": 9999}}),
        (flow_data.REDFLAG_FLOW, {"code": "rupture"}),
        (flow_data.REDFLAG_FLOW, {"code": "x", "question": "?", "previous": {"name": "session"}}),
    ],
)
def test_data_that_is_not_its_flow_s_is_refused(name: str, stored: object) -> None:
    with pytest.raises(ValidationError):
        flow_data.parse(name, stored)


def test_every_flow_has_its_model_and_an_unknown_flow_keeps_only_the_last_tap() -> None:
    names = {
        flow_data.ONBOARDING_FLOW,
        flow_data.PARKED_FLOW,
        flow_data.SETTINGS_FLOW,
        flow_data.SESSION_FLOW,
        flow_data.GATE_FLOW,
        flow_data.REDFLAG_FLOW,
        flow_data.PAUSE_FLOW,
        flow_data.RESTART_FLOW,
    }
    assert set(flow_data.MODELS) == names
    unknown = flow_data.parse("gone_in_a_later_release", {"x": 1, "_last": None})
    assert type(unknown) is flow_data.FlowData
    assert unknown.stored() == {}


def test_a_flow_s_data_is_only_read_as_its_own_model() -> None:
    flow = FlowView(1, flow_data.SESSION_FLOW, "ready", 3, SessionData(session_id=5))
    assert flow.data_as(SessionData).session_id == 5
    with pytest.raises(FlowDataMismatch):
        flow.data_as(GateData)
