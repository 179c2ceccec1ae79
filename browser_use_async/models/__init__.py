"""Attrs classes for the v2 API's schemas. JSON conversion lives in `browser_use_async._serde`."""

from browser_use_async.models.tasks import (
    FileView,
    TaskStatus,
    TaskStepView,
    TaskUpdateAction,
    TaskView,
    UpdateTaskRequest,
)

__all__ = [
    "FileView",
    "TaskStatus",
    "TaskStepView",
    "TaskUpdateAction",
    "TaskView",
    "UpdateTaskRequest",
]
