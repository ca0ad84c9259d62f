"""Lists, days and decimals in texts.py follow the language in force (Babel's locale data), and
the English reads as it always has."""

from __future__ import annotations

import pytest

from bot import i18n, texts


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", (0, 2, 4), "Mon, Wed and Fri"),
        ("en", (1, 3), "Tue and Thu"),
        ("en", (6,), "Sun"),
        ("es", (0, 2, 4), "lun, mié y vie"),
        ("ru", (0, 2, 4), "пн, ср и пт"),
    ],
)
def test_training_days_read_as_a_list_in_the_persons_language(
    language: str, days: tuple[int, ...], expected: str
) -> None:
    with i18n.using(language):
        assert texts.weekday_list(days) == expected


def test_cadence_names_the_days_in_the_persons_language() -> None:
    with i18n.using("es"):
        rhythm = texts.cadence_rhythm("three_weekly", (), (0, 2, 4), "18:00")
    assert "lun, mié y vie" in rhythm
    assert "Mon" not in rhythm


@pytest.mark.parametrize(("language", "expected"), [("en", "2.5"), ("es", "2,5"), ("ru", "2,5")])
def test_average_pain_uses_the_locales_decimal_sign(language: str, expected: str) -> None:
    with i18n.using(language):
        caption = texts.progress_caption(
            week=3,
            total_weeks=12,
            stage=1,
            morning_week1=4.0,
            morning_now=2.5,
            sessions_done=5,
            sessions_missed=1,
        )
    assert expected in caption
    assert {"en": "2,5"}.get(language, "2.5") not in caption
