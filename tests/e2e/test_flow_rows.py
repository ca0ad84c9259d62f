"""Flow rows across a deploy: someone halfway through onboarding when the untyped release stored
their flow carries on with every answer kept; a flow row whose data is corrupt (or forged) costs
the person one short reply, and /start begins afresh."""

from __future__ import annotations

from typing import Any

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from service_layer import onboarding as ob
from standin.server import FakeBotApi
from tests.e2e.test_onboarding import answer_rest, send_and_wait, tap_and_wait

pytestmark = pytest.mark.e2e

# Where the untyped release left someone at the weight question, in its own key names.
OLD_SHAPE: dict[str, Any] = {
    "a": {
        "side": "right",
        "site": "insertional",
        "rest_pain": 1,
        "morning_pain": 4,
        "stiffness": 20,
        "heel_raises": 15,
    },
    "seq": list(ob.ONBOARDING_SEQ),
    "_hist": [
        "welcome",
        "flags",
        "side",
        "site",
        "rest_pain",
        "morning_pain",
        "stiffness",
        "heel_raises",
    ],
    "_last": {"version": 8, "payload": "15"},
}


async def _overwrite_flow(bot: BotRunner, user_id: int, step: str, data: dict[str, Any]) -> None:
    """Put `data` in the person's flow row as an earlier release (or a forger) would have."""
    async with bot.runtime.uow() as uow:
        row = await uow.flows.get(user_id)
        assert row is not None
        row.name, row.step, row.data = ob.ONBOARDING_FLOW, step, data
        row.version += 1
        await uow.commit()


async def test_an_onboarding_stored_by_the_untyped_release_carries_on(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    ivy = standin.user(4501, first_name="Ivy")
    await send_and_wait(ivy, "/start", "can't diagnose")
    await _overwrite_flow(bot, 4501, ob.WEIGHT, OLD_SHAPE)

    await send_and_wait(ivy, "/start", "carry on where you left off")
    await ivy.wait_for(contains="What do you weigh")
    # Back goes through the old row's history: the heel-raise question, then on again.
    await tap_and_wait(ivy, texts.OB_BACK, "heel raises")
    await tap_and_wait(ivy, "10–24", "weigh")
    await answer_rest(ivy)

    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(4501)
        assert profile is not None
        answers = profile.answers
    # The answers given before the deploy are the programme's.
    assert answers["side"] == rehab.Side.RIGHT.value
    assert answers["presentation"] == rehab.Presentation.INSERTIONAL.value
    assert (answers["rest_pain"], answers["morning_pain"]) == (1, 4)
    assert (answers["stiffness_minutes"], answers["single_leg_heel_raises"]) == (20, 15)


async def test_a_corrupt_flow_row_gets_a_short_reply_and_start_begins_afresh(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    rex = standin.user(4502, first_name="Rex")
    welcome = await send_and_wait(rex, "/start", "can't diagnose")
    forged = {"a": "not answers", "_hist": 7, "rf_i": "x", "flag": ["?"]}
    await _overwrite_flow(bot, 4502, ob.WEIGHT, forged)

    await rex.tap(text=texts.OB_BEGIN, message=welcome)
    reply = await rex.wait_for(contains="expired")
    assert reply.content == texts.BUTTON_EXPIRED_NOTHING_PENDING
    await rex.wait_idle()
    typed = await send_and_wait(rex, "72 kg", "/")
    assert len(typed.content) < 200  # a short pointer, not silence and not an error dump

    await send_and_wait(rex, "/start", "can't diagnose")
    await tap_and_wait(rex, texts.OB_BEGIN, "safety check")
    async with bot.runtime.uow() as uow:
        row = await uow.flows.get(4502)
    assert row is not None
    assert (row.name, row.step, row.data["a"]) == (ob.ONBOARDING_FLOW, ob.FLAGS, {})
