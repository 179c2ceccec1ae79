"""Every exception the SDK raises on purpose derives from `BrowserUseError`."""

from __future__ import annotations

import pickle
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIKeySpendLimitError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BrowserUseError",
    "ClientClosedError",
    "ConflictError",
    "CostLimitExceededError",
    "InternalServerError",
    "InvalidArgumentError",
    "JournalError",
    "LocalFileError",
    "NoCapacityError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "QueueFullError",
    "RateLimitError",
    "ReentrantCallError",
    "ResponseTooLargeError",
    "RunFailedError",
    "RunTimeoutError",
    "TLSVerificationError",
    "TaskFailedError",
    "TaskTimeoutError",
    "TooManyConcurrentActiveSessionsError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "WorkspaceFileNotFoundError",
]


_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 80


def shown(value: object) -> str:
    """`repr(value)` for a message: shortened, and safe for values nested too deeply to repr
    or that contain themselves."""
    return _SHOWN.repr(value)


class BrowserUseError(Exception):
    """Base class of every error raised by browser-use-async.

    Every one pickles (process pools, Celery, multiprocessing): it is rebuilt from its args
    and attributes without calling `__init__`, so subclasses' keyword-only fields need no code
    of their own. `__cause__` goes along when it pickles itself.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # The cause travels as bytes pickled once: a cause tried, then pickled again with the
        # state, made every link of a chain of causes double the work (a cycle never ended).
        cause = _pickled(self.__cause__) if self.__cause__ is not None else None
        return (_rebuild, (type(self), self.args, cause), dict(self.__dict__))


def _rebuild(
    cls: type[BrowserUseError], args: tuple[Any, ...], cause: bytes | None = None
) -> BrowserUseError:
    error = cls.__new__(cls)
    error.args = args
    if cause is not None:
        error.__cause__ = pickle.loads(cause)  # noqa: S301 (part of the pickle being loaded)
    return error


def _pickled(value: BaseException) -> bytes | None:
    """`value` pickled, if it survives a round trip: many exceptions pickle but cannot be
    rebuilt (an `__init__` with other arguments than their `args`), which would break the
    loads."""
    try:
        data = pickle.dumps(value)
        pickle.loads(data)  # noqa: S301 (our own bytes)
    except Exception:
        return None
    return data


class InvalidArgumentError(BrowserUseError, ValueError):
    """An argument was rejected before any request was sent."""


class APIError(BrowserUseError):
    """A request was made and did not give a usable result.

    `attempts` is how many times the request was sent before giving up.
    """

    def __init__(self, message: str, *, method: str, url: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = attempts

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (after {self.attempts} attempts)"
        return self.message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection failed before a full response.

    `reached_server` is False only when the request provably never left the client
    (the connection could not be opened), so repeating it cannot duplicate work.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        reached_server: bool = True,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, method=method, url=url, attempts=attempts)
        self.reached_server = reached_server


class APITimeoutError(APIConnectionError):
    """No complete response arrived within the timeout."""


class TLSVerificationError(APIConnectionError):
    """The server's TLS certificate could not be verified; nothing was sent, and it is never
    retried (the same certificate fails again). See `verify_tls`."""


class ResponseTooLargeError(APIError):
    """The response body is larger than the client's `max_response_bytes`; it was not read."""


class APIResponseValidationError(APIError):
    """The server answered with a body that is not what the API documents.

    `errors` lists each problem with its JSON path, e.g. ``required field missing @ $.id``.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        body: bytes,
        errors: Sequence[str] = (),
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.body = body
        self.errors = list(errors)


class APIStatusError(APIError):
    """The server answered with a non-success status.

    `body` is the parsed JSON body when there is one, else the text. `retry_after`
    is the wait in seconds the server asked for, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        body: Any,
        headers: Mapping[str, str],
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, method=method, url=url, attempts=attempts)
        self.status_code = status_code
        self.body = body
        self.headers = Headers(headers)
        self.retry_after = retry_after


