"""Webhook mode end to end: the stand-in POSTs each update to the bot's HTTP listener with the
secret header, as Telegram does; a POST without the right secret gets 403 and changes nothing."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import BotRunner
from standin.server import FakeBotApi
from storage.models import InboxUpdate, User
from tests.e2e import test_onboarding, test_session
from tests.e2e.conftest import WEBHOOK_SECRET
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


def start_update(update_id: int, user_id: int) -> dict[str, Any]:
    """A private /start from a person the stand-in never saw, as Telegram would post it."""
    person = {"id": user_id, "is_bot": False, "first_name": "Mallory"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "from": person,
            "chat": {"id": user_id, "type": "private", "first_name": "Mallory"},
            "date": 1_700_000_000,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def counts(bot: BotRunner, user_id: int) -> tuple[int, int]:
    """(users with this id, inbox rows) in the bot's database."""
    async with bot.runtime.uow() as uow:
        users = await uow.session.scalar(
            select(func.count()).select_from(User).where(User.id == user_id)
        )
        stored = await uow.session.scalar(select(func.count()).select_from(InboxUpdate))
    return int(users or 0), int(stored or 0)


REJECTED_403 = 'achilles_webhook_rejected_total{code="403"}'


def metric(text: str, sample: str) -> float:
    """The value of one sample (name and labels as printed) in Prometheus text; 0 if absent."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return 0.0


async def metrics_text(bot: BotRunner) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{bot.http.port}/metrics") as response,
    ):
        assert response.status == 200
        return await response.text()


async def test_set_webhook_with_the_secret_and_no_polling(
    standin: FakeBotApi, webhook_bot: BotRunner
) -> None:
    (call,) = standin.calls("setWebhook")
    assert call.params["url"] == f"http://127.0.0.1:{webhook_bot.http.port}/telegram/webhook"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert str(call.params["drop_pending_updates"]).lower() == "false"
    assert "callback_query" in str(call.params["allowed_updates"])
    assert not standin.calls("getUpdates")


async def test_onboarding_by_webhook(
    standin: FakeBotApi, webhook_bot: BotRunner, clock: FakeClock
) -> None:
    await test_onboarding.test_new_user_completes_onboarding_by_buttons_and_typing(
        standin, webhook_bot, clock
    )
    assert standin.webhook is not None
    statuses = {status for _, _, status in standin.webhook.delivered}
    assert statuses == {200}
    assert not standin.calls("getUpdates")


async def test_session_by_webhook(
    standin: FakeBotApi, webhook_bot: BotRunner, clock: FakeClock
) -> None:
    await test_session.test_full_stage1_session_set_by_set(standin, webhook_bot, clock)
    assert standin.webhook is not None
    assert len(standin.webhook.delivered) > 20


async def test_a_post_without_the_right_secret_gets_403_and_changes_nothing(
    standin: FakeBotApi, webhook_bot: BotRunner
) -> None:
    intruder = 6606
    standin.user(intruder)  # so the stand-in could deliver a reply, were one sent
    before = await counts(webhook_bot, intruder)
    rejected_before = metric(await metrics_text(webhook_bot), REJECTED_403)
    sent_before = len(standin.calls("sendMessage"))

    assert await standin.post_to_webhook(start_update(900_001, intruder), None) == 403
    assert await standin.post_to_webhook(start_update(900_002, intruder), "wrong") == 403
    wrong_length = WEBHOOK_SECRET + "x"
    assert await standin.post_to_webhook(start_update(900_003, intruder), wrong_length) == 403
    await standin.wait_idle()

    assert await counts(webhook_bot, intruder) == before == (0, 0)
    assert len(standin.calls("sendMessage")) == sent_before
    assert metric(await metrics_text(webhook_bot), REJECTED_403) == rejected_before + 3

    # The same update with the secret is taken (so the refusals above were the secret's doing).
    assert await standin.post_to_webhook(start_update(900_004, intruder), WEBHOOK_SECRET) == 200
    await standin.user(intruder).wait_for(contains="can't diagnose")
    assert (await counts(webhook_bot, intruder))[0] == 1


async def test_a_post_that_is_not_an_update_gets_400(
    standin: FakeBotApi, webhook_bot: BotRunner
) -> None:
    assert await standin.post_to_webhook({"hello": "world"}, WEBHOOK_SECRET) == 400
    assert await counts(webhook_bot, 1) == (0, 0)
