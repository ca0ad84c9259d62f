"""The `achilles-coach` command: run, migrate, simulate, demo."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import ValidationError

from bot import texts
from bot.logs import configure_logging
from service_layer.config import Settings

log = logging.getLogger("achilles_coach")

EXIT_CONFIG = 2


def _version() -> str:
    try:
        return version("achilles-coach")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _load_settings() -> Settings | None:
    """Read the settings; on a bad value print what is wrong (never the value) and return None."""
    try:
        return Settings()
    except ValidationError as exc:
        fields = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        if "telegram_bot_token" in fields:
            print("TELEGRAM_BOT_TOKEN is malformed.\n", file=sys.stderr)
            print(texts.BOTFATHER_GUIDANCE, file=sys.stderr)
        for err in exc.errors():
            if err["loc"] and err["loc"][0] != "telegram_bot_token":
                name = str(err["loc"][0]).upper()
                print(f"Configuration error in {name}: {err['msg']}", file=sys.stderr)
        return None


def _secrets(settings: Settings) -> list[str]:
    """What must never appear in a log: the bot token, the database password and the
    webhook's secret."""
    from sqlalchemy.engine import make_url

    found = [make_url(settings.database_url).password or ""]
    if settings.telegram_bot_token is not None:
        found.append(settings.telegram_bot_token.get_secret_value())
    if settings.webhook_secret is not None:
        found.append(settings.webhook_secret.get_secret_value())
    return [s for s in found if s]


def _configure_logging(settings: Settings) -> None:
    token = settings.telegram_bot_token
    configure_logging(
        settings.log_level,
        _secrets(settings),
        settings.log_format,
        pseudonym_key=token.get_secret_value() if token is not None else "",
    )


def _migrate(settings: Settings) -> None:
    from storage.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)


def cmd_migrate() -> int:
    settings = _load_settings()
    if settings is None:
        return EXIT_CONFIG
    _configure_logging(settings)
    _migrate(settings)
    log.info("database is up to date")
    return 0


def cmd_run() -> int:
    settings = _load_settings()
    if settings is None:
        return EXIT_CONFIG
    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set.\n", file=sys.stderr)
        print(texts.BOTFATHER_GUIDANCE, file=sys.stderr)
        return EXIT_CONFIG
    _configure_logging(settings)
    from storage.migrate import ensure_head

    ensure_head(settings.database_url)  # Alembic is loaded only if there is something to do

    from bot.app import BotRunner

    return asyncio.run(BotRunner(settings).run_until_signalled())


def cmd_demo(port: int, data_dir: str, timer_scale: float, start: str | None) -> int:
    """The bot, a local Bot API and a chat page on 127.0.0.1: no token, nothing reaches
    Telegram (demo/server.py)."""
    from datetime import datetime
    from pathlib import Path

    from demo.server import Demo

    begin = None
    if start is not None:
        try:
            begin = datetime.fromisoformat(start)
        except ValueError:
            begin = None
        if begin is None or begin.tzinfo is None:
            print(
                "--start needs a date and time with its offset, e.g. 2026-12-01T08:00Z",
                file=sys.stderr,
            )
            return EXIT_CONFIG
    if not 0 < timer_scale <= 1:
        print("--timer-scale must be more than 0 and at most 1", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging("INFO")
    # The queue ticks every second: APScheduler's line per run would drown the bot's log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    demo = Demo(Path(data_dir), port=port, timer_scale=timer_scale, start=begin)
    try:
        asyncio.run(demo.run_until_signalled(lambda line: print(line, flush=True)))
    except OSError as exc:
        print(f"The demo could not start: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_simulate(argv: list[str]) -> int:
    """One persona file: the simulator's own command. Several files or a folder: every persona
    in this one process, one JSON line per persona-day with the persona's name."""
    from rehab.simulator import main as simulate_main

    paths = [a for a in argv if not a.startswith("-")]
    if len(paths) == 1 and not Path(paths[0]).is_dir():
        return simulate_main(argv, texts.reason_text)
    return _simulate_batch(argv)


def _simulate_batch(argv: list[str]) -> int:
    from datetime import date

    from rehab.simulator import (
        DEFAULT_DAYS,
        DEFAULT_START,
        PersonaError,
        load_persona,
        render_table,
        simulate,
    )

    parser = argparse.ArgumentParser(
        prog="achilles-coach simulate",
        description="Run the rehab engine day by day against scripted personas.",
    )
    parser.add_argument("personas", type=Path, nargs="+", help="persona JSON files or folders")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days to simulate")
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--table", action="store_true", help="print readable tables")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    files: list[Path] = []
    for path in args.personas:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        print("error: no persona files found", file=sys.stderr)
        return 2
    try:
        personas = [(f, load_persona(f)) for f in files]
    except PersonaError as exc:
        print(f"error: bad persona: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    for path, persona in personas:
        name = persona.name or path.stem
        records = simulate(persona, days=args.days, start=args.start)
        if args.table:
            out.write(f"== {name} ==\n{render_table(records, texts.reason_text)}\n")
            continue
        for record in records:
            line = {"persona": name, **record.as_json(texts.reason_text)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="achilles-coach", description="Achilles Coach: a Telegram rehab coach."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="apply pending migrations, then run the bot (long polling)")
    sub.add_parser("migrate", help="apply pending database migrations")
    sub.add_parser("simulate", help="what-if: run the engine on a scripted persona", add_help=False)
    demo = sub.add_parser(
        "demo", help="try the bot in your browser: a local chat on 127.0.0.1, no token needed"
    )
    demo.add_argument("--port", type=int, default=8080, help="the page's port (default 8080)")
    demo.add_argument(
        "--data-dir", default="data/demo", help="where its SQLite file lives (default data/demo)"
    )
    demo.add_argument(
        "--timer-scale",
        type=float,
        default=0.1,
        help="how fast in-session holds and rests run (default 0.1: ten times faster)",
    )
    demo.add_argument(
        "--start", help="the demo clock's start, e.g. 2026-12-01T08:00Z (default: now)"
    )
    if args and args[0] == "simulate":
        return cmd_simulate(args[1:])
    parsed = parser.parse_args(args)
    if parsed.command == "run":
        return cmd_run()
    if parsed.command == "demo":
        return cmd_demo(parsed.port, parsed.data_dir, parsed.timer_scale, parsed.start)
    return cmd_migrate()


def entry_point() -> None:
    """Console-script wrapper: exit with `main`'s status."""
    sys.exit(main())
