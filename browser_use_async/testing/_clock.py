"""The fake cloud's clock: time moves only when the test says so (or at a chosen speed)."""

import datetime as dt
import threading
import time

__all__ = ["FakeClock", "iso"]


def iso(moment: dt.datetime) -> str:
    """RFC 3339 in UTC with its offset (`2026-12-01T21:05:17.606630Z`): clients whose models
    require aware datetimes (the official SDK's do) read it, and so do those that don't."""
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


class FakeClock:
    """A clock for the fake cloud.

    It starts at `start` (default: the real time now) and stands still until `advance` is
    called. With `speed=1.0` it also runs on by itself at real-time pace (`speed=10.0`: ten
    times as fast), which suits a fake run as a process. Safe to use from any thread.
    """

    def __init__(self, start: dt.datetime | None = None, *, speed: float = 0.0) -> None:
        if speed < 0:
            raise ValueError("speed must be 0 or more")
        start = start or dt.datetime.now(dt.UTC)
        self._start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
        self._speed = speed
        self._advanced = 0.0
        self._origin = time.monotonic()
        self._lock = threading.Lock()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> dt.datetime:
        """The fake's current time, timezone-aware UTC."""
        with self._lock:
            elapsed = self._advanced + self._speed * (time.monotonic() - self._origin)
        return self._start + dt.timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`."""
        if seconds < 0:
            raise ValueError("the fake clock only moves forward")
        with self._lock:
            self._advanced += seconds

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now().isoformat()}, speed={self._speed})"
