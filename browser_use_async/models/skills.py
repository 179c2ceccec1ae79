"""Skill models of the v2 API: your project's skills, their executions, and what both share
with the marketplace. Attribute names are snake_case; the wire uses camelCase."""

import datetime as dt
import enum
import typing
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    check_enum,
    required_text,
    str_list,
    strings,
    text,
    to_uuid,
)


class SkillCategory(enum.StrEnum):
    """What a skill is for. Categories this SDK does not know arrive as plain `str`."""

    SEARCH = "search"
    E_COMMERCE = "e_commerce"
    FINANCIAL = "financial"
    NEWS = "news"
    REAL_ESTATE = "real_estate"
    SOCIAL_MEDIA = "social_media"
    TRAVEL = "travel"
    MARKETPLACE = "marketplace"
    LEAD_GENERATION = "lead_generation"
    SEO = "seo"
    JOBS = "jobs"
    DEVELOPER = "developer"
    MEDIA = "media"
    AUTOMATION = "automation"
    INTEGRATION = "integration"
    OTHER = "other"


class SkillsGenerationStatus(enum.StrEnum):
    """Where the generation of a skill's current version is."""

    RECORDING = "recording"
    GENERATING = "generating"
    FAILED = "failed"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"


class ParameterType(enum.StrEnum):
    """The type of a skill's input parameter."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    OBJECT = "object"
    ARRAY = "array"
    COOKIE = "cookie"


@attrs.frozen(kw_only=True)
class ParameterSchema:
    """One input parameter of a skill; pass its value in `execute(parameters={name: ...})`."""

    name: str
    type: ParameterType | str
    required: bool = True
    description: str | None = None
    default: Any = None
    cookie_domain: str | None = None


@attrs.frozen(kw_only=True)
class SkillResponse:
    """A skill of your project.

    `status` is a `SkillsGenerationStatus` and `categories` hold `SkillCategory` members; values
    newer than this SDK arrive as plain strings. Datetimes are timezone-aware UTC.
    """

    id: uuid.UUID
    title: str
    description: str
    categories: list[SkillCategory | str]
    domains: list[str]
    status: SkillsGenerationStatus | str
    parameters: list[ParameterSchema]
    output_schema: dict[str, Any]
    is_enabled: bool
    is_public: bool
    current_version: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    slug: str | None = None
    goal: str | None = None
    agent_prompt: str | None = None
    icon_url: str | None = None
    first_published_at: dt.datetime | None = None
    last_published_at: dt.datetime | None = None
    current_version_started_at: dt.datetime | None = None
    current_version_finished_at: dt.datetime | None = None
    code: str | None = None
    """The generated code, base64 encoded (enterprise plans only)."""
    cloned_from_skill_id: uuid.UUID | None = None


@attrs.frozen(kw_only=True)
class SkillListResponse:
    """One page of skills."""

    items: list[SkillResponse]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class CreateSkillRequest:
    """Body of `POST /skills`. Fields left as `NOT_GIVEN` are not sent; `None` is sent as null."""

    goal: str = attrs.field(validator=required_text(0, 1000))
    agent_prompt: str = attrs.field(validator=required_text(10))
    title: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))
    description: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 1000))


@attrs.frozen(kw_only=True)
class CreateSkillResponse:
    """What `POST /skills` answers: the id of the skill being generated."""

    id: uuid.UUID


def _categories(
    value: Iterable[SkillCategory | str] | NotGiven | None,
) -> list[SkillCategory] | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    return [
        typing.cast(SkillCategory, check_enum(SkillCategory, item, "categories"))
        for item in strings(value, "categories")
    ]


def _domains(value: Iterable[str] | NotGiven | None) -> list[str] | NotGiven | None:
    return str_list(value, "domains")


@attrs.frozen(kw_only=True)
class UpdateSkillRequest:
    """Body of `PATCH /skills/{skill_id}`: only the fields given are changed."""

    title: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))
    description: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 1000))
    categories: list[SkillCategory] | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=_categories
    )
    domains: list[str] | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=_domains)
    is_enabled: bool | NotGiven | None = NOT_GIVEN


def _json_object(value: object, name: str) -> dict[str, Any]:
    """A dict copy of a mapping with string keys."""
    if isinstance(value, Mapping):
        mapping = typing.cast(Mapping[object, Any], value)
        if all(isinstance(key, str) for key in mapping):
            return {str(key): item for key, item in mapping.items()}
    raise InvalidArgumentError(f"{name} must be a mapping with string keys, got {shown(value)}")  # pyright: ignore[reportUnknownArgumentType]


def _parameters(value: Mapping[str, Any] | NotGiven) -> dict[str, Any] | NotGiven:
    return value if isinstance(value, NotGiven) else _json_object(value, "parameters")


@attrs.frozen(kw_only=True)
class ExecuteSkillRequest:
    """Body of `POST /skills/{skill_id}/execute` and of the marketplace's execute."""

    parameters: dict[str, Any] | NotGiven = attrs.field(default=NOT_GIVEN, converter=_parameters)
    session_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)


@attrs.frozen(kw_only=True)
class ExecuteSkillResponse:
    """The outcome of one skill execution; `result` is whatever JSON the skill returned."""

    success: bool
    result: Any = None
    error: str | None = None
    stderr: str | None = None
    latency_ms: int | None = None


@attrs.frozen(kw_only=True)
class RefineSkillRequest:
    """Body of `POST /skills/{skill_id}/refine`."""

    feedback: str = attrs.field(validator=required_text(10))
    test_output: str | NotGiven | None = NOT_GIVEN
    test_logs: str | NotGiven | None = NOT_GIVEN


@attrs.frozen(kw_only=True)
class RefineSkillResponse:
    """What `POST /skills/{skill_id}/refine` answers: the id of the skill being refined."""

    id: uuid.UUID


@attrs.frozen(kw_only=True)
class SkillExecutionView:
    """One past execution of a skill. `status` is e.g. "running", "completed" or "failed"."""

    id: uuid.UUID
    skill_id: uuid.UUID
    status: str
    success: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None
    latency_ms: int | None
    has_output: bool


@attrs.frozen(kw_only=True)
class SkillExecutionListResponse:
    """One page of a skill's executions."""

    items: list[SkillExecutionView]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class SkillExecutionOutputResponse:
    """Where to download an execution's output; the URL is valid for 5 minutes."""

    download_url: str
