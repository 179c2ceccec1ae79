"""Issue 15 review: `tasks.wait`, `stream` and `run` on the one polling engine, attacked as a
hostile caller would, on the fake cloud over real sockets.

The client's clock moves the fake's: each wait the client sleeps passes as much time on the
fake, so tasks progress deterministically and no test sleeps for real.
"""

import asyncio
import contextlib
import gc
import json
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from browser_use_async import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncBrowserUse,
    BrowserUse,
    InternalServerError,
    InvalidArgumentError,
    RetryPolicy,
    TaskTimeoutError,
    verify_webhook,
)
from browser_use_async.models import TaskEvent
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from tests.conftest import ServerThread, ctrl_c_once
from tests.samples import TASK_ID

FINAL = {"finished", "failed", "stopped"}
NO_RETRIES = RetryPolicy(max_retries=0)


class FakeTime:
    """The client's clock: a sleep passes its seconds on the fake at once."""

    def __init__(self, fake: FakeBrowserUseCloud) -> None:
        self.fake = fake
        self.now = 0.0
        self.slept = 0.0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        self.fake.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def timed() -> AsyncIterator[tuple[FakeBrowserUseCloud, AsyncBrowserUse, FakeTime]]:
    async with FakeBrowserUseCloud(manual_time=True) as fake:
        clock = FakeTime(fake)
        async with AsyncBrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, clock=clock, retry=NO_RETRIES
        ) as client:
            yield fake, client, clock


Timed = tuple[FakeBrowserUseCloud, AsyncBrowserUse, FakeTime]


async def _drain(stream: AsyncIterator[Any]) -> list[Any]:
    return [event async for event in stream]


def _waiting(client: AsyncBrowserUse, method: str, task_id: str, **kw: Any) -> Awaitable[Any]:
    if method == "run":
        return client.tasks.run("Find a flight", **kw)
    if method == "wait":
        return client.tasks.wait(task_id, **kw)
    return _drain(client.tasks.stream(task_id, **kw))


BAD_SECONDS: list[object] = [
    True,
    False,
    float("nan"),
    float("inf"),
    float("-inf"),
    -1,
    -0.5,
    0,
    0.0,
    "5",
    b"5",
    [5],
    10**400,
    -(10**400),
]


@pytest.mark.parametrize("method", ["run", "wait", "stream"])
@pytest.mark.parametrize("name", ["poll_interval", "timeout"])
@pytest.mark.parametrize("value", BAD_SECONDS, ids=lambda v: repr(v)[:12])
async def test_bad_waiting_seconds_are_refused_before_anything_is_sent(
    timed: Timed, method: str, name: str, value: object
) -> None:
    fake, client, clock = timed
    task_id = str(fake.create_task())  # made on the fake directly: no request
    with pytest.raises(InvalidArgumentError, match=name):
        async with asyncio.timeout(5):
            await _waiting(client, method, task_id, **{name: value})
    assert fake.requests == []
    assert len(fake.tasks) == 1
    assert clock.slept == 0


async def test_poll_interval_none_is_refused_before_anything_is_sent(timed: Timed) -> None:
    fake, client, _ = timed
    task_id = str(fake.create_task())
    for method in ("run", "wait", "stream"):
        with pytest.raises(InvalidArgumentError, match="poll_interval"):
            await _waiting(client, method, task_id, poll_interval=None)
    assert fake.requests == []


HUGE = 10**400  # an int no float can hold: math.isfinite raises OverflowError on it


@pytest.mark.parametrize("value", [HUGE, -HUGE], ids=["huge", "-huge"])
async def test_an_int_too_large_for_a_float_is_refused_wherever_seconds_are_taken(
    value: int,
) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout"):
        AsyncBrowserUse(api_key="k", timeout=value)
    for field in ("initial_delay", "max_delay", "jitter", "max_retry_after", "deadline"):
        arguments: dict[str, Any] = {field: value}
        with pytest.raises(InvalidArgumentError, match=field):
            RetryPolicy(**arguments)
    with pytest.raises(InvalidArgumentError, match="tolerance"):
        verify_webhook(b"{}", {}, "whsec_secret", tolerance=value)


# -- cancellation at every point -------------------------------------------------------------


async def _cancel_after(
    fake: FakeBrowserUseCloud,
    work: "asyncio.Task[Any]",
    *,
    iterations: int | None = None,
    requests: int | None = None,
) -> bool:
    """Cancel `work` after `iterations` loop iterations or once the fake has seen `requests`
    requests; True if it was still running then."""
    async with asyncio.timeout(10):
        if iterations is not None:
            for _ in range(iterations):
                await asyncio.sleep(0)
        else:
            assert requests is not None
            for _ in range(100_000):
                if len(fake.requests) >= requests or work.done():
                    break
                await asyncio.sleep(0)
    running = not work.done()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        async with asyncio.timeout(15):
            await work
    return running


