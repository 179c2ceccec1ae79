"""`client.tasks`: the task operations of the v2 API."""

import contextlib
import datetime as dt
import decimal
import functools
import os
import uuid
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Collection,
    Iterable,
    Mapping,
    Sized,
)
from typing import Any, Literal, TextIO, TypeVar, Unpack, cast, overload

from browser_use_async._batch._inputs import BadItem, Item, check_inputs, read_inputs
from browser_use_async._batch._journal import check_path
from browser_use_async._batch._progress import Progress
from browser_use_async._batch._result import TaskResult
from browser_use_async._batch._runner import Settings, run_batch
from browser_use_async._clock import Clock
from browser_use_async._codec import Encoded
from browser_use_async._exceptions import (
    CostLimitExceededError,
    InvalidArgumentError,
    TaskFailedError,
    TaskTimeoutError,
    shown,
)
from browser_use_async._launch import KEEPS_RUNNING, Kind, Launch, Stop, launched
from browser_use_async._polling import poll
from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._retry import RetryPolicy
from browser_use_async._structured._output import read_as
from browser_use_async._structured._schema import json_schema
from browser_use_async._structured._types import type_name
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import (
    check_bool,
    check_datetime,
    check_enum,
    check_uuid,
    positive_seconds,
    usd_amount,
)
from browser_use_async.models.billing import AccountView
from browser_use_async.models.tasks import (
    CreateTaskRequest,
    TaskCreatedResponse,
    TaskEvent,
    TaskItemView,
    TaskListResponse,
    TaskLogFileResponse,
    TaskOptions,
    TaskStatus,
    TaskStatusView,
    TaskUpdateAction,
    TaskView,
    UpdateTaskRequest,
    is_final,
)
from browser_use_async.resources._base import (
    AsyncResource,
    RequestFn,
    create_body,
    page_params,
    take_request_options,
    without_body,
)
from browser_use_async.resources._pagination import AsyncPager, numbered_pager

T = TypeVar("T")


def _task_path(task_id: object) -> str:
    return f"/tasks/{uuid_segment(task_id, 'task_id')}"


_STOP = Encoded(UpdateTaskRequest(action=TaskUpdateAction.STOP))
_STOP_TASK_AND_SESSION = Encoded(UpdateTaskRequest(action=TaskUpdateAction.STOP_TASK_AND_SESSION))


def _structured_result(task: TaskView, output_type: type[T]) -> T:
    """`task`'s output read as `output_type`; a `TaskFailedError` if it has none such."""
    if task.status is not TaskStatus.FINISHED or task.output is None:
        raise TaskFailedError(
            f"Task {task.id} ended {task.status} without an output to read as "
            f"{type_name(output_type)}.",
            task=task,
        )

    def unreadable(problems: str) -> TaskFailedError:
        return TaskFailedError(
            f"Task {task.id} finished, but its output is not a {type_name(output_type)}: "
            f"{problems}",
            task=task,
        )

    return read_as(task.output, output_type, unreadable)


TASK = Kind(
    noun="task",
    resource="tasks",
    stop="stop",
    stopped="stopped",
    stopping="stopping",
    is_final=is_final,
)
"""A v2 task, as `run`'s launch speaks of it."""


def _over_budget(
    task_id: object,
    cost: decimal.Decimal | None,
    max_cost: decimal.Decimal | None,
    *,
    ended: TaskView | None = None,
) -> CostLimitExceededError | None:
    """The error for a task whose `cost` is more than `max_cost` (equal is within it), else
    None. `ended` is the task when it had already ended, so that there was nothing to stop."""
    if max_cost is None or cost is None or cost <= max_cost:
        return None
    after = "" if ended is None else f"; it had already ended ({ended.status}) when seen."
    return CostLimitExceededError(
        f"Task {task_id} has cost ${cost}, more than max_cost ${max_cost}{after}",
        task=ended,
        cost=cost,
        max_cost=max_cost,
    )


def _create_request(
    task: str, options: TaskOptions, output_type: object = None
) -> CreateTaskRequest:
    """The create's body, with `output_type`'s schema as its structured output if given
    (see `create_body`)."""
    return create_body(
        CreateTaskRequest,
        task,
        options,
        known=TaskRequestOptions,
        schema_field="structured_output",
        output_type=output_type,
    )


