"""Decision reasons as data (issue 13): the engine returns a code and values, the catalogue
words them, the programme state and the decisions table keep them readable."""

from __future__ import annotations

import typing
from datetime import date, datetime, timedelta

import pytest
from pydantic import BaseModel

import rehab
from bot import texts
from bot.views import reason_words
from rehab import reasons as rr
from storage.models import Decision as DecisionRow

pytestmark = pytest.mark.unit

MONDAY = date(2026, 1, 5)


def _profile() -> rehab.Profile:
    return rehab.Profile(
        presentation=rehab.Presentation.MID_PORTION,
        side=rehab.Side.RIGHT,
        bodyweight_kg=80,
        rest_pain=2,
        morning_pain=4,
        stiffness_minutes=15,
        single_leg_heel_raises=5,
    )


def _models_of(union: object) -> list[type[BaseModel]]:
    inner = typing.get_args(union)[0]  # Annotated[Union[...], Field(...)]
    return list(typing.get_args(inner))


def test_every_reason_code_has_exactly_one_model() -> None:
    models = _models_of(rr.Reason)
    codes = [m.model_fields["code"].default for m in models]
    assert sorted(codes) == sorted(rr.ReasonCode)


def test_a_decision_reason_survives_the_stored_programme_state() -> None:
    """The state is stored as JSON with its last decision: the reason comes back as the same
    data, and words the same."""
    state = rehab.start_programme(_profile(), MONDAY)
    state = rehab.record_morning(state, MONDAY + timedelta(days=1), 6)
    state, decision = rehab.decide_next(state, MONDAY + timedelta(days=1))
    assert decision.reason.code is rr.ReasonCode.FLARE_LIGHTEST
    back = rehab.ProgrammeState.model_validate_json(state.model_dump_json())
    assert back.last_decision is not None
    assert back.last_decision.reason == decision.reason
    words = texts.reason_text(back.last_decision.reason)
    assert words == (
        "Because your morning pain was 6/10, a flare, you stay at the lightest dose "
        "(4 holds of 20 s) until it settles."
    )


def test_a_state_saved_with_words_still_loads_and_reads_the_same() -> None:
    state = rehab.start_programme(_profile(), MONDAY)
    data = state.model_dump(mode="json")
    data["last_decision"] = {
        "kind": "hold",
        "reason": "No new session to judge since last time: same dose.",
        "stage_from": 1,
        "stage_to": 1,
        "rung_from": 0,
        "rung_to": 0,
    }
    loaded = rehab.ProgrammeState.model_validate(data)
    assert loaded.last_decision is not None
    assert loaded.last_decision.reason == rr.LegacyText(text=data["last_decision"]["reason"])
    assert texts.reason_text(loaded.last_decision.reason) == data["last_decision"]["reason"]


def _row(reason: str, data: dict[str, object] | None) -> DecisionRow:
    return DecisionRow(
        user_id=1,
        local_date=MONDAY,
        kind="hold",
        reason=reason,
        reason_data=data,
        stage_from=1,
        stage_to=1,
        made_at=datetime(2026, 1, 5, 8),
    )


def test_a_stored_decision_is_worded_from_its_data_by_todays_catalogue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = rr.TrendHold(until=MONDAY).model_dump(mode="json")
    assert reason_words(_row("old words", data)) == texts.reason_text(rr.TrendHold(until=MONDAY))
    # a restyled (or translated) catalogue reaches rows written before it
    monkeypatch.setattr(texts, "REASON_TREND_HOLD", "Steady until {until}.")
    assert reason_words(_row("old words", data)) == "Steady until Mon 5 Jan."


def test_a_stored_decision_without_readable_data_shows_its_stored_words() -> None:
    assert reason_words(_row("Written before reasons were data.", None)) == (
        "Written before reasons were data."
    )
    assert reason_words(_row("Kept words.", {"code": "no_such_rule"})) == "Kept words."


def test_the_set_advice_names_the_lighter_next_set() -> None:
    state = rehab.start_programme(_profile(), MONDAY)
    ex = rehab.prescribe(state, MONDAY).exercises[0]
    advice = rehab.adjust_after_set(ex, [5])
    assert isinstance(advice.reason, rr.SetDropRung)
    assert advice.next is not None
    assert advice.reason.next.hold_s == advice.next.hold_s
    assert texts.reason_text(advice.reason).endswith(
        f"so the next set is one step lighter ({advice.next.hold_s} s hold, both legs)."
    )
    # the same words as the set header and the exercise card: one dose formatter
    assert texts.dose_text(advice.next, sets=False, stance=True) in texts.reason_text(advice.reason)
