"""Task models of the v2 API. Attribute names are snake_case; the wire uses camelCase."""

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict

import attrs

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._structured._schema import schema_text
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_most_items,
    boolean,
    check_enum,
    check_member,
    clipped,
    counted,
    hidden,
    in_range,
    instance_of,
    required_text,
    str_list,
    str_values,
    text,
    to_metadata,
    to_str_dict,
    to_uuid,
)
from browser_use_async.models._shared import SessionSettings


class TaskStatus(enum.StrEnum):
    """Where a task is in its life. Statuses this SDK does not know arrive as plain `str`."""

    CREATED = "created"
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"
    STOPPED = "stopped"

    @property
    def is_terminal(self) -> bool:
        """True once the task can no longer change: finished, failed or stopped."""
        return self in _TERMINAL


_TERMINAL = frozenset({TaskStatus.FINISHED, TaskStatus.FAILED, TaskStatus.STOPPED})


def is_final(status: TaskStatus | str) -> bool:
    """True for finished, failed and stopped; False for the rest, and for unknown statuses."""
    return status in _TERMINAL


class SupportedLLMs(enum.StrEnum):
    """The LLM ids the API lists for `llm` and `judge_llm`. The list is open: any other id
    is sent as it is, so a model newer than this SDK can be used by name."""

    BROWSER_USE_LLM = "browser-use-llm"
    BROWSER_USE_2_0 = "browser-use-2.0"
    BU_2_0_MINI_PREVIEW = "bu-2-0-mini-preview"
    GPT_4_1 = "gpt-4.1"
    GPT_4_1_MINI = "gpt-4.1-mini"
    O4_MINI = "o4-mini"
    O3 = "o3"
    GPT_5_5 = "gpt-5.5"
    GPT_5_6_SOL = "gpt-5.6-sol"
    GPT_5_6_TERRA = "gpt-5.6-terra"
    GPT_5_6_LUNA = "gpt-5.6-luna"
    GEMINI_2_5_FLASH = "gemini-2.5-flash"
    GEMINI_2_5_PRO = "gemini-2.5-pro"
    GEMINI_3_PRO_PREVIEW = "gemini-3-pro-preview"
    GEMINI_3_1_PRO_PREVIEW = "gemini-3.1-pro-preview"
    GEMINI_3_FLASH_PREVIEW = "gemini-3-flash-preview"
    GEMINI_3_5_FLASH = "gemini-3.5-flash"
    GEMINI_FLASH_LATEST = "gemini-flash-latest"
    GEMINI_FLASH_LITE_LATEST = "gemini-flash-lite-latest"
    CLAUDE_SONNET_4_20250514 = "claude-sonnet-4-20250514"
    CLAUDE_SONNET_4_5_20250929 = "claude-sonnet-4-5-20250929"
    CLAUDE_SONNET_5 = "claude-sonnet-5"
    CLAUDE_SONNET_4_6 = "claude-sonnet-4-6"
    CLAUDE_OPUS_4_5_20251101 = "claude-opus-4-5-20251101"
    CLAUDE_OPUS_4_7 = "claude-opus-4-7"
    CLAUDE_OPUS_4_8 = "claude-opus-4-8"
    CLAUDE_OPUS_5 = "claude-opus-5"
    GLM_5_2 = "glm-5.2"
    MINIMAX_M3 = "minimax-m3"
    GROK_4_6 = "grok-4.6"
    GLM_5_3_FLASH = "glm-5.3-flash"
    DEEPSEEK_V4_FLASH_VISION = "deepseek-v4-flash-vision"
    LLAMA_4_MAVERICK_17B_128E_INSTRUCT = "llama-4-maverick-17b-128e-instruct"
    CLAUDE_3_7_SONNET_20250219 = "claude-3-7-sonnet-20250219"


class ThinkingLevel(enum.StrEnum):
    """How deeply the model reasons (`thinking_level`); which levels a model takes varies."""

    DISABLED = "disabled"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def _thinking_level(
    value: ThinkingLevel | str | NotGiven | None,
) -> ThinkingLevel | NotGiven | None:
    return check_enum(ThinkingLevel, value, "thinking_level")


class TaskUpdateAction(enum.StrEnum):
    """What `PATCH /tasks/{task_id}` can do to a task."""

    STOP = "stop"
    STOP_TASK_AND_SESSION = "stop_task_and_session"


@attrs.frozen(kw_only=True)
class FileView:
    """An output file the agent produced."""

    id: uuid.UUID
    file_name: str


@attrs.frozen(kw_only=True)
class TaskStepView:
    """One step of a task's execution."""

    number: int
    memory: str
    evaluation_previous_goal: str
    next_goal: str
    url: str
    actions: list[str]
    screenshot_url: str | None = None
    duration: float | None = None
    """Seconds since the previous step completed (or since the task started)."""


@attrs.frozen(kw_only=True)
class TaskItemView:
    """A task as listed by `GET /tasks`: a `TaskView` without steps and output files."""

    id: uuid.UUID
    session_id: uuid.UUID
    llm: str
    task: str = attrs.field(repr=clipped)
    status: TaskStatus | str
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    metadata: dict[str, Any] = attrs.field(factory=lambda: {})
    output: str | None = attrs.field(default=None, repr=clipped)
    browser_use_version: str | None = None
    is_success: bool | None = None
    judgement: str | None = attrs.field(default=None, repr=clipped)
    judge_verdict: bool | None = None
    cost: decimal.Decimal | None = None
    suggestions: list[dict[str, Any]] | None = attrs.field(default=None, repr=counted("suggestion"))


