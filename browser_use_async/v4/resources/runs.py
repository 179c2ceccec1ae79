"""`client.runs`: the runs, their status, events and attachments of the v4 API."""

import contextlib
import decimal
import functools
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from typing import Any, TypedDict, TypeVar, Unpack, overload

from browser_use_async._clock import Clock
from browser_use_async._exceptions import (
    APIResponseValidationError,
    NotFoundError,
    RunFailedError,
    RunTimeoutError,
)
from browser_use_async._launch import KEEPS_RUNNING, Kind, Launch, launched
from browser_use_async._polling import poll
from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._structured._output import read_as
from browser_use_async._structured._types import type_name
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import (
    check_bool,
    check_int,
    check_text,
    check_uuid,
    positive_seconds,
)
from browser_use_async.resources._base import (
    AsyncResource,
    RequestFn,
    create_body,
    take_request_options,
    without_body,
)
from browser_use_async.resources._pagination import AsyncPager, cursor_pager
from browser_use_async.v4.models.runs import (
    RunAttachmentsResponse,
    RunBrowserSettings,
    RunCreateRequest,
    RunCreateResponse,
    RunEvent,
    RunEventsResponse,
    RunJudgeSettings,
    RunListResponse,
    RunModel,
    RunStatus,
    RunStatusResponse,
    RunSummary,
    SecretBinding,
    is_final,
)

__all__ = ["RUN", "AsyncRuns", "AsyncRunsWithRawResponse", "RunOptions", "RunRequestOptions"]

T = TypeVar("T")

RUN = Kind(
    noun="run",
    resource="runs",
    stop="cancel",
    stopped="cancelled",
    stopping="cancelling",
    is_final=is_final,
)
"""A v4 run, as `run`'s launch speaks of it."""

NOT_FOUND_GRACE = 5.0
"""Seconds a wait takes a run's 404 for a run not yet visible (just created), as long as no
status of it was seen: the official client allows as long."""

NOT_FOUND_RETRY = 0.5
"""Seconds between status reads while a run is not yet visible."""

READY_EVENTS = frozenset({"browser.ready", "browser.reattached"})
"""The events that carry the live view's URL (`data.liveUrl`): a follow-up run that reuses
its session's browser tells `browser.reattached` instead of `browser.ready`."""

END_EVENTS = frozenset({"run.completed", "run.failed", "run.cancelled", "run.dispatch_failed"})
"""The events a run's last one is."""

EVENTS_PAGE = 200
"""Events asked for per page by `stream` (the API's default)."""


def _run_path(run_id: object) -> str:
    return f"/runs/{uuid_segment(run_id, 'run_id')}"


class RunOptions(TypedDict, total=False):
    """The optional arguments of `runs.create` and `runs.run`: `RunCreateRequest`'s fields."""

    output_schema: Mapping[str, Any] | type | None
    model: RunModel | str
    model_params: Mapping[str, Any] | None
    session_id: uuid.UUID | str | None
    workspace_id: uuid.UUID | str | None
    browser_settings: RunBrowserSettings | None
    keep_alive: int | None
    agentmail: bool
    agentcard_wallet_id: uuid.UUID | str | None
    stripe_link_connection_id: uuid.UUID | str | None
    attached_file_ids: Iterable[uuid.UUID | str] | None
    secret_bindings: Iterable[SecretBinding] | None
    op_vault_id: str | None
    op_vault_allowed_domains: Iterable[str] | None
    judge: RunJudgeSettings | None
    max_cost_usd: decimal.Decimal | float | str | None


class RunRequestOptions(RunOptions, RequestOptions, total=False):
    """The keywords of `runs.create` and `runs.run`: the run's options and the request's."""


def _create_request(task: str, options: RunOptions, output_type: object = None) -> RunCreateRequest:
    return create_body(
        RunCreateRequest,
        task,
        options,
        known=RunRequestOptions,
        schema_field="output_schema",
        output_type=output_type,
    )


def _structured_result(run: RunSummary, output_type: type[T]) -> T:
    """`run`'s structured `output`, else its result text, read as `output_type`; a
    `RunFailedError` if it has none such."""
    output = run.result if run.output is None else run.output
    if run.status != RunStatus.COMPLETED or output is None:
        said = f": {run.error}" if run.error else ""
        raise RunFailedError(
            f"Run {run.id} ended {run.status} without a result to read as "
            f"{type_name(output_type)}{said}",
            run=run,
        )

    def unreadable(problems: str) -> RunFailedError:
        return RunFailedError(
            f"Run {run.id} completed, but its result is not a {type_name(output_type)}: {problems}",
            run=run,
        )

    return read_as(output, output_type, unreadable)


