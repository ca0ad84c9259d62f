"""The programme's own words (exercises, red flags, the walk-jog's changes) are worded by the
bot, in the language in force; rehab keeps the English as stable ids and the simulator's words."""

from __future__ import annotations

import typing
from datetime import date, timedelta

import pytest

from bot import i18n, texts
from rehab import reasons as rr
from rehab.engine import assess, record_morning, start_programme
from rehab.outcomes import ReviewStanding, record_heel_raises, review_standing, review_summary
from rehab.protocol import EXERCISES, RUN_LADDER
from rehab.safety import FLAG_NAMES, RED_FLAGS, scan_free_text
from tests.unit.rehab.helpers import MONDAY, profile

pytestmark = pytest.mark.unit


def test_the_bot_words_every_exercise_and_flag_as_rehab_names_it() -> None:
    assert {i: (e.name, e.how_to) for i, e in EXERCISES.items()} == {
        i: (texts.EXERCISE_NAMES[i], texts.EXERCISE_HOW_TO[i]) for i in EXERCISES
    }
    assert {c: (f.question, f.advice) for c, f in RED_FLAGS.items()} == {
        c: (texts.RED_FLAG_QUESTIONS[c], texts.RED_FLAG_ADVICE[c]) for c in RED_FLAGS
    }
    assert texts.RED_FLAG_NAMES == FLAG_NAMES
    assert [s.change for s in RUN_LADDER if s.change] == list(texts.RUN_CHANGES)


def test_english_reads_as_before() -> None:
    assert texts.exercise_name("skipping") == "Skipping"
    assert texts.exercise_name("no_such_exercise", "Old name") == "Old name"
    suspicion = scan_free_text("I heard a pop in my heel")
    assert suspicion is not None
    assert texts.red_flag_suspected(suspicion.code, suspicion.matched) == suspicion.question
    assert texts.day_words(date(2026, 12, 1)) == "Tue 1 Dec"


def test_decimals_and_dates_follow_the_language() -> None:
    with i18n.using("es"):
        assert texts.day_words(date(2026, 12, 1)) != "Tue 1 Dec"
        assert "62,5" in texts.review_summary(_standing(morning_now=62.5))
    with i18n.using("en"):
        assert "62.5/10 now" in texts.review_summary(_standing(morning_now=62.5))


def test_the_review_says_what_is_missing_in_whole_sentences() -> None:
    lines = texts.review_summary(_standing(morning_now=None)).split("\n")
    assert lines[0] == "Week 6 review: where you stand against where you started."
    assert lines[1] == "Morning pain: 5/10 then, no answers this week."
    assert lines[-1] == "Now in Stage 2; 1 of 1 planned session done."


def _standing(morning_now: float | None) -> ReviewStanding:
    return ReviewStanding(
        week=6,
        morning_then=5,
        morning_now=morning_now,
        stiffness_then=20,
        stiffness_now=None,
        raises_then=8,
        raises_now=12,
        stage=2,
        maintenance=False,
        done=1,
        planned=1,
    )


@pytest.mark.parametrize("presentation", ["mid-portion", "insertional", "unsure"])
@pytest.mark.parametrize(
    ("pains", "raises", "entry_test"),
    [((1, 1), 30, True), ((1, 1), 30, False), ((2, 4), 5, False), ((8, 8), 2, False)],
)
def test_the_assessment_reads_in_english_as_rehab_says_it(
    presentation: str, pains: tuple[int, int], raises: int, entry_test: bool
) -> None:
    a = assess(
        profile(
            presentation=presentation,
            rest_pain=pains[0],
            morning_pain=pains[1],
            single_leg_heel_raises=raises,
            stiffness_minutes=5,
            stage3_entry_test=entry_test,
        )
    )
    assert texts.assessment_summary(a) == a.summary


def test_the_review_reads_in_english_as_rehab_says_it() -> None:
    s = start_programme(profile(), MONDAY)
    s = record_heel_raises(s, MONDAY + timedelta(days=40), 14)
    s = record_morning(s, MONDAY + timedelta(days=42), 2, stiffness_minutes=5)
    today = MONDAY + timedelta(days=42)
    expected = review_summary(s, today, 6)
    assert texts.review_summary(review_standing(s, today, 6)) == expected


def _sample(annotation: object) -> object:
    """3 for a count, 2.5 kg, a Monday for a date (an optional one too)."""
    samples: dict[object, object] = {int: 3, float: 2.5, bool: False, date: MONDAY}
    if annotation in samples:
        return samples[annotation]
    return samples[typing.get_args(annotation)[0]]


def _requirements() -> list[rr.Requirement]:
    """One of every kind of gate requirement."""
    union = typing.get_args(rr.Requirement)[0]  # Annotated[A | B | ..., discriminator]
    made = []
    for kind in typing.get_args(union):
        values = {
            name: _sample(field.annotation)
            for name, field in kind.model_fields.items()
            if name != "kind"
        }
        made.append(kind.model_validate(values))
    return made


def test_every_gate_requirement_is_worded_with_its_values() -> None:
    requirements = _requirements()
    assert len(requirements) >= 18
    for language in ("en", "es", "ru"):
        with i18n.using(language):
            for req in requirements:
                label, detail = texts.requirement_words(req)
                assert label, req
                assert "{" not in label + detail, req
