"""Every exception survives pickling: process pools, Celery and multiprocessing see the error
the call raised, with its type, message and fields."""

import asyncio
import concurrent.futures
import inspect
import multiprocessing
import pickle
import socket
import uuid
from decimal import Decimal
from typing import Any

import pytest

from browser_use_async import (
    APIConnectionError,
    AsyncBrowserUse,
    AuthenticationError,
    BrowserUseError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    _exceptions,
)
from browser_use_async._codec import decode
from browser_use_async.models import TaskView
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from tests.samples import task_bytes

# Values for constructor parameters by annotation, none of them the parameter's default.
SAMPLES: list[tuple[str, object]] = [
    ("bool", True),
    ("int", 3),
    ("float", 2.5),
    ("Sequence[str]", ["required field missing @ $.id"]),
    ("Mapping[str, str]", {"x-request-id": "req-1", "retry-after": "2"}),
    ("bytes", b'{"partial'),
    ("Decimal", Decimal("0.0006666666666666666666666666667")),
    ("str", "text"),
]


def _value(param: inspect.Parameter) -> object:
    if param.name == "task":
        return decode(task_bytes(), TaskView)
    annotation = str(param.annotation)
    for type_name, value in SAMPLES:
        if annotation.startswith(type_name):
            return value
    return {"any": [1, "json"]}


def _instances() -> list[BrowserUseError]:
    made: list[BrowserUseError] = []
    for name in _exceptions.__all__:
        cls = getattr(_exceptions, name)
        init = cls.__init__
        builtin = init is BaseException.__init__ or not inspect.isfunction(init)
        params = [] if builtin else list(inspect.signature(init).parameters.values())
        kwargs = {p.name: _value(p) for p in params if p.kind is p.KEYWORD_ONLY}
        made.append(cls(f"{name} happened", **kwargs))
    return made


def _round_trip(error: BaseException, protocol: int = pickle.DEFAULT_PROTOCOL) -> BaseException:
    copy: BaseException = pickle.loads(pickle.dumps(error, protocol))  # noqa: S301 (made here)
    return copy


def _same(left: BaseException, right: BaseException) -> None:
    assert type(left) is type(right)
    assert str(left) == str(right)
    assert left.args == right.args
    assert vars(left) == vars(right)


@pytest.mark.parametrize("error", _instances(), ids=lambda e: type(e).__name__)
def test_every_exception_round_trips(error: BrowserUseError) -> None:
    cause = ValueError("the reason")
    error.__cause__ = cause
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        copy = _round_trip(error, protocol)
        _same(copy, error)
        assert repr(copy.__cause__) == repr(cause)


def test_all_the_exceptions_are_covered() -> None:
    assert len(_instances()) == len(_exceptions.__all__) >= 22


def test_a_cause_that_does_not_pickle_is_left_behind() -> None:
    error = InvalidArgumentError("bad")
    error.__cause__ = ValueError(lambda: None)
    copy = _round_trip(error)
    _same(copy, error)
    assert copy.__cause__ is None


def test_multidict_headers_become_a_picklable_case_insensitive_mapping() -> None:
    from multidict import CIMultiDict, CIMultiDictProxy  # noqa: PLC0415

    raw = CIMultiDict([("X-Request-Id", "req-1"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
    error = _exceptions.NotFoundError(
        "gone", method="GET", url="u", status_code=404, body=None, headers=CIMultiDictProxy(raw)
    )
    assert error.headers == {"X-Request-Id": "req-1", "Set-Cookie": "a=1, b=2"}
    assert error.headers["x-request-id"] == error.headers["X-REQUEST-ID"] == "req-1"
    assert "set-COOKIE" in error.headers
    assert object() not in error.headers
    assert list(error.headers) == ["X-Request-Id", "Set-Cookie"]
    copy = _round_trip(error)
    _same(copy, error)
    assert isinstance(copy, _exceptions.NotFoundError)
    assert copy.headers["SET-COOKIE"] == "a=1, b=2"


def _fail(base_url: str, api_key: str, what: str) -> None:
    """In a worker process: a call that raises."""

    async def call() -> None:
        async with AsyncBrowserUse(
            api_key=api_key, base_url=base_url, retry=RetryPolicy(max_retries=0), timeout=5
        ) as client:
            if what == "bad id":
                await client.tasks.get("not-a-task-id")
            else:
                await client.tasks.get(uuid.uuid4() if what == "missing" else uuid.UUID(what))

    asyncio.run(call())


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_failing_calls_come_back_through_a_process_pool() -> None:
    async with asyncio.timeout(60), FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = str(fake.create_task())
        fake.faults.add(
            "GET /tasks/{task_id}", Fault(status=503, headers={"Retry-After": "7"}), times=1
        )
        calls: list[tuple[str, str, str, type[BaseException]]] = [
            (fake.base_url, fake.api_key, task_id, InternalServerError),
            (fake.base_url, fake.api_key, "missing", NotFoundError),
            (fake.base_url, "bu_wrong_key", task_id, AuthenticationError),
            (fake.base_url, fake.api_key, "bad id", InvalidArgumentError),
            (_closed_port(), fake.api_key, task_id, APIConnectionError),
        ]
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
            errors: list[Any] = []
            for base_url, key, what, _ in calls:
                try:
                    await loop.run_in_executor(pool, _fail, base_url, key, what)
                except Exception as error:
                    errors.append(error)
                else:
                    errors.append(None)
    assert [type(e) for e in errors] == [expected for *_, expected in calls]
    server_error, not_found, wrong_key, _, unreachable = errors
    assert server_error.status_code == 503
    assert server_error.retry_after == 7.0
    assert server_error.headers["Retry-After"] == server_error.headers["retry-after"] == "7"
    assert "HTTP 503" in str(server_error)
    assert not_found.status_code == 404
    assert wrong_key.status_code == 401
    assert "bu_wrong_key" not in str(wrong_key)
    assert unreachable.reached_server is False
    assert unreachable.method == "GET"


class StoppedTimeout(_exceptions.TaskTimeoutError):
    """A subclass with a keyword-only field of its own, as helpers add them."""

    def __init__(self, message: str, *, task_id: object, status: str, stopped: bool | None) -> None:
        super().__init__(message, task_id=task_id, status=status)
        self.stopped = stopped


def test_fields_added_by_subclasses_need_no_code_of_their_own() -> None:
    error = StoppedTimeout(
        "timed out; the stop failed", task_id="t", status="started", stopped=False
    )
    error.__cause__ = _exceptions.APIConnectionError("stop failed", method="PATCH", url="u")
    copy = _round_trip(error)
    _same(copy, error)
    assert isinstance(copy, TimeoutError)
    assert isinstance(copy.__cause__, _exceptions.APIConnectionError)
    assert copy.__cause__.method == "PATCH"
