"""When rows next change on their own: a heap of (moment, key), shared by v2 tasks and v4 runs.

`refresh` then looks only at the rows that are due, not at every running one, so a request
costs the same after 10 tasks or 10,000.
"""

import datetime as dt
import heapq
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["Wakes"]

_MICROSECOND = dt.timedelta(microseconds=1)
K = TypeVar("K")


class Wakes(Generic[K]):
    """Keys to look at again, each at the moment its row next changes."""

    def __init__(self) -> None:
        self._heap: list[tuple[dt.datetime, int, K]] = []
        self._pushed = 0  # ties by push order: keys need not be comparable

    def schedule(
        self, key: K, now: dt.datetime, advance: Callable[[K, dt.datetime], dt.datetime | None]
    ) -> None:
        """Bring `key`'s row up to `now` with `advance`, which answers when the row next
        changes (None: never again), and come back to it then."""
        wake = advance(key, now)
        if wake is not None:
            # A microsecond early (timedelta rounds): a look too soon changes nothing, one
            # too late would.
            soonest = now + _MICROSECOND
            self._pushed += 1
            heapq.heappush(self._heap, (max(wake - _MICROSECOND, soonest), self._pushed, key))

    def due(self, now: dt.datetime) -> Iterator[K]:
        """The keys whose moment has come, soonest first (each taken off the heap)."""
        while self._heap and self._heap[0][0] <= now:
            yield heapq.heappop(self._heap)[2]