class Headers(Mapping[str, str]):
    """An answer's headers: read-only, names matched in any case as HTTP wants, repeated
    ones joined with ", "; unlike aiohttp's multidict proxy, it pickles."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._items: dict[str, tuple[str, str]] = {}  # lowercase name -> (name, value)
        for name, value in headers.items():
            key = name.lower()
            if key in self._items:
                first, joined = self._items[key]
                self._items[key] = (first, f"{joined}, {value}")
            else:
                self._items[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):  # so that .get(1) is None, as for any Mapping
            raise KeyError(name)
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class BadRequestError(APIStatusError):
    """400: the server refused the request as it stands."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PaymentRequiredError(APIStatusError):
    """402: the account has no credits left for this."""


class APIKeySpendLimitError(PaymentRequiredError):
    """402: this API key reached the monthly spend limit set for it in the dashboard.

    `code` is the API's ``api_key_monthly_spend_limit_reached``; `cap` (the limit) and
    `spent` (this month's spending) are US dollars, None when the answer leaves them out.
    Retrying does not help until the limit is raised or the month ends.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        body: Any,
        headers: Mapping[str, str],
        retry_after: float | None = None,
        attempts: int = 1,
        code: str,
        cap: Decimal | None,
        spent: Decimal | None,
    ) -> None:
        super().__init__(
            message,
            method=method,
            url=url,
            status_code=status_code,
            body=body,
            headers=headers,
            retry_after=retry_after,
            attempts=attempts,
        )
        self.code = code
        self.cap = cap
        self.spent = spent


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource for this API key."""


class ConflictError(APIStatusError):
    """409: the resource's state does not allow this now."""


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected the request's parameters.

    `details` holds FastAPI's validation items (``loc``, ``msg``, ``type``) when given.
    """

    @property
    def details(self) -> list[dict[str, Any]]:
        return validation_items(self.body)


def validation_items(body: object) -> list[dict[str, Any]]:
    """The items of a FastAPI `{"detail": [{"loc", "msg", "type"}, ...]}` body (or one item)."""
    detail: object = None
    if isinstance(body, dict):
        detail = cast(dict[str, object], body).get("detail")
    if isinstance(detail, dict):
        detail = [cast(object, detail)]
    if not isinstance(detail, list) or not detail:
        return []
    items = cast(list[object], detail)
    valid = [cast(dict[str, Any], i) for i in items if isinstance(i, dict) and "msg" in i]
    return valid if len(valid) == len(items) else []


class RateLimitError(APIStatusError):
    """429: too many requests or too many concurrent sessions; see `retry_after`."""


class TooManyConcurrentActiveSessionsError(RateLimitError):
    """429 "Too many concurrent active sessions": no capacity for another session or browser.

    The create was refused before anything was made (`created` is False), so sending it again
    is safe (`safe_to_retry`) once a session ends, and a POST is retried on it by default.
    """

    created = False
    safe_to_retry = True


class QueueFullError(RateLimitError):
    """429 from API v4 (`detail.code` "queue_full"): the session's queue of follow-up messages
    is full. Nothing was queued; send it again once the queue has moved."""


class NoCapacityError(TooManyConcurrentActiveSessionsError):
    """429 from API v4 (`detail.code` "no_capacity"): no capacity to start another run now,
    the project's concurrent sessions all in use. Nothing was created (`created` is False),
    so sending it again is safe once one ends; a POST is retried on it by default."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class LocalFileError(BrowserUseError, OSError):
    """A local file failed during a transfer: it could not be read or written, or it changed
    size while being uploaded. The transfer was abandoned; a download leaves no partial file.
    The `OSError` behind it, if any, is chained as `__cause__`."""


class WorkspaceFileNotFoundError(BrowserUseError, LookupError):
    """A v4 workspace has no file at the path asked for (`workspaces.download`): its listing
    was read and holds none. `workspace_id` and `path` say which."""

    def __init__(self, message: str, *, workspace_id: str, path: str) -> None:
        super().__init__(message)
        self.workspace_id = workspace_id
        self.path = path


