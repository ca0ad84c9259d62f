"""The bot's Prometheus metrics (served on /metrics by bot/http.py; docs/operations.md says what
each one means). One registry per process; labels carry kinds and codes, never a person."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "achilles_updates_handled",
    "Incoming updates handled, by kind (message, callback_query, ...).",
    ["kind"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "achilles_handler_seconds",
    "Time to handle one update, from taking it off the queue to its last reply.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
REMINDERS = Counter(
    "achilles_reminders",
    "Reminders and other scheduled messages, by outcome (sent, missed, failed, suppressed).",
    ["outcome"],
    registry=REGISTRY,
)
API_ERRORS = Counter(
    "achilles_bot_api_errors",
    "Errors answered by the Bot API, by HTTP code (403: the person blocked the bot, 429: too "
    "many requests, 0: no answer at all).",
    ["code"],
    registry=REGISTRY,
)
ACTIVE_USERS = Gauge(
    "achilles_active_users",
    "People with an active programme (refreshed on every /metrics scrape).",
    registry=REGISTRY,
)
SCHEDULER_LAG = Gauge(
    "achilles_scheduler_lag_seconds",
    "How late the last scheduled message ran after its due time.",
    registry=REGISTRY,
)
WEBHOOK_REJECTED = Counter(
    "achilles_webhook_rejected",
    "Webhook requests refused: 403 (wrong or missing secret), 400 (not an update), 503 "
    "(shutting down).",
    ["code"],
    registry=REGISTRY,
)

# The outcomes of scheduler/service.py's Outcome counted under each name.
REMINDER_OUTCOMES = {
    "sent": "sent",
    "sent_late": "sent",
    "missed": "missed",
    "failed": "failed",
    "blocked": "failed",
    "suppressed": "suppressed",
}


def count_reminder(outcome: str) -> None:
    """Count one scheduled message's outcome (others, e.g. duplicate or not due, are not)."""
    name = REMINDER_OUTCOMES.get(outcome)
    if name is not None:
        REMINDERS.labels(name).inc()
