"""Polling: fetch a resource's state again and again, with growing waits, until it is done.

Any resource can wait with it: it says how to fetch the state, when the state is done, and
what error a timeout raises; the waits run on the client's clock, so tests need not sleep.
"""

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

from browser_use_async._clock import Clock
from browser_use_async._exceptions import BrowserUseError
from browser_use_async._validation import positive_seconds

__all__ = ["TimedOut", "poll"]

T = TypeVar("T")

FIRST_WAIT = 0.5
"""Seconds before the second fetch (or `poll_interval`, if shorter): a state that settles
quickly is seen quickly."""

GROWTH = 1.5
"""Each wait is this times the one before, up to `poll_interval`."""

TimedOut = Callable[[T, float, float], BrowserUseError]
"""Makes the error a timeout raises, from the last state, the seconds waited and `timeout`."""


async def poll(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    clock: Clock,
    poll_interval: float,
    timeout: float | None,
    timed_out: TimedOut[T],
) -> AsyncGenerator[T]:
    """Each state `fetch` gives, until one is `done`: that one is the last, and no fetch
    follows it.

    `poll_interval` and `timeout` are checked here, by the names the public waiting methods
    give them. Once `timeout` seconds have passed since polling began without a done
    state, `timed_out(last, waited, timeout)` is raised; the last wait is cut short to end
    at the timeout. An error from `fetch` propagates as it is, and a cancellation stops the
    polling wherever it is (a fetch or a wait), with nothing left running.
    """
    cap = positive_seconds(poll_interval, "poll_interval")
    limit = None if timeout is None else positive_seconds(timeout, "timeout")
    started = clock.time()
    wait, last = min(FIRST_WAIT, cap), False
    while True:
        state = await fetch()
        yield state
        if done(state):
            return
        waited = clock.time() - started
        if limit is not None and (last or waited >= limit):
            raise timed_out(state, waited, limit)
        if limit is not None and limit - waited <= wait:
            # The fetch after this wait is the last, whatever the clock's rounding says: a
            # clock of large floats may come back from it a hair short of the timeout.
            wait, last = limit - waited, True
        await clock.sleep(wait)
        wait = min(wait * GROWTH, cap)
