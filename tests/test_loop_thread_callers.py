"""`LoopThread(caller_runs=True)`, the blocking client's loop: a call runs the loop on its
own thread while no other thread does, and is handed to the thread running it otherwise."""

import asyncio
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from types import FrameType

import pytest

import browser_use_async._loop_thread as loop_thread_module
from browser_use_async import ClientClosedError, ReentrantCallError
from browser_use_async._loop_thread import LoopThread
from tests.conftest import ctrl_c_once

posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and signals")


@pytest.fixture
def portal() -> Iterator[LoopThread]:
    loop_thread = LoopThread(name="callers", caller_runs=True)
    yield loop_thread
    loop_thread.close(join_timeout=10)


async def where_am_i() -> str:
    return threading.current_thread().name


def in_thread(target: Callable[..., object], *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args)
    thread.start()
    return thread


def test_a_lone_call_runs_the_loop_on_the_calling_thread(portal: LoopThread) -> None:
    before = threading.active_count()
    assert portal.run(where_am_i()) == "MainThread"
    assert threading.active_count() == before + 1  # the loop's own thread waits, idle
    names: list[str] = []
    worker = threading.Thread(target=lambda: names.append(portal.run(where_am_i())), name="w")
    worker.start()
    worker.join(10)
    assert names == ["w"]
    portal.close()
    assert threading.active_count() == before


def test_a_call_while_another_thread_runs_the_loop_is_handed_to_it(portal: LoopThread) -> None:
    """B calls while A runs the loop: B's coroutine runs on A's thread; once A's call is
    over, A leaves and the loop's own thread runs the rest of B's."""
    a_inside = threading.Event()
    seen: list[str] = []
    loop_box: list[asyncio.AbstractEventLoop] = []
    release: list[asyncio.Future[None]] = []

    async def a() -> str:
        release.append(asyncio.get_running_loop().create_future())
        loop_box.append(asyncio.get_running_loop())
        a_inside.set()
        await release[0]
        return await where_am_i()

    async def b() -> None:
        seen.append(await where_am_i())
        release[0].set_result(None)
        await asyncio.sleep(0.2)  # A's call ends meanwhile, and A leaves
        seen.append(await where_am_i())

    a_result: list[str] = []
    thread_a = threading.Thread(target=lambda: a_result.append(portal.run(a())), name="A")
    thread_a.start()
    assert a_inside.wait(10)
    thread_b = threading.Thread(target=lambda: portal.run(b()), name="B")
    thread_b.start()
    thread_a.join(10)
    thread_b.join(10)
    assert a_result == ["A"]
    assert seen[0] == "A"
    assert seen[1].startswith("callers-loop-")
    assert portal.run(where_am_i()) == "MainThread"  # idle again: the next caller runs it


def test_many_threads_many_calls_each_gets_its_own_result(portal: LoopThread) -> None:
    """32 threads, 150 calls each, contended and not (random pauses), each result checked."""
    baseline = threading.active_count()
    threads, calls = 32, 150
    wrong: list[object] = []
    failures: list[BaseException] = []
    ran_on: set[str] = set()
    start = threading.Barrier(threads)

    async def echo(value: tuple[int, int], hops: int) -> tuple[int, int]:
        for _ in range(hops):
            await asyncio.sleep(0)
        ran_on.add(threading.current_thread().name)
        return value

    def work(n: int) -> None:
        start.wait(10)
        try:
            for i in range(calls):
                got = portal.run(echo((n, i), (n * 7 + i) % 4))
                if got != (n, i):
                    wrong.append(got)
                if (n + i) % 20 == 0:
                    time.sleep(0.001)
        except BaseException as exc:  # recorded for the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(n,), name=f"t{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []
    assert wrong == []
    assert any(name.startswith("t") for name in ran_on)  # callers ran it themselves
    assert portal.run(where_am_i()) == "MainThread"
    portal.close()
    assert threading.active_count() == baseline


def test_a_blocking_call_from_code_on_the_loop_is_refused(portal: LoopThread) -> None:
    async def inner() -> int:
        return 1

    async def outer() -> int:
        return portal.run(inner())  # the thread running the loop would wait for itself

    with pytest.raises(ReentrantCallError, match="own event-loop thread"):
        portal.run(outer())

    async def close_from_inside() -> None:
        portal.close()

    with pytest.raises(ReentrantCallError):
        portal.run(close_from_inside())
    assert portal.run(inner()) == 1


