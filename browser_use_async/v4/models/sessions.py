"""Session models of the v4 API: a session is a conversation of runs, with a queue of
follow-up messages."""

import datetime as dt
import decimal
import enum
import uuid

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_most_items,
    boolean,
    clipped,
    required_text,
    text,
    usd_amount,
)
from browser_use_async.v4.models.runs import MAX_ATTACHED_FILES, RunStatus, file_ids

__all__ = [
    "QueueListResponse",
    "QueueMessageRequest",
    "QueuedMessage",
    "QueuedMessageMode",
    "QueuedMessageStatus",
    "SessionCostCapRequest",
    "SessionCostCapResponse",
    "SessionCostResponse",
    "SessionInfo",
    "SessionListResponse",
    "SessionShareInfo",
    "SessionShareUpdateRequest",
    "SessionUpdateRequest",
    "SteeringCutoff",
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


class QueuedMessageMode(enum.StrEnum):
    """How a message was queued: to run as the next turn, or interrupting the active run."""

    QUEUE = "queue"
    INTERRUPT = "interrupt"


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
    mode: QueuedMessageMode | str
    status: QueuedMessageStatus | str
    text: str = attrs.field(repr=clipped)
    attached_file_ids: list[uuid.UUID] | None = None
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class SteeringCutoff:
    """Where an interrupting message cut a run short: the run, and when."""

    source_run_id: uuid.UUID
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class QueueListResponse:
    """A session's pending queued messages, in the order they will run, and where
    interrupting messages cut runs short."""

    queue: list[QueuedMessage]
    steering_cutoffs: list[SteeringCutoff] | None = None


@attrs.frozen(kw_only=True)
class SessionUpdateRequest:
    """Body of `PATCH /sessions/{session_id}`: `title=None` clears the session's name."""

    title: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 255))


@attrs.frozen(kw_only=True)
class SessionCostResponse:
    """What a session has cost so far, in US dollars, by kind; `proxy_used_mb` is megabytes."""

    session_id: uuid.UUID
    num_runs: int
    llm_cost_usd: decimal.Decimal
    search_cost_usd: decimal.Decimal
    browser_cost_usd: decimal.Decimal
    proxy_cost_usd: decimal.Decimal
    proxy_used_mb: decimal.Decimal
    total_cost_usd: decimal.Decimal


def _cost_cap(value: decimal.Decimal | float | str) -> decimal.Decimal:
    return usd_amount(value, "max_cost_usd", above_zero=True)


@attrs.frozen(kw_only=True)
class SessionCostCapRequest:
    """Body of `PATCH /sessions/{session_id}/cost-cap`: the session's new total budget in US
    dollars (above 0; what it has spent counts against it), sent as a decimal string."""

    max_cost_usd: decimal.Decimal = attrs.field(converter=_cost_cap)


@attrs.frozen(kw_only=True)
class SessionCostCapResponse:
    """The budget now applied to the session, in US dollars."""

    session_id: uuid.UUID
    max_cost_usd: decimal.Decimal


@attrs.frozen(kw_only=True)
class SessionShareInfo:
    """A session's public share: a link anyone can open to watch it while `is_active`, and
    how often it was viewed."""

    id: uuid.UUID
    share_token: str
    session_id: uuid.UUID
    is_active: bool
    view_count: int
    created_at: dt.datetime
    share_url: str


@attrs.frozen(kw_only=True)
class SessionShareUpdateRequest:
    """Body of `PUT /sessions/{session_id}/share`: turn the public link on or off."""

    is_active: bool = attrs.field(validator=boolean())
