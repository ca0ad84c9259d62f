"""A local stand-in for the Telegram Bot API, a user driver and a bot-process helper."""

from tests.standin.driver import UserDriver
from tests.standin.models import Button, CallbackAnswer, RecordedRequest, SentMessage, Stats
from tests.standin.process import BotProcess
from tests.standin.server import DEFAULT_TOKEN, FakeBotApi

__all__ = [
    "DEFAULT_TOKEN",
    "BotProcess",
    "Button",
    "CallbackAnswer",
    "FakeBotApi",
    "RecordedRequest",
    "SentMessage",
    "Stats",
    "UserDriver",
]