def test_a_caller_inside_a_running_loop_hands_its_call_over(portal: LoopThread) -> None:
    async def notebook_cell() -> str:
        return portal.run(where_am_i())  # this thread runs another loop: it cannot run this one

    assert asyncio.run(notebook_cell()).startswith("callers-loop-")
    assert portal.run(where_am_i()) == "MainThread"


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_cancels_the_call_and_waits_for_its_cleanup(portal: LoopThread) -> None:
    started = threading.Event()
    seen: list[str] = []

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except BaseException as exc:
            seen.append(type(exc).__name__)  # what the coroutine saw: a cancellation
            await asyncio.sleep(0)  # cleanup that itself awaits
            seen.append("cleaned up")
            raise

    presser = ctrl_c_once(started)
    with pytest.raises(KeyboardInterrupt):
        portal.run(slow())
    assert presser.join()  # the first Ctrl-C was enough
    assert seen == ["CancelledError", "cleaned up"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    assert portal.run(where_am_i()) == "MainThread"  # the loop is fine


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_a_second_ctrl_c_stops_the_wait_and_the_cleanup_ends_on_the_loop_thread(
    portal: LoopThread,
) -> None:
    main = threading.main_thread().ident
    assert main is not None
    started, cleaning, finish = threading.Event(), threading.Event(), threading.Event()
    cleaned_on: list[str] = []

    async def stubborn() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            cleaning.set()
            await asyncio.to_thread(finish.wait, 10)  # a cleanup that takes its time
            cleaned_on.append(await where_am_i())

    def press_twice() -> None:
        started.wait(10)
        signal.pthread_kill(main, signal.SIGINT)
        cleaning.wait(10)
        signal.pthread_kill(main, signal.SIGINT)

    presser = in_thread(press_twice)
    with pytest.raises(KeyboardInterrupt):
        portal.run(stubborn())
    presser.join(10)
    assert cleaned_on == []  # not waited for
    finish.set()
    for _ in range(500):
        if cleaned_on:
            break
        time.sleep(0.01)
    assert len(cleaned_on) == 1
    assert cleaned_on[0].startswith("callers-loop-")
    assert portal.run(where_am_i()) in ("MainThread", cleaned_on[0])


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_on_the_main_thread_cancels_its_call_only(portal: LoopThread) -> None:
    """Other threads' calls, handed to the loop the main thread runs, are not cancelled
    by its Ctrl-C: they finish on the loop's thread."""
    main_inside = threading.Event()
    others_in = threading.Semaphore(0)
    results: list[int] = []
    failures: list[BaseException] = []

    async def waits() -> None:
        main_inside.set()
        await asyncio.sleep(3600)

    async def other(n: int) -> int:
        others_in.release()
        await asyncio.sleep(0.3)
        return n

    def call(n: int) -> None:
        main_inside.wait(10)
        try:
            results.append(portal.run(other(n)))
        except BaseException as exc:  # recorded for the assertion below
            failures.append(exc)

    callers = [in_thread(call, n) for n in range(8)]

    def press() -> None:
        for _ in range(8):  # all eight in flight, on the loop the main thread runs
            others_in.acquire(timeout=10)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    presser = in_thread(press)
    with pytest.raises(KeyboardInterrupt):
        portal.run(waits())
    for thread in [presser, *callers]:
        thread.join(10)
    assert failures == []
    assert sorted(results) == list(range(8))


def test_an_exception_raised_out_of_the_loop_cancels_the_call(portal: LoopThread) -> None:
    """A signal handler of the user's that raises: the call is cancelled and its cleanup
    awaited before the exception reaches the caller."""

    class Stop(Exception):
        pass

    def handler(signum: int, frame: object) -> None:
        raise Stop

    started = threading.Event()
    cleanup: list[str] = []

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0)
            cleanup.append("done")

    def press() -> None:
        started.wait(10)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        presser = in_thread(press)
        with pytest.raises(Stop):
            portal.run(slow())
        presser.join(10)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert cleanup == ["done"]
    assert portal.run(where_am_i()) == "MainThread"


def test_close_while_threads_are_in_calls() -> None:
    """One thread runs the loop, others are handed to it; close() from yet another ends
    them all with ClientClosedError and joins the loop's thread."""
    closed: list[str] = []

    async def on_close() -> None:
        closed.append(await where_am_i())

    baseline = threading.active_count()
    portal = LoopThread(on_close, name="callers", caller_runs=True)
    inside = threading.Semaphore(0)
    errors: list[BaseException] = []

    async def forever() -> None:
        inside.release()
        await asyncio.Event().wait()

    def call() -> None:
        try:
            portal.run(forever())
        except BaseException as exc:  # recorded for the assertion below
            errors.append(exc)

    callers = [in_thread(call) for _ in range(6)]
    for _ in callers:
        assert inside.acquire(timeout=10)
    closer = in_thread(portal.close)
    closer.join(10)
    for caller in callers:
        caller.join(10)
    assert [type(e) for e in errors] == [ClientClosedError] * 6
    assert len(closed) == 1
    assert threading.active_count() == baseline
    with pytest.raises(ClientClosedError, match="closed"):
        portal.run(where_am_i())


