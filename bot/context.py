"""Typed access to the runtime from handlers and jobs."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from service_layer.runtime import Runtime

RUNTIME_KEY = "runtime"


def runtime_of(context: CallbackContext[ExtBot[None], Any, Any, Any]) -> Runtime:
    """The Runtime stored on the application at start-up."""
    runtime = context.application.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime


def attach_runtime(
    application: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime
) -> None:
    application.bot_data[RUNTIME_KEY] = runtime
