"""`LoopThread`, the private loop of the blocking client, on its own."""

import ast
import asyncio
import signal
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from browser_use_async import ClientClosedError, ReentrantCallError
from browser_use_async._loop_thread import LoopThread
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import ctrl_c_once


@pytest.fixture
def portal() -> Iterator[LoopThread]:
    loop_thread = LoopThread(name="test")
    yield loop_thread
    loop_thread.close()


async def where_am_i() -> str:
    return threading.current_thread().name


def test_runs_coroutines_on_its_own_thread_started_lazily(portal: LoopThread) -> None:
    before = threading.active_count()  # the fixture built the portal: no thread yet
    assert portal.run(where_am_i()).startswith("test-loop-")
    assert threading.active_count() == before + 1
    assert portal.run(where_am_i()) == portal.run(where_am_i())
    portal.close()
    assert threading.active_count() == before


def test_the_same_exception_object_comes_back(portal: LoopThread) -> None:
    error = LookupError("no such thing")

    async def fail() -> None:
        raise error

    with pytest.raises(LookupError) as info:
        portal.run(fail())
    assert info.value is error


def test_a_blocking_call_from_the_loop_thread_is_refused(portal: LoopThread) -> None:
    async def inner() -> int:
        return 1

    async def outer() -> int:
        return portal.run(inner())  # would wait for itself forever

    with pytest.raises(ReentrantCallError, match="own event-loop thread"):
        portal.run(outer())

    async def close_from_inside() -> None:
        portal.close()

    with pytest.raises(ReentrantCallError):
        portal.run(close_from_inside())
    assert portal.run(inner()) == 1  # still usable


def test_iterate_walks_an_async_generator_and_closes_it_early(portal: LoopThread) -> None:
    events: list[str] = []

    async def numbers() -> AsyncIterator[int]:
        try:
            for n in range(1, 4):
                events.append(await where_am_i())
                yield n
        finally:
            events.append("closed")

    assert list(portal.iterate(numbers())) == [1, 2, 3]
    assert events[-1] == "closed"
    assert all(name.startswith("test-loop-") for name in events[:-1])

    events.clear()
    for n in portal.iterate(numbers()):
        if n == 2:
            break
    assert events[-1] == "closed"  # aclose ran on the loop before the loop statement ended


def test_close_cancels_calls_in_flight_and_awaits_on_close() -> None:
    closed_on: list[str] = []

    async def on_close() -> None:
        closed_on.append(await where_am_i())

    portal = LoopThread(on_close, name="test")
    started = threading.Event()
    outcome: list[BaseException] = []

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    def call() -> None:
        try:
            portal.run(forever())
        except BaseException as exc:  # recorded for the assertion below
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert started.wait(10)
    portal.close()
    caller.join(10)
    assert [type(e) for e in outcome] == [ClientClosedError]
    assert "closed while this call was in flight" in str(outcome[0])
    assert len(closed_on) == 1
    assert closed_on[0].startswith("test-loop-")
    portal.close()  # idempotent
    assert len(closed_on) == 1


def test_a_closed_portal_refuses_work_without_starting_a_thread() -> None:
    before = threading.active_count()
    portal = LoopThread(name="test")
    portal.close()
    with pytest.raises(ClientClosedError, match="closed"):
        portal.run(where_am_i())  # the coroutine is closed, not left "never awaited"
    assert threading.active_count() == before


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
@pytest.mark.parametrize("caller_runs", [False, True], ids=["handed-over", "caller-runs"])
def test_ctrl_c_caught_on_another_thread_stops_a_long_wait(caller_runs: bool) -> None:
    """SIGINT caught by another thread (as macOS may do, or Linux when the main thread has
    one pending; or caught by the main thread just before it blocked) interrupts no wait:
    the waiting main thread still acts on it within a fraction of a second, whether it
    handed its call to the loop's thread or runs the loop itself."""
    portal = LoopThread(name="test", caller_runs=caller_runs)
    try:
        started = threading.Event()

        async def forever() -> None:
            started.set()
            await asyncio.sleep(3600)

        main = threading.main_thread().ident
        assert main is not None
        pressed = threading.Event()
        other = threading.Thread(target=pressed.wait, args=(10,))  # alive until pressed
        other.start()

        def press() -> None:
            started.wait(10)
            assert other.ident is not None
            signal.pthread_kill(other.ident, signal.SIGINT)
            pressed.set()

        presser = threading.Thread(target=press)
        rescue = threading.Timer(5, signal.pthread_kill, (main, signal.SIGINT))  # a second Ctrl-C
        presser.start()
        rescue.start()
        begun = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                portal.run(forever())
        finally:
            rescue.cancel()
            presser.join()
            other.join()
        assert time.monotonic() - begun < 3  # not only at the second Ctrl-C
        where = portal.run(where_am_i())
        assert where == "MainThread" if caller_runs else where.startswith("test-loop-")
    finally:
        portal.close(join_timeout=10)


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_seen_only_as_the_call_ends_does_not_hang(portal: LoopThread) -> None:
    """SIGINT delivered to another thread (as macOS may do, or Linux when the main thread
    has one pending): the main thread runs the handler only when its wait is already over."""

    async def ident() -> int:
        return threading.get_ident()

    async def short() -> str:
        await asyncio.sleep(0.2)
        return "done"

    loop_thread = portal.run(ident())
    main = threading.main_thread().ident
    assert main is not None
    press = threading.Timer(0.05, signal.pthread_kill, (loop_thread, signal.SIGINT))
    rescue = threading.Timer(5, signal.pthread_kill, (main, signal.SIGINT))  # a second Ctrl-C
    press.start()
    rescue.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            portal.run(short())
    finally:
        rescue.cancel()
    assert time.monotonic() - started < 3  # not stuck until the second Ctrl-C
    assert portal.run(short()) == "done"


def test_ctrl_c_cancels_the_call_and_waits_for_its_cleanup(portal: LoopThread) -> None:
    started = threading.Event()
    cleanup: list[str] = []

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0)  # cleanup that itself awaits
            cleanup.append("done")

    presser = ctrl_c_once(started)
    with pytest.raises(KeyboardInterrupt):
        portal.run(slow())
    assert presser.join()  # the first Ctrl-C was enough
    assert started.is_set()
    assert cleanup == ["done"]  # finished before KeyboardInterrupt reached us
    assert portal.run(where_am_i()).startswith("test-loop-")  # the loop is fine


# The one place an event loop is run in a thread of its own; the test below is the exception,
# because what it checks is a fake started on one thread's loop and served by another's.
_RUNS_A_LOOP_IN_A_THREAD = {
    "browser_use_async/_loop_thread.py",
    "tests/test_sync_served_here.py",
}


def _runs_a_loop_forever(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Attribute) and node.attr == "run_forever" for node in ast.walk(tree)
    )


def test_one_loop_thread_primitive_serves_the_client_the_fake_and_the_tests() -> None:
    root = Path(__file__).resolve().parent.parent
    running = {
        path.relative_to(root).as_posix()
        for folder in ("browser_use_async", "tests", "benchmarks", "scripts", "examples")
        for path in (root / folder).rglob("*.py")
        if _runs_a_loop_forever(path)
    }
    assert running == _RUNS_A_LOOP_IN_A_THREAD


def test_the_fake_in_thread_mode_runs_on_a_loop_thread() -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        (serving,) = [t for t in threading.enumerate() if t.name.startswith("fake-browser-use")]
        assert serving.name.startswith("fake-browser-use-cloud-loop-")
        assert serving.daemon
    serving.join(5)
    assert not serving.is_alive()
    assert fake.open_connections == 0