def test_close_while_the_main_thread_runs_the_loop() -> None:
    portal = LoopThread(name="callers", caller_runs=True)
    inside = threading.Event()

    async def forever() -> None:
        inside.set()
        await asyncio.Event().wait()

    def close_when_inside() -> None:
        inside.wait(10)
        portal.close()

    closer = in_thread(close_when_inside)
    with pytest.raises(ClientClosedError, match="closed while this call was in flight"):
        portal.run(forever())
    closer.join(10)
    assert not closer.is_alive()
    assert portal.closed


@posix_only
def test_a_fork_child_runs_a_fresh_loop(portal: LoopThread) -> None:
    assert portal.run(where_am_i()) == "MainThread"
    busy = threading.Event()
    stop = threading.Event()

    async def busy_call() -> None:
        busy.set()
        await asyncio.to_thread(stop.wait, 10)

    other = in_thread(portal.run, busy_call())  # a thread runs the loop as we fork
    assert busy.wait(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded fork"
        pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        code = 10
        try:
            names = [portal.run(where_am_i()) for _ in range(3)]
            code = 0 if names == ["MainThread"] * 3 else 11
            portal.close(join_timeout=5)
        finally:
            os._exit(code)
    stop.set()
    other.join(10)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert portal.run(where_am_i()) == "MainThread"


class _InterruptedStart(threading.Thread):
    """A thread whose `start()` is cut short by Ctrl-C once the thread runs, as when the
    signal lands in `start`'s wait for the new thread."""

    def start(self) -> None:
        super().start()
        raise KeyboardInterrupt


@pytest.mark.parametrize("caller_runs", [True, False])
def test_ctrl_c_in_the_start_of_the_loop_thread_leaks_no_thread(
    monkeypatch: pytest.MonkeyPatch, caller_runs: bool
) -> None:
    before = set(threading.enumerate())
    loop_thread = LoopThread(name="interrupted", caller_runs=caller_runs)
    with monkeypatch.context() as patched:
        patched.setattr(threading, "Thread", _InterruptedStart)
        with pytest.raises(KeyboardInterrupt):
            loop_thread.run(where_am_i())
    assert loop_thread.run(where_am_i())  # the next call runs (on the thread that started)
    loop_thread.close(join_timeout=10)
    assert set(threading.enumerate()) == before


def test_a_sigint_handler_installed_during_a_call_is_kept(portal: LoopThread) -> None:
    """The main thread running the loop swaps Python's default SIGINT handler for the call
    and puts it back after, unless code the call ran installed one of its own meanwhile."""

    def mine(signum: int, frame: FrameType | None) -> None:
        del signum, frame

    async def install(handler: Callable[[int, FrameType | None], None] | signal.Handlers) -> None:
        signal.signal(signal.SIGINT, handler)

    original = signal.getsignal(signal.SIGINT)
    try:
        for handler in (mine, signal.SIG_IGN):
            signal.signal(signal.SIGINT, signal.default_int_handler)
            portal.run(install(handler))
            assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, original)


def test_ctrl_c_before_the_caller_runs_the_loop_leaves_the_client_working(
    portal: LoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C landing after a call took the loop for its thread but before it ran it:
    the call ends unstarted and the loop is free again, for other threads and this one."""
    started: list[str] = []

    async def noted() -> str:
        started.append("ran")
        return await where_am_i()

    def interrupted() -> bool:
        monkeypatch.undo()
        raise KeyboardInterrupt  # as if Ctrl-C landed on the line asking this

    assert portal.run(where_am_i()) == "MainThread"
    monkeypatch.setattr(loop_thread_module, "_on_main_thread", interrupted)
    with pytest.raises(KeyboardInterrupt):
        portal.run(noted())
    names: list[str] = []
    other = in_thread(lambda: names.append(portal.run(where_am_i())))
    other.join(10)
    assert not other.is_alive()
    assert len(names) == 1
    assert portal.run(where_am_i()) == "MainThread"
    assert started == []
