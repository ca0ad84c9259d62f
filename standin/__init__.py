"""A local stand-in for the Telegram Bot API, a user driver and a bot-process helper."""

from standin.driver import UserDriver
from standin.models import Button, CallbackAnswer, RecordedRequest, SentMessage, Stats
from standin.process import BotProcess
from standin.server import DEFAULT_TOKEN, FakeBotApi

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