async def _quiet(fake: FakeBrowserUseCloud, clock: FakeTime) -> None:
    """Nothing sends a request any more: loop iterations and waits pass without one. (A
    request written before the cancellation may reach the fake just after it: it is let in
    first.)"""
    await asyncio.sleep(0.01)
    seen = len(fake.requests)
    for _ in range(30):
        await asyncio.sleep(0)
    await clock.sleep(60)
    for _ in range(30):
        await asyncio.sleep(0)
    assert len(fake.requests) == seen, [r.path for r in fake.requests[seen:]]


SCENARIO = TaskScenario(steps=4, start_delay=0.5, step_interval=1.0)


@pytest.mark.parametrize("method", ["wait", "stream"])
async def test_wait_and_stream_cancelled_at_every_point_leave_nothing_polling(
    timed: Timed, method: str
) -> None:
    fake, client, clock = timed
    points = cancelled = 0
    for n in range(120):
        task_id = str(fake.create_task(f"sweep {n}", scenario=SCENARIO))
        work = asyncio.ensure_future(_waiting(client, method, task_id, poll_interval=0.05))
        if n % 2:
            cancelled += await _cancel_after(fake, work, iterations=n * 2)
        else:
            cancelled += await _cancel_after(fake, work, requests=len(fake.requests) + n // 2)
        await _quiet(fake, clock)
        points += 1
    assert points == 120
    assert cancelled == 120, cancelled  # every point fell while it was still waiting


async def test_run_cancelled_at_every_point_leaves_no_task_running(timed: Timed) -> None:
    fake, client, clock = timed
    fake.default_scenario = SCENARIO
    points = stopped = 0
    for n in range(120):
        work = asyncio.ensure_future(client.tasks.run(f"sweep {n}", poll_interval=0.05))
        if n % 2:
            running = await _cancel_after(fake, work, iterations=n * 2)
        else:
            running = await _cancel_after(fake, work, requests=len(fake.requests) + n // 2)
        await _quiet(fake, clock)
        points += 1
        made = [t for t in fake.tasks.values() if t["task"] == f"sweep {n}"]
        assert len(made) <= 1
        for task in made:
            assert task["status"] in FINAL, (n, task["status"])
            stopped += running and task["status"] == "stopped"
    assert points == 120
    assert [t["task"] for t in fake.tasks.values() if t["status"] not in FINAL] == []
    assert stopped > 110, stopped


# -- fetch errors in the middle of polling -------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(status=500), InternalServerError),
        (Fault(status=503), InternalServerError),
        (Fault(disconnect="before_response"), APIConnectionError),
        (Fault(disconnect="during_body"), APIConnectionError),
    ],
)
@pytest.mark.parametrize("method", ["run", "wait", "stream"])
async def test_a_fetch_error_mid_poll_ends_the_wait_with_it(
    timed: Timed, method: str, fault: Fault, error: type[Exception]
) -> None:
    fake, client, clock = timed
    task_id = str(fake.create_task(scenario=SCENARIO))
    fake.default_scenario = SCENARIO
    fake.faults.add("GET /tasks/{task_id}/status", Fault(delay=0), times=2)
    fake.faults.add("GET /tasks/{task_id}/status", fault)
    with pytest.raises(error):
        async with asyncio.timeout(10):
            await _waiting(client, method, task_id, poll_interval=0.5)
    statuses = [r for r in fake.requests if r.path.endswith("/status")]
    assert len(statuses) == 3  # two answered, the third failed, no fourth
    await _quiet(fake, clock)
    if method == "run":
        [made] = [t for t in fake.tasks.values() if t["task"] == "Find a flight"]
        assert made["status"] == "stopped"
        assert fake.requests[-1].method == "PATCH"


# -- timeouts on the injected clock -------------------------------------------------------


@pytest.mark.parametrize("method", ["run", "wait", "stream"])
async def test_the_timeout_is_kept_to_the_second_on_the_clients_clock(
    timed: Timed, method: str
) -> None:
    fake, client, clock = timed
    slow = TaskScenario(steps=50, start_delay=0.5, step_interval=1.0)
    fake.default_scenario = slow
    task_id = str(fake.create_task(scenario=slow))
    with pytest.raises(TaskTimeoutError) as info:
        async with asyncio.timeout(10):
            await _waiting(client, method, task_id, poll_interval=2.0, timeout=7.25)
    assert clock.slept == 7.25
    assert "timeout 7.25 s" in str(info.value)
    await _quiet(fake, clock)


# -- streams closed early ------------------------------------------------------------------


async def test_a_stream_closed_early_sends_nothing_more(timed: Timed) -> None:
    fake, client, clock = timed
    for stop_after in range(1, 9):
        task_id = str(fake.create_task(f"close {stop_after}", scenario=SCENARIO))
        stream = cast(AsyncGenerator[TaskEvent], client.tasks.stream(task_id, poll_interval=0.5))
        seen = 0
        async with asyncio.timeout(10):
            async for _ in stream:
                seen += 1
                if seen == stop_after:
                    break
        await stream.aclose()
        await _quiet(fake, clock)
        with pytest.raises(StopAsyncIteration):
            await anext(stream)


