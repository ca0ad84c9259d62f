"""Show and explain, end to end: the exercise pictures and tempo guides that come with the first
set (each uploaded once, then sent by Telegram's file_id), "Show me", /learn, typed questions,
and red-flag words inside a question."""

from __future__ import annotations

from pathlib import Path

import pytest

import rehab
from bot import i18n, pictures, texts
from bot.app import BotRunner
from rehab.protocol import EXERCISES
from standin.driver import UserDriver
from standin.models import SentMessage
from standin.server import FakeBotApi
from tests.e2e.conftest import running_bot
from tests.e2e.test_session import UID, local_today, seed_user, start_session
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


def _picture(exercise_id: str) -> bytes:
    path = pictures.picture_path(exercise_id)
    assert path is not None
    return path.read_bytes()


def _photos(messages: list[SentMessage]) -> list[SentMessage]:
    return [m for m in messages if m.photo is not None]


async def test_the_first_set_comes_with_its_picture_uploaded_only_once(
    standin: FakeBotApi, e2e_database_url: str, clock: FakeClock
) -> None:
    user = standin.user(UID)
    async with running_bot(e2e_database_url, standin, clock) as bot:
        state = await seed_user(bot.runtime)
        first = rehab.prescribe(state, local_today(clock())).exercises[0]
        await start_session(user)
        history = user.history
        card_at = next(i for i, m in enumerate(history) if "Set 1 of" in m.content)
        photos = _photos(history[:card_at])
        assert len(photos) == 1  # the picture, just before the card
        assert photos[0].photo == _picture(first.exercise_id)
        assert first.name in photos[0].content
        assert len(standin.uploads("sendPhoto", "photo")) == 1
        file_id = photos[0].raw["photo"][-1]["file_id"]

        # "Show me" sends it again, by file_id.
        await user.tap(text=texts.SHOW_ME)
        again = await user.wait_for(lambda m: m.photo is not None)
        assert again.photo == _picture(first.exercise_id)
        assert standin.calls("sendPhoto")[-1].params["photo"] == file_id
        assert len(standin.uploads("sendPhoto", "photo")) == 1
        # The card's buttons still work after it.
        await user.tap(text=texts.SESSION_PAUSE)
        await user.wait_for(contains="Paused")

    # A restarted bot, the next day: the second session's picture goes by the stored file_id.
    clock.advance(days=1)
    async with running_bot(e2e_database_url, standin, clock):
        await start_session(user)
        card_at = next(i for i, m in enumerate(user.history) if "Set 1 of" in m.content)
        photos = _photos(user.history[:card_at])
        assert photos[-1].photo == _picture(first.exercise_id)
    sends = standin.calls("sendPhoto")
    assert len(sends) == 3
    assert [s.params["photo"] for s in sends[1:]] == [file_id, file_id]
    assert len(standin.uploads("sendPhoto", "photo")) == 1  # the stand-in saw no second upload


async def test_a_tempo_exercise_comes_with_its_tempo_guide(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime, update={"stage": 2, "rung": 0})
    plan = rehab.prescribe(state, local_today(clock()))
    first = plan.exercises[0]
    assert first.tempo_s == (3, 3)
    user = standin.user(UID)
    await user.send("/today")
    await user.wait_for(contains="Stage 2")
    await user.tap(text=texts.SESSION_START_BUTTON)
    card = await user.wait_for(contains="Set 1 of")
    assert "/learn_pain" in card.content  # Stage 2's intro links its most useful topic

    guide = pictures.tempo_path((3, 3, 0))
    assert guide is not None
    animations = [m for m in user.history if m.animation is not None]
    assert [m.animation for m in animations] == [guide.read_bytes()]
    assert "3 s up" in animations[0].content
    assert len(standin.uploads("sendAnimation", "animation")) == 1
    assert [label for label, _ in card.buttons][-2:] == [texts.SHOW_ME, texts.TEMPO_GUIDE]

    await user.tap(text=texts.TEMPO_GUIDE)
    again = await user.wait_for(lambda m: m.animation is not None)
    assert again.animation == guide.read_bytes()
    assert len(standin.calls("sendAnimation")) == 2
    assert len(standin.uploads("sendAnimation", "animation")) == 1

    await user.send("/learn_pain")
    answer = await user.wait_for(contains="How much pain is OK?")
    assert answer.source is not None
    assert answer.source.startswith(texts.LEARN_PAIN)


