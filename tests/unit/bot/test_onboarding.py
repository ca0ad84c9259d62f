"""Onboarding's pure parts: reading typed answers, finding time zones, the order of steps, the
profile handed to the engine, and the next-session time shown in the summary and status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rehab
from bot import i18n, texts, views
from service_layer import onboarding as ob
from service_layer import timezones
from service_layer.flow_data import Answer, OnboardingData, SettingsData
from service_layer.languages import SUPPORTED
from service_layer.reader import Reading
from service_layer.settings import NextSession, next_session

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("72", 72.0),
        ("72 kg", 72.0),
        (" 72kg ", 72.0),
        ("72,5", 72.5),
        ("72.5 KG", 72.5),
        ("160 lb", 72.6),
        ("160lbs", 72.6),
        ("160 pounds", 72.6),
        ("30", 30.0),
        ("250", 250.0),
    ],
)
def test_weight_in_kg_or_lb(text: str, kg: float) -> None:
    assert ob.parse_weight(text) == kg


@pytest.mark.parametrize("text", ["", "seventy", "29", "251", "600 lb", "50 stone", "-70", "7 2"])
def test_weight_out_of_range_or_not_a_number(text: str) -> None:
    assert ob.parse_weight(text) is None


@given(st.floats(min_value=30, max_value=250))
def test_every_weight_in_range_is_accepted(kg: float) -> None:
    assert ob.parse_weight(f"{kg:.1f} kg") == round(float(f"{kg:.1f}"), 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7:30", "07:30"), ("07.30", "07:30"), ("19:05", "19:05"), ("7pm", "19:00"),
     ("6:45 pm", "18:45"), ("12am", "00:00"), ("12:30pm", "12:30"), ("7h15", "07:15")],
)  # fmt: skip
def test_times(text: str, expected: str) -> None:
    assert ob.parse_time(text) == expected


@pytest.mark.parametrize("text", ["7", "24:00", "7:60", "13pm", "noon", "", "07:3"])
def test_not_times(text: str) -> None:
    assert ob.parse_time(text) is None


def test_loads_and_counts() -> None:
    assert ob.parse_load("none") == 0.0
    assert ob.parse_load("12.5") == 12.5
    assert ob.parse_load("25 lb") == 11.3
    assert ob.parse_load("heavy") is None
    assert ob.parse_load("ninguno") == 0.0
    assert ob.parse_load("нет") == 0.0
    assert ob.parse_load("12,5 кг") == 12.5
    assert ob.parse_count("12") == 12
    assert ob.parse_count("25+") == 25
    assert ob.parse_count("a dozen") is None
    assert ob.parse_minutes("15 min") == 15
    assert ob.parse_minutes("forever") is None


def test_days_need_three_with_rest_between() -> None:
    assert ob.parse_days("mon wed fri") == (0, 2, 4)
    assert ob.parse_days("Tuesday, Thursday and Saturday") == (1, 3, 5)
    assert ob.parse_days("sun tue thu") == (1, 3, 6)
    assert ob.parse_days("mon tue thu") is None  # back to back
    assert ob.parse_days("fri sun mon") is None  # Sunday → Monday is back to back too
    assert ob.parse_days("mon wed") is None
    assert ob.parse_days("lunes, miércoles y viernes") == (0, 2, 4)
    assert ob.parse_days("mar jue sáb") == (1, 3, 5)
    assert ob.parse_days("пн ср пт") == (0, 2, 4)
    assert ob.parse_days("Вторник, четверг и суббота") == (1, 3, 5)
    assert ob.parse_days("вс вт чт") == (1, 3, 6)
    assert ob.parse_days("lun mar jue") is None  # back to back
    assert ob.parse_days("mon wed someday") is None
    assert all(ob.valid_days(days) for days in ob.DAYS_CHOICES.values())


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("europe/london", "Europe/London"),
        ("Mumbai", "Asia/Kolkata"),
        ("San Francisco", "America/Los_Angeles"),
        ("UTC", "UTC"),
    ],
)
def test_zone_from_a_typed_city_or_name(text: str, zone: str) -> None:
    assert timezones.zone_from_text(text) == zone


def test_unknown_places_are_not_guessed() -> None:
    assert timezones.zone_from_text("Atlantis") is None
    assert timezones.zone_from_text("") is None
    assert all(timezones.is_zone(zone) for _, zone in timezones.COMMON_ZONES)


def test_zone_from_a_shared_location_offline() -> None:
    assert timezones.zone_from_location(52.52, 13.40) == "Europe/Berlin"
    assert timezones.zone_from_location(-33.87, 151.21) == "Australia/Sydney"
    assert timezones.zone_from_location(91.0, 0.0) is None


ANSWERS: dict[str, Answer] = {
    ob.SIDE: "left",
    ob.SITE: "unsure",
    ob.REST_PAIN: 0,
    ob.MORNING_PAIN: 2,
    ob.STIFFNESS: 5,
    ob.HEEL_RAISES: 25,
    ob.WEIGHT: 70.0,
    ob.HAS_STEP: True,
    ob.LOAD: 10.0,
    ob.GYM: False,
}


def test_profile_for_the_engine_and_the_entry_choice() -> None:
    profile = ob.build_profile({**ANSWERS, ob.TIME2: ob.ONCE, ob.ENTRY: True})
    assert profile.presentation is rehab.Presentation.UNSURE
    assert profile.once_daily
    assert profile.stage3_entry_test
    assert ob.entry_choice_applies(ANSWERS)  # low irritability, 25+ raises
    assert not ob.entry_choice_applies({**ANSWERS, ob.HEEL_RAISES: 15})
    assert not ob.entry_choice_applies({**ANSWERS, ob.REST_PAIN: 5})


def test_step_order_skips_the_entry_choice_when_it_does_not_apply() -> None:
    data = OnboardingData(answers={**ANSWERS, ob.HEEL_RAISES: 15}, sequence=list(ob.ONBOARDING_SEQ))
    assert ob._next_in_seq(data, ob.GYM) == ob.ZONE
    data.answers = dict(ANSWERS)
    assert ob._next_in_seq(data, ob.GYM) == ob.ENTRY
    assert ob._next_in_seq(data, ob.RF) == ob.SIDE
    assert ob._next_in_seq(SettingsData(sequence=["menu", ob.WEIGHT]), ob.WEIGHT) is None


def test_every_button_and_text_step_reads_its_own_values() -> None:
    assert ob.value_from_button(ob.REST_PAIN, "7") == 7
    assert ob.value_from_button(ob.REST_PAIN, "11") is None
    assert ob.value_from_text(ob.MORNING_PAIN, "3/10") == 3
    assert ob.value_from_button(ob.ZONE, "Europe/Berlin") == "Europe/Berlin"
    assert ob.value_from_button(ob.ZONE, "Mars/Olympus") is None
    assert ob.value_from_button(ob.TIME2, ob.ONCE) == ob.ONCE
    assert ob.value_from_button(ob.DAYS, "024") == (0, 2, 4)
    assert ob.value_from_button(ob.SITE, "forged") is None
    assert not ob.takes_text(ob.SIDE)


def test_next_session_in_the_users_zone() -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, a Tuesday
    kwargs: dict[str, Any] = {
        "zone": "Europe/Berlin",
        "weekly_days": [0, 2, 4],
        "weekly_time": "18:00",
    }
    twice = next_session(
        now=now, cadence=rehab.Cadence.TWICE_DAILY, session_times=["07:00", "19:30"],
        paused=False, paused_until=None, **kwargs,
    )  # fmt: skip
    assert twice == datetime(2026, 12, 1, 19, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    weekly = next_session(
        now=now, cadence=rehab.Cadence.THREE_WEEKLY, session_times=[],
        paused=False, paused_until=None, **kwargs,
    )  # fmt: skip
    assert weekly == datetime(2026, 12, 2, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    paused = next_session(
        now=now, cadence=rehab.Cadence.TWICE_DAILY, session_times=["07:00", "19:30"],
        paused=True, paused_until=date(2026, 12, 8), **kwargs,
    )  # fmt: skip
    assert paused == datetime(2026, 12, 8, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert (
        next_session(
            now=now,
            cadence=rehab.Cadence.ONCE_DAILY,
            session_times=["07:00"],
            paused=True,
            paused_until=None,
            **kwargs,
        )
        is None
    )
    local_now = now.astimezone(ZoneInfo("Europe/Berlin"))
    today = local_now.date()
    assert views.when_words(NextSession(twice, today)) == "today at 19:30"
    assert views.when_words(NextSession(weekly, today)) == "tomorrow at 18:00"
    assert views.when_words(NextSession(paused, today)) == "Tue 8 Dec at 07:00"
    with i18n.using("es"):
        assert views.when_words(NextSession(paused, today)) == i18n._("{day} at {time}").format(
            day=i18n.day_month(paused.date()), time="07:00"
        )
        assert "mar" in i18n.day_month(paused.date())  # Babel's Spanish weekday


def test_next_session_skips_todays_reminders_that_sessions_already_cover() -> None:
    """Like the scheduler: one session today covers the first reminder, two the second, an
    open one or one stopped for pain both; the next session is then the first reminder that
    will really come."""
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    berlin = ZoneInfo("Europe/Berlin")
    kwargs: dict[str, Any] = {
        "now": now,
        "zone": "Europe/Berlin",
        "cadence": rehab.Cadence.TWICE_DAILY,
        "session_times": ["18:00", "21:00"],
        "weekly_days": [0, 2, 4],
        "weekly_time": "18:00",
        "paused": False,
        "paused_until": None,
    }
    assert next_session(**kwargs) == datetime(2026, 12, 1, 18, 0, tzinfo=berlin)
    tonight = datetime(2026, 12, 1, 21, 0, tzinfo=berlin)
    tomorrow = datetime(2026, 12, 2, 18, 0, tzinfo=berlin)
    assert next_session(**kwargs, session_statuses=["done"]) == tonight
    assert next_session(**kwargs, session_statuses=["done", "done"]) == tomorrow
    assert next_session(**kwargs, session_statuses=["in_progress"]) == tomorrow
    # A session stopped for pain (>= 7/10) ends the day: rest, no second session tonight.
    assert next_session(**kwargs, session_statuses=["ended_early"]) == tomorrow


def test_a_language_is_chosen_by_button_or_by_name_and_only_one_we_speak() -> None:
    assert ob.value_from_button(ob.LANGUAGE, "es") == "es"
    assert ob.value_from_button(ob.LANGUAGE, "fr") is None  # a forged button
    assert ob.read_answer(ob.LANGUAGE, "Русский") == Reading("ru")
    assert ob.read_answer(ob.LANGUAGE, "in English") == Reading("en")
    assert ob.read_answer(ob.LANGUAGE, "klingon") is None
    # Every language we speak has a button, named in itself, the one in force ticked.
    with i18n.using("ru"):
        buttons = texts.language_buttons(i18n.current())
    assert [code for _, code in buttons] == list(SUPPORTED)
    assert [label for label, _ in buttons] == ["English", "Español", "✓ Русский"]


def test_an_answer_is_shown_back_in_the_persons_words() -> None:
    """ "Did you mean …?" shows the answer the way the person's language writes it."""
    assert views.shown_answer(ob.TIME1, "07:30", "Europe/Berlin") == "07:30 (Berlin time)"
    assert views.shown_answer(ob.WEIGHT, 78.5, None) == "78.5 kg"
    assert views.shown_answer(ob.HAS_STEP, True, None) == "yes"
    with i18n.using("es"):
        shown = views.shown_answer(ob.TIME1, "07:30", "Europe/Berlin")
        assert "Berlín" in shown  # the city as Spanish writes it (Babel's locale data)
        assert views.shown_answer(ob.WEIGHT, 78.5, None).startswith("78,5")
    with i18n.using("ru"):
        assert "Берлин" in views.shown_answer(ob.TIME1, "07:30", "Europe/Berlin")
        assert views.shown_answer(ob.LOAD, 12.5, None).startswith("12,5")