async def test_a_stream_left_after_break_sends_nothing_more(timed: Timed) -> None:
    fake, client, clock = timed
    task_id = str(fake.create_task(scenario=SCENARIO))
    async with asyncio.timeout(10):
        async for _ in client.tasks.stream(task_id, poll_interval=0.5):
            break
    gc.collect()
    await _quiet(fake, clock)


async def test_a_stream_yields_each_step_once_and_in_order(timed: Timed) -> None:
    fake, client, _ = timed
    scenario = TaskScenario(steps=12, start_delay=0.5, step_interval=0.3)
    task_id = fake.create_task(scenario=scenario)
    async with asyncio.timeout(10):
        events = await _drain(client.tasks.stream(str(task_id), poll_interval=1.0))
    steps = [e.step.number for e in events if e.step is not None]
    assert steps == list(range(1, 13))
    assert events[-1].kind == "status"
    assert events[-1].status == "finished"
    statuses = [e.status for e in events if e.kind == "status"]
    assert statuses.count("finished") == 1


async def test_steps_added_in_bursts_between_polls_are_each_yielded_once(timed: Timed) -> None:
    fake, client, _ = timed
    task_id = fake.create_task(scenario=TaskScenario(steps=10_000, step_interval=10_000))
    burst = iter([3, 1, 5, 2, 4, 1])
    numbers: list[int] = []
    async with asyncio.timeout(10):
        async for event in client.tasks.stream(str(task_id), poll_interval=0.5):
            if event.step is not None:
                numbers.append(event.step.number)
            more = next(burst, None)
            if more is None:
                break
            fake.add_steps(task_id, more)
    assert numbers == sorted(set(numbers))
    assert numbers == list(range(1, len(numbers) + 1))


# -- Ctrl-C in the blocking client's run ---------------------------------------------------


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_while_a_blocking_run_polls_stops_the_task(server_thread: ServerThread) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    polled = threading.Event()
    statuses = 0

    @web.middleware
    async def note(request: web.Request, handler: Handler) -> web.StreamResponse:
        nonlocal statuses
        if request.path.endswith("/status"):
            statuses += 1
            if statuses == 2:
                polled.set()
        return await handler(request)

    fake.app.middlewares.append(note)
    server_thread.run(fake.start())
    try:
        press = ctrl_c_once(polled)
        with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            with pytest.raises(KeyboardInterrupt):
                client.tasks.run("Find a flight", poll_interval=0.05)
            assert press.join()  # the first Ctrl-C was enough
        [task] = fake.tasks.values()
        assert task["status"] == "stopped"
        assert [r.method for r in fake.requests][-1] == "PATCH"
    finally:
        server_thread.run(fake.close())


# -- hostile bodies in the middle of polling -----------------------------------------------


def _hostile_bodies() -> list[bytes]:
    status = json.dumps({"id": TASK_ID, "status": "started", "cost": "0.01"})
    bodies = [
        b"",
        b" ",
        b"null",
        b"[]",
        b"{}",
        b'"started"',
        b"{",
        b"[" * 100_000,
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 3000 + b"1" + b"}" * 3000,
        b"\xef\xbb\xbf" + status.encode(),
        status.encode("utf-16"),
        status.replace("started", "st\xe4rted").encode("latin-1"),
        b"\xff\xfe\x00",
        status.encode()[:-1],
        status.encode() + b"x",
        status[:-1].encode() + b', "id": 5}',
        status.replace('"status": "started"', '"status": "started", "status": 7').encode(),
        status.replace('"started"', '"st\\ud800rted"').encode(),
    ]
    for literal in ["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000, "1" * 25, "-" + "9" * 20]:
        bodies.append(status.replace('"0.01"', literal).encode())
        bodies.append(status.replace('"started"', literal).encode())
    return bodies


HOSTILE = _hostile_bodies()


async def test_a_hostile_status_body_mid_poll_is_a_validation_error_or_read(timed: Timed) -> None:
    """Each body, as the third status answer of `wait`, `stream` and `run`: read, or
    `APIResponseValidationError` from the call itself, and nothing polls on."""
    fake, client, clock = timed
    fake.default_scenario = SCENARIO
    outcomes: dict[str, int] = {}
    for body in HOSTILE:
        for method in ("wait", "stream", "run"):
            task_id = TASK_ID if method == "run" else str(fake.create_task(scenario=SCENARIO))
            fake.faults.clear()
            fake.faults.add("GET /tasks/{task_id}/status", Fault(delay=0), times=2)
            fake.faults.add("GET /tasks/{task_id}/status", Fault(body=body))
            try:
                async with asyncio.timeout(10):
                    await _waiting(client, method, task_id, poll_interval=0.5)
            except APIResponseValidationError:
                outcomes["refused"] = outcomes.get("refused", 0) + 1
            else:
                outcomes["read"] = outcomes.get("read", 0) + 1
            await _quiet(fake, clock)
    assert [t["task"] for t in fake.tasks.values() if t["status"] not in FINAL] == []
    assert sum(outcomes.values()) == 3 * len(HOSTILE)
    assert outcomes["refused"] >= 3 * (len(HOSTILE) - 5), outcomes  # BOM, UTF-16, ... are JSON
