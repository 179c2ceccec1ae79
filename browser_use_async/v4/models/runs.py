"""Run models of the v4 API: one agent turn in a session, its events and attachments.

Attribute names are snake_case; the wire uses camelCase (see `browser_use_async._codec`).
"""

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from browser_use_async._codec import NULL_IS_DEFAULT
from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._structured._schema import json_schema
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_least_items,
    at_most_items,
    boolean,
    clipped,
    counted,
    hidden,
    in_range,
    instance_of,
    instances,
    parse_uuid,
    required_text,
    str_list,
    strings,
    text,
    to_uuid,
    usd_budget,
    uuid_list,
)
from browser_use_async.models._shared import ProxyCountryCode, to_proxy_country_code
from browser_use_async.models.sessions import CustomProxy

__all__ = [
    "MAX_ATTACHED_FILES",
    "InlineSecretSource",
    "OnePasswordSecretSource",
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
    "SecretBinding",
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


def _extension_ids(
    value: Iterable[uuid.UUID | str] | NotGiven | None,
) -> list[uuid.UUID] | NotGiven | None:
    return None if value is None else uuid_list(value, "extension_ids")


@attrs.frozen(kw_only=True)
class InlineSecretSource:
    """A secret given in the request itself (its `type` is always "inline"). Its repr never
    shows the value."""

    type: Literal["inline"] = attrs.field(default="inline", init=False)
    value: str = attrs.field(validator=required_text(1), repr=hidden)


def _integration_id(value: uuid.UUID | str) -> uuid.UUID:
    return parse_uuid(value, "integration_id")


@attrs.frozen(kw_only=True)
class OnePasswordSecretSource:
    """A secret read from 1Password through the project's 1Password integration (its `type`
    is always "onepassword"): the field `field_id` (such as "password") of item `item_id` in
    vault `vault_id`."""

    type: Literal["onepassword"] = attrs.field(default="onepassword", init=False)
    integration_id: uuid.UUID = attrs.field(converter=_integration_id)
    vault_id: str = attrs.field(validator=required_text(1, 64))
    item_id: str = attrs.field(validator=required_text(1, 64))
    field_id: str = attrs.field(validator=required_text(1, 64))


def _allowed_domains(value: Iterable[str]) -> list[str]:
    return strings(value, "allowed_domains")


@attrs.frozen(kw_only=True)
class SecretBinding:
    """A credential a run may have typed without the agent ever seeing it: the agent asks for
    it by `alias`, and it is typed only on `allowed_domains` (1 to 20 bare host names, each
    covering its subdomains). An `InlineSecretSource` keeps its value out of any repr."""

    alias: str = attrs.field(validator=required_text())
    source: InlineSecretSource | OnePasswordSecretSource = attrs.field(
        validator=instance_of(InlineSecretSource, OnePasswordSecretSource, required=True)
    )
    allowed_domains: list[str] = attrs.field(
        converter=_allowed_domains, validator=[at_least_items(1), at_most_items(20)]
    )


def _secret_bindings(
    value: Iterable[SecretBinding] | NotGiven | None,
) -> list[SecretBinding] | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    return instances(value, SecretBinding, "secret_bindings")


def _output_schema(
    value: Mapping[str, Any] | type | NotGiven | None,
) -> dict[str, Any] | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    return json_schema(value, "output_schema")


def _model_params(value: Mapping[str, Any] | NotGiven | None) -> dict[str, Any] | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"model_params must be a mapping, got {shown(value)}")
    return dict(value)


def _op_vault_allowed_domains(
    value: Iterable[str] | NotGiven | None,
) -> list[str] | NotGiven | None:
    return str_list(value, "op_vault_allowed_domains")


@attrs.frozen(kw_only=True)
class RunBrowserSettings:
    """The browser of a run's session. Fields left as `NOT_GIVEN` are not sent; `None` is sent
    as null. On a follow-up run, what is left out is inherited from the session's browser.

    `proxy_country_code=None` runs without a proxy; left out, the API uses a US proxy.
    `custom_proxy` (whose repr never shows the password) overrides it, for this run only.
    `allow_resizing` lets the window be resized over CDP (easier to detect); `extension_ids`
    installs up to 3 uploaded extensions in every browser of the session.
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
    allow_resizing: bool | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=boolean(nullable=True)
    )
    record: bool | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=boolean(nullable=True)
    )
    extension_ids: list[uuid.UUID] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_extension_ids, validator=at_most_items(3)
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
    session's budget in US dollars (above 0), sent as a decimal string. `output_schema` is a
    JSON schema (a mapping, or an output type to derive one from) for the final output;
    `model_params` are the model provider's own request parameters, forwarded as they are.
    `keep_alive` keeps the browser open 120 to 14,400 seconds after the run. Secrets reach
    the run through `secret_bindings` (values never in a repr) or a 1Password vault
    (`op_vault_id`, typed only on `op_vault_allowed_domains`).
    """

    task: str = attrs.field(validator=required_text(1), repr=clipped)
    output_schema: dict[str, Any] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_output_schema
    )
    model: RunModel | str | NotGiven = attrs.field(default=NOT_GIVEN, validator=text(1))
    model_params: dict[str, Any] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_model_params
    )
    session_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    workspace_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    browser_settings: RunBrowserSettings | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(RunBrowserSettings)
    )
    keep_alive: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(120, 14400)
    )
    agentmail: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    agentcard_wallet_id: uuid.UUID | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=to_uuid
    )
    stripe_link_connection_id: uuid.UUID | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=to_uuid
    )
    attached_file_ids: list[uuid.UUID] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=file_ids, validator=at_most_items(MAX_ATTACHED_FILES)
    )
    secret_bindings: list[SecretBinding] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_secret_bindings, validator=at_most_items(20)
    )
    op_vault_id: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 64))
    op_vault_allowed_domains: list[str] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_op_vault_allowed_domains
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
    events are. `missing_file_ids` lists attached ids that could not be confirmed, and
    `skipped_vault_items` the 1Password items left out for want of a website to type into."""

    id: uuid.UUID
    status: RunStatus | str
    model: str
    session_id: uuid.UUID
    workspace_id: uuid.UUID
    events_url: str
    missing_file_ids: list[uuid.UUID] = attrs.field(factory=lambda: [], metadata=NULL_IS_DEFAULT)
    skipped_vault_items: list[str] | None = None


@attrs.frozen(kw_only=True)
class RunSummary:
    """A run (`GET /runs/{run_id}`, and as listed): its task, status and, once done, its
    `result` (text) or `error`; `output` is the structured output when the run had an
    `output_schema`. Token counts are totals; `total_cost_usd` is US dollars. Datetimes are
    timezone-aware UTC."""

    id: uuid.UUID
    task: str = attrs.field(repr=clipped)
    title: str | None
    model: str
    model_params: dict[str, Any] | None = None
    context_limit: int
    status: RunStatus | str
    result: str | None = attrs.field(repr=clipped)
    output: Any = attrs.field(default=None, repr=clipped)
    output_schema: dict[str, Any] | None = None
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
