"""Webhook delivery for the stand-in: after setWebhook, queued updates are POSTed to the bot's
URL with the secret in X-Telegram-Bot-Api-Secret-Token, as Telegram does, one at a time and in
order; an update leaves the queue only when the bot answered 200 (any other answer, or none,
and it is sent again after a short pause).

For tests of several replicas, `targets` replaces the one URL: update n goes to
targets[n % len(targets)], and with `repeat` each update is also POSTed to the next target
(Telegram may send an update again when its first answer was slow or lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_PAUSE_S = 0.1


@dataclass
class WebhookDelivery:
    """What setWebhook set, and the task that delivers."""

    url: str
    secret: str | None
    targets: list[str] = field(default_factory=list)
    repeat: bool = False
    delivered: list[tuple[str, int, int]] = field(default_factory=list)  # (url, update_id, status)
    task: asyncio.Task[None] | None = None
    stopped: bool = False

    def urls_for(self, update_id: int) -> list[str]:
        targets = self.targets or [self.url]
        first = update_id % len(targets)
        urls = [targets[first]]
        if self.repeat:
            urls.append(targets[(first + 1) % len(targets)])
        return urls


async def post_update(
    url: str, body: dict[str, Any], secret: str | None, within_s: float = 10.0
) -> int:
    """POST one update as Telegram would (with `secret` in the header unless None); the HTTP
    status, or 0 if no answer came."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=within_s)) as session,
            session.post(url, json=body, headers=headers) as response,
        ):
            await response.read()
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


async def deliver(
    hook: WebhookDelivery,
    next_update: Callable[[], Any],
    confirm: Callable[[int], None],
) -> None:
    """Deliver updates until cancelled: `next_update()` waits for the oldest queued one,
    `confirm(update_id)` removes it once a 200 came back; an empty one means stop."""
    while not hook.stopped:
        update = await next_update()
        if hook.stopped or not update:
            return
        update_id = int(update["update_id"])
        statuses = []
        for url in hook.urls_for(update_id):
            status = await post_update(url, update, hook.secret)
            hook.delivered.append((url, update_id, status))
            statuses.append(status)
        if 200 in statuses:
            confirm(update_id)
        else:
            await asyncio.sleep(RETRY_PAUSE_S)


async def stop(hook: WebhookDelivery | None) -> None:
    if hook is not None and hook.task is not None:
        # Also a flag: a cancel that races with a wake-up can be lost in asyncio.wait_for.
        hook.stopped = True
        hook.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hook.task
