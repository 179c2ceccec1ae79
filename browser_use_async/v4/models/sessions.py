"""Session models of the v4 API: a session is a conversation of runs, with a queue of
follow-up messages."""

import datetime as dt
import enum
import uuid

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_most_items,
    boolean,
    clipped,
    required_text,
)
from browser_use_async.v4.models.runs import MAX_ATTACHED_FILES, RunStatus, file_ids

__all__ = [
    "QueueListResponse",
    "QueueMessageRequest",
    "QueuedMessage",
    "QueuedMessageStatus",
    "SessionInfo",
    "SessionListResponse",
]


class QueuedMessageStatus(enum.StrEnum):
    """Where a queued message is: `pending` until a run takes it (`dispatching`, then
    `consumed`), unless cancelled, superseded by another or failed."""

    PENDING = "pending"
    DISPATCHING = "dispatching"
    CONSUMED = "consumed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    FAILED = "failed"


@attrs.frozen(kw_only=True)
class SessionInfo:
    """A session as listed: its latest run's task, title and status. The totals of tokens
    and cost are the runs' (`RunSummary`)."""

    session_id: uuid.UUID
    workspace_id: uuid.UUID | None
    latest_run_id: uuid.UUID
    task: str = attrs.field(repr=clipped)
    title: str | None
    status: RunStatus | str
    created_at: dt.datetime
    updated_at: dt.datetime


@attrs.frozen(kw_only=True)
class SessionListResponse:
    """One page of sessions, most recent first; while `has_more`, pass `next_cursor` on."""

    sessions: list[SessionInfo]
    next_cursor: str | None = None
    has_more: bool = False


@attrs.frozen(kw_only=True)
class QueueMessageRequest:
    """Body of `POST /sessions/{session_id}/queue`: a follow-up message, run as the session's
    next turn (at once if it is idle). `interrupt=True` cancels the active run so that this
    one runs now (best effort). Fields left as `NOT_GIVEN` are not sent."""

    text: str = attrs.field(validator=required_text(1), repr=clipped)
    interrupt: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    attached_file_ids: list[uuid.UUID] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=file_ids, validator=at_most_items(MAX_ATTACHED_FILES)
    )


@attrs.frozen(kw_only=True)
class QueuedMessage:
    """A message on a session's queue; `run_id` is the run that took it, once one has."""

    id: int
    session_id: uuid.UUID
    run_id: uuid.UUID | None
    status: QueuedMessageStatus | str
    text: str = attrs.field(repr=clipped)
    attached_file_ids: list[uuid.UUID] | None = None
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class QueueListResponse:
    """A session's pending queued messages, in the order they will run."""

    queue: list[QueuedMessage]
