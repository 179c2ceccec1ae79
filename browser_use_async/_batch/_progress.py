"""The progress display of a batch: one line rewritten in place on a terminal, plain lines
now and then when the stream is piped to a file or a log.

A progress display must never break the batch it reports on, so nothing here raises from
writing: a closed or broken stream (OSError, ValueError) ends the display, silently.
"""

import asyncio
import decimal
import os
from typing import ClassVar, TextIO

import attrs

from browser_use_async._clock import Clock

__all__ = ["BatchCounts", "Progress", "progress_line"]


@attrs.frozen
class BatchCounts:
    """Where a batch stands: what the runner hands its progress display on every change."""

    done: int
    """Inputs that ended with a result."""
    failed: int
    """Inputs that ended with an error."""
    running: int
    """Inputs whose task was created and has not ended."""
    queued: int | None
    """Inputs not started yet; None while the number of inputs is unknown (a generator)."""
    cost: decimal.Decimal
    """USD so far: the last-known costs of the batch's tasks, summed."""


_CENT = decimal.Decimal("0.01")


def _dollars(cost: decimal.Decimal) -> str:
    """`cost` to the cent, halves rounded up as on a bill ($0.125 is $0.13), in Decimal
    arithmetic only; precise enough for any size, so that no amount raises."""
    if not cost.is_finite():
        return "$?"
    context = decimal.Context(prec=max(28, cost.adjusted() + 3), rounding=decimal.ROUND_HALF_UP)
    return f"${cost.quantize(_CENT, context=context)}"


def progress_line(counts: BatchCounts, separator: str = " · ") -> str:
    """`done 120 · running 50 · queued 830 · failed 3 · $1.23`; `queued ?` while the number of
    inputs is unknown."""
    queued = "?" if counts.queued is None else counts.queued
    return separator.join(
        [
            f"done {counts.done}",
            f"running {counts.running}",
            f"queued {queued}",
            f"failed {counts.failed}",
            _dollars(counts.cost),
        ]
    )


def _separator(stream: TextIO) -> str:
    """The dot between the counts, or a bar where the stream cannot encode it (ASCII)."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None:
        return " · "
    try:
        " · ".encode(encoding)
    except (LookupError, UnicodeError):
        return " | "
    return " · "


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):  # closed: nothing will be shown anyway
        return False


def _columns(stream: TextIO) -> int | None:
    """How much of a line fits on the terminal now, leaving its last column free; a line
    that wrapped could not be redrawn in place. None: unknown, not cut."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):  # no descriptor (in memory), no terminal
        return None
    return columns - 1 if columns > 1 else None  # a pseudo-terminal may say 0


class Progress:
    """Writes a batch's `BatchCounts` to `stream`.

    On a terminal the line is redrawn in place at most `TERMINAL_INTERVAL` apart; piped, a
    plain line is written at most `PIPED_INTERVAL` apart, so a log gets a line every few
    seconds rather than one per change. An update that comes too soon is not lost: it is
    drawn when its interval ends (waiting on `clock`, inside the running event loop), so the
    display never shows a stale state for longer than one interval. `finish` always writes
    the final counts, on a line of their own, and ends the display.

    Writing never raises: an OSError or ValueError from the stream (closed, broken pipe,
    full disk) stops the display and the batch goes on.
    """

    TERMINAL_INTERVAL: ClassVar[float] = 0.1
    PIPED_INTERVAL: ClassVar[float] = 10.0

    def __init__(self, stream: TextIO, *, clock: Clock) -> None:
        self._stream = stream
        self._clock = clock
        self._live = _is_terminal(stream)
        self._separator = _separator(stream)
        self._interval = self.TERMINAL_INTERVAL if self._live else self.PIPED_INTERVAL
        self._drawn_at: float | None = None
        self._shown: BatchCounts | None = None
        self._pending: BatchCounts | None = None
        self._later: asyncio.Task[None] | None = None
        self._ended = False

    def update(self, counts: BatchCounts) -> None:
        """Show `counts` now, or when the current interval ends."""
        if self._ended:
            return
        self._pending = counts
        now = self._clock.time()
        if self._drawn_at is None or now - self._drawn_at >= self._interval:
            self._draw(now)
        elif self._later is None:
            self._defer(self._drawn_at + self._interval - now)

    def finish(self, counts: BatchCounts) -> None:
        """Write the final `counts` (whatever was shown last, and however recently), end the
        terminal's line, and stop: later calls do nothing."""
        if self._ended:
            return
        if self._later is not None:
            self._later.cancel()
            self._later = None
        self._show(counts, final=True)
        self._ended = True

    def _defer(self, delay: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside a loop: the next update or finish shows it
            return
        self._later = loop.create_task(self._draw_after(delay))

    async def _draw_after(self, delay: float) -> None:
        await self._clock.sleep(delay)
        self._later = None
        if not self._ended:
            self._draw(self._clock.time())

    def _draw(self, now: float) -> None:
        if self._pending is not None and self._pending != self._shown:
            self._drawn_at = now
            self._show(self._pending, final=False)

    def _show(self, counts: BatchCounts, *, final: bool) -> None:
        self._shown = counts
        line = progress_line(counts, self._separator)
        if self._live:  # back to the line's start, then clear what a longer line left
            line = f"\r{line[: _columns(self._stream)]}\033[K"
        try:
            self._stream.write(line + ("\n" if final or not self._live else ""))
            self._stream.flush()
        except (OSError, ValueError):  # ValueError: closed, or a character it cannot encode
            self._ended = True
