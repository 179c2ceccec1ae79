"""The batch's progress display: the line, how often a terminal and a pipe get it, that an
update which comes too soon is drawn later rather than lost, and that a broken stream never
breaks the batch."""

import asyncio
import fcntl
import io
import os
import re
import struct
import termios
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from browser_use_async import AsyncBrowserUse, BrowserUse, InvalidArgumentError
from browser_use_async._batch._progress import BatchCounts, Progress, progress_line
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import QUICK, RecordingClock


class Terminal(io.StringIO):
    """What a terminal is to the display: a stream whose `isatty` is true."""

    def isatty(self) -> bool:
        return True


def counts(done: int = 0, *, queued: int | None = 10, cost: str = "0") -> BatchCounts:
    return BatchCounts(done=done, failed=0, running=2, queued=queued, cost=Decimal(cost))


def test_the_line_says_each_count_and_the_cost_to_the_cent() -> None:
    line = progress_line(BatchCounts(done=120, failed=3, running=50, queued=830, cost=Decimal(1)))
    assert line == "done 120 · running 50 · queued 830 · failed 3 · $1.00"
    assert progress_line(counts(queued=None)) == "done 0 · running 2 · queued ? · failed 0 · $0.00"


@pytest.mark.parametrize(
    ("cost", "shown"),
    [
        ("0.125", "$0.13"),  # half a cent goes up, as on a bill (half-even would give $0.12)
        ("2.675", "$2.68"),  # a float would make this $2.67
        ("0.004999", "$0.00"),
        ("1E+30", "$1000000000000000000000000000000.00"),  # beyond the default precision
        ("1E-40", "$0.00"),
        ("NaN", "$?"),
        ("Infinity", "$?"),
    ],
)
def test_the_cost_is_rounded_in_decimal(cost: str, shown: str) -> None:
    assert progress_line(counts(cost=cost)).endswith(f" · {shown}")


LINE = re.compile(
    r"done (\d+) · running (\d+) · queued (\d+|\?) · failed (\d+) · \$(\d+\.\d\d)", re.ASCII
)


@given(
    st.tuples(*[st.integers(0, 10**9)] * 3),
    st.none() | st.integers(0, 10**9),
    st.decimals(min_value=0, allow_nan=False, allow_infinity=False),
)
def test_every_line_reads_back(
    ended: tuple[int, int, int], queued: int | None, cost: Decimal
) -> None:
    done, failed, running = ended
    line = progress_line(BatchCounts(done, failed, running, queued, cost))
    found = LINE.fullmatch(line)
    assert found is not None, line
    assert found.group(1, 2, 4) == (str(done), str(running), str(failed))
    assert found.group(3) == ("?" if queued is None else str(queued))
    shown = Decimal(found.group(5))
    assert abs(shown - cost) < Decimal("0.005") or shown - cost == Decimal("0.005")


def test_piped_a_line_is_written_at_most_every_interval_and_always_at_the_end() -> None:
    clock, out = RecordingClock(), io.StringIO()
    progress = Progress(out, clock=clock)
    progress.update(counts(0))
    for done in range(1, 20):  # 19 changes over 9.5 s: none written yet
        clock.now += 0.5
        progress.update(counts(done))
    clock.now += 0.5  # 10 s after the first line
    progress.update(counts(20))
    clock.now += 0.1
    progress.finish(counts(20))  # the same counts as the last line: written again
    assert out.getvalue().splitlines() == [progress_line(c) for c in map(counts, (0, 20, 20))]
    assert "\r" not in out.getvalue()
    assert "\033" not in out.getvalue()


def test_on_a_terminal_the_line_is_redrawn_in_place_at_most_ten_times_a_second() -> None:
    clock, out = RecordingClock(), Terminal()
    progress = Progress(out, clock=clock)
    for done in range(100):  # one second of changes, one every 10 ms
        progress.update(counts(done))
        clock.now += 0.01
    progress.finish(counts(100))
    drawn = out.getvalue().split("\033[K")
    assert drawn[-1] == "\n"  # the final line is kept, and what follows goes below it
    assert len(drawn) - 1 in range(10, 13)  # about ten draws in the second, then the final
    assert all(line.startswith("\r") for line in drawn[:-1])
    assert drawn[-2] == f"\r{progress_line(counts(100))}"


def test_unchanged_counts_are_not_drawn_again() -> None:
    clock, out = RecordingClock(), io.StringIO()
    progress = Progress(out, clock=clock)
    for _ in range(3):
        progress.update(counts(1))
        clock.now += Progress.PIPED_INTERVAL
    assert out.getvalue() == progress_line(counts(1)) + "\n"


async def test_an_update_that_comes_too_soon_is_drawn_when_its_interval_ends() -> None:
    clock, out = RecordingClock(), Terminal()
    progress = Progress(out, clock=clock)
    progress.update(counts(1))
    clock.now += 0.04
    progress.update(counts(2))
    progress.update(counts(3))  # one later draw for both
    assert progress_line(counts(3)) not in out.getvalue()
    async with asyncio.timeout(5):  # the later draw is the one other task
        await asyncio.gather(*asyncio.all_tasks() - {asyncio.current_task()})
    assert out.getvalue().endswith(f"\r{progress_line(counts(3))}\033[K")
    assert clock.sleeps == [pytest.approx(0.06)]
    assert progress_line(counts(2)) not in out.getvalue()
    progress.finish(counts(3))


