"""Attrs classes for the v2 API's schemas. JSON conversion lives in `browser_use_async._serde`."""

from browser_use_async.models.sessions import ProxyCountryCode, SessionSettings
from browser_use_async.models.tasks import (
    CreateTaskRequest,
    FileView,
    TaskCreatedResponse,
    TaskEvent,
    TaskItemView,
    TaskListResponse,
    TaskLogFileResponse,
    TaskOptions,
    TaskStatus,
    TaskStatusView,
    TaskStepView,
    TaskUpdateAction,
    TaskView,
    UpdateTaskRequest,
)

__all__ = [
    "CreateTaskRequest",
    "FileView",
    "ProxyCountryCode",
    "SessionSettings",
    "TaskCreatedResponse",
    "TaskEvent",
    "TaskItemView",
    "TaskListResponse",
    "TaskLogFileResponse",
    "TaskOptions",
    "TaskStatus",
    "TaskStatusView",
    "TaskStepView",
    "TaskUpdateAction",
    "TaskView",
    "UpdateTaskRequest",
]
