"""One polling budget for a whole batch.

Each running task asks for a turn before each status poll; turns are handed out one at a
time, spaced so that every task gets one about every `interval` seconds however many are
running (1,000 tasks at 5 s are 200 polls a second, evenly spread, not bursts). A 429 on
any poll slows every task, and the pace recovers as polls are answered.
"""

import asyncio
import collections

from browser_use_async._clock import Clock

__all__ = ["Pacer"]

MAX_SLOWDOWN = 32.0
RECOVERY = 0.95
"""Each answered poll takes the slowdown this much closer to none."""
TICK = 0.01
"""The shortest wait between handing out turns: faster turns go out several at a time."""


class Pacer:
    def __init__(self, interval: float, clock: Clock) -> None:
        self.interval = interval
        self.watching = 0
        self.slowdown = 1.0
        self._clock = clock
        self._turns: collections.deque[asyncio.Future[None]] = collections.deque()
        self._asked = asyncio.Event()
        self._paused_until = 0.0

    async def turn(self) -> None:
        """Wait for this task's next poll to be due."""
        granted = asyncio.get_running_loop().create_future()
        self._turns.append(granted)
        self._asked.set()
        await granted  # a cancelled waiter is skipped when its turn comes

    def throttled(self, retry_after: float | None) -> None:
        """A poll was answered 429: slow every task, and pause as long as the server asked."""
        self.slowdown = min(MAX_SLOWDOWN, self.slowdown * 2.0)
        if retry_after:
            self._paused_until = max(self._paused_until, self._clock.time() + retry_after)

    def answered(self) -> None:
        self.slowdown = max(1.0, self.slowdown * RECOVERY)

    def gap(self) -> float:
        """Seconds between two turns now."""
        return self.interval / max(self.watching, 1) * self.slowdown

    async def run(self) -> None:
        """Hand out turns until cancelled, each `gap()` after the one before on average.

        A sleep shorter than a few milliseconds takes longer than asked, so turns due less
        than TICK apart are handed out together, as many as are due, every TICK: 1,000 tasks
        at 5 s still get 200 polls a second."""
        due = self._clock.time()  # when the next turn may go
        while True:
            while not self._turns:
                self._asked.clear()
                await self._asked.wait()
                due = max(due, self._clock.time())  # idle time is not owed as a burst
            now = self._clock.time()
            due = max(due, self._paused_until, now - TICK)  # a stalled loop owes no burst
            if now < due:
                await self._clock.sleep(max(due - now, min(TICK, self.gap())))
                continue
            granted = self._turns.popleft()
            if not granted.done():  # a cancelled waiter gives its turn to the next
                granted.set_result(None)
                due += self.gap()
