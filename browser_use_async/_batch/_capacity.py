"""How many of a batch's tasks may be in flight at once.

The cloud counts sessions, not requests: a create answered 429 "Too many concurrent active
sessions" made nothing, so it is not a failure, only a sign to wait and, when the limit comes
from the account ("auto"), to hold at what is in flight now. Each create accepted while the
whole limit is in use tries one more, and the account is re-read from time to time: the
limit grows again as other users of the account (other processes running parts of the same
batch) let their sessions go.
"""

import asyncio
import math
import random

from browser_use_async._clock import Clock

__all__ = ["Capacity"]

FIRST_BACKOFF = 0.5
"""Seconds to wait after the first 429 in a row; each further one doubles it, up to..."""
MAX_BACKOFF = 30.0


class Capacity:
    """Slots for tasks in flight. `auto` lets 429s and the account's free sessions move the
    limit; a fixed limit only waits out 429s."""

    def __init__(self, limit: int, *, auto: bool, clock: Clock) -> None:
        self.limit = max(1, limit)
        self._ceiling = self.limit
        self.in_flight = 0
        self._auto = auto
        self._clock = clock
        self._strikes = 0  # rounds of 429s in a row
        self._refused_at = -math.inf  # when the last 429 came back
        self._paused_until = 0.0
        self._changed = asyncio.Event()

    async def acquire(self) -> None:
        """Wait for a free slot (and out any backoff), then take it."""
        while True:
            wait = self._paused_until - self._clock.time()
            if wait > 0:
                await self._clock.sleep(wait)
            elif self.in_flight < self.limit:
                self.in_flight += 1
                return
            else:
                self._changed.clear()
                await self._changed.wait()

    def take(self) -> None:
        """Count a task that is already running (a resumed one), whatever the limit."""
        self.in_flight += 1

    def release(self) -> None:
        self.in_flight -= 1
        self._changed.set()

    def refused(self, retry_after: float | None, *, sent_at: float) -> None:
        """A create (holding a slot) sent at `sent_at` was answered 429: wait before the next
        create, longer for each round of 429s in a row, or as long as the server asked.

        The creates in flight together are refused together: only one sent after the last
        429 came back (after a wait that was not long enough) makes the next wait longer,
        else a burst of 20 refusals would mean a 30 s wait at once."""
        if sent_at >= self._refused_at or not self._strikes:
            self._strikes += 1
        self._refused_at = self._clock.time()
        backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** min(self._strikes - 1, 16))
        backoff *= 1.0 - 0.25 * random.random()  # noqa: S311 (jitter, not cryptography)
        delay = max(backoff, retry_after or 0.0)
        self._paused_until = max(self._paused_until, self._clock.time() + delay)
        if self._auto:
            self.limit = max(1, self.in_flight - 1)

    def accepted(self) -> None:
        self._strikes = 0

    @property
    def wants_more(self) -> bool:
        """Every slot is taken and the account has sessions this batch does not use: worth
        reading the account again soon, to grow as other users let theirs go."""
        return self._auto and self.in_flight >= self.limit and self.limit < self._ceiling

    def resize(self, free: int, ceiling: int) -> None:
        """The account has `free` sessions to spare besides those in flight here, and
        `ceiling` in all."""
        if self._auto:
            self.limit = max(1, self.in_flight + free)
            self._ceiling = max(1, ceiling)
            self._changed.set()