@attrs.frozen(kw_only=True)
class TaskView(TaskItemView):
    """A task with its execution details: a `TaskItemView` with its steps and output files.

    `status` is a `TaskStatus`, or the raw string for a status newer than this SDK.
    `judgement` is the judge's report as the raw JSON string; `parse_judgement(task.judgement)`
    decodes it. Datetimes are timezone-aware UTC; `cost` is US dollars.
    """

    steps: list[TaskStepView] = attrs.field(repr=counted("step"))
    output_files: list[FileView] = attrs.field(repr=counted("file"))


def _task_action(value: TaskUpdateAction | str) -> TaskUpdateAction:
    return check_member(TaskUpdateAction, value, "action")


@attrs.frozen(kw_only=True)
class UpdateTaskRequest:
    """Body of `PATCH /tasks/{task_id}`."""

    action: TaskUpdateAction = attrs.field(converter=_task_action)


StructuredOutput = str | Mapping[str, Any] | type
"""A JSON schema (as a dict or its JSON text), or an output type to derive one from: an attrs
class, dataclass, TypedDict or pydantic model, or `list[...]` (see `AsyncTasks.run`)."""


def _structured_output(value: StructuredOutput | NotGiven | None) -> str | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    return schema_text(dict(value) if isinstance(value, Mapping) else value)


def _vision(value: bool | Literal["auto"] | NotGiven) -> bool | Literal["auto"] | NotGiven:
    if not (value is True or value is False or value == "auto" or isinstance(value, NotGiven)):
        raise InvalidArgumentError(f"vision must be True, False or 'auto', got {shown(value)}")
    return value


def _secrets(value: Mapping[str, str] | NotGiven | None) -> dict[str, str] | NotGiven | None:
    return to_str_dict(value, "secrets")


def _allowed_domains(value: Iterable[str] | NotGiven | None) -> list[str] | NotGiven | None:
    return str_list(value, "allowed_domains")


def _skill_ids(value: Iterable[str] | NotGiven | None) -> list[str] | NotGiven | None:
    return str_list(value, "skill_ids")


@attrs.frozen(kw_only=True)
class CreateTaskRequest:
    """Body of `POST /tasks`. Fields left as `NOT_GIVEN` are not sent; `None` is sent as null."""

    task: str = attrs.field(validator=required_text(1, 50000))
    llm: SupportedLLMs | str | NotGiven = attrs.field(default=NOT_GIVEN, validator=text(1))
    start_url: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text())
    max_steps: int | NotGiven = attrs.field(default=NOT_GIVEN, validator=in_range(1, 10000))
    structured_output: str | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_structured_output
    )
    session_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    metadata: dict[str, str] | NotGiven | None = attrs.field(
        default=NOT_GIVEN,
        converter=to_metadata,
        validator=[str_values, at_most_items(10)],
    )
    secrets: dict[str, str] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_secrets, validator=str_values, repr=hidden
    )
    allowed_domains: list[str] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_allowed_domains
    )
    op_vault_id: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text())
    session_settings: SessionSettings | NotGiven | None = attrs.field(
        default=NOT_GIVEN,
        validator=instance_of(SessionSettings),
    )
    highlight_elements: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    flash_mode: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    thinking: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    thinking_level: ThinkingLevel | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_thinking_level
    )
    vision: bool | Literal["auto"] | NotGiven = attrs.field(default=NOT_GIVEN, converter=_vision)
    system_prompt_extension: str | NotGiven = attrs.field(
        default=NOT_GIVEN, validator=text(0, 10000)
    )
    judge: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    judge_ground_truth: str | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=text(0, 10000)
    )
    judge_llm: SupportedLLMs | str | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=text(1)
    )
    skill_ids: list[str] | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=_skill_ids)


class TaskOptions(TypedDict, total=False):
    """The optional arguments of `tasks.create` and `tasks.run`: `CreateTaskRequest`'s fields."""

    llm: SupportedLLMs | str
    start_url: str | None
    max_steps: int
    structured_output: StructuredOutput | None
    session_id: uuid.UUID | str | None
    metadata: Mapping[str, str] | None
    secrets: Mapping[str, str] | None
    allowed_domains: Iterable[str] | None
    op_vault_id: str | None
    session_settings: SessionSettings | None
    highlight_elements: bool
    flash_mode: bool
    thinking: bool
    thinking_level: ThinkingLevel | str | None
    vision: bool | Literal["auto"]
    system_prompt_extension: str
    judge: bool
    judge_ground_truth: str | None
    judge_llm: SupportedLLMs | str | None
    skill_ids: Iterable[str] | None


@attrs.frozen(kw_only=True)
class TaskCreatedResponse:
    """What `POST /tasks` answers: the new task's id and the session it runs in."""

    id: uuid.UUID
    session_id: uuid.UUID


@attrs.frozen(kw_only=True)
class TaskListResponse:
    """One page of tasks."""

    items: list[TaskItemView]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class TaskStatusView:
    """The cheap view of a task for polling: status and, once done, the result."""

    id: uuid.UUID
    status: TaskStatus | str
    output: str | None = None
    finished_at: dt.datetime | None = None
    is_success: bool | None = None
    cost: decimal.Decimal | None = None


@attrs.frozen(kw_only=True)
class TaskLogFileResponse:
    """Where to download a task's execution log."""

    download_url: str


@attrs.frozen(kw_only=True)
class TaskEvent:
    """A change seen by `tasks.stream`: a new step (`kind == "step"`) or a new status.

    `task` is the latest view of the task the event was read from.
    """

    kind: Literal["step", "status"]
    status: TaskStatus | str
    task: TaskView
    step: TaskStepView | None = None
