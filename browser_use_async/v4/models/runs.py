"""Run models of the v4 API: one agent turn in a session, its events and attachments.

Attribute names are snake_case; the wire uses camelCase (see `browser_use_async._codec`).
"""

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable
from typing import Any

import attrs

from browser_use_async._codec import NULL_IS_DEFAULT
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_most_items,
    boolean,
    clipped,
    counted,
    in_range,
    instance_of,
    required_text,
    text,
    to_uuid,
    usd_budget,
    uuid_list,
)
from browser_use_async.models._shared import ProxyCountryCode, to_proxy_country_code
from browser_use_async.models.sessions import CustomProxy

__all__ = [
    "MAX_ATTACHED_FILES",
    "RunAttachment",
    "RunAttachmentStatus",
    "RunAttachmentsResponse",
    "RunBrowserSettings",
    "RunCreateRequest",
    "RunCreateResponse",
    "RunEvent",
    "RunEventsResponse",
    "RunJudgeSettings",
    "RunListResponse",
    "RunModel",
    "RunStatus",
    "RunStatusResponse",
    "RunSummary",
    "is_final",
]

MAX_ATTACHED_FILES = 20
"""The most workspace uploads one run (or queued message) can show the agent."""


class RunStatus(enum.StrEnum):
    """Where a run is in its life. Statuses this SDK does not know arrive as plain `str`."""

    QUEUED = "queued"
    DISPATCHING = "dispatching"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """True once the run can no longer change: completed, failed or cancelled."""
        return self in _TERMINAL


_TERMINAL = frozenset({RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED})


def is_final(status: RunStatus | str) -> bool:
    """True for completed, failed and cancelled; False for the rest, and for unknown statuses."""
    return status in _TERMINAL


class RunModel(enum.StrEnum):
    """The model ids the API lists for a run's `model`. The list is open: any other id is sent
    as it is, so a model newer than this SDK can be used by name."""

    MIMO_V2_6_PRO = "mimo-v2.6-pro"
    MIMO_V2_6_FLASH = "mimo-v2.6-flash"
    DEEPSEEK_V4_1_FLASH = "deepseek-v4.1-flash"
    GLM_5_2 = "glm-5.2"
    GROK_4_5 = "grok-4.5"
    GROK_4_6 = "grok-4.6"
    GLM_5_3_FLASH = "glm-5.3-flash"
    DEEPSEEK_V4_FLASH_VISION = "deepseek-v4-flash-vision"
    KIMI_K3 = "kimi-k3"
    MINIMAX_M3 = "minimax-m3"
    CLAUDE_OPUS_4_7 = "claude-opus-4.7"
    CLAUDE_OPUS_4_8 = "claude-opus-4.8"
    CLAUDE_OPUS_5 = "claude-opus-5"
    CLAUDE_OPUS_5_5 = "claude-opus-5-5"
    CLAUDE_FABLE_5 = "claude-fable-5"
    CLAUDE_SONNET_5 = "claude-sonnet-5"
    CLAUDE_SONNET_5_5 = "claude-sonnet-5-5"
    GPT_5_5 = "gpt-5.5"
    GPT_5_6 = "gpt-5.6"
    GPT_6_ASTRA = "gpt-6-astra"
    GPT_6_SOL = "gpt-6-sol"
    GPT_6_1_SOL = "gpt-6.1-sol"
    GPT_6_LUNA = "gpt-6-luna"
    GPT_5_6_SOL = "gpt-5.6-sol"
    GPT_5_6_TERRA = "gpt-5.6-terra"
    GPT_5_6_LUNA = "gpt-5.6-luna"
    GEMINI_3_6_FLASH = "gemini-3.6-flash"
    GEMINI_3_5_FLASH = "gemini-3.5-flash"
    GEMINI_3_1_PRO = "gemini-3.1-pro"
    GEMINI_3_FLASH = "gemini-3-flash"
    BU_ULTRAFAST = "bu-ultrafast"
    BU_FAST = "bu-fast"


class RunAttachmentStatus(enum.StrEnum):
    """Whether an attached workspace file has arrived: `pending` until its upload is done."""

    PENDING = "pending"
    UPLOADED = "uploaded"


def file_ids(
    value: Iterable[uuid.UUID | str] | NotGiven | None,
) -> list[uuid.UUID] | NotGiven | None:
    """attrs converter for `attached_file_ids` (of a run and of a queued message)."""
    return None if value is None else uuid_list(value, "attached_file_ids")


def max_cost_usd(
    value: decimal.Decimal | float | str | NotGiven | None,
) -> decimal.Decimal | NotGiven | None:
    """attrs converter for a session's budget in US dollars (a run's, the cost cap's)."""
    return usd_budget(value, "max_cost_usd")


