"""Typed questions, phrased the way people phrase them, reach the right answer of /learn."""

from __future__ import annotations

import re

import pytest

import rehab
from bot import faq, texts
from rehab.protocol import THRESHOLDS

pytestmark = pytest.mark.unit

# (what someone types, the topic that answers it)
QUESTIONS: list[tuple[str, str]] = [
    ("should I keep running?", "activity"),
    ("can I still go for a jog on the weekend", "activity"),
    ("Is cycling ok or will it make things worse??", "activity"),
    ("can i stretch it?", "stretch"),
    ("is it ok to strech my calves after", "stretch"),
    ("it hurts more in the morning, is that bad?", "morning"),
    ("why is it so stiff when i get out of bed", "morning"),
    ("wouldn't it be better to just rest it for a few weeks?", "load"),
    ("why do I have to exercise a sore tendon", "load"),
    ("should i put ice on it", "ice"),
    ("Can I take ibuprofen?", "ice"),
    ("what about anti-inflammatories", "ice"),
    ("which shoes should I wear?", "shoes"),
    ("do heel lifts help", "shoes"),
    ("what do I do if I have a bad day", "badday"),
    ("my heel flared up again, what now?", "badday"),
    ("when should I see a doctor", "clinician"),
    ("do i need a physio?", "clinician"),
    ("how long until this is healed?", "duration"),
    ("how many weeks will this take", "duration"),
    ("how much should it hurt during the exercises?", "pain"),
    ("is it normal that it hurts while I do the heel drops", "pain"),
    ("Good morning! Can I go for a run today?", "activity"),
]


@pytest.mark.parametrize(("question", "topic"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_a_typed_question_reaches_the_right_answer(question: str, topic: str) -> None:
    found = faq.match(question)
    assert found is not None, question
    assert found.key == topic, f"{question!r} matched {found.key} on {found.cues}"
    assert faq.answer(found.key) == texts.LEARN_ANSWERS[topic]


def test_at_least_twenty_questions_and_every_topic_is_reached() -> None:
    assert len(QUESTIONS) >= 20
    assert {topic for _, topic in QUESTIONS} == set(texts.LEARN_ANSWERS)


@pytest.mark.parametrize(
    "text",
    ["hello", "thanks!", "what's the weather like tomorrow?", "ok", "", "nice one", "?!"],
)
def test_words_that_are_about_none_of_the_topics_match_nothing(text: str) -> None:
    assert faq.match(text) is None


def test_short_cues_must_be_whole_words() -> None:
    assert faq.match("that price is nice") is None  # neither "price" nor "nice" is "ice"
    assert faq.match("ice") is not None


def test_questions_are_recognised() -> None:
    assert faq.is_question("can I run")
    assert faq.is_question("running ok?")
    assert not faq.is_question("18:30")
    assert not faq.is_question("Berlin")


def test_every_topic_has_a_label_an_answer_and_cues() -> None:
    keys = [key for key, _ in texts.LEARN_TOPICS]
    assert keys == list(texts.LEARN_ANSWERS) == list(faq.CUES)
    for stage in (1, 2, 3, 4):
        linked = faq.stage_topic(stage)
        assert linked is not None
        assert linked[0] in texts.LEARN_ANSWERS


def test_the_pain_answer_uses_the_rule_books_thresholds() -> None:
    numbers = {int(n) for n in re.findall(r"(\d+)/10", texts.LEARN_PAIN)}
    assert numbers == {
        THRESHOLDS.set_green_max,
        THRESHOLDS.amber_ceiling,
        THRESHOLDS.end_session_pain,
    }


def test_no_answer_suggests_what_the_rule_book_never_prescribes() -> None:
    """Section 9: no calf stretching for insertional pain, nothing below a step for it, no
    running through pain above 3/10."""
    assert "below a step" in texts.LEARN_STRETCH
    assert "never run through pain above 3/10" in texts.LEARN_ACTIVITY


@pytest.mark.parametrize(
    "question",
    [
        "I felt a pop in my heel, should I keep running?",
        "my calf is swollen, can I stretch it?",
        "I'm on ciprofloxacin, can I take ibuprofen?",
    ],
)
def test_questions_with_a_red_flag_word_are_for_the_red_flag_screen(question: str) -> None:
    """The screen runs first on every message (tests/e2e/test_learn.py shows it end to end);
    these questions also match a topic, which is why the order matters."""
    assert rehab.scan_free_text(question) is not None
    assert faq.match(question) is not None


@pytest.mark.parametrize(
    ("text", "topic"),
    [("heel lifts", "shoes"), ("Ice", "ice"), ("stretching", "stretch"), ("and shoes", "shoes")],
)
def test_a_message_that_only_names_a_topic_is_taken_as_asked(text: str, topic: str) -> None:
    found = faq.names_topic(text)
    assert found is not None
    assert found.key == topic


@pytest.mark.parametrize(
    "text", ["Good morning", "morning done", "going for a run now, bye", "new shoes arrived"]
)
def test_a_remark_in_passing_is_not_taken_as_a_question(text: str) -> None:
    assert not faq.is_question(text)
    assert faq.names_topic(text) is None


# The same questions as Spanish and Russian speakers type them.
QUESTIONS_ES_RU: list[tuple[str, str]] = [
    ("¿puedo seguir corriendo?", "activity"),
    ("¿Es mejor descansar unas semanas?", "load"),
    ("¿cuánto dolor es normal durante los ejercicios?", "pain"),
    ("¿debo estirar los gemelos?", "stretch"),
    ("por las mañanas está muy rígido, ¿es normal?", "morning"),
    ("¿puedo tomar ibuprofeno?", "ice"),
    ("¿qué zapatillas uso?", "shoes"),
    ("hoy tengo un mal día, ¿qué hago?", "badday"),
    ("¿cuándo debo ir al médico?", "clinician"),
    ("¿cuánto tiempo tarda en curarse?", "duration"),
    ("Можно ли бегать?", "activity"),
    ("может лучше отдых на пару недель?", "load"),
    ("сколько боли нормально во время упражнений?", "pain"),
    ("нужна ли растяжка?", "stretch"),
    ("почему утром так тяжело делать первые шаги?", "morning"),
    ("можно пить ибупрофен?", "ice"),
    ("какая обувь лучше?", "shoes"),
    ("сегодня хуже, что делать?", "badday"),
    ("когда идти к врачу?", "clinician"),
    ("сколько недель это займёт?", "duration"),
]


@pytest.mark.parametrize(
    ("question", "topic"), QUESTIONS_ES_RU, ids=[q for q, _ in QUESTIONS_ES_RU]
)
def test_a_question_typed_in_spanish_or_russian_reaches_the_right_answer(
    question: str, topic: str
) -> None:
    assert faq.is_question(question)
    found = faq.match(question)
    assert found is not None, question
    assert found.key == topic, f"{question!r} matched {found.key} on {found.cues}"


@pytest.mark.parametrize(
    "text", ["hola", "gracias", "¿qué tiempo hará mañana?", "привет", "спасибо"]
)
def test_spanish_and_russian_small_talk_matches_no_topic(text: str) -> None:
    assert faq.match(text) is None
