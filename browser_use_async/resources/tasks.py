"""`client.tasks`: the task operations of the v2 API."""

import uuid

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import uuid_segment
from browser_use_async.models.tasks import TaskUpdateAction, TaskView, UpdateTaskRequest
from browser_use_async.resources._base import AsyncResource


def _check_action(action: object) -> TaskUpdateAction:
    if isinstance(action, str):
        try:
            return TaskUpdateAction(action)
        except ValueError:
            pass
    choices = ", ".join(f"TaskUpdateAction.{a.name}" for a in TaskUpdateAction)
    raise InvalidArgumentError(f"action must be one of {choices}; got {action!r}")


class AsyncTasks(AsyncResource):
    """Start, watch and stop agent tasks."""

    async def update(self, task_id: uuid.UUID | str, *, action: TaskUpdateAction) -> TaskView:
        """Apply `action` to a task (`PATCH /tasks/{task_id}`) and return the task."""
        path = f"/tasks/{uuid_segment(task_id, 'task_id')}"
        body = UpdateTaskRequest(action=_check_action(action))
        return await self._request("PATCH", path, TaskView, body)

    async def stop(self, task_id: uuid.UUID | str) -> TaskView:
        """Stop a running task; its session stays alive for follow-up tasks."""
        return await self.update(task_id, action=TaskUpdateAction.STOP)

    async def stop_task_and_session(self, task_id: uuid.UUID | str) -> TaskView:
        """Stop a task and the browser session it runs in."""
        return await self.update(task_id, action=TaskUpdateAction.STOP_TASK_AND_SESSION)
