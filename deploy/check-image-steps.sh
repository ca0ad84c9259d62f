#!/usr/bin/env bash
# The Dockerfile's steps without a Docker engine (CI runs this): a fresh venv installed from
# requirements.lock alone (hashes checked), the project installed into it without resolving
# anything, matplotlib's font cache baked; then the image's start command against the Bot API
# stand-in, the image's HEALTHCHECK command on /healthz, and a SIGTERM that must end it cleanly.
# pip's own cache is reused, so a second run takes well under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=$(mktemp -d)
BOT_PID= STANDIN_PID=
cleanup() {
    [ -n "$BOT_PID" ] && kill -9 "$BOT_PID" 2>/dev/null || true
    [ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build stage: venv from the lock file"
python3 -m venv "$WORK/venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$WORK/venv/bin/pip" install --quiet --require-hashes -r requirements.lock
# The image copies only these into /src; so does this copy.
mkdir "$WORK/src"
cp -r pyproject.toml README.md bot service_layer scheduler storage rehab "$WORK/src/"
find "$WORK/src" -name __pycache__ -prune -exec rm -rf {} +
"$WORK/venv/bin/pip" install --quiet --no-deps --no-build-isolation "$WORK/src"
export MPLCONFIGDIR="$WORK/mplconfig"
mkdir -p "$MPLCONFIGDIR"
"$WORK/venv/bin/python" -c "import matplotlib.pyplot"
ls "$MPLCONFIGDIR"/fontlist-*.json >/dev/null  # the baked font cache

echo "== run stage: the start command against the stand-in"
free_port() { "$WORK/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port)
HTTP_PORT=$(free_port)
# The stand-in (the standin package) needs only aiohttp, which the lock installs.
PYTHONPATH="$REPO" "$WORK/venv/bin/python" - "$API_PORT" <<'PY' &
import asyncio, sys
from standin.server import FakeBotApi
async def main() -> None:
    async with FakeBotApi(port=int(sys.argv[1])):
        await asyncio.Event().wait()
asyncio.run(main())
PY
STANDIN_PID=$!

mkdir "$WORK/state"
(
    cd "$WORK/state"  # not the source tree: the installed package only
    export PATH="$WORK/venv/bin:$PATH" PYTHONUNBUFFERED=1 HTTP_HOST=127.0.0.1 HTTP_PORT="$HTTP_PORT"
    export DATABASE_URL="sqlite+aiosqlite:///$WORK/state/achilles-coach.db"
    export TELEGRAM_BOT_TOKEN="123456789:TEST-token-ABCDEFGHIJKLMNOPQRSTUVWX"
    export TELEGRAM_API_BASE_URL="http://127.0.0.1:$API_PORT/bot" NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
    exec achilles-coach run
) >"$WORK/bot.log" 2>&1 &
BOT_PID=$!

# The image's HEALTHCHECK command (its port made this run's).
healthcheck() {
    "$WORK/venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$HTTP_PORT/healthz', timeout=4)" 2>/dev/null
}
for _ in $(seq 1 120); do
    healthcheck && break
    kill -0 "$BOT_PID" 2>/dev/null || { cat "$WORK/bot.log"; echo "the bot exited" >&2; exit 1; }
    sleep 0.5
done
healthcheck || { cat "$WORK/bot.log"; echo "/healthz never answered" >&2; exit 1; }
echo "/healthz answers"

kill -TERM "$BOT_PID"
for _ in $(seq 1 60); do
    kill -0 "$BOT_PID" 2>/dev/null || break
    sleep 0.5
done
if kill -0 "$BOT_PID" 2>/dev/null; then
    cat "$WORK/bot.log"; echo "the bot did not stop within 30 s of SIGTERM" >&2; exit 1
fi
wait "$BOT_PID" && status=0 || status=$?
BOT_PID=
[ "$status" -eq 0 ] || { cat "$WORK/bot.log"; echo "exit status $status after SIGTERM" >&2; exit 1; }
echo "image steps OK: installed from the lock, healthy, stopped cleanly on SIGTERM"
