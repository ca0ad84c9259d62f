"""Pictures and tempo guides are uploaded to Telegram once and then sent by file_id (the Bot
API stand-in over HTTP; the file_id cache on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.ext import ExtBot

from bot import i18n, media, pictures
from bot.app import DEFAULTS
from service_layer.runtime import Runtime
from standin.fixtures import standin  # noqa: F401  (fixture)
from standin.server import FakeBotApi

pytestmark = pytest.mark.integration

EXERCISE = "heel_drop_straight_floor"
NAME = "Heel drop on the floor, straight knee"


@pytest.fixture
async def bot(standin: FakeBotApi) -> AsyncIterator[Bot]:  # noqa: F811
    async with ExtBot(
        standin.token,
        base_url=standin.base_url,
        base_file_url=standin.file_base_url,
        defaults=DEFAULTS,  # the bot's own: parse mode HTML
    ) as ptb_bot:
        yield ptb_bot


async def _stored(runtime: Runtime, kind: media.Kind, path: Path) -> str | None:
    async with runtime.uow() as uow:
        return await uow.media.file_id(media.media_key(kind, path))


def _picture() -> Path:
    path = pictures.picture_path(EXERCISE)
    assert path is not None
    return path


async def test_concurrent_first_sends_upload_once(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
) -> None:
    chats = [standin.user(700 + i).chat_id for i in range(4)]
    sent = await asyncio.gather(
        *(media.send_exercise_picture(bot, runtime, chat, EXERCISE) for chat in chats)
    )
    assert sent == [True] * 4
    assert len(standin.uploads("sendPhoto", "photo")) == 1
    for chat in chats:
        [message] = standin.messages(chat)
        assert message.photo == _picture().read_bytes()
        assert message.caption == NAME
    file_id = await _stored(runtime, media.Kind.PICTURE, _picture())
    assert file_id is not None
    assert [c.params["photo"] for c in standin.calls("sendPhoto")][1:] == [file_id] * 3


async def test_a_refused_file_id_is_dropped_and_the_file_uploaded_again(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
) -> None:
    chat = standin.user(710).chat_id
    key = media.media_key(media.Kind.PICTURE, _picture())
    async with runtime.uow() as uow:
        await uow.media.remember(key, "photo-from-another-bot", runtime.now())
        await uow.commit()
    assert await media.send_exercise_picture(bot, runtime, chat, EXERCISE)
    assert [c.error_code for c in standin.calls("sendPhoto")] == [400, None]
    assert len(standin.uploads("sendPhoto", "photo")) == 1
    stored = await _stored(runtime, media.Kind.PICTURE, _picture())
    assert stored not in (None, "photo-from-another-bot")
    assert standin.messages(chat)[-1].photo == _picture().read_bytes()


async def test_a_redrawn_picture_is_uploaded_afresh(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
    tmp_path: Path,
) -> None:
    chat = standin.user(720).chat_id
    path = tmp_path / "picture.png"
    shutil.copyfile(_picture(), path)
    for _ in range(2):
        assert await media.send_cached(bot, runtime, media.Kind.PICTURE, chat, path, NAME)
    assert len(standin.uploads("sendPhoto", "photo")) == 1
    other = pictures.picture_path("heel_drop_straight_step")
    assert other is not None
    await asyncio.sleep(0.05)  # a new modification time, as after `make pictures`
    shutil.copyfile(other, path)
    assert await media.send_cached(bot, runtime, media.Kind.PICTURE, chat, path, NAME)
    assert len(standin.uploads("sendPhoto", "photo")) == 2
    assert standin.messages(chat)[-1].photo == other.read_bytes()


async def test_the_tempo_guide_is_an_animation_uploaded_once(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
) -> None:
    chat = standin.user(730).chat_id
    for _ in range(3):
        assert await media.send_tempo_guide(bot, runtime, chat, (4, 4, 2))
    guide = pictures.tempo_path((4, 4, 2))
    assert guide is not None
    assert len(standin.uploads("sendAnimation", "animation")) == 1
    assert [m.animation for m in standin.messages(chat)] == [guide.read_bytes()] * 3
    assert "hold 2 s at the top" in (standin.messages(chat)[0].caption or "")
    assert await media.send_tempo_guide(bot, runtime, chat, (2, 2, 0)) is False  # no such tempo


async def test_a_failed_send_is_reported_not_raised_and_nothing_is_stored(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
) -> None:
    chat = standin.user(740).chat_id
    standin.fail_next("sendPhoto", "403", chat_id=chat)
    assert await media.send_exercise_picture(bot, runtime, chat, EXERCISE) is False
    assert await _stored(runtime, media.Kind.PICTURE, _picture()) is None
    assert await media.send_exercise_picture(bot, runtime, chat, "no_such_exercise") is False


async def test_each_language_s_picture_is_uploaded_once_and_reused(
    standin: FakeBotApi,  # noqa: F811
    bot: Bot,
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Spanish user gets the Spanish picture, an English user the English one: two uploads,
    each file's own file_id reused for the next send in that language."""
    folder = tmp_path / "exercises"
    (folder / "es").mkdir(parents=True)
    english, spanish = folder / f"{EXERCISE}.png", folder / "es" / f"{EXERCISE}.png"
    shutil.copyfile(_picture(), english)
    # Drawn with other words (as after translation): other bytes.
    other = pictures.picture_path("heel_drop_straight_step")
    assert other is not None
    shutil.copyfile(other, spanish)
    monkeypatch.setattr(pictures, "EXERCISE_DIR", folder)
    es_chat, en_chat = standin.user(750).chat_id, standin.user(751).chat_id
    for _ in range(2):
        with i18n.using("es"):
            assert await media.send_exercise_picture(bot, runtime, es_chat, EXERCISE)
        with i18n.using("en"):
            assert await media.send_exercise_picture(bot, runtime, en_chat, EXERCISE)
    uploads = standin.uploads("sendPhoto", "photo")
    assert len(uploads) == 2
    assert [m.photo for m in standin.messages(es_chat)] == [spanish.read_bytes()] * 2
    assert [m.photo for m in standin.messages(en_chat)] == [english.read_bytes()] * 2
    es_id = await _stored(runtime, media.Kind.PICTURE, spanish)
    en_id = await _stored(runtime, media.Kind.PICTURE, english)
    assert es_id is not None
    assert en_id is not None
    assert es_id != en_id
    sends = [(c.params["chat_id"], c.params["photo"]) for c in standin.calls("sendPhoto")]
    assert sends[2:] == [(str(es_chat), es_id), (str(en_chat), en_id)]


def test_the_same_bytes_in_two_languages_still_have_a_file_id_each() -> None:
    """Until a language is translated its picture is the English one, byte for byte: the key
    tells them apart all the same, so that one never stands in for the other later."""
    english = pictures.picture_path(EXERCISE, "en")
    spanish = pictures.picture_path(EXERCISE, "es")
    assert english is not None
    assert spanish is not None
    assert english != spanish
    keys = {media.media_key(media.Kind.PICTURE, p) for p in (english, spanish)}
    assert len(keys) == 2
