"""The session's presentation helpers: dose lines, cards, cues, timers, callbacks, summaries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rehab
from bot import texts
from bot.callbacks import MAX_CALLBACK_BYTES, flow_data
from bot.handlers import checkin, learn, session
from bot.pictures import tempos
from service_layer.sessions import ExerciseDone, Summary

pytestmark = pytest.mark.unit


def hold(**changes: object) -> rehab.ExercisePrescription:
    base = rehab.ExercisePrescription(
        exercise_id="calf_hold",
        name="Calf-raise hold <straight knee>",
        how_to="Rise halfway & hold.",
        kind=rehab.ExerciseKind.HOLD,
        knee=rehab.Knee.STRAIGHT,
        stance=rehab.Stance.TWO_LEGS,
        surface=rehab.Surface.FLOOR,
        sets=4,
        hold_s=20,
        rest_s=45,
        rung=1,
    )
    return base.model_copy(update=changes)


def slow_reps(**changes: object) -> rehab.ExercisePrescription:
    return hold(
        kind=rehab.ExerciseKind.REPS,
        hold_s=None,
        reps=15,
        tempo_s=(3, 3),
        load_kg=7.5,
        stance=rehab.Stance.SINGLE_LEG,
        surface=rehab.Surface.STEP,
        **changes,
    )


def test_dose_of_a_hold() -> None:
    assert session.describe_dose(hold()) == "4 × 20 s hold, both legs, rest 45 s"


def test_dose_of_loaded_slow_reps() -> None:
    assert session.describe_dose(slow_reps()) == "4 × 15 reps, one leg, +7.5 kg, rest 45 s"


def test_dose_of_hops_counts_contacts() -> None:
    hops = hold(kind=rehab.ExerciseKind.PLYO, hold_s=None, contacts=20, sets=3)
    assert session.describe_dose(hops).startswith("3 × 20 contacts")


def test_card_escapes_the_catalogue_text_and_shows_the_tempo() -> None:
    card = session.exercise_card(slow_reps(pause_top_s=2))
    assert "&lt;straight knee&gt;" in card
    assert "&amp;" in card
    assert "up 3 s · down 3 s · 2 s pause at the top" in card
    assert "edge of a step" in card


def test_card_without_tempo_has_no_tempo_line() -> None:
    assert "Tempo" not in session.exercise_card(hold())


def test_set_length_for_holds_and_slow_reps_and_none_for_hops() -> None:
    assert session.set_seconds(hold()) == 20
    assert session.set_seconds(slow_reps(pause_top_s=2)) == 15 * 8
    hops = hold(kind=rehab.ExerciseKind.PLYO, hold_s=None, contacts=20)
    assert session.set_seconds(hops) is None


def test_tempo_cue_is_one_message_with_both_phases() -> None:
    cue = session.set_cue(slow_reps())
    assert "up for 3 s · down for 3 s" in cue
    assert session.set_cue(hold()).startswith("Hold for 20 s")


def test_payload_parsing_refuses_malformed_data() -> None:
    assert session._parse("12:p:7") == (12, "p", "7")
    assert session._parse("12:go") == (12, "go", "")
    for bad in ("go", "x:go", "1:2:3:4", ""):
        assert session._parse(bad) is None


@given(
    version=st.integers(min_value=1, max_value=10**9),
    session_id=st.integers(min_value=1, max_value=10**12),
)
def test_session_buttons_fit_telegrams_limit(version: int, session_id: int) -> None:
    for action in ("go", "done", "skip", "pause", "abandon", "p:10", "a:10", "e:right"):
        data = flow_data(version, f"{session_id}:{action}")
        assert len(data.encode()) <= MAX_CALLBACK_BYTES


def test_summary_names_what_was_done_and_when_the_checkin_comes() -> None:
    summary = Summary(
        exercises=(ExerciseDone("Hold <1>", 4, 3), ExerciseDone("Wall sit", 1, None)),
        pain_after=2,
        checkin_time="07:30",
        ended_early=False,
    )
    text = session.summary_text(summary)
    assert "Hold &lt;1&gt;: 4 sets, top pain 3/10" in text
    assert "Wall sit: 1 set, top pain –" in text
    assert "Pain now: 2/10" in text
    assert "07:30" in text
    assert session.summary_text(summary, "today at 21:00").endswith(
        "\nNext session: today at 21:00.\nI'll ask about your first steps tomorrow at 07:30."
    )
    ended = Summary((), None, None, ended_early=True)
    assert session.summary_text(ended).startswith(texts.SESSION_SUMMARY_ENDED_TITLE)
    assert texts.SESSION_SUMMARY_CHECKIN_DEFAULT in session.summary_text(ended)
    # A session stopped for pain does not point to another one later today.
    assert "Next session" not in session.summary_text(ended, "today at 21:00")


def test_checkin_data_parses_only_real_dates_and_pains() -> None:
    assert checkin.parse("mc:20261201:7") == (date(2026, 12, 1), 7)
    for bad in ("mc:20261301:7", "mc:20261201:11", "mc:20261201:x", "rem:20261201:7", None):
        assert checkin.parse(bad) is None


def test_a_machine_load_is_the_machine_weight_not_added_weight() -> None:
    press = slow_reps().model_copy(
        update={
            "exercise_id": "leg_press_calf_raise",
            "load_kg": 62.5,
            "stance": rehab.Stance.TWO_LEGS,
        }
    )
    assert (
        session.describe_dose(press) == "4 × 15 reps, both legs, 62.5 kg on the machine, rest 45 s"
    )
    assert session.per_set(press) == "15 reps, 62.5 kg on the machine"
    assert "<b>Where:</b> the machine, at the gym" in session.exercise_card(press)
    assert "+62.5" not in session.exercise_card(press)


def test_runs_and_hops_name_no_stance() -> None:
    runs = hold(
        exercise_id="acceleration_runs",
        kind=rehab.ExerciseKind.PLYO,
        hold_s=None,
        contacts=12,
        sets=4,
        rest_s=60,
        stance=rehab.Stance.SINGLE_LEG,
    )
    assert session.describe_dose(runs) == "4 × 12 contacts, rest 60 s"
    assert session.per_set(runs) == "12 contacts"


def test_a_stance_the_name_already_gives_is_not_repeated() -> None:
    both = hold(name="Slow calf raise, both legs", kind=rehab.ExerciseKind.REPS, hold_s=None)
    both = both.model_copy(update={"reps": 15, "tempo_s": (3, 3)})
    assert session.describe_dose(both) == "4 × 15 reps, rest 45 s"
    # A rung that changes the stance still says so.
    one = both.model_copy(update={"stance": rehab.Stance.SINGLE_LEG})
    assert session.describe_dose(one) == "4 × 15 reps, one leg, rest 45 s"


def test_show_me_and_the_tempo_guide_sit_under_every_set_card() -> None:
    [show] = learn.show_me_row(hold(exercise_id="iso_calf_hold_straight"))
    assert (show.text, show.callback_data) == (texts.SHOW_ME, "show:iso_calf_hold_straight")
    paused = slow_reps(exercise_id="sl_calf_raise_floor").model_copy(
        update={"tempo_s": (4, 4), "pause_top_s": 2}
    )
    show, tempo = learn.show_me_row(paused)
    assert show.callback_data == "show:sl_calf_raise_floor"
    assert (tempo.text, tempo.callback_data) == (texts.TEMPO_GUIDE, learn.tempo_data(4, 4, 2))
    assert (4, 4, 2) in tempos()  # the button names a guide that exists
    for every in (show, tempo):
        assert len(str(every.callback_data).encode()) <= MAX_CALLBACK_BYTES
    assert learn.show_me_row(hold(exercise_id="not_in_the_catalogue")) == []


def test_a_walk_jog_reads_as_walk_and_jog_minutes_in_the_session_and_the_reminder() -> None:
    """Issue 11: the running block's dose, not "1 × 4 reps"."""
    from bot.notifier import exercise_dose

    state = rehab.start_programme(
        rehab.Profile.model_validate(
            {
                "presentation": "mid-portion",
                "side": "right",
                "bodyweight_kg": 70,
                "rest_pain": 0,
                "morning_pain": 1,
                "stiffness_minutes": 5,
                "single_leg_heel_raises": 30,
            }
        ),
        date(2026, 12, 2),
    ).model_copy(update={"stage": 4, "runs": True, "run_since": date(2026, 12, 1)})
    (run,) = rehab.prescribe(state, date(2026, 12, 2)).exercises
    assert session.describe_dose(run) == "4 × (walk 2 min, jog 2 min)"
    assert exercise_dose(run) == "Walk–jog 4 × (walk 2 min, jog 2 min)"
    assert session.set_seconds(run) == 16 * 60
    assert [text for _, text in session.run_phases(run)][:2] == [
        "🏃 Jog now: 2 min (round 1 of 4).",
        "🚶 Walk now: 2 min (round 2 of 4).",
    ]
    continuous = run.model_copy(update={"reps": 1, "walk_min": 0.0, "jog_min": 30.0})
    assert session.describe_dose(continuous) == "30 min of easy running"
    assert session.run_phases(continuous) == []
