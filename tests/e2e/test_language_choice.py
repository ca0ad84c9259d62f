"""The person's language end to end: told at the welcome (from Telegram's language), switched
there with one tap, and changed in /settings from the very next message on.

Until the translators fill bot/locales, a Spanish text may still read as the English one; so
these tests speak through a small Spanish catalogue of their own for the texts they check (the
bot's real catalogues for everything else), and check the stored choice and the language each
update is handled in as well.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable

import pytest

from bot import i18n, texts, views
from bot.app import BotRunner, PerUserUpdateProcessor
from service_layer import flows as flow_state
from service_layer import languages
from service_layer import onboarding as ob
from service_layer import settings as settings_service
from service_layer.flow_data import OnboardingData
from standin.driver import UserDriver
from standin.server import FakeBotApi
from standin.telegram_html import parse_html
from tests.e2e.test_onboarding import answer_rest, answer_until_weight, send_and_wait, tap_and_wait

pytestmark = pytest.mark.e2e

# English → Spanish for the texts checked here (placeholders kept).
SPANISH = {
    texts.OB_LANGUAGE: "🌐 Te escribiré en español. ¿Prefieres otro idioma? Tócalo abajo.",
    texts.OB_BEGIN: "Empecemos",
    texts.SETTINGS_LANGUAGE_SAVED: "Guardado ✓ Desde ahora te escribo en español.",
    texts.SETTINGS_LANGUAGE: "🌐 Idioma",
    texts.SETTINGS_LANGUAGE_QUESTION: "¿En qué idioma te escribo?",
    texts.SETTINGS_MENU: texts.SETTINGS_MENU.replace("Your settings", "Tus ajustes"),
}


class _Spanish(gettext.NullTranslations):
    def __init__(self, shipped: gettext.NullTranslations) -> None:
        super().__init__()
        self.shipped = shipped

    def gettext(self, message: str) -> str:
        return SPANISH.get(message) or self.shipped.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.shipped.ngettext(msgid1, msgid2, n)


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped: Callable[[str], gettext.NullTranslations] = i18n.translations
    catalogue = _Spanish(shipped("es"))

    def translations(language: str) -> gettext.NullTranslations:
        return catalogue if language == "es" else shipped(language)

    monkeypatch.setattr(i18n, "translations", translations)


def spoken_languages(bot: BotRunner) -> list[tuple[int, str]]:
    """(user id, language) of every update from now on, as the update processor chose it."""
    processor = bot.application.update_processor
    assert isinstance(processor, PerUserUpdateProcessor)
    heard: list[tuple[int, str]] = []
    look_up = processor._language_of

    async def recording(user_id: int, telegram_code: str | None) -> str:
        language = await look_up(user_id, telegram_code)
        heard.append((user_id, language))
        return language

    processor._language_of = recording
    return heard


def in_(language: str, text: str) -> str:
    """`text` (English, as read from bot/texts.py here) in the catalogue of `language`."""
    with i18n.using(language):
        return i18n._(text)


async def stored_choice(bot: BotRunner, user_id: int) -> str | None:
    async with bot.runtime.uow() as uow:
        user = await uow.users.get(user_id)
    assert user is not None
    return user.locale


def labels(user: UserDriver, message_id: int) -> list[str]:
    return [label for label, _ in user.api.message(user.chat_id, message_id).buttons]


async def test_a_spanish_telegram_user_is_told_so_at_the_welcome_and_can_switch(
    standin: FakeBotApi, bot: BotRunner, spanish: None
) -> None:
    pia = standin.user(5101, first_name="Pía", language_code="es")
    heard = spoken_languages(bot)
    await pia.send("/start")
    welcome = await pia.wait_for(contains="Pía")
    # Told in Spanish that the bot speaks Spanish, and offered the others in their own words.
    assert welcome.content.endswith(in_("es", texts.OB_LANGUAGE))
    assert "español" in welcome.content
    assert labels(pia, welcome.message_id) == ["Empecemos", "English", "✓ Español", "Русский"]
    assert heard == [(5101, "es")]
    assert await stored_choice(bot, 5101) is None  # Telegram's language: not a choice yet

    # A forged language button: a short reply, nothing stored, the welcome's buttons live.
    version = next(data for _, data in welcome.buttons if data and data.endswith(":go"))
    forged = version.removesuffix("go") + "lang:fr"
    await pia.tap_data(forged, welcome.message_id)
    assert (await pia.wait_for()).content == in_("es", texts.OB_USE_BUTTONS)
    assert await stored_choice(bot, 5101) is None

    # English tapped: stored, and the welcome itself now says so, in English, in place.
    await pia.tap(text="English", message=welcome)
    edited = await pia.wait_for(contains=texts.OB_LANGUAGE)
    assert edited.message_id == welcome.message_id
    assert "español" not in edited.content
    assert labels(pia, welcome.message_id) == [texts.OB_BEGIN, "✓ English", "Español", "Русский"]
    assert await stored_choice(bot, 5101) == "en"

    # The onboarding carries on in English from the very next message.
    flags = await tap_and_wait(pia, texts.OB_BEGIN, "safety check")
    assert heard[-1] == (5101, "en")
    assert flags.buttons[0][0] == texts.OB_FLAGS_NONE

    # The welcome's old language buttons are stale now: a tap on one changes nothing.
    await pia.tap_data(version.removesuffix("go") + "lang:ru", welcome.message_id)
    assert (await pia.wait_for()).content == texts.BUTTON_EXPIRED
    assert await stored_choice(bot, 5101) == "en"


async def test_a_language_typed_on_the_welcome_is_taken_like_its_button(
    standin: FakeBotApi, bot: BotRunner, spanish: None
) -> None:
    ian = standin.user(5103, first_name="Ian", language_code="en")
    await send_and_wait(ian, "/start", texts.OB_LANGUAGE)
    await ian.send("en español")
    again = await ian.wait_for(contains="Te escribiré en español")
    assert "✓ Español" in [label for label, _ in again.buttons]
    assert await stored_choice(bot, 5103) == "es"


async def test_switching_language_in_settings_changes_the_next_message(
    standin: FakeBotApi, bot: BotRunner, spanish: None
) -> None:
    uli = standin.user(5102, first_name="Uli")
    await answer_until_weight(uli)
    await answer_rest(uli)
    await tap_and_wait(uli, texts.OB_WAIT, "remind you")
    heard = spoken_languages(bot)

    await send_and_wait(uli, "/settings", "Your settings")
    question = await tap_and_wait(uli, texts.SETTINGS_LANGUAGE, texts.SETTINGS_LANGUAGE_QUESTION)
    assert labels(uli, question.message_id) == ["✓ English", "Español", "Русский", texts.OB_BACK]

    # A forged answer: a short reply and the question again; nothing stored.
    version = next(data for _, data in question.buttons if data and data.endswith(":es"))
    await uli.tap_data(version.removesuffix("es") + "fr", question.message_id)
    assert (await uli.wait_for()).content == texts.OB_USE_BUTTONS
    question = await uli.wait_for(contains=texts.SETTINGS_LANGUAGE_QUESTION)
    assert await stored_choice(bot, 5102) is None

    await uli.tap(text="Español", message=question)
    saved = await uli.wait_for()
    assert saved.content == in_("es", texts.SETTINGS_LANGUAGE_SAVED)
    assert saved.content != texts.SETTINGS_LANGUAGE_SAVED
    assert await stored_choice(bot, 5102) == "es"
    assert await languages.language_of(bot.runtime, 5102) == "es"

    # Every next message is in Spanish: /settings answers with the menu worded in it.
    await uli.send("/settings")
    menu = await uli.wait_for(contains="Tus ajustes")
    assert heard[-1] == (5102, "es")
    view = await settings_service.describe(bot.runtime, 5102)
    assert view is not None
    with i18n.using("es"):
        expected = parse_html(views.settings_menu_text(view))[0]
    assert menu.content == expected
    assert "🌐 Idioma" in [label for label, _ in menu.buttons]
    # And back to English the same way.
    question = await tap_and_wait(uli, "🌐 Idioma", "¿En qué idioma")
    assert labels(uli, question.message_id)[:3] == ["English", "✓ Español", "Русский"]
    await uli.tap(text="English", message=question)
    assert (await uli.wait_for()).content == texts.SETTINGS_LANGUAGE_SAVED
    assert await stored_choice(bot, 5102) == "en"


async def test_a_spanish_speaker_answers_in_spanish_words(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Typed answers in Spanish are read like English ones: each is stored and the next
    question comes."""
    ana = standin.user(5104, first_name="Ana", language_code="es")
    await send_and_wait(ana, "/start", "Ana")

    async def say(text: str, next_step: str) -> None:
        await ana.send(text)
        await ana.wait_for()
        flow = await flow_state.current(bot.runtime, 5104)
        assert flow is not None
        assert flow.step == next_step, f"{text!r} left the person on {flow.step!r}"

    await say("¡vamos!", ob.FLAGS)
    await say("ninguno", ob.SIDE)
    await say("la derecha", ob.SITE)
    site = next(data for _, data in ana.last_message.buttons if data and data.endswith(":mid"))
    await ana.tap(data=site)
    await ana.wait_for()
    await say("3 de 10", ob.MORNING_PAIN)
    await say("dos", ob.STIFFNESS)
    await say("10 minutos", ob.HEEL_RAISES)
    await say("quince", ob.WEIGHT)
    await say("72,5 kg", ob.HAS_STEP)
    await say("sí", ob.LOAD)
    await say("ninguno", ob.GYM)
    await ana.send("no")
    await ana.wait_for()
    flow = await flow_state.current(bot.runtime, 5104)
    assert flow is not None
    assert flow.step in (ob.ENTRY, ob.ZONE)
    answers = flow.data_as(OnboardingData).answers
    assert {key: answers[key] for key in (ob.SIDE, ob.REST_PAIN, ob.MORNING_PAIN)} == {
        ob.SIDE: "right",
        ob.REST_PAIN: 3,
        ob.MORNING_PAIN: 2,
    }
    assert (answers[ob.STIFFNESS], answers[ob.HEEL_RAISES], answers[ob.WEIGHT]) == (10, 15, 72.5)
    assert (answers[ob.HAS_STEP], answers[ob.LOAD], answers[ob.GYM]) == (True, 0.0, False)
