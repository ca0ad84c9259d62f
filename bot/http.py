"""The bot's one HTTP listener (HTTP_HOST:HTTP_PORT), in both modes:

* `GET /healthz`: liveness (the event loop answers);
* `GET /readyz`: readiness: the database answers, its schema is at the migrations' head, and
  the scheduler runs (with when it last ran something); 503 with the reason otherwise;
* `GET /metrics`: Prometheus text (service_layer/metrics.py);
* in webhook mode, `POST <path of WEBHOOK_URL>`: Telegram's updates. A request without the
  right `X-Telegram-Bot-Api-Secret-Token` gets 403 and is not looked at. An update is answered
  200 only once it is stored in the inbox (bot/inbox.py), so an update Telegram was told about
  is never lost; a database error answers 500 and Telegram sends it again. While shutting
  down, 503 (Telegram retries, maybe to another replica).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot import inbox
from service_layer import metrics
from service_layer.runtime import Runtime
from storage.migrate import head_revision

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A readiness probe must answer before the orchestrator's own timeout.
CHECK_TIMEOUT_S = 3.0
# Telegram's updates are small; anything much larger is not one.
MAX_BODY = 1024 * 1024

HandOver = Callable[[dict[str, Any]], Awaitable[None]]
SchedulerState = Callable[[], dict[str, Any]]


class HttpListener:
    """Serves the routes above; `start()` binds, `port` is the port bound (HTTP_PORT=0: any)."""

    def __init__(
        self,
        runtime: Runtime,
        scheduler_state: SchedulerState,
        hand_over: HandOver | None = None,
    ) -> None:
        self.runtime = runtime
        self.scheduler_state = scheduler_state
        self.hand_over = hand_over
        self.accepting = True
        self.port = runtime.settings.http_port
        self._runner: web.AppRunner | None = None
        self._head = head_revision()

    async def start(self) -> None:
        settings = self.runtime.settings
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        if self.hand_over is not None:
            app.router.add_post(settings.webhook_path, self._webhook)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.http_host, settings.http_port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("HTTP listener on %s:%d", settings.http_host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- routes ---------------------------------------------------------------------------------

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, request: web.Request) -> web.Response:
        checks: dict[str, Any] = {}
        ready = True
        try:
            revision = await asyncio.wait_for(self._schema_revision(), CHECK_TIMEOUT_S)
            checks["database"] = "ok"
            checks["migrations"] = "at head" if revision == self._head else f"at {revision}"
            ready = revision == self._head
        except Exception as exc:  # unreachable, timed out, refused: not ready, and why
            checks["database"] = f"unreachable ({type(exc).__name__})"
            ready = False
        scheduler = self.scheduler_state()
        checks["scheduler"] = scheduler
        ready = ready and bool(scheduler.get("running")) and self.accepting
        status = 200 if ready else 503
        return web.json_response({"ready": ready, **checks}, status=status)

    async def _schema_revision(self) -> str | None:
        async with self.runtime.engine.connect() as conn:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()

    async def _metrics(self, request: web.Request) -> web.Response:
        try:
            async with self.runtime.uow() as uow:
                metrics.ACTIVE_USERS.set(len(await uow.users.active_ids()))
        except Exception:
            log.warning("could not count the active users for /metrics")
        body = generate_latest(metrics.REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _webhook(self, request: web.Request) -> web.Response:
        expected = self.runtime.settings.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if expected is None or not hmac.compare_digest(
            given.encode(), expected.get_secret_value().encode()
        ):
            metrics.WEBHOOK_REJECTED.labels("403").inc()
            log.warning("a webhook request without the right secret was refused")
            return web.Response(status=403)
        if not self.accepting:
            metrics.WEBHOOK_REJECTED.labels("503").inc()
            return web.Response(status=503)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            raw = None
        if not isinstance(raw, dict) or inbox.update_id_of(raw) is None:
            metrics.WEBHOOK_REJECTED.labels("400").inc()
            return web.Response(status=400)
        try:
            new = await inbox.store(self.runtime, [raw])
        except Exception:
            # Not stored, so not confirmed: Telegram sends it again.
            log.exception("could not store update %s; answering 500", inbox.update_id_of(raw))
            return web.Response(status=500)
        assert self.hand_over is not None
        for stored in new:
            await self.hand_over(stored)
        return web.Response(status=200)
