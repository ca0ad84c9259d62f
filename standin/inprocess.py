"""A PTB request class that talks to the stand-in without HTTP: for tests that send many
thousands of updates through the bot (the fuzz test), where sockets would only add time."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from standin.models import Upload

if TYPE_CHECKING:
    from standin.server import FakeBotApi


class InProcessRequest(BaseRequest):
    """Each Bot API call goes straight to `FakeBotApi.serve`, with the parameters the HTTP
    form would carry (JSON values as strings, files as uploads)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        token_part, endpoint = url.rsplit("/", 2)[-2:]
        token = token_part.removeprefix("bot")
        params: dict[str, Any] = {}
        if request_data is not None:
            params.update(request_data.json_parameters)
            if request_data.contains_files:
                for name, part in request_data.multipart_data.items():
                    filename, content, mime = (*part, "application/octet-stream")[:3]
                    data = content if isinstance(content, bytes) else content.read()
                    params[name] = Upload(str(filename), str(mime), data)
        status, body = await self.api.serve(endpoint, params, token)
        return status, json.dumps(body).encode()