class ClientClosedError(BrowserUseError, RuntimeError):
    """The client was used after `close()`, or on an event loop other than its own."""


class TaskTimeoutError(BrowserUseError, TimeoutError):
    """A task did not reach a final status in time; it may still be running on the server.

    `status` is the last status seen. `stopped` says what `tasks.run` did about it: True, the
    stop was confirmed; False, the stop failed (its error is the `__cause__`); None, no stop
    was attempted (`tasks.wait`, or `stop_on_exit=False`): the task keeps running.
    """

    def __init__(
        self, message: str, *, task_id: object, status: str, stopped: bool | None = None
    ) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.status = status
        self.stopped = stopped


class RunTimeoutError(TaskTimeoutError):
    """A v4 run did not reach a terminal status in time; it may still be running.

    `run_id` names it (`task_id` too, as for a v2 task), `status` is the last status seen.
    `stopped` says what `runs.run` did about it: True, the cancel was confirmed; False, the
    cancel failed (its error is the `__cause__`); None, no cancel was attempted (`runs.wait`,
    or `cancel_on_exit=False`): the run keeps running.
    """

    def __init__(
        self, message: str, *, run_id: object, status: str, stopped: bool | None = None
    ) -> None:
        super().__init__(message, task_id=run_id, status=status, stopped=stopped)
        self.run_id = run_id


class TaskFailedError(BrowserUseError):
    """A task ended without the result asked for (failed, stopped, or unreadable output).

    `task` is the final `TaskView`.
    """

    def __init__(self, message: str, *, task: object) -> None:
        super().__init__(message)
        self.task = task


class RunFailedError(TaskFailedError):
    """A v4 run ended without the result asked for (failed, cancelled, or a result that is not
    of the output type). `run` (also `task`) is the final `RunSummary`."""

    def __init__(self, message: str, *, run: object) -> None:
        super().__init__(message, task=run)
        self.run = run


class CostLimitExceededError(TaskFailedError):
    """A task cost more than the `max_cost` (US dollars) it was run with.

    `cost` is the cost seen, `max_cost` the limit. `stopped` says what `tasks.run` did: True,
    the stop was confirmed; False, the stop failed (its error is the `__cause__`), so the task
    may still be running; None, nothing was stopped: the task had ended, over the limit, by
    the time it was seen. `task` is the `TaskView` the stop answered with (or the ended task),
    None when the stop failed.
    """

    def __init__(
        self,
        message: str,
        *,
        task: object,
        cost: Decimal,
        max_cost: Decimal,
        stopped: bool | None = None,
    ) -> None:
        super().__init__(message, task=task)
        self.cost = cost
        self.max_cost = max_cost
        self.stopped = stopped


class WebhookVerificationError(BrowserUseError):
    """A webhook request is not provably from Browser Use, or is too old to trust.

    The message says what was wrong (a missing header, a signature that does not match, a
    timestamp outside the tolerance, a body that is not JSON); it never contains the secret.
    Answer such a request with 400 or 401 and do not act on it.
    """


class ReentrantCallError(BrowserUseError, RuntimeError):
    """A blocking `BrowserUse` call was made on that client's own event-loop thread.

    It would wait for itself forever; code running on that loop must use the async client.
    """


class JournalError(BrowserUseError):
    """A batch's journal cannot be used (unreadable, or written for another batch), or a write
    to it failed. When raised before a batch starts, nothing was sent."""


def may_have_created(error: BrowserUseError) -> bool:
    """Whether a create that failed with `error` may have made its resource anyway: the
    request reached the server and no answer proves it refused."""
    if isinstance(error, APIConnectionError):
        return error.reached_server
    return isinstance(
        error, InternalServerError | APIResponseValidationError | ResponseTooLargeError
    )


# Tracebacks name the path users import from: `browser_use_async.NotFoundError: ...`, not the
# private module's. Pickles find the classes there too.
for _name in __all__:
    globals()[_name].__module__ = "browser_use_async"
