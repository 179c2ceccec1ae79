"""Task models of the v2 API. Attribute names are snake_case; the wire uses camelCase."""

import datetime as dt
import decimal
import enum
import uuid
from typing import Any

import attrs


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
class TaskView:
    """A task with its execution details.

    `status` is a `TaskStatus`, or the raw string for a status newer than this SDK.
    `judgement` is the judge's report as the raw JSON string; `parse_judgement(task.judgement)`
    decodes it. Datetimes are timezone-aware UTC; `cost` is US dollars.
    """

    id: uuid.UUID
    session_id: uuid.UUID
    llm: str
    task: str
    status: TaskStatus | str
    created_at: dt.datetime
    steps: list[TaskStepView]
    output_files: list[FileView]
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    metadata: dict[str, Any] = attrs.field(factory=lambda: {})
    output: str | None = None
    browser_use_version: str | None = None
    is_success: bool | None = None
    judgement: str | None = None
    judge_verdict: bool | None = None
    cost: decimal.Decimal | None = None
    suggestions: list[dict[str, Any]] | None = None


@attrs.frozen(kw_only=True)
class UpdateTaskRequest:
    """Body of `PATCH /tasks/{task_id}`."""

    action: TaskUpdateAction