async def test_finish_cancels_the_later_draw_and_nothing_is_left_running() -> None:
    clock, out = RecordingClock(), io.StringIO()
    progress = Progress(out, clock=clock)
    progress.update(counts(1))
    progress.update(counts(2))
    progress.finish(counts(3))
    progress.update(counts(4))  # after the end: ignored
    progress.finish(counts(5))
    await asyncio.sleep(0)  # the cancelled draw ends
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert out.getvalue().splitlines() == [progress_line(counts(1)), progress_line(counts(3))]
    assert clock.sleeps == []


class Broken(io.StringIO):
    """A stream whose every write fails with `error`; counts the attempts."""

    def __init__(self, error: Exception, *, terminal: bool = False) -> None:
        super().__init__()
        self.error, self.terminal, self.writes = error, terminal, 0

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        self.writes += 1
        raise self.error


@pytest.mark.parametrize(
    "error",
    [BrokenPipeError(32, "Broken pipe"), OSError(28, "No space left on device"), ValueError()],
)
@pytest.mark.parametrize("terminal", [False, True])
def test_a_failing_stream_ends_the_display_without_raising(
    error: Exception, terminal: bool
) -> None:
    clock, out = RecordingClock(), Broken(error, terminal=terminal)
    progress = Progress(out, clock=clock)
    progress.update(counts(1))
    clock.now += Progress.PIPED_INTERVAL
    progress.update(counts(2))
    progress.finish(counts(3))
    assert out.writes == 1  # not tried again after the failure


def test_a_closed_stream_is_no_terminal_and_raises_nothing() -> None:
    out = io.StringIO()
    out.close()
    progress = Progress(out, clock=RecordingClock())
    progress.update(counts(1))
    progress.finish(counts(2))


def test_a_stream_that_cannot_encode_the_dot_gets_bars() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    progress = Progress(out, clock=RecordingClock())
    progress.finish(BatchCounts(done=1, failed=2, running=3, queued=None, cost=Decimal("0.5")))
    assert raw.getvalue() == b"done 1 | running 3 | queued ? | failed 2 | $0.50\n"


@pytest.mark.parametrize(("columns", "shown"), [(30, 29), (0, None), (200, None)])
def test_on_a_narrow_terminal_the_line_is_cut_so_it_cannot_wrap(
    columns: int, shown: int | None
) -> None:
    """On a real pseudo-terminal: a line that wrapped would be redrawn below itself."""
    leader, follower = os.openpty()
    try:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        with open(follower, "w", encoding="utf-8", closefd=False) as screen:
            Progress(screen, clock=RecordingClock()).update(counts(1))
        written = os.read(leader, 1000).decode()
    finally:
        os.close(leader)
        os.close(follower)
    line = progress_line(counts(1))
    assert written == f"\r{line[:shown]}\033[K"


# -- run_many(progress=...) on the fake cloud ---------------------------------------------------


async def test_run_many_shows_its_counts_from_the_first_start_to_the_end(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    """Each start, each cost a poll sees, each end: the line is up to date throughout."""
    screen = Terminal()
    slow = attrs.evolve(QUICK, steps=4, step_interval=0.1)  # costs grow, polls see them
    live.scenarios.update({"Break it": attrs.evolve(slow, fail=True), "task 0": slow})
    prompts = ["Break it", *(f"task {i}" for i in range(4))]
    async with asyncio.timeout(30):
        batch = bu.tasks.run_many(prompts, concurrency=2, poll_interval=0.05, progress=screen)
        first = await anext(batch)
        before = screen.getvalue().split("\033[K")
        rest = [result async for result in batch]
    assert before[0] == "\rdone 0 · running 1 · queued 4 · failed 0 · $0.00"  # the first start
    running = [line for line in before if "done 0 · running 2 · queued 3 · failed 0" in line]
    assert any(not line.endswith("$0.00") for line in running), before  # costs while running
    assert first.index in (0, 1)
    assert len(rest) == 4
    drawn = screen.getvalue().split("\033[K")
    assert drawn[-2:] == ["\rdone 4 · running 0 · queued 0 · failed 1 · $0.14", "\n"]


def test_run_many_refuses_a_progress_that_is_no_stream() -> None:
    tasks = AsyncBrowserUse(api_key="bu_key").tasks
    with pytest.raises(InvalidArgumentError, match="progress must be a text stream"):
        tasks.run_many(["a"], progress="stderr")  # type: ignore[call-overload]


def test_the_blocking_run_many_shows_progress_too() -> None:
    with FakeBrowserUseCloud() as fake:
        fake.default_scenario = QUICK
        out = io.StringIO()
        with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            results = list(client.tasks.run_many(["a", "b"], poll_interval=0.05, progress=out))
    assert len(results) == 2
    assert out.getvalue().splitlines()[-1] == "done 2 · running 0 · queued 0 · failed 0 · $0.04"
