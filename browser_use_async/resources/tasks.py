"""`client.tasks`: the task operations of the v2 API."""

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Literal

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import uuid_segment
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async.models._checks import check_datetime, check_enum, check_int, check_uuid
from browser_use_async.models.sessions import SessionSettings
from browser_use_async.models.tasks import (
    CreateTaskRequest,
    TaskCreatedResponse,
    TaskItemView,
    TaskListResponse,
    TaskLogFileResponse,
    TaskStatus,
    TaskStatusView,
    TaskUpdateAction,
    TaskView,
    UpdateTaskRequest,
)
from browser_use_async.resources._base import AsyncResource
from browser_use_async.resources._pagination import iterate_pages


def _check_action(action: object) -> TaskUpdateAction:
    if isinstance(action, str):
        try:
            return TaskUpdateAction(action)
        except ValueError:
            pass
    choices = ", ".join(f"TaskUpdateAction.{a.name}" for a in TaskUpdateAction)
    raise InvalidArgumentError(f"action must be one of {choices}; got {action!r}")


def _task_path(task_id: object) -> str:
    return f"/tasks/{uuid_segment(task_id, 'task_id')}"


def _copy_mapping(value: Mapping[str, str] | NotGiven | None) -> dict[str, str] | NotGiven | None:
    return value if value is None or isinstance(value, NotGiven) else dict(value)


def _copy_list(value: Sequence[str] | NotGiven | None) -> list[str] | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    if isinstance(value, str):
        raise InvalidArgumentError(f"expected a list of strings, got the string {value!r}")
    return list(value)


class AsyncTasks(AsyncResource):
    """Start, watch and stop agent tasks."""

    async def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        filter_by: TaskStatus | str | NotGiven | None = NOT_GIVEN,
        after: dt.datetime | NotGiven | None = NOT_GIVEN,
        before: dt.datetime | NotGiven | None = NOT_GIVEN,
    ) -> TaskListResponse:
        """One page of tasks, newest first (`GET /tasks`); `iter` walks every page.

        `page_size` is 1 to 100 (the API's default is 10). `after` and `before` bound the
        creation time; a naive datetime is taken as UTC.
        """
        params = {
            "pageSize": check_int(page_size, "page_size", 1, 100),
            "pageNumber": check_int(page_number, "page_number", 1),
            "sessionId": check_uuid(session_id, "session_id"),
            "filterBy": check_enum(TaskStatus, filter_by, "filter_by"),
            "after": check_datetime(after, "after"),
            "before": check_datetime(before, "before"),
        }
        return await self._request("GET", "/tasks", TaskListResponse, params=params)

    async def iter(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        filter_by: TaskStatus | str | NotGiven | None = NOT_GIVEN,
        after: dt.datetime | NotGiven | None = NOT_GIVEN,
        before: dt.datetime | NotGiven | None = NOT_GIVEN,
    ) -> AsyncIterator[TaskItemView]:
        """Every task matching the filters, fetching page after page as you iterate."""
        pages = iterate_pages(
            lambda number: self.list(
                page_size=page_size,
                page_number=number,
                session_id=session_id,
                filter_by=filter_by,
                after=after,
                before=before,
            )
        )
        async for task in pages:
            yield task

    async def get(self, task_id: uuid.UUID | str) -> TaskView:
        """A task with its steps and output files (`GET /tasks/{task_id}`)."""
        return await self._request("GET", _task_path(task_id), TaskView)

    async def status(self, task_id: uuid.UUID | str) -> TaskStatusView:
        """A task's status and, once it has ended, its result: cheap enough to poll."""
        return await self._request("GET", f"{_task_path(task_id)}/status", TaskStatusView)

    async def logs(self, task_id: uuid.UUID | str) -> TaskLogFileResponse:
        """A URL to download the task's execution log (`GET /tasks/{task_id}/logs`)."""
        return await self._request("GET", f"{_task_path(task_id)}/logs", TaskLogFileResponse)

    async def create(
        self,
        task: str,
        *,
        llm: str | NotGiven = NOT_GIVEN,
        start_url: str | NotGiven | None = NOT_GIVEN,
        max_steps: int | NotGiven = NOT_GIVEN,
        structured_output: str | NotGiven | None = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        secrets: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        allowed_domains: Sequence[str] | NotGiven | None = NOT_GIVEN,
        op_vault_id: str | NotGiven | None = NOT_GIVEN,
        session_settings: SessionSettings | NotGiven | None = NOT_GIVEN,
        highlight_elements: bool | NotGiven = NOT_GIVEN,
        flash_mode: bool | NotGiven = NOT_GIVEN,
        thinking: bool | NotGiven = NOT_GIVEN,
        vision: bool | Literal["auto"] | NotGiven = NOT_GIVEN,
        system_prompt_extension: str | NotGiven = NOT_GIVEN,
        judge: bool | NotGiven = NOT_GIVEN,
        judge_ground_truth: str | NotGiven | None = NOT_GIVEN,
        judge_llm: str | NotGiven | None = NOT_GIVEN,
        skill_ids: Sequence[str] | NotGiven | None = NOT_GIVEN,
    ) -> TaskCreatedResponse:
        """Create and start a task (`POST /tasks`); billable work begins on the server.

        Without `session_id` the task gets a session of its own, configured by
        `session_settings`. Arguments left out are not sent, so the API's defaults apply.
        A create is never retried once the request may have reached the server.
        """
        body = CreateTaskRequest(
            task=task,
            llm=llm,
            start_url=start_url,
            max_steps=max_steps,
            structured_output=structured_output,
            session_id=session_id,
            metadata=_copy_mapping(metadata),
            secrets=_copy_mapping(secrets),
            allowed_domains=_copy_list(allowed_domains),
            op_vault_id=op_vault_id,
            session_settings=session_settings,
            highlight_elements=highlight_elements,
            flash_mode=flash_mode,
            thinking=thinking,
            vision=vision,
            system_prompt_extension=system_prompt_extension,
            judge=judge,
            judge_ground_truth=judge_ground_truth,
            judge_llm=judge_llm,
            skill_ids=_copy_list(skill_ids),
        )
        return await self._request("POST", "/tasks", TaskCreatedResponse, body)

    async def update(self, task_id: uuid.UUID | str, *, action: TaskUpdateAction) -> TaskView:
        """Apply `action` to a task (`PATCH /tasks/{task_id}`) and return the task."""
        body = UpdateTaskRequest(action=_check_action(action))
        return await self._request("PATCH", _task_path(task_id), TaskView, body)

    async def stop(self, task_id: uuid.UUID | str) -> TaskView:
        """Stop a running task; its session stays alive for follow-up tasks."""
        return await self.update(task_id, action=TaskUpdateAction.STOP)

    async def stop_task_and_session(self, task_id: uuid.UUID | str) -> TaskView:
        """Stop a task and the browser session it runs in."""
        return await self.update(task_id, action=TaskUpdateAction.STOP_TASK_AND_SESSION)
