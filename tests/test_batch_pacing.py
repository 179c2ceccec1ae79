"""The batch's shared polling budget and its capacity, on a clock of the test's own."""

import asyncio
import collections
import itertools

import pytest

from browser_use_async._batch._capacity import Capacity
from browser_use_async._batch._pacer import Pacer

pytestmark = pytest.mark.timeout(30)


class VirtualClock:
    """Time that moves only when every task is waiting on it: sleeps end in time order."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = 0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        self._count += 1
        self._sleepers.append((self.now + max(seconds, 0.0), self._count, wake))
        await wake

    async def run_until(self, end: float) -> None:
        """Let everything run, moving time to each next wake-up, until `end`."""
        while True:
            for _ in range(20):  # let the woken run until they wait again
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            self._sleepers.sort()
            at, _, wake = self._sleepers.pop(0)
            if at > end:
                self._sleepers.insert(0, (at, 0, wake))
                return
            self.now = at
            if not wake.done():
                wake.set_result(None)


async def watch(
    pacer: Pacer, name: int, polls: dict[int, list[float]], clock: VirtualClock
) -> None:
    pacer.watching += 1
    try:
        while True:
            await pacer.turn()
            polls[name].append(clock.time())
    finally:
        pacer.watching -= 1


@pytest.mark.parametrize(
    ("tasks", "interval"), [(1, 5.0), (10, 5.0), (200, 5.0), (1000, 5.0), (50, 0.5)]
)
async def test_each_task_is_polled_once_per_interval_and_the_polls_are_spread(
    tasks: int, interval: float
) -> None:
    clock = VirtualClock()
    pacer = Pacer(interval, clock)
    polls: dict[int, list[float]] = collections.defaultdict(list)
    jobs = [asyncio.ensure_future(watch(pacer, i, polls, clock)) for i in range(tasks)]
    dispatcher = asyncio.ensure_future(pacer.run())
    await clock.run_until(interval * 10)
    for job in [*jobs, dispatcher]:
        job.cancel()
    await asyncio.gather(*jobs, dispatcher, return_exceptions=True)
    every = sorted(t for times in polls.values() for t in times)
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(every)}
    assert gaps == {round(interval / tasks, 9)}  # evenly spread, never a burst
    for times in polls.values():
        per_task = {round(b - a, 9) for a, b in itertools.pairwise(times)}
        assert per_task == {round(interval, 9)}  # once per interval, each task
    assert len(every) / (interval * 10) <= tasks / interval + 1  # requests a second


async def test_a_429_slows_every_task_and_the_pace_recovers() -> None:
    clock = VirtualClock()
    pacer = Pacer(1.0, clock)
    pacer.watching = 10
    assert pacer.gap() == pytest.approx(0.1)
    pacer.throttled(retry_after=None)
    pacer.throttled(retry_after=None)
    assert pacer.gap() == pytest.approx(0.4)
    for _ in range(200):
        pacer.answered()
    assert pacer.gap() == pytest.approx(0.1)
    for _ in range(50):
        pacer.throttled(retry_after=None)
    assert pacer.gap() == pytest.approx(0.1 * 32)  # bounded


async def test_retry_after_on_a_poll_pauses_every_turn() -> None:
    clock = VirtualClock()
    pacer = Pacer(1.0, clock)
    polls: dict[int, list[float]] = collections.defaultdict(list)
    job = asyncio.ensure_future(watch(pacer, 0, polls, clock))
    dispatcher = asyncio.ensure_future(pacer.run())
    await clock.run_until(2.5)
    at = clock.time()
    pacer.throttled(retry_after=7.0)
    await clock.run_until(12.0)
    job.cancel()
    dispatcher.cancel()
    await asyncio.gather(job, dispatcher, return_exceptions=True)
    assert not [t for t in polls[0] if at < t < at + 7.0]
    assert [t for t in polls[0] if t >= at + 7.0]  # and then polling goes on


async def test_capacity_waits_for_a_slot_and_backs_off_after_429s() -> None:
    clock = VirtualClock()
    capacity = Capacity(2, auto=False, clock=clock)
    await capacity.acquire()
    await capacity.acquire()
    third = asyncio.ensure_future(capacity.acquire())
    await asyncio.sleep(0)
    assert not third.done()
    capacity.release()
    await asyncio.wait_for(third, 1)
    capacity.refused(retry_after=None, sent_at=clock.time())  # 0.375 to 0.5 s
    capacity.refused(retry_after=None, sent_at=clock.time())  # sent after it: 0.75 to 1 s
    capacity.release()
    fourth = asyncio.ensure_future(capacity.acquire())
    await clock.run_until(0.7)
    assert not fourth.done()
    await clock.run_until(1.01)
    assert fourth.done()
    assert capacity.limit == 2  # a fixed limit stays


async def test_auto_capacity_holds_at_what_runs_on_a_429_and_grows_with_the_account() -> None:
    clock = VirtualClock()
    capacity = Capacity(10, auto=True, clock=clock)
    for _ in range(4):
        await capacity.acquire()
    capacity.refused(retry_after=3.0, sent_at=clock.time())  # the fourth was refused
    assert capacity.limit == 3  # what runs
    capacity.resize(free=5, ceiling=10)
    assert capacity.limit == 4 + 5
    capacity.resize(free=-3, ceiling=10)  # another process took sessions
    assert capacity.limit == 1


class OversleepingClock(VirtualClock):
    """Every sleep takes a millisecond longer than asked, as short real sleeps do."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + 0.001)


async def test_the_pace_holds_when_sleeps_run_long() -> None:
    """500 tasks at 0.25 s are 2,000 polls a second, 0.5 ms apart: turns due within the same
    tick go out together rather than one per (longer) sleep."""
    clock = OversleepingClock()
    pacer = Pacer(0.25, clock)
    polls: dict[int, list[float]] = collections.defaultdict(list)
    jobs = [asyncio.ensure_future(watch(pacer, i, polls, clock)) for i in range(500)]
    dispatcher = asyncio.ensure_future(pacer.run())
    await clock.run_until(2.0)
    for job in [*jobs, dispatcher]:
        job.cancel()
    await asyncio.gather(*jobs, dispatcher, return_exceptions=True)
    total = sum(len(times) for times in polls.values())
    assert 0.95 * 4000 <= total <= 4000 + 500
    assert min(len(times) for times in polls.values()) >= 7  # every task, about 8 times