class AsyncRuns(AsyncResource):
    """The v4 API's runs (one agent turn in a session), their status, events and attachments."""

    def __init__(self, request: RequestFn, clock: Clock) -> None:
        super().__init__(request)
        self._clock = clock

    @property
    def with_raw_response(self) -> "AsyncRunsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `run`, `wait`, `stream` and `live_url` send several, so they are not there; `list`
        answers one page."""
        return AsyncRunsWithRawResponse(self._raw_copy())

    async def create(self, task: str, **options: Unpack[RunRequestOptions]) -> RunCreateResponse:
        """Create and start a run (`POST /runs`); billable work begins on the server.

        The options are `RunCreateRequest`'s fields; those left out are not sent, so the API's
        defaults apply. Without `session_id` the run starts a new session; with it, the run
        is the session's next turn. `max_cost_usd` (US dollars above 0: a `Decimal`, int,
        float or decimal string) is the session's budget, sent as a decimal string. Once the
        request may have reached the server, a create is retried only on a 429, which refuses
        it before anything is made.
        """
        extra = take_request_options(options)
        body = _create_request(task, options)
        return await self._request("POST", "/runs", RunCreateResponse, body, extra=extra)

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven | None = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[RunSummary, RunListResponse]:
        """Runs, most recent first (`GET /runs`), as a pager: one `RunListResponse` page, or
        every run from that page on, page after page by cursor.

        `limit` is the page size (at least 1; the API's default is 50); `cursor` a page's
        `next_cursor`, to start there; `session_id` keeps the runs of one session.
        """
        params = {
            "limit": check_int(limit, "limit", 1),
            "cursor": check_text(cursor, "cursor", 1),
            "sessionId": check_uuid(session_id, "session_id"),
        }
        return cursor_pager(
            self._request, "/runs", RunListResponse, params, extra, items=lambda page: page.runs
        )

    async def get(self, run_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> RunSummary:
        """A run in full (`GET /runs/{run_id}`): its status and, once done, result or error."""
        return await self._request("GET", _run_path(run_id), RunSummary, extra=extra)

    async def status(
        self, run_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> RunStatusResponse:
        """A run's status alone (`GET /runs/{run_id}/status`): cheap enough to poll."""
        path = f"{_run_path(run_id)}/status"
        return await self._request("GET", path, RunStatusResponse, extra=extra)

    async def cancel(self, run_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> RunSummary:
        """Cancel a run (`POST /runs/{run_id}/cancel`) and return it.

        Cancelling is idempotent (a run cancelled twice stays cancelled, one already ended is
        left as it is), so the request is retried as a GET would be: after a dropped
        connection or a 5xx too.
        """
        conceal(extra)  # before the id is checked: its error's traceback shows these locals
        path = f"{_run_path(run_id)}/cancel"
        return await self._request("POST", path, RunSummary, extra=extra, idempotent=True)

    async def events(
        self,
        run_id: uuid.UUID | str,
        *,
        after: int | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> RunEventsResponse:
        """One page of a run's events (`GET /runs/{run_id}/events`), oldest first: those
        whose `id` is above `after` (the API's default 0: from the start), at most `limit`
        (at least 1; the API's default is 200). While `has_more`, pass `next_after` as
        `after` for the next page; `stream` does that for you."""
        params = {"after": check_int(after, "after", 0), "limit": check_int(limit, "limit", 1)}
        path = f"{_run_path(run_id)}/events"
        return await self._request("GET", path, RunEventsResponse, params=params, extra=extra)

    async def attachments(
        self, run_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> RunAttachmentsResponse:
        """The files the agent attached to a run (`GET /runs/{run_id}/attachments`)."""
        path = f"{_run_path(run_id)}/attachments"
        return await self._request("GET", path, RunAttachmentsResponse, extra=extra)

    async def wait(
        self,
        run_id: uuid.UUID | str,
        *,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        **extra: Unpack[RequestOptions],
    ) -> RunSummary:
        """Poll until the run is completed, failed or cancelled, then return it in full.

        Polls the cheap status endpoint, first after half a second, then less and less often
        up to every `poll_interval` seconds, then gets the run once. A run just created may
        not be visible yet: a 404 is read again for up to 5 s, until a status has been seen.
        After `timeout` seconds (None: no limit) it raises `RunTimeoutError`; the run keeps
        running on the server. The request options go with each request.
        """
        conceal(extra)
        return await self._wait(run_id, extra, timeout=timeout, poll_interval=poll_interval)

    async def _wait(
        self,
        run_id: uuid.UUID | str,
        extra: RequestOptions,
        *,
        timeout: float | None,
        poll_interval: float,
    ) -> RunSummary:
        polls = self._poll(run_id, extra, timeout=timeout, poll_interval=poll_interval)
        async with contextlib.aclosing(polls):
            async for _ in polls:
                pass
        return await self.get(run_id, **extra)

    def _poll(
        self,
        run_id: uuid.UUID | str,
        extra: RequestOptions,
        *,
        timeout: float | None,
        poll_interval: float,
        waiting_for: str = "",
    ) -> AsyncGenerator[RunStatusResponse]:
        """Status after status until a terminal one, from the cheap status endpoint; a 404
        before any status was seen is read again for a while (see `wait`). `waiting_for`
        says, in a timeout's message, what was awaited besides the run's end."""
        _run_path(run_id)
        limit = None if timeout is None else positive_seconds(timeout, "timeout")
        clock, seen = self._clock, False
        grace = NOT_FOUND_GRACE if limit is None else min(NOT_FOUND_GRACE, limit)

        async def fetch() -> RunStatusResponse:
            nonlocal seen
            started = clock.time()
            while True:
                try:
                    status = await self.status(run_id, **extra)
                except NotFoundError:
                    left = grace - (clock.time() - started)
                    if seen or left <= 0:
                        raise
                    await clock.sleep(min(NOT_FOUND_RETRY, left))
                    continue
                seen = True
                return status

        def timed_out(status: RunStatusResponse, waited: float, limit: float) -> RunTimeoutError:
            return RunTimeoutError(
                f"Run {run_id} is still {status.status}{waiting_for} after {waited:.1f} s "
                f"(timeout {limit:g} s){KEEPS_RUNNING}",
                run_id=run_id,
                status=status.status,
            )

        return poll(
            fetch,
            lambda status: is_final(status.status),
            clock=clock,
            poll_interval=poll_interval,
            timeout=timeout,
            timed_out=timed_out,
        )

    async def stream(
        self,
        run_id: uuid.UUID | str,
        *,
        after: int = 0,
        timeout: float | None = None,
        poll_interval: float = 2.0,
        **extra: Unpack[RequestOptions],
    ) -> AsyncIterator[RunEvent]:
        """Each event of a run, once and in `id` order, as they happen, until it has ended
        and every event is read.

        Starts after the event `after` (0: from the first), so that a consumer that kept the
        last `id` it handled resumes after a restart with `stream(run_id, after=last_id)`.
        Polls the cheap status endpoint (as `wait` does), and after each status reads every
        new event, page after page: events written before the run ended are all given before
        the stream ends. After `timeout` seconds (None: no limit) it raises `RunTimeoutError`.
        The request options go with each request.
        """
        conceal(extra)
        events = self._stream(
            run_id, extra, after=after, timeout=timeout, poll_interval=poll_interval
        )
        async with contextlib.aclosing(events):
            async for event in events:
                yield event

    async def _stream(
        self,
        run_id: uuid.UUID | str,
        extra: RequestOptions,
        *,
        after: int,
        timeout: float | None,
        poll_interval: float,
        waiting_for: str = "",
    ) -> AsyncGenerator[RunEvent]:
        last = check_int(after, "after", 0)
        polls = self._poll(
            run_id, extra, timeout=timeout, poll_interval=poll_interval, waiting_for=waiting_for
        )
        async with contextlib.aclosing(polls):
            async for _ in polls:
                more = True
                while more:
                    page = await self.events(run_id, after=last, limit=EVENTS_PAGE, **extra)
                    new = sorted((e for e in page.events if e.id > last), key=lambda e: e.id)
                    for event in new:
                        last = event.id
                        yield event
                    more = page.has_more and bool(new)  # a page that moves nothing ends it

    async def live_url(
        self,
        run_id: uuid.UUID | str,
        *,
        timeout: float | None = None,
        poll_interval: float = 2.0,
        **extra: Unpack[RequestOptions],
    ) -> str:
        """The URL of the run's live browser view, once its browser is up (the `liveUrl` of
        its `browser.ready` event, or of `browser.reattached` when a follow-up run reuses the
        session's browser).

        Reads the run's events as `stream` does. A run that ends before its browser is up
        raises `RunFailedError` with the run; after `timeout` seconds (None: no limit),
        `RunTimeoutError`.
        """
        conceal(extra)
        events = self._stream(
            run_id,
            extra,
            after=0,
            timeout=timeout,
            poll_interval=poll_interval,
            waiting_for=" with no live view yet",
        )
        async with contextlib.aclosing(events):
            async for event in events:
                if event.type in READY_EVENTS:
                    return _live_url(event)
                if event.type in END_EVENTS:
                    break
        run = await self.get(run_id, **extra)
        said = f": {run.error}" if run.error else ""
        raise RunFailedError(
            f"Run {run_id} ended ({run.status}) before its browser was ready, so it has no "
            f"live view{said}",
            run=run,
        )

    @overload
    async def run(
        self,
        task: str,
        *,
        output_type: None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        cancel_on_exit: bool = True,
        **options: Unpack[RunRequestOptions],
    ) -> RunSummary: ...

    @overload
    async def run(
        self,
        task: str,
        *,
        output_type: type[T],
        timeout: float | None = None,
        poll_interval: float = 5.0,
        cancel_on_exit: bool = True,
        **options: Unpack[RunRequestOptions],
    ) -> T: ...

    async def run(
        self,
        task: str,
        *,
        output_type: type[T] | None = None,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        cancel_on_exit: bool = True,
        **options: Unpack[RunRequestOptions],
    ) -> RunSummary | T:
        """Create a run, wait for it to end, and return it (a `RunSummary`, whatever its end).

        With `output_type` its JSON schema is sent as the run's `output_schema`, and the
        result (text) is read into it: a run that does not complete with such a result raises
        `RunFailedError`, whose message names the wrong fields' paths. The output types are
        `tasks.run`'s: an attrs class, a dataclass, a TypedDict, a pydantic v2 model, or
        `list[X]` of any of these or of scalars (asked for as `{"items": [...]}`). Every
        argument is checked before the create is sent.

        If the call is cancelled, interrupted or fails at any point after the create was sent,
        the create's answer is awaited and the run cancelled before the error propagates; each
        of the two waits lasts 5 s at most. The create is sent once, never again.
        `cancel_on_exit=False` leaves the run running, but still awaits the answer, to tell
        the run's id. `RunTimeoutError.stopped` tells how the cancel went; after a
        cancellation (or any other error) the outcome is logged as a warning on the
        "browser_use_async" logger.

        The request options go with every request it makes; `extra_body` only with the create.
        """
        limit = None if timeout is None else positive_seconds(timeout, "timeout")
        interval = positive_seconds(poll_interval, "poll_interval")
        check_bool(cancel_on_exit, "cancel_on_exit")
        extra = take_request_options(options)
        body = _create_request(task, options, output_type)
        launch = Launch(RUN)
        guard = self._launched(body, launch, cancel_on_exit=cancel_on_exit, extra=extra)
        try:
            async with guard as made:
                run = await self._wait(
                    made.id, without_body(extra), timeout=limit, poll_interval=interval
                )
        except RunTimeoutError as error:
            raise launch.timed_out(error) from launch.stop_error
        if output_type is None:
            return run
        return _structured_result(run, output_type)

    @contextlib.asynccontextmanager
    async def _launched(
        self,
        body: RunCreateRequest,
        launch: Launch,
        *,
        cancel_on_exit: bool,
        extra: RequestOptions | None = None,
    ) -> AsyncGenerator[RunCreateResponse]:
        """Create the run and give the answer; if anything (a cancellation too) ends the block
        early, cancel the run (if `cancel_on_exit`), bounded and through further
        cancellations, and record how that went in `launch`. Used by `run` and the command
        line. `extra` goes with the create, and without its `extra_body` with the cancel."""
        extra = extra or RequestOptions()
        cancel = functools.partial(self.cancel, **without_body(extra)) if cancel_on_exit else None
        create = self._request("POST", "/runs", RunCreateResponse, body, extra=extra)
        async with launched(create, launch, lambda _: cancel, quiet=(RunTimeoutError,)) as made:
            yield made


def _live_url(event: RunEvent) -> str:
    url = event.data.get("liveUrl")
    if isinstance(url, str) and url:
        return url
    path = f"{_run_path(event.run_id)}/events"
    raise APIResponseValidationError(
        f"Run {event.run_id}'s {event.type} event (id {event.id}) has no liveUrl: the API may "
        "have changed; upgrade browser-use-async, or report this.",
        method="GET",
        url=path,
        status_code=200,
        body=b"",
        errors=[f"required field missing @ $.events[id={event.id}].data.liveUrl"],
    )


class AsyncRunsWithRawResponse(RawView):
    """`client.runs.with_raw_response`: each operation answering `RawResponse`."""

    create = raw_twin(AsyncRuns.create)
    list = raw_twin(AsyncRuns.list)
    get = raw_twin(AsyncRuns.get)
    status = raw_twin(AsyncRuns.status)
    cancel = raw_twin(AsyncRuns.cancel)
    events = raw_twin(AsyncRuns.events)
    attachments = raw_twin(AsyncRuns.attachments)
