"""The polling engine, `_polling.poll`: directly, on a resource other than tasks (a browser
timing out on the fake cloud), and as what `tasks.wait`, `stream` and `run` wait with."""

import asyncio
from collections.abc import AsyncGenerator
from typing import TypeVar

import attrs
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUseError,
    InvalidArgumentError,
    TaskTimeoutError,
    _polling,
)
from browser_use_async._polling import poll
from browser_use_async.models.browsers import BrowserSessionStatus, BrowserSessionView
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.conftest import RecordingClock

T = TypeVar("T")


class Overdue(BrowserUseError):
    def __init__(self, last: object, waited: float, limit: float) -> None:
        super().__init__(f"still {last} after {waited} s (timeout {limit} s)")
        self.last, self.waited, self.limit = last, waited, limit


@attrs.define
class Counter:
    """A fetch that gives 1, 2, 3, ... and moves `clock` by `cost` seconds per fetch."""

    clock: RecordingClock
    cost: float = 0.0
    fetches: int = 0

    async def __call__(self) -> int:
        self.fetches += 1
        self.clock.now += self.cost
        await asyncio.sleep(0)
        return self.fetches


def polling(
    fetch: Counter, done_at: int | None = None, *, interval: float = 1.0, timeout: float | None
) -> AsyncGenerator[int]:
    return poll(
        fetch,
        lambda n: n == done_at,
        clock=fetch.clock,
        poll_interval=interval,
        timeout=timeout,
        timed_out=Overdue,
    )


async def states(polls: AsyncGenerator[T]) -> list[T]:
    async with asyncio.timeout(5):
        return [state async for state in polls]


async def test_the_timeout_fires_when_the_clock_reaches_it(clock: RecordingClock) -> None:
    fetch = Counter(clock)
    started = clock.now
    with pytest.raises(Overdue) as info:
        await states(polling(fetch, timeout=3.0))
    assert clock.sleeps == [0.5, 0.75, 1.0, 0.75]  # the last wait ends at the timeout
    assert clock.now - started == 3.0
    assert (info.value.last, info.value.waited, info.value.limit) == (5, 3.0, 3.0)
    assert fetch.fetches == 5


async def test_time_spent_fetching_counts_against_the_timeout(clock: RecordingClock) -> None:
    fetch = Counter(clock, cost=2.0)
    with pytest.raises(Overdue) as info:
        await states(polling(fetch, timeout=3.0))
    assert clock.sleeps == [0.5]
    assert (info.value.last, info.value.waited) == (2, 4.5)


async def test_waits_grow_to_the_interval_and_no_fetch_follows_the_done_state(
    clock: RecordingClock,
) -> None:
    fetch = Counter(clock)
    assert await states(polling(fetch, done_at=7, interval=2.0, timeout=None)) == [*range(1, 8)]
    assert clock.sleeps == [0.5, 0.75, 1.125, 1.6875, 2.0, 2.0]
    assert fetch.fetches == 7


async def test_an_interval_below_the_first_wait_is_kept_from_the_start(
    clock: RecordingClock,
) -> None:
    assert await states(polling(Counter(clock), done_at=4, interval=0.2, timeout=None)) == [
        1,
        2,
        3,
        4,
    ]
    assert clock.sleeps == [0.2, 0.2, 0.2]


async def test_a_done_state_wins_over_a_timeout_that_passed_meanwhile(
    clock: RecordingClock,
) -> None:
    fetch = Counter(clock, cost=10.0)
    assert await states(polling(fetch, done_at=1, timeout=1.0)) == [1]
    assert clock.sleeps == []
    assert fetch.fetches == 1


async def test_a_fetch_error_propagates_as_it_is(clock: RecordingClock) -> None:
    failure = BrowserUseError("the third fetch fails")

    async def fetch() -> int:
        calls.append(clock.now)
        if len(calls) == 3:
            raise failure
        return len(calls)

    calls: list[float] = []
    polls = poll(
        fetch, lambda _: False, clock=clock, poll_interval=1, timeout=None, timed_out=Overdue
    )
    with pytest.raises(BrowserUseError) as info:
        await states(polls)
    assert info.value is failure
    assert len(calls) == 3
    assert clock.sleeps == [0.5, 0.75]  # no wait after the failure


@pytest.mark.parametrize(
    ("interval", "timeout", "named"),
    [
        (0, None, "poll_interval"),
        (True, None, "poll_interval"),
        (float("nan"), None, "poll_interval"),
        (1.0, 0, "timeout"),
        (1.0, -1.0, "timeout"),
        (1.0, float("inf"), "timeout"),
    ],
)
async def test_arguments_are_checked_before_the_first_fetch(
    clock: RecordingClock, interval: float, timeout: float | None, named: str
) -> None:
    fetch = Counter(clock)
    with pytest.raises(InvalidArgumentError, match=named):
        await states(polling(fetch, interval=interval, timeout=timeout))
    assert fetch.fetches == 0