async def test_learn_lists_the_topics_and_a_button_answers(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("/learn")
    menu = await user.wait_for(contains="Questions people often ask")
    assert [label for label, _ in menu.buttons] == [label for _, label in texts.LEARN_TOPICS]
    await user.tap(text="Should I stretch?")
    answer = await user.wait_for(contains="Should I stretch?")
    assert answer.source == texts.LEARN_STRETCH + texts.LEARN_MORE


async def test_typed_questions_are_answered_also_mid_session(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("should I keep running?")
    answer = await user.wait_for(contains="Can I run, walk or cycle?")
    assert answer.source == texts.LEARN_ACTIVITY + texts.LEARN_MORE

    await start_session(user)
    await user.send("is it ok to strech my calves after?")
    await user.wait_for(contains="Should I stretch?")
    # Other text only shows the step again: the card, not the picture a second time.
    await user.send("blue")
    await user.wait_for(contains=texts.SESSION_USE_BUTTONS)
    await user.wait_idle()
    assert len(_photos(user.history)) == 1
    # The step is untouched: its Go button still starts the set.
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Hold for")


async def test_an_unmatched_question_gets_the_topics_and_help(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("what's the weather going to be like tomorrow?")
    reply = await user.wait_for(contains="/help")
    assert reply.source == texts.LEARN_NO_MATCH
    assert [label for label, _ in reply.buttons] == [label for _, label in texts.LEARN_TOPICS]
    await user.tap(text="How long it takes")
    await user.wait_for(contains="How long does it take?")
    # No question mark, but only a topic's name: answered.
    await user.send("heel lifts")
    await user.wait_for(contains="Shoes and heel lifts?")
    # Neither: the old hint.
    await user.send("blue")
    hint = await user.wait_for()
    assert hint.content == texts.UNEXPECTED_TEXT


async def test_a_red_flag_word_inside_a_question_still_stops_and_refers(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    question = "I felt a pop at the back of my heel, should I keep running?"
    suspicion = rehab.scan_free_text(question)
    assert suspicion is not None
    await user.send(question)
    asked = await user.wait_for(contains=suspicion.question)
    await user.wait_idle()
    assert not any("Can I run, walk or cycle?" in m.content for m in user.history)
    await user.tap(text=texts.REDFLAG_YES, message=asked)
    stopped = await user.wait_for(contains="stopped your programme")
    flag = next(f for f in rehab.RED_FLAG_CHECKLIST if f.code == suspicion.code)
    assert flag.advice in stopped.content


@pytest.mark.parametrize("data", ["show:no_such_exercise", "tempo:1-1-0", "learn:nothing"])
async def test_forged_show_tempo_and_topic_buttons_get_the_expiry_reply(
    standin: FakeBotApi, bot: BotRunner, data: str
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("/learn")
    menu = await user.wait_for(contains="Questions people often ask")
    query = await user.tap_data(data, menu.message_id)
    answered = await user.wait_answered(query)
    assert answered.text == texts.BUTTON_EXPIRED
    assert standin.calls("sendPhoto") == []
    assert standin.calls("sendAnimation") == []


async def _finish_exercise(user: UserDriver, name: str) -> SentMessage:
    """Go, Done and a pain score for every set until the card of exercise `name` comes."""
    while True:
        await user.tap(text=texts.SESSION_GO)
        await user.wait_for(contains="tap Done")
        await user.tap(text=texts.SESSION_DONE)
        await user.wait_for(contains="Pain during that set?")
        await user.tap(text="1")
        step = await user.wait_for(lambda m: "Set 1 of" in m.content or "Rest" in m.content)
        if "Rest" in step.content:
            await user.tap(text=texts.SESSION_SKIP_REST)
            step = await user.wait_for(contains="Set ")
        if name in step.content and "Set 1 of" in step.content:
            return step


async def test_each_exercise_brings_its_own_picture_and_a_tempo_guide_once_per_tempo(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime, update={"stage": 2, "rung": 0})
    first, second = rehab.prescribe(state, local_today(clock())).exercises[:2]
    assert first.tempo_s == second.tempo_s == (3, 3)
    user = standin.user(UID)
    await user.send("/today")
    await user.wait_for(contains="Stage 2")
    await user.tap(text=texts.SESSION_START_BUTTON)
    await user.wait_for(contains="Set 1 of")
    await _finish_exercise(user, second.name)
    photos = _photos(user.history)
    assert [p.photo for p in photos] == [_picture(first.exercise_id), _picture(second.exercise_id)]
    assert len([m for m in user.history if m.animation is not None]) == 1  # same tempo: once
    assert len(standin.uploads("sendPhoto", "photo")) == 2


async def test_a_picture_that_cannot_be_sent_does_not_hold_up_the_session(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    standin.fail_next("sendPhoto", "500", chat_id=UID)
    await start_session(user)  # the card still comes, with its buttons
    assert _photos(user.history) == []
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Hold for")


async def test_a_spanish_speaker_gets_the_spanish_picture(
    standin: FakeBotApi,
    bot: BotRunner,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture sent is the one drawn in the person's language (their Telegram app's here).
    Until the Spanish words are drawn in, the Spanish files equal the English ones byte for
    byte, so this test draws its own Spanish set: another exercise's picture for each."""
    folder = tmp_path / "exercises"
    (folder / "es").mkdir(parents=True)
    ids = list(EXERCISES)
    for exercise_id, other in zip(ids, ids[1:] + ids[:1], strict=True):
        (folder / pictures.picture_name(exercise_id)).write_bytes(_picture(exercise_id))
        (folder / "es" / pictures.picture_name(exercise_id)).write_bytes(_picture(other))
    monkeypatch.setattr(pictures, "EXERCISE_DIR", folder)
    state = await seed_user(bot.runtime)
    async with bot.runtime.uow() as uow:
        row = await uow.users.get(UID)
        assert row is not None
        row.language = "es"  # Telegram's language_code
        await uow.commit()
    first = rehab.prescribe(state, local_today(clock())).exercises[0]
    user = standin.user(UID, language_code="es")
    with i18n.using("es"):
        start = texts.SESSION_START_BUTTON
    await user.send("/today")
    await user.wait_for(lambda m: start in [label for label, _ in m.buttons])
    await user.tap(text=start)
    photo = await user.wait_for(lambda m: m.photo is not None)
    spanish = folder / "es" / pictures.picture_name(first.exercise_id)
    assert photo.photo == spanish.read_bytes()
    assert photo.photo != _picture(first.exercise_id)  # not the English one