@attrs.frozen(kw_only=True)
class RunBrowserSettings:
    """The browser of a run's session. Fields left as `NOT_GIVEN` are not sent; `None` is sent
    as null. On a follow-up run, what is left out is inherited from the session's browser.

    `proxy_country_code=None` runs without a proxy; left out, the API uses a US proxy.
    `custom_proxy` (whose repr never shows the password) overrides it, for this run only.
    """

    profile_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    proxy_country_code: ProxyCountryCode | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=to_proxy_country_code
    )
    custom_proxy: CustomProxy | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(CustomProxy)
    )
    screen_width: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 6144)
    )
    screen_height: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 3456)
    )
    record: bool | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=boolean(nullable=True)
    )


@attrs.frozen(kw_only=True)
class RunJudgeSettings:
    """An LLM judge of the finished run; `RunJudgeSettings()` judges with the defaults.
    `context` (up to 10,000 characters) tells the judge what a good result is."""

    context: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 10000))


@attrs.frozen(kw_only=True)
class RunCreateRequest:
    """Body of `POST /runs`. Fields left as `NOT_GIVEN` are not sent; `None` is sent as null.

    Without `session_id` the run starts a new session (and workspace, unless `workspace_id`
    is given); with it, the run is a follow-up turn of that session. `max_cost_usd` is the
    session's budget in US dollars (above 0), sent as a decimal string.
    """

    task: str = attrs.field(validator=required_text(1), repr=clipped)
    model: RunModel | str | NotGiven = attrs.field(default=NOT_GIVEN, validator=text(1))
    session_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    workspace_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    browser_settings: RunBrowserSettings | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(RunBrowserSettings)
    )
    attached_file_ids: list[uuid.UUID] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=file_ids, validator=at_most_items(MAX_ATTACHED_FILES)
    )
    judge: RunJudgeSettings | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(RunJudgeSettings)
    )
    max_cost_usd: decimal.Decimal | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=max_cost_usd
    )


@attrs.frozen(kw_only=True)
class RunCreateResponse:
    """What `POST /runs` answers: the new run, its session and workspace, and where its
    events are. `missing_file_ids` lists attached ids that could not be confirmed."""

    id: uuid.UUID
    status: RunStatus | str
    model: str
    session_id: uuid.UUID
    workspace_id: uuid.UUID
    events_url: str
    missing_file_ids: list[uuid.UUID] = attrs.field(factory=lambda: [], metadata=NULL_IS_DEFAULT)


@attrs.frozen(kw_only=True)
class RunSummary:
    """A run (`GET /runs/{run_id}`, and as listed): its task, status and, once done, its
    `result` (text) or `error`. Token counts are totals; `total_cost_usd` is US dollars.
    Datetimes are timezone-aware UTC."""

    id: uuid.UUID
    task: str = attrs.field(repr=clipped)
    title: str | None
    model: str
    context_limit: int
    status: RunStatus | str
    result: str | None = attrs.field(repr=clipped)
    error: str | None = attrs.field(repr=clipped)
    session_id: uuid.UUID
    workspace_id: uuid.UUID | None
    attached_file_ids: list[uuid.UUID] | None = None
    judgement: dict[str, Any] | None = None
    total_input_tokens: int
    total_output_tokens: int
    total_cost_usd: decimal.Decimal
    created_at: dt.datetime
    updated_at: dt.datetime


@attrs.frozen(kw_only=True)
class RunStatusResponse:
    """The cheap view of a run for polling: its status alone."""

    status: RunStatus | str


@attrs.frozen(kw_only=True)
class RunEvent:
    """Something that happened in a run: `type` (such as `browser.ready` or `run.completed`)
    and its `data`. `id` increases within the run; pass the last one seen as `after`."""

    run_id: uuid.UUID
    id: int
    ts: dt.datetime
    type: str
    data: dict[str, Any]


@attrs.frozen(kw_only=True)
class RunEventsResponse:
    """One page of a run's events; while `has_more`, pass `next_after` on to get the next."""

    events: list[RunEvent] = attrs.field(repr=counted("event"))
    next_after: int | None = None
    has_more: bool = False


@attrs.frozen(kw_only=True)
class RunListResponse:
    """One page of runs, most recent first; while `has_more`, pass `next_cursor` on."""

    runs: list[RunSummary]
    next_cursor: str | None = None
    has_more: bool = False


@attrs.frozen(kw_only=True)
class RunAttachment:
    """A workspace file shown to the agent in a run; `size_bytes` is its size."""

    id: uuid.UUID
    name: str
    content_type: str
    size_bytes: int
    status: RunAttachmentStatus | str


@attrs.frozen(kw_only=True)
class RunAttachmentsResponse:
    """The files attached to a run."""

    attachments: list[RunAttachment]
