"""The tolerant reader: what people type, read the way a person would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service_layer import reader
from service_layer.reader import Reading

# -- the examples people sent ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("about 78kg", Reading(78.0)),
        ("78", Reading(78.0)),
        ("72,5 kg", Reading(72.5)),
        ("160 lb", Reading(72.6)),
        ("160lbs", Reading(72.6)),
        ("11 st 4", Reading(71.7)),
        ("11st", Reading(69.9)),
        ("a backpack with about 10 kg", Reading(10.0, sure=False)),
        ("none", Reading(0.0)),
        ("none of them", Reading(0.0)),
    ],
)
def test_masses(text: str, expected: Reading[float]) -> None:
    assert reader.read_mass_kg(text) == expected


@pytest.mark.parametrize("text", ["seventy", "", "kg", "10 or 12 kg", "-5 kg", "lots"])
def test_not_a_mass(text: str) -> None:
    assert reader.read_mass_kg(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", Reading(3)),
        (" 3/10 ", Reading(3)),
        ("about 2/10", Reading(2)),
        ("2 out of 10", Reading(2)),
        ("hmm maybe 3?", Reading(3, sure=False)),
        ("3?", Reading(3, sure=False)),
        ("seven", Reading(7)),
        ("no pain", Reading(0)),
        ("it hurts like 6", Reading(6, sure=False)),
    ],
)
def test_pain(text: str, expected: Reading[int]) -> None:
    assert reader.read_pain(text) == expected


@pytest.mark.parametrize("text", ["ouch", "11", "-1", "2 or 3", "3.5", "", "2-3"])
def test_not_a_pain_score(text: str) -> None:
    assert reader.read_pain(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Yeah", True),
        ("yep!", True),
        ("no", False),
        ("nope", False),
        ("nah", False),
        ("none of them", False),
        ("no I don't", False),
    ],
)
def test_yes_no(text: str, expected: bool) -> None:
    reading = reader.read_yes_no(text)
    assert reading is not None
    assert reading.value is expected


@pytest.mark.parametrize("text", ["maybe", "", "blue", "yes no"])
def test_not_yes_or_no(text: str) -> None:
    assert reader.read_yes_no(text) is None


@pytest.mark.parametrize("text", ["none of them", "None", "nope", "no", "nothing", "none apply"])
def test_none_of_these(text: str) -> None:
    assert reader.read_none(text)


@pytest.mark.parametrize("text", ["yes", "the first one", "some", ""])
def test_not_none_of_these(text: str) -> None:
    assert not reader.read_none(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("right one", "right"),
        ("the left", "left"),
        ("Left!", "left"),
        ("both sides", "both"),
        ("left and right", "both"),
        ("r", "right"),
    ],
)
def test_sides(text: str, expected: str) -> None:
    assert reader.read_side(text) == Reading(expected)


@pytest.mark.parametrize("text", ["", "middle", "r and l maybe"])
def test_not_a_side(text: str) -> None:
    assert reader.read_side(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", Reading("18:30")),
        ("18.30", Reading("18:30")),
        ("18h30", Reading("18:30")),
        ("18h", Reading("18:00")),
        ("7:05", Reading("07:05")),
        ("7pm", Reading("19:00")),
        ("6:45 pm", Reading("18:45")),
        ("7 a.m.", Reading("07:00")),
        ("half past six pm", Reading("18:30")),
        ("quarter to eight in the evening", Reading("19:45")),
        ("noon", Reading("12:00")),
        ("half past six", Reading("06:30", sure=False)),
        ("7", Reading("07:00", sure=False)),
        ("3", Reading("15:00", sure=False)),
    ],
)
def test_times(text: str, expected: Reading[str]) -> None:
    assert reader.read_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "18:75", "13pm", "later", "", "half past"])
def test_not_a_time(text: str) -> None:
    assert reader.read_time(text) is None


@pytest.mark.parametrize(
    ("text", "action"),
    [("start", "go"), ("Go!", "go"), ("let's go", "go"), ("done", "done"), ("Done.", "done")],
)
def test_actions(text: str, action: str) -> None:
    assert reader.read_action(text, action)


def test_an_action_word_is_only_its_own_step() -> None:
    assert not reader.read_action("done", "go")
    assert not reader.read_action("go", "done")
    assert not reader.read_action("I'm going to stop", "go")


# -- properties --------------------------------------------------------------------------------

FILLERS = st.sampled_from(["", "about ", "around ", "I'd say ", "roughly ", "~"])


@given(st.integers(0, 10), FILLERS, st.sampled_from(["", "/10", " / 10", " out of 10"]))
def test_every_score_reads_back_for_certain(pain: int, filler: str, scale: str) -> None:
    assert reader.read_pain(f"{filler}{pain}{scale}") == Reading(pain)


@given(st.integers(0, 10), st.sampled_from(["maybe ", "hmm ", "probably "]))
def test_a_hedged_score_is_a_guess_of_that_score(pain: int, hedge: str) -> None:
    assert reader.read_pain(f"{hedge}{pain}?") == Reading(pain, sure=False)


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from([":", ".", "h"]))
def test_every_24_hour_time_reads_back(hour: int, minute: int, sep: str) -> None:
    assert reader.read_time(f"{hour}{sep}{minute:02d}") == Reading(f"{hour:02d}:{minute:02d}")


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " am", " PM"]))
def test_every_12_hour_time_reads_back(hour: int, minute: int, suffix: str) -> None:
    expected = hour % 12 + (12 if suffix.strip().lower() == "pm" else 0)
    reading = reader.read_time(f"{hour}:{minute:02d}{suffix}")
    assert reading == Reading(f"{expected:02d}:{minute:02d}")


@given(st.integers(30, 250), st.sampled_from(["", " kg", "kg", " kilos"]), FILLERS)
def test_every_weight_in_kg_reads_back(kg: int, unit: str, filler: str) -> None:
    assert reader.read_mass_kg(f"{filler}{kg}{unit}") == Reading(float(kg))


@given(st.integers(1, 500))
def test_pounds_are_converted(lb: int) -> None:
    reading = reader.read_mass_kg(f"{lb} lb")
    assert reading is not None
    assert reading.value == round(lb * reader.LB_TO_KG, 1)


@given(st.text(max_size=60))
def test_any_text_gives_an_answer_in_range_or_none(text: str) -> None:
    pain = reader.read_pain(text)
    assert pain is None or 0 <= pain.value <= 10
    time = reader.read_time(text)
    if time is not None:
        hour, minute = time.value.split(":")
        assert 0 <= int(hour) <= 23
        assert 0 <= int(minute) <= 59
    mass = reader.read_mass_kg(text)
    assert mass is None or mass.value >= 0
    side = reader.read_side(text)
    assert side is None or side.value in ("left", "right", "both")
    reader.read_yes_no(text)
    reader.read_none(text)
    reader.read_number(text)


@given(st.integers(0, 10), st.integers(0, 10))
def test_two_different_numbers_are_never_guessed_between(a: int, b: int) -> None:
    assert reader.read_pain(f"{a} or {b}") is None


# -- Spanish and Russian (read at once with English: the words do not clash) -------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sí", True),
        ("Si, tengo uno", True),
        ("claro", True),
        ("no", False),
        ("no tengo", False),
        ("ninguno", False),
        ("да", True),
        ("Да, есть", True),
        ("нет", False),
        ("Нет, не знаю", False),
        ("ни одного", False),
    ],
)
def test_yes_no_in_spanish_and_russian(text: str, expected: bool) -> None:
    reading = reader.read_yes_no(text)
    assert reading is not None
    assert reading.value is expected


@pytest.mark.parametrize("text", ["sí no", "да нет", "quizás", "может быть"])
def test_not_yes_or_no_in_spanish_and_russian(text: str) -> None:
    assert reader.read_yes_no(text) is None


@pytest.mark.parametrize(
    "text", ["ninguno", "Ninguna de estas", "nada", "нет", "ни одного", "Ничего", "нет, ни одного"]
)
def test_none_of_these_in_spanish_and_russian(text: str) -> None:
    assert reader.read_none(text)


@pytest.mark.parametrize("text", ["sí", "да", "una", "первый"])
def test_not_none_of_these_in_spanish_and_russian(text: str) -> None:
    assert not reader.read_none(text)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("listo", "go"),
        ("¡Vamos!", "go"),
        ("empezar", "go"),
        ("поехали", "go"),
        ("Готов", "go"),
        ("listo", "done"),
        ("Hecho.", "done"),
        ("ya está", "done"),
        ("готово", "done"),
        ("Сделано!", "done"),
        ("всё", "done"),
    ],
)
def test_actions_in_spanish_and_russian(text: str, action: str) -> None:
    assert reader.read_action(text, action)


def test_a_spanish_or_russian_action_word_is_only_its_own_step() -> None:
    assert not reader.read_action("hecho", "go")
    assert not reader.read_action("vamos", "done")
    assert not reader.read_action("поехали", "done")
    assert not reader.read_action("сделано", "go")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5 kg", Reading(12.5)),
        ("12,5 кг", Reading(12.5)),
        ("12,5кг", Reading(12.5)),
        ("unos 78 kilos", Reading(78.0)),
        ("примерно 78 кг", Reading(78.0)),
        ("160 libras", Reading(72.6)),
        ("ninguno", Reading(0.0)),
        ("нет", Reading(0.0)),
        ("sin pesas", Reading(0.0)),
        ("quizás 10 kg", Reading(10.0, sure=False)),
        ("наверное 10 кг", Reading(10.0, sure=False)),
    ],
)
def test_masses_in_spanish_and_russian(text: str, expected: Reading[float]) -> None:
    assert reader.read_mass_kg(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 de 10", Reading(3)),
        ("tres", Reading(3)),
        ("siete sobre 10", Reading(7)),
        ("sin dolor", Reading(0)),
        ("creo que 4", Reading(4, sure=False)),
        ("3 из 10", Reading(3)),
        ("три", Reading(3)),
        ("нет боли", Reading(0)),
        ("не болит", Reading(0)),
        ("наверное 5?", Reading(5, sure=False)),
    ],
)
def test_pain_in_spanish_and_russian(text: str, expected: Reading[int]) -> None:
    assert reader.read_pain(text) == expected


@pytest.mark.parametrize("text", ["3 o 4", "3 или 4", "once"])
def test_not_a_pain_score_in_spanish_and_russian(text: str) -> None:
    assert reader.read_pain(text) is None  # "once" is English (a day), never Spanish eleven


SIDES = [("la derecha", "right"), ("izquierdo", "left"), ("ambos", "both"), ("левая", "left")]
SIDES += [("справа", "right"), ("обе", "both"), ("левая и правая", "both")]


@pytest.mark.parametrize(("text", "expected"), SIDES)
def test_sides_in_spanish_and_russian(text: str, expected: str) -> None:
    assert reader.read_side(text) == Reading(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Español", "es"),
        ("spanish", "es"),
        ("en español", "es"),
        ("Русский", "ru"),
        ("по-русски", "ru"),
        ("English", "en"),
        ("inglés", "en"),
        ("French", None),
        ("", None),
    ],
)
def test_languages_by_name(text: str, expected: str | None) -> None:
    assert reader.read_language(text) == expected


SPANISH_RUSSIAN_FILLERS = st.sampled_from(["", "unos ", "alrededor de ", "примерно ", "около "])
UNITS = st.sampled_from(["", " kg", "kg", " kilos", " кг", "кг", " килограммов"])


@given(st.integers(30, 250), st.integers(0, 9), UNITS, SPANISH_RUSSIAN_FILLERS)
def test_every_weight_with_a_decimal_comma_reads_back(
    kg: int, tenth: int, unit: str, filler: str
) -> None:
    assert reader.read_mass_kg(f"{filler}{kg},{tenth}{unit}") == Reading(round(kg + tenth / 10, 1))


@given(st.integers(0, 10), SPANISH_RUSSIAN_FILLERS, st.sampled_from(["", " de 10", " из 10"]))
def test_every_score_reads_back_in_spanish_and_russian(pain: int, filler: str, scale: str) -> None:
    assert reader.read_pain(f"{filler}{pain}{scale}") == Reading(pain)


@given(st.sampled_from(sorted(reader.YES_WORDS)), st.sampled_from(sorted(reader.NO_WORDS)))
def test_no_word_is_both_yes_and_no(yes: str, no: str) -> None:
    assert yes != no
    assert reader.read_yes_no(yes) != Reading(False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 de la tarde", Reading("19:00")),
        ("a las 7 de la tarde", Reading("19:00")),
        ("a las 18:30", Reading("18:30")),
        ("6 y media de la tarde", Reading("18:30")),
        ("8 menos cuarto de la mañana", Reading("07:45")),
        ("siete y cuarto", Reading("07:15", sure=False)),
        ("mediodía", Reading("12:00")),
        ("в 7 вечера", Reading("19:00")),
        ("в 19:00", Reading("19:00")),
        ("6 утра", Reading("06:00")),
        ("3 дня", Reading("15:00")),
        ("полдень", Reading("12:00")),
        ("at 7pm", Reading("19:00")),
    ],
)
def test_times_in_spanish_and_russian(text: str, expected: Reading[str]) -> None:
    assert reader.read_time(text) == expected


@pytest.mark.parametrize("text", ["mañana", "a las", "в", "6 menos media", "luego"])
def test_not_a_time_in_spanish_and_russian(text: str) -> None:
    assert reader.read_time(text) is None