class BlockingClock(RecordingClock):
    """A clock whose sleeps never end by themselves; `sleeping` is set while one is on."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = asyncio.Event()
        self.cancelled_sleeps = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sleeping.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled_sleeps += 1
            raise


async def _cancelled(polls: AsyncGenerator[int], started: asyncio.Event) -> None:
    """Consume `polls` in a task, cancel that once `started` is set, and check that the task
    ends cancelled and the generator with it."""
    consumer = asyncio.ensure_future(states(polls))
    async with asyncio.timeout(5):
        await started.wait()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        for _ in range(5):  # anything left running would move on meanwhile
            await asyncio.sleep(0)
    with pytest.raises(StopAsyncIteration):  # closed: a suspended one would fetch again
        await anext(polls)


async def test_a_cancellation_during_a_wait_ends_the_polling() -> None:
    clock = BlockingClock()
    fetch = Counter(clock)
    await _cancelled(polling(fetch, timeout=10.0), clock.sleeping)
    assert (fetch.fetches, clock.sleeps, clock.cancelled_sleeps) == (1, [0.5], 1)


async def test_a_cancellation_during_a_fetch_ends_the_polling(clock: RecordingClock) -> None:
    fetching = asyncio.Event()
    outcomes: list[str] = []

    async def fetch() -> int:
        fetching.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            outcomes.append("cancelled")
            raise
        return 1

    polls = poll(
        fetch, lambda _: True, clock=clock, poll_interval=1, timeout=None, timed_out=Overdue
    )
    await _cancelled(polls, fetching)
    assert outcomes == ["cancelled"]
    assert clock.sleeps == []


async def test_a_consumer_that_stops_early_closes_the_polling(clock: RecordingClock) -> None:
    fetch = Counter(clock)
    polls = polling(fetch, timeout=None)
    async with asyncio.timeout(5):
        async for state in polls:
            if state == 2:
                break
        await polls.aclose()
    with pytest.raises(StopAsyncIteration):
        await anext(polls)
    assert (fetch.fetches, clock.sleeps) == (2, [0.5])


# Another resource: a browser's lifetime runs out on the fake cloud, whose time moves by
# each wait of the client's clock (the `linked` client), so nothing really sleeps.


def _stopped(browser: BrowserSessionView) -> bool:
    return browser.status == BrowserSessionStatus.STOPPED


async def test_waiting_for_a_browser_to_stop(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock
) -> None:
    browser = await linked.browsers.create(timeout=1)  # minutes
    started = clock.now
    seen = await states(
        poll(
            lambda: linked.browsers.get(browser.id),
            _stopped,
            clock=clock,
            poll_interval=10,
            timeout=120,
            timed_out=Overdue,
        )
    )
    assert [state.status for state in seen[:-1]] == ["active"] * (len(seen) - 1)
    assert seen[-1].status == "stopped"
    assert 60 <= clock.now - started < 70  # seen at the first poll after its minute
    gets = [r for r in fake.requests if r.method == "GET" and str(browser.id) in r.path]
    assert len(gets) == len(seen) == len(clock.sleeps) + 1


async def test_a_browser_still_active_at_the_timeout_raises_the_resources_error(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock
) -> None:
    browser = await linked.browsers.create(timeout=1)
    started = clock.now
    polls = poll(
        lambda: linked.browsers.get(browser.id),
        _stopped,
        clock=clock,
        poll_interval=10,
        timeout=30,
        timed_out=Overdue,
    )
    with pytest.raises(Overdue) as info:
        await states(polls)
    assert clock.now - started == 30
    assert isinstance(info.value.last, BrowserSessionView)
    assert info.value.last.status == "active"
    assert (await linked.browsers.get(browser.id)).status == "active"


# The tasks' waiting runs on the engine: its schedule is theirs.


@pytest.fixture
def quicker(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The engine's schedule changed to waits of 0.25, 0.5, 1, 2, 4, ... seconds."""
    monkeypatch.setattr(_polling, "FIRST_WAIT", 0.25)
    monkeypatch.setattr(_polling, "GROWTH", 2.0)
    return [0.25 * 2**n for n in range(20)]


async def test_wait_stream_and_run_poll_through_the_engine(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock, quicker: list[float]
) -> None:
    scenario = TaskScenario(steps=3)
    async with asyncio.timeout(20):
        task_id = fake.create_task("Find flights", scenario=scenario)
        await linked.tasks.wait(task_id, poll_interval=1000)
        waited, clock.sleeps = clock.sleeps, []
        task_id = fake.create_task("Find flights", scenario=scenario)
        events = [event async for event in linked.tasks.stream(task_id, poll_interval=1000)]
        streamed, clock.sleeps = clock.sleeps, []
        await linked.tasks.run("Find flights", poll_interval=1000)
    for sleeps in (waited, streamed, clock.sleeps):
        assert sleeps, "each waited at least once"
        assert sleeps == quicker[: len(sleeps)]
    assert events[-1].status == "finished"


async def test_runs_timeout_comes_from_the_engine_and_stops_the_task(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock, quicker: list[float]
) -> None:
    started = clock.now
    with pytest.raises(TaskTimeoutError) as info:
        async with asyncio.timeout(20):
            await linked.tasks.run("Find flights", timeout=1.0, poll_interval=1000)
    assert clock.now - started == 1.0
    assert clock.sleeps == [0.25, 0.5, 0.25]
    assert "was stopped" in str(info.value)
    assert [task["status"] for task in fake.tasks.values()] == ["stopped"]