class TaskRequestOptions(TaskOptions, RequestOptions, total=False):
    """The keywords of `tasks.create` and `tasks.run`: the task's options and the request's."""


class AsyncTasks(AsyncResource):
    """Start, watch and stop agent tasks."""

    def __init__(self, request: RequestFn, clock: Clock) -> None:
        super().__init__(request)
        self._clock = clock

    @property
    def with_raw_response(self) -> "AsyncTasksWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `run`, `wait` and `stream` send several, so they are not there; `list` answers
        one page."""
        return AsyncTasksWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        filter_by: TaskStatus | str | NotGiven | None = NOT_GIVEN,
        after: dt.datetime | NotGiven | None = NOT_GIVEN,
        before: dt.datetime | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[TaskItemView, TaskListResponse]:
        """Tasks, newest first (`GET /tasks`), as a pager: one `TaskListResponse` page, or
        every task from that page on, page after page.

        `page_size` is 1 to 100 (the API's default is 10). `after` and `before` bound the
        creation time; a naive datetime is taken as UTC.
        """
        params = {
            **page_params(page_size, page_number),
            "sessionId": check_uuid(session_id, "session_id"),
            "filterBy": check_enum(TaskStatus, filter_by, "filter_by"),
            "after": check_datetime(after, "after"),
            "before": check_datetime(before, "before"),
        }
        return numbered_pager(
            self._request, "/tasks", TaskListResponse, params, extra, items=lambda page: page.items
        )

    async def get(self, task_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> TaskView:
        """A task with its steps and output files (`GET /tasks/{task_id}`)."""
        return await self._request("GET", _task_path(task_id), TaskView, extra=extra)

    async def status(
        self, task_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> TaskStatusView:
        """A task's status and, once it has ended, its result: cheap enough to poll."""
        return await self._request(
            "GET", f"{_task_path(task_id)}/status", TaskStatusView, extra=extra
        )

    async def logs(
        self, task_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> TaskLogFileResponse:
        """A URL to download the task's execution log (`GET /tasks/{task_id}/logs`)."""
        return await self._request(
            "GET", f"{_task_path(task_id)}/logs", TaskLogFileResponse, extra=extra
        )

    async def create(self, task: str, **options: Unpack[TaskRequestOptions]) -> TaskCreatedResponse:
        """Create and start a task (`POST /tasks`); billable work begins on the server.

        The options are `CreateTaskRequest`'s fields; those left out are not sent, so the
        API's defaults apply. Without `session_id` the task gets a session of its own,
        configured by `session_settings`. `structured_output` takes a JSON schema (dict or
        text) or an output type to derive it from, as `run`'s `output_type` does. Once the
        request may have reached the server, a create is retried only on a 429, which
        refuses it before anything is made.
        """
        extra = take_request_options(options)
        body = _create_request(task, options)
        return await self._request("POST", "/tasks", TaskCreatedResponse, body, extra=extra)

    async def wait(
        self,
        task_id: uuid.UUID | str,
        *,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        **extra: Unpack[RequestOptions],
    ) -> TaskView:
        """Poll until the task is finished, failed or stopped, then return it in full.

        Polls the cheap status endpoint, first after half a second, then less and less
        often up to every `poll_interval` seconds. After `timeout` seconds (None: no
        limit) it raises `TaskTimeoutError`; the task keeps running on the server. The
        request options go with each status poll and the final get.
        """
        conceal(extra)
        return await self._wait(task_id, extra, timeout=timeout, poll_interval=poll_interval)

    async def _wait(
        self,
        task_id: uuid.UUID | str,
        extra: RequestOptions,
        *,
        timeout: float | None,
        poll_interval: float,
        max_cost: decimal.Decimal | None = None,
    ) -> TaskView:
        """`wait`; with `max_cost`, a status poll that finds the task still running and costing
        more raises `CostLimitExceededError` (not stopped: `run` stops it)."""
        polls = self._poll(task_id, extra, timeout=timeout, poll_interval=poll_interval)
        async with contextlib.aclosing(polls):
            async for status in polls:
                running = not is_final(status.status)
                over = _over_budget(task_id, status.cost, max_cost) if running else None
                if over is not None:
                    raise over
        return await self.get(task_id, **extra)

    async def stream(
        self,
        task_id: uuid.UUID | str,
        *,
        timeout: float | None = None,
        poll_interval: float = 2.0,
        **extra: Unpack[RequestOptions],
    ) -> AsyncIterator[TaskEvent]:
        """Each new step and each status change of a task, as they happen, until it ends.

        Polls the cheap status endpoint and downloads the task only when its status or
        cost moved (each step adds to the cost), so steps are not fetched again while
        nothing happens. A status change is yielded before the steps that came with it, but
        a final status after them: the last event says how the task ended, and the stream
        ends there, even when the status endpoint still lags behind. The request
        options go with each of those requests.
        """
        conceal(extra)
        seen_steps = 0
        last_status: str | None = None
        last_cost: object = None
        polls = self._poll(task_id, extra, timeout=timeout, poll_interval=poll_interval)
        async with contextlib.aclosing(polls):
            async for status in polls:
                if status.status == last_status and status.cost == last_cost:
                    continue
                task = await self.get(task_id, **extra)
                change = TaskEvent(kind="status", status=task.status, task=task)
                if task.status != last_status and not is_final(task.status):
                    yield change
                for step in task.steps[seen_steps:]:
                    yield TaskEvent(kind="step", status=task.status, task=task, step=step)
                if is_final(task.status):  # the end, even if the status endpoint lags the task
                    yield change
                    return
                seen_steps = max(seen_steps, len(task.steps))
                last_status, last_cost = task.status, status.cost

    @overload
    async def run(
        self,
        task: str,
        *,
        output_type: None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        stop_on_exit: bool = True,
        max_cost: decimal.Decimal | float | str | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> TaskView: ...

    @overload
    async def run(
        self,
        task: str,
        *,
        output_type: type[T],
        timeout: float | None = None,
        poll_interval: float = 5.0,
        stop_on_exit: bool = True,
        max_cost: decimal.Decimal | float | str | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> T: ...

    async def run(
        self,
        task: str,
        *,
        output_type: type[T] | None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        stop_on_exit: bool = True,
        max_cost: decimal.Decimal | float | str | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> TaskView | T:
        """Create a task, wait for it to end, and return it.

        With `output_type` the schema is sent as the task's structured output and the
        result is the output structured into it; a task that does not finish with such an
        output raises `TaskFailedError`, whose message names the wrong fields' paths. An
        output type is an attrs class, a dataclass, a TypedDict (read as a plain dict), a
        pydantic v2 model (its `model_json_schema()` is sent and `model_validate_json`
        reads the output), or `list[X]` of any of these or of scalars, which is asked for
        as the object `{"items": [...]}` (the structured output is an object) and returned
        as the list. Every argument is checked before the create is sent.

        If the call is cancelled, interrupted or fails at any point after the create was
        sent, the create's answer is awaited and the task stopped before the error
        propagates; each of the two waits lasts 5 s at most. `stop_on_exit=False` leaves the
        task running, but still awaits the answer, to tell the task's id.
        `TaskTimeoutError.stopped` tells how the stop went; after a cancellation (or any
        other error) the outcome is logged as a warning on the "browser_use_async" logger.

        `max_cost` (US dollars: a `Decimal`, int, float or decimal string) is checked against
        each status poll's cost: once the running task costs more (equal is within it), it is
        stopped, whatever `stop_on_exit` says, with its session unless `session_id` was given
        (a session of its own would stay up), and `CostLimitExceededError` is raised; its
        `stopped` tells how the stop went. Costs are seen only as often as polled, so a task
        can pass the limit by a step or two; one seen to end over it (no stop needed) raises
        the error too, with the ended task.

        The request options go with every request it makes; `extra_body` only with the create.
        """
        limit = None if timeout is None else positive_seconds(timeout, "timeout")
        interval = positive_seconds(poll_interval, "poll_interval")
        budget = None if max_cost is None else usd_amount(max_cost, "max_cost")
        if not isinstance(stop_on_exit, bool):
            raise InvalidArgumentError(f"stop_on_exit must be True or False, got {stop_on_exit!r}")
        extra = take_request_options(options)
        body = _create_request(task, options, output_type)
        launch = Launch(TASK)
        try:
            async with self._launched(body, launch, stop_on_exit=stop_on_exit, extra=extra) as made:
                view = await self._wait(
                    made.id,
                    without_body(extra),
                    timeout=limit,
                    poll_interval=interval,
                    max_cost=budget,
                )
        except TaskTimeoutError as error:
            raise launch.timed_out(error) from launch.stop_error
        except CostLimitExceededError as error:
            raise launch.over_budget(error) from launch.stop_error
        over = _over_budget(view.id, view.cost, budget, ended=view)
        if over is not None:
            raise over
        if output_type is None:
            return view
        return _structured_result(view, output_type)

    @contextlib.asynccontextmanager
    async def _launched(
        self,
        body: CreateTaskRequest,
        launch: Launch,
        *,
        stop_on_exit: bool,
        extra: RequestOptions | None = None,
    ) -> AsyncGenerator[TaskCreatedResponse]:
        """Create the task and give the answer; if anything (a cancellation too) ends the block
        early, stop the task, bounded and through further cancellations, and record how
        that went in `launch`. Used by `run` and the command line. `extra` goes with the
        create, and without its `extra_body` with the stop. The cost guard's stop is the
        point of `max_cost`, so it goes whatever `stop_on_exit` says, and takes along the
        session the task got for itself (it would stay up, billed)."""
        extra = extra or RequestOptions()
        reads = without_body(extra)
        own_session = not isinstance(body.session_id, uuid.UUID)

        def stop(error: BaseException) -> Stop | None:
            if isinstance(error, CostLimitExceededError):
                stopping = self.stop_task_and_session if own_session else self.stop
                return functools.partial(stopping, **reads)
            return functools.partial(self.stop, **reads) if stop_on_exit else None

        create = self._request("POST", "/tasks", TaskCreatedResponse, body, extra=extra)
        quiet = (TaskTimeoutError, CostLimitExceededError)  # those say it themselves
        async with launched(create, launch, stop, quiet=quiet) as created:
            yield created

    def _poll(
        self,
        task_id: uuid.UUID | str,
        extra: RequestOptions,
        *,
        timeout: float | None,
        poll_interval: float,
    ) -> AsyncGenerator[TaskStatusView]:
        """Status after status until a final one, from the cheap status endpoint."""
        _task_path(task_id)

        def timed_out(status: TaskStatusView, waited: float, limit: float) -> TaskTimeoutError:
            return TaskTimeoutError(
                f"Task {task_id} is still {status.status} after {waited:.1f} s "
                f"(timeout {limit:g} s){KEEPS_RUNNING}",
                task_id=task_id,
                status=status.status,
            )

        return poll(
            lambda: self.status(task_id, **extra),
            lambda status: is_final(status.status),
            clock=self._clock,
            poll_interval=poll_interval,
            timeout=timeout,
            timed_out=timed_out,
        )

    async def update(
        self,
        task_id: uuid.UUID | str,
        *,
        action: TaskUpdateAction | str,
        **extra: Unpack[RequestOptions],
    ) -> TaskView:
        """Apply `action` to a task (`PATCH /tasks/{task_id}`) and return the task."""
        body = UpdateTaskRequest(action=action)
        return await self._request("PATCH", _task_path(task_id), TaskView, body, extra=extra)

    async def stop(self, task_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> TaskView:
        """Stop a running task; its session stays alive for follow-up tasks."""
        conceal(extra)  # before the id is checked: its error's traceback shows these locals
        return await self._request("PATCH", _task_path(task_id), TaskView, _STOP, extra=extra)

    async def stop_task_and_session(
        self, task_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> TaskView:
        """Stop a task and the browser session it runs in."""
        conceal(extra)
        path = _task_path(task_id)
        return await self._request("PATCH", path, TaskView, _STOP_TASK_AND_SESSION, extra=extra)

    @overload
    def run_many(
        self,
        inputs: Iterable[str | Mapping[str, Any]] | Mapping[str, str | Mapping[str, Any]],
        *,
        concurrency: int | Literal["auto"] = "auto",
        journal: str | os.PathLike[str] | None = None,
        output_type: None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        max_cost: decimal.Decimal | float | str | None = None,
        max_total_cost: decimal.Decimal | float | str | None = None,
        stop_on_exit: bool = True,
        progress: TextIO | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> AsyncGenerator[TaskResult[TaskView]]: ...

    @overload
    def run_many(
        self,
        inputs: Iterable[str | Mapping[str, Any]] | Mapping[str, str | Mapping[str, Any]],
        *,
        concurrency: int | Literal["auto"] = "auto",
        journal: str | os.PathLike[str] | None = None,
        output_type: type[T],
        timeout: float | None = None,
        poll_interval: float = 5.0,
        max_cost: decimal.Decimal | float | str | None = None,
        max_total_cost: decimal.Decimal | float | str | None = None,
        stop_on_exit: bool = True,
        progress: TextIO | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> AsyncGenerator[TaskResult[T]]: ...

    def run_many(
        self,
        inputs: Iterable[str | Mapping[str, Any]] | Mapping[str, str | Mapping[str, Any]],
        *,
        concurrency: int | Literal["auto"] = "auto",
        journal: str | os.PathLike[str] | None = None,
        output_type: type[T] | None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        max_cost: decimal.Decimal | float | str | None = None,
        max_total_cost: decimal.Decimal | float | str | None = None,
        stop_on_exit: bool = True,
        progress: TextIO | None = None,
        **options: Unpack[TaskRequestOptions],
    ) -> AsyncGenerator[TaskResult[Any]]:
        """Run a task for each input, as many at once as there is capacity for, and give each
        input's `TaskResult` as its task ends (in order of completion).

        An input is a prompt, or a mapping of `create`'s keywords (`"task"` the prompt, an
        optional `"key"`); `options` go with every input, which may override them. A mapping of
        inputs gives their keys. A list's inputs are all checked before anything is sent; an
        iterator's are read one at a time, and one that cannot be sent gets an
        `InvalidArgumentError` result.

        `concurrency="auto"` starts as many tasks as the account has free sessions
        (`billing.account()`, re-read every 30 s; one at a time while it cannot be read); a
        number fixes the limit. A create answered
        429 made nothing: it waits, longer each time, and is sent again, never counted as a
        failure. All running tasks share one polling budget: each is polled about once per
        `poll_interval`, evenly spread, and a 429 slows them all.

        With `journal` (a file path: an SQLite database) each input's state is written before
        and after its create, and each create carries a run tag in its `metadata`. Running the
        same inputs with the same journal again resumes: ended inputs are given back from the
        journal (`resumed`), running ones are watched again, and a create whose answer was lost
        is found by its tag before any new create.

        A task that costs more than `max_cost` (USD) or runs past `timeout` seconds is stopped,
        and its result's error says so; once the batch has cost more than `max_total_cost`,
        inputs not yet started end with such an error instead (a resume can run them). A task
        that ends other than finished gets a `TaskFailedError` result with the task.

        Leaving early (breaking out, a cancellation, Ctrl-C in the blocking client) stops every
        task the batch started, within about 15 s, and logs how many; with
        `stop_on_exit=False` they keep running, and a resume watches them again. Use
        `contextlib.aclosing` to leave an `async for` early: an async iterator is only closed
        when told.

        `progress` (a text stream, e.g. `sys.stderr`) shows how the batch stands, `done 120 ·
        running 50 · queued 830 · failed 3 · $1.23`: one line redrawn on a terminal, a plain
        line every 10 s when piped, and the final counts at the end. Writing to it never
        breaks the batch: a stream that fails just shows no more.
        """
        limit = _concurrency(concurrency)
        if journal is not None:
            check_path(journal)
        settings = Settings(
            concurrency=limit,
            journal=journal,
            structured=None
            if output_type is None
            else functools.partial(_structured_result, output_type=output_type),
            timeout=None if timeout is None else positive_seconds(timeout, "timeout"),
            poll_interval=positive_seconds(poll_interval, "poll_interval"),
            max_cost=None if max_cost is None else usd_amount(max_cost, "max_cost"),
            max_total_cost=None
            if max_total_cost is None
            else usd_amount(max_total_cost, "max_total_cost"),
            stop_on_exit=check_bool(stop_on_exit, "stop_on_exit"),
            progress=_progress(progress, self._clock),
            total=len(inputs) if isinstance(inputs, Sized) else None,
        )
        extra = take_request_options(options)
        common: dict[str, Any] = dict(options)
        if output_type is not None:
            if "structured_output" in common:
                raise InvalidArgumentError(
                    "pass output_type or structured_output, not both: output_type sends "
                    "its own schema"
                )
            common["structured_output"] = json_schema(output_type)
        build = cast("Callable[[str, dict[str, Any]], CreateTaskRequest]", _create_request)
        build("the common options", dict(common))  # checked once, up front
        items: Iterable[Item | BadItem] = read_inputs(
            inputs, common, build, journaled=journal is not None
        )
        if isinstance(inputs, Collection):  # all checked before anything is sent
            items = list(items)
            bad = next((item for item in items if isinstance(item, BadItem)), None)
            if bad is not None:
                raise bad.error
        else:
            check_inputs(inputs)
        return run_batch(_BatchOps(self, self._request, extra), items, settings, self._clock)


def _concurrency(value: object) -> int | None:
    if value == "auto":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise InvalidArgumentError(f'concurrency must be "auto" or an int >= 1, got {shown(value)}')


def _progress(stream: object, clock: Clock) -> Progress | None:
    if stream is None:
        return None
    if not callable(getattr(stream, "write", None)):
        raise InvalidArgumentError(
            f"progress must be a text stream (such as sys.stderr) or None, got {shown(stream)}"
        )
    return Progress(cast("TextIO", stream), clock=clock)


_NOT_429: Any = RetryPolicy().retry_statuses - {429}  # mypy cannot solve the converter's type
_BATCH_RETRY = RetryPolicy(retry_statuses=_NOT_429)
"""The batch runner answers 429s itself: across the batch, not one request at a time."""


class _BatchOps:
    """The calls `run_many`'s runner makes, with the batch's request options."""

    def __init__(self, tasks: AsyncTasks, request: RequestFn, extra: RequestOptions) -> None:
        self._tasks, self._request = tasks, request
        self._extra, self._reads = extra, without_body(extra)

    async def create(self, body: CreateTaskRequest) -> TaskCreatedResponse:
        request = self._request
        return await request(
            "POST", "/tasks", TaskCreatedResponse, body, extra=self._extra, retry=_BATCH_RETRY
        )

    async def status(self, task_id: uuid.UUID) -> TaskStatusView:
        request = self._request
        path = f"{_task_path(task_id)}/status"
        return await request("GET", path, TaskStatusView, extra=self._reads, retry=_BATCH_RETRY)

    async def get(self, task_id: uuid.UUID) -> TaskView:
        return await self._tasks.get(task_id, **self._reads)

    async def stop(self, task_id: uuid.UUID, *, and_session: bool) -> TaskView:
        if and_session:
            return await self._tasks.stop_task_and_session(task_id, **self._reads)
        return await self._tasks.stop(task_id, **self._reads)

    async def created_since(self, moment: dt.datetime) -> AsyncIterator[TaskItemView]:
        async for task in self._tasks.list(page_size=100, after=moment, **self._reads):
            yield task

    async def account(self) -> AccountView:
        request = self._request
        return await request("GET", "/billing/account", AccountView, extra=self._reads)


class AsyncTasksWithRawResponse(RawView):
    """`client.tasks.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncTasks.list)
    get = raw_twin(AsyncTasks.get)
    status = raw_twin(AsyncTasks.status)
    logs = raw_twin(AsyncTasks.logs)
    create = raw_twin(AsyncTasks.create)
    update = raw_twin(AsyncTasks.update)
    stop = raw_twin(AsyncTasks.stop)
    stop_task_and_session = raw_twin(AsyncTasks.stop_task_and_session)
