"""ORM models. Every row about a person hangs off `users` with ON DELETE CASCADE."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.db import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USER_FK = "users.id"


class SessionStatus(StrEnum):
    """Where a training session stands (sessions.status): the one list of session statuses."""

    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    DONE = "done"
    ENDED_EARLY = "ended_early"  # the person ended it before the last set
    ABANDONED = "abandoned"  # left open past its day
    STOPPED = "stopped"  # a red flag stopped the programme during it

    @classmethod
    def open(cls) -> frozenset[str]:
        """Still under way: the day's reminders wait for it."""
        return frozenset({cls.IN_PROGRESS, cls.PAUSED})

    @classmethod
    def finished(cls) -> frozenset[str]:
        """Counted as done (an early end included: the person trained)."""
        return frozenset({cls.DONE, cls.ENDED_EARLY})

    @classmethod
    def cut_off(cls) -> frozenset[str]:
        """Ended without being finished."""
        return frozenset({cls.ABANDONED, cls.STOPPED})


class SentStatus(StrEnum):
    """What became of one reminder slot (sent_log.status)."""

    SENT = "sent"
    MISSED = "missed"
    SKIPPED = "skipped"
    SUPPRESSED = "suppressed"
    PENDING = "pending"
    SENDING = "sending"  # claimed, not yet accepted by Telegram
    FAILED = "failed"
    INITIAL = "initial"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


def _user_fk() -> Any:
    return ForeignKey(USER_FK, ondelete="CASCADE")


class User(Base):
    """A Telegram user who has talked to the bot."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str | None] = mapped_column(String(16))  # Telegram's language_code
    # The language the person chose to be spoken to in (service_layer/languages.py); NULL
    # until they choose: then Telegram's `language`.
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Profile(Base):
    """Onboarding answers, equipment and the person's chosen schedule."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    session_times: Mapped[list[str]] = mapped_column(JSON, default=list)
    weekly_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    weekly_time: Mapped[str | None] = mapped_column(String(5))
    checkin_time: Mapped[str | None] = mapped_column(String(5))
    weekly_summary: Mapped[bool] = mapped_column(Boolean, default=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]


class Programme(Base):
    """The rehab engine's state for one person, kept as JSON."""

    __tablename__ = "programmes"

    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Flow(Base):
    """Where a person is in a multi-step conversation; survives restarts."""

    __tablename__ = "flows"

    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]

    # The version check is the database's: every UPDATE of a flow says "WHERE version = <the
    # version read>", and one that finds no such row (another replica moved the flow on first)
    # raises StaleDataError and rolls back, so two replicas can never both advance one step.
    # The code sets the new version itself (bot/flows.py), hence no generator.
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy's own declaration)
        "version_id_col": version,
        "version_id_generator": False,
    }


class TrainingSession(Base):
    """One exercise session, planned from the engine's prescription."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(16), default="")  # ordinal in the day: "1", "2"
    stage: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.IN_PROGRESS.value)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    exercise_index: Mapped[int] = mapped_column(Integer, default=0)
    set_no: Mapped[int] = mapped_column(Integer, default=1)
    step: Mapped[str] = mapped_column(String(16), default="card")
    pain_after: Mapped[int | None] = mapped_column(Integer)
    efforts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class SetLog(Base):
    """One completed set and the pain reported for it."""

    __tablename__ = "set_logs"
    __table_args__ = (UniqueConstraint("session_id", "exercise_index", "set_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), index=True)
    exercise_index: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(64))
    set_no: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_s: Mapped[int | None] = mapped_column(Integer)
    load_kg: Mapped[float] = mapped_column(Float, default=0.0)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean, default=True)
    logged_at: Mapped[datetime]
    # "left" / "right" for single-leg work (both sides sore: each leg's sets apart), else None
    leg: Mapped[str | None] = mapped_column(String(8), default=None)


class MorningCheckin(Base):
    """The next-morning pain answer; one per person per local date."""

    __tablename__ = "morning_checkins"
    __table_args__ = (UniqueConstraint("user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk())
    local_date: Mapped[date] = mapped_column(Date)
    pain: Mapped[int] = mapped_column(Integer)
    stiffness_minutes: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime]


class Decision(Base):
    """A decision of the engine, with the reason the person was given: its words as they were
    then (`reason`), and the rule's code and values (`reason_data`, a ``rehab.Reason`` as JSON;
    NULL on rows written before reasons were data), from which readers word it again."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    reason_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    stage_from: Mapped[int | None] = mapped_column(Integer)
    stage_to: Mapped[int | None] = mapped_column(Integer)
    made_at: Mapped[datetime]


class RedFlagAnswer(Base):
    """An answer to a red-flag question, from the checklist or a free-text confirmation."""

    __tablename__ = "red_flag_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), index=True)
    code: Mapped[str] = mapped_column(String(32))
    answer: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16), default="checklist")
    outcome: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime]


class GateTest(Base):
    """A gate test the person took, its answers and whether it passed."""

    __tablename__ = "gate_tests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk(), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    test: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    passed: Mapped[bool] = mapped_column(Boolean)
    local_date: Mapped[date] = mapped_column(Date)
    taken_at: Mapped[datetime]


class SentLog(Base):
    """Exactly-once ledger of reminders and check-ins (sent, missed or skipped)."""

    __tablename__ = "sent_log"
    __table_args__ = (UniqueConstraint("user_id", "kind", "local_date", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk())
    kind: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="sent")
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]


class MediaFile(Base):
    """Telegram's file_id for a picture or tempo guide the bot has uploaded once (the key names
    the file and a digest of its bytes). No data about any person: /delete leaves it alone."""

    __tablename__ = "media_files"
    __table_args__ = {"info": {"personal": False}}  # noqa: RUF012

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]


class InboxUpdate(Base):
    """An incoming Telegram update, stored raw before Telegram is told it was received.

    `done_at` is set in the same transaction as the update's effects (or once it was handled,
    for an update that changes nothing), so after a crash the unfinished ones are handled again
    and the finished ones never are. A handled row keeps only its id and done_at (no sender, no
    content) for a day, to recognise a repeat; /delete removes a person's unhandled ones."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class DueJob(Base):
    """The due-queue: the next instant something is due for a person, one row per slot.

    `job` is the slot (`s1`, `mc`, ...) or a one-off follow-up (`s1:snooze`, `s1:nudge`).
    `about` is the occurrence the row is for (the reminder's due instant for a follow-up);
    `since` when it first fell due (lateness is measured from it); `due_at` when a tick may take
    it next: the occurrence, a retry after its backoff, or the end of a claim's lease.
    """

    __tablename__ = "due_queue"
    __table_args__ = (
        UniqueConstraint("user_id", "job"),
        Index("ix_due_queue_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, _user_fk())
    job: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[str] = mapped_column(String(16))
    about: Mapped[datetime]
    since: Mapped[datetime]  # when this occurrence (or follow-up) first fell due
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(32))
