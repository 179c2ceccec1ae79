"""A private event loop and its daemon thread: the runtime of the blocking client.

It is the package's one way to run a loop in a thread: the blocking client, the fake
cloud's thread mode (`with FakeBrowserUseCloud():`) and the tests' servers all use it, so
interrupts, shutdown, fork and atexit are handled once.

`LoopThread` is a small "portal": blocking code hands it coroutines and async iterators,
and it runs them on its own loop and blocks the caller for the result. One thread at a
time runs that loop:

- By default (the servers) the loop runs in the daemon thread all along, serving between
  calls.
- With `caller_runs=True` (the blocking client) the loop runs only while calls are in
  flight. A call made while no thread runs the loop runs it on the calling thread, which
  saves the two thread switches of a hand-over; a call made while another thread runs it
  is handed to that run and waits. A caller leaving with other calls still in flight hands
  the loop to the daemon thread, which runs it until they are done. Between calls nothing
  runs the loop: an idle pooled connection is dropped at the next call (aiohttp reuses
  none idle longer than its keep-alive) or at `close()`.

One loop per client, not one shared by every client, because:

- `close()` can then finish the job: stop *this* loop and join *this* thread, so the
  thread count is back where it was and nothing of the client keeps running. A shared
  loop would need reference counting and a thread that outlives the clients using it.
- A client stuck on a slow call or a blocked callback cannot stall other clients.
- fork and atexit handling stay per client and need no global coordination.

The cost is one thread per open client, and clients are meant to be long-lived and
shared between threads (many threads can wait on one loop at the same time).

Safety nets: calls made from the thread running the loop (from code on it) raise
`ReentrantCallError` instead of deadlocking; a `KeyboardInterrupt` (or any exception)
raised in a waiting thread cancels the call on the loop and waits for the cancellation to
finish before it is re-raised, and on the main thread running the loop itself, Ctrl-C
cancels the call the way `asyncio.run` does (no KeyboardInterrupt inside the loop); an
atexit hook closes the clients nobody closed; after `os.fork()` the child drops the
parent's loop (its threads do not exist there) and starts a fresh one.
"""

import asyncio
import atexit
import contextlib
import importlib
import itertools
import os
import signal
import threading
import time
import urllib.parse
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from types import FrameType
from typing import Any, Generic, TypeVar, cast

from browser_use_async._exceptions import ClientClosedError, ReentrantCallError

T = TypeVar("T")

__all__ = ["LoopThread", "belongs_to_a_loop_thread", "check_not_served_here", "serve_here"]

_CLOSED_MESSAGE = "This client is closed; create a new one."
_ATEXIT_JOIN_SECONDS = 5.0
# How long a waiting thread may go without acting on a signal Python has caught.
_WAIT_SLICE = 0.2

_get_ident = threading.get_ident
# The C functions behind `signal.getsignal` and `signal.signal`, which wrap each result in an
# enum lookup that costs ~9 µs a call when the handler is a function.
_Handler = Callable[[int, FrameType | None], object]
try:
    _signals: Any = importlib.import_module("_signal")
except ImportError:  # pragma: no cover (CPython has it everywhere)
    _signals = signal
_get_handler = cast(Callable[[int], object], _signals.getsignal)
_set_handler = cast(Callable[[int, _Handler], object], _signals.signal)
_running_loop = asyncio._get_running_loop  # pyright: ignore[reportPrivateUsage]
_counter = itertools.count(1)
# Every LoopThread that may own a thread. A running loop's thread holds its LoopThread
# strongly, so the atexit hook still finds clients that were dropped without close().
_live: "weakref.WeakSet[LoopThread]" = weakref.WeakSet()
# Loops and tasks a fork child inherited: they belong to the parent, and dropping them
# would make their finalizers complain, so the child keeps them and never touches them.
_left_by_parent: list[object] = []
# In-process servers (the fake cloud): (host, port, the event loop serving it, the thread
# that started it there).
_served: list[tuple[str, int, asyncio.AbstractEventLoop, int]] = []
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""})  # noqa: S104


class _Call(Generic[T]):
    """One coroutine run on the loop, and the thread waiting for its outcome."""

    __slots__ = (
        "_coro",
        "_done",
        "_exception",
        "_owner",
        "_result",
        "_task",
        "_tracked",
        "handed_over",
        "over",
    )

    def __init__(self, coro: Coroutine[Any, Any, T], owner: "LoopThread", *, tracked: bool = True):
        self._coro: Coroutine[Any, Any, T] | None = coro
        self._owner = owner
        self._tracked = tracked  # cancelled by close(); the close itself is not
        # Run by a thread other than the caller's, which waits for it.
        self.handed_over = False
        # `over` says the call is over; `_done`, held until then, is what a waiting thread
        # blocks on (a bare lock is cheaper to wait on than an Event).
        self.over = False
        self._done = threading.Lock()
        self._done.acquire()
        self._task: asyncio.Task[T] | None = None
        self._result: T | None = None
        self._exception: BaseException | None = None

    # -- on the thread running the loop -------------------------------------------------

    def start(self) -> None:
        coro, self._coro = self._coro, None
        if coro is None:  # cancelled before it started (see `run`)
            return
        task = asyncio.get_running_loop().create_task(coro)
        self._task = task
        if self._tracked:
            self._owner.calls.add(task)
        task.add_done_callback(self._finish)

    def cancel(self) -> None:
        """Cancel the task; or, if `start` never ran, end the call as cancelled right here."""
        if self._task is not None:
            self._task.cancel()
        elif self._coro is not None:
            self._coro.close()
            self._coro = None
            self._exception = asyncio.CancelledError()
            self._end()

    def _finish(self, task: asyncio.Task[T]) -> None:
        if self._tracked:
            self._owner.calls.discard(task)
        if task.cancelled():
            self._exception = asyncio.CancelledError()
        elif (exc := task.exception()) is not None:
            self._exception = exc
        else:
            self._result = task.result()
        self._end()

    def _end(self) -> None:
        self.over = True
        self._done.release()
        self._owner.call_ended(self)

    # -- on the waiting thread ----------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the call is over. Interruptible: Ctrl-C raises KeyboardInterrupt here.

        The wait is cut into slices: a SIGINT caught while this thread was not yet blocked
        (or caught on another thread) interrupts no lock wait, and Python acts on it only
        once this thread runs Python code again, at the latest at the next slice.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.over:
            left = _WAIT_SLICE if deadline is None else deadline - time.monotonic()
            if left <= 0:
                break
            # Never released again: an interrupt may leave this thread holding the lock,
            # which is why the loop reads `over` instead.
            self._done.acquire(timeout=min(left, _WAIT_SLICE))
        return self.over

    def outcome(self, *, closing: bool) -> T:
        exc, self._exception = self._exception, None
        if exc is None:
            return cast(T, self._result)
        if isinstance(exc, asyncio.CancelledError) and closing:
            raise ClientClosedError("The client was closed while this call was in flight.")
        try:
            raise exc  # the async frames stay in the traceback, below the caller's
        finally:
            del exc

    def discard(self) -> None:
        """Close a coroutine that was never scheduled, so it is not reported as never awaited."""
        if self._coro is not None:
            self._coro.close()
            self._coro = None


class _Interrupts:
    """Signals while the main thread runs the loop for its own call.

    Ctrl-C (while Python's default handler is in place) cancels the call, as `asyncio.run`
    does, instead of raising KeyboardInterrupt at whatever line of the loop or the call is
    running; a second Ctrl-C stops the wait. A timer wakes the loop every `_WAIT_SLICE`, so
    that a signal caught by another thread, which wakes no one, is acted on all the same.
    """

    __slots__ = ("_call", "_handler", "_loop", "_tick", "presses")

    def __init__(self, call: _Call[Any], loop: asyncio.AbstractEventLoop) -> None:
        self._call, self._loop = call, loop
        self.presses = 0
        self._tick = loop.call_later(_WAIT_SLICE, self._wake)
        # The handler put in place for the call, if any; kept to tell it from one that code
        # the call ran installed meanwhile, which stays.
        self._handler: _Handler | None = None
        if _get_handler(signal.SIGINT) is signal.default_int_handler:
            self._handler = self._pressed
            _set_handler(signal.SIGINT, self._handler)

    def _wake(self) -> None:  # back in Python code, the thread runs the handlers now due
        self._tick = self._loop.call_later(_WAIT_SLICE, self._wake)

    def _pressed(self, signum: int, frame: FrameType | None) -> None:
        self.presses += 1
        self._loop.call_soon_threadsafe(self._call.cancel if self.presses == 1 else self._loop.stop)

    def stop_ticking(self) -> None:
        self._tick.cancel()

    def restore(self) -> None:
        if self._handler is not None and _get_handler(signal.SIGINT) is self._handler:
            _set_handler(signal.SIGINT, signal.default_int_handler)


async def _step(iterator: AsyncIterator[T]) -> tuple[T] | None:
    try:
        return (await anext(iterator),)
    except StopAsyncIteration:
        return None


class LoopThread:
    """A private event loop with a daemon thread, both started on first use.

    `run(coro)` blocks until the coroutine is done; `iterate(aiter)` turns an async
    iterator into a blocking one. `on_close` is awaited on the loop by `close()` (and by
    the atexit hook) before the loop stops: the client's `close`, which closes its pool.
    With `caller_runs`, calls run the loop on their own thread when no other thread does.
    """

    def __init__(
        self,
        on_close: Callable[[], Awaitable[None]] | None = None,
        *,
        name: str = "browser-use",
        caller_runs: bool = False,
    ) -> None:
        self._on_close = on_close
        self._name = f"{name}-loop-{next(_counter)}"
        self._caller_runs = caller_runs
        # Reentrant: a garbage collection while this thread holds it may finalize an
        # abandoned iterator of this loop, whose clean-up calls `run` again.
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_id: int | None = None
        # Set by the loop's thread as it ends. Waited on instead of Thread.join or read
        # instead of is_alive: an interrupted join marks a running thread as ended.
        self._ended = threading.Event()
        self._closing = False
        # Under `_lock`: the thread running the loop (None while none does), and how many
        # calls wait for a run of the loop on a thread other than their own. While any
        # does, some thread runs the loop.
        self._runner: int | None = None
        self._handed_over = 0
        # Released to hand the loop to its own thread.
        self._wake = _taken_lock()
        self.calls: set[asyncio.Task[Any]] = set()  # touched only by the thread running the loop
        _live.add(self)

    def __repr__(self) -> str:
        state = "closed" if self._closing else "running" if self._loop else "not started"
        return f"<LoopThread {self._name} {state}>"

    @property
    def closed(self) -> bool:
        return self._closing

    @property
    def started(self) -> bool:
        """Whether a call ever started the loop's thread."""
        return self._loop is not None

    def owns(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether `loop` is this open LoopThread's."""
        return loop is self._loop and not self._closing

    # -- the loop's thread ------------------------------------------------------------------

    def _serve(self, loop: asyncio.AbstractEventLoop, ended: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            while self._take_turn(loop):
                pass
        finally:
            try:
                leftovers = asyncio.all_tasks(loop)
                for task in leftovers:
                    task.cancel()
                if leftovers:
                    loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                # Threads of the default executor (aiohttp resolves host names there).
                with contextlib.suppress(RuntimeError):  # no new threads at interpreter exit
                    loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
                ended.set()

    def _take_turn(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Wait to be handed the loop, then run it while calls need it; False once closed."""
        self._wake.acquire()
        while True:
            with self._lock:
                if not self._handed_over and (self._caller_runs or self._closing):
                    if self._closing:
                        return False
                    self._runner = None
                    return True
            loop.run_forever()  # until `call_ended` stops it

    def call_ended(self, call: _Call[Any]) -> None:
        """On the thread running the loop: stop the run that `call` no longer needs."""
        loop = self._loop
        assert loop is not None
        if not call.handed_over:  # its own caller runs the loop, for it alone
            if loop.is_running():
                loop.stop()
            return
        with self._lock:
            self._handed_over -= 1
            if (
                not self._handed_over
                and self._runner == self._thread_id
                and (self._caller_runs or self._closing)
            ):
                loop.stop()

    def _start_locked(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=self._serve, args=(loop, self._ended), name=self._name, daemon=True
            )
            try:
                thread.start()
            finally:  # also after a Ctrl-C in start's wait for the thread, which then runs
                if _has_started(thread):
                    self._loop, self._thread, self._thread_id = loop, thread, thread.ident
                    if not self._caller_runs:
                        self._hand_to_thread_locked()
                else:
                    loop.close()
            return loop
        return self._loop

    def _hand_to_thread_locked(self) -> None:
        self._runner = self._thread_id
        self._wake.release()

    def _hand_over_locked(self, call: _Call[Any], loop: asyncio.AbstractEventLoop) -> None:
        """Have the thread running the loop (or, if none does, the loop's own) run `call`."""
        call.handed_over = True
        self._handed_over += 1
        loop.call_soon_threadsafe(call.start)
        if self._runner is None:
            self._hand_to_thread_locked()

    def _check_thread(self) -> None:
        me = _get_ident()
        if me in (self._runner, self._thread_id):
            raise ReentrantCallError(
                "A blocking BrowserUse call was made on the client's own event-loop thread "
                "(from code running on that loop), where it would wait for itself forever. "
                "Use AsyncBrowserUse and `await` there instead."
            )

    # -- the calling threads --------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and block until it returns or raises, then do the same.

        An exception raised in the waiting thread (KeyboardInterrupt from Ctrl-C) cancels
        the call on the loop and is re-raised once the cancellation has finished; a second
        Ctrl-C while waiting for that stops the wait.
        """
        call = _Call(coro, self)
        try:
            self._check_thread()
        except ReentrantCallError:
            call.discard()
            raise
        handed_to: asyncio.AbstractEventLoop | None = None
        here = False
        try:
            with self._lock:
                if self._closing:
                    raise ClientClosedError(_CLOSED_MESSAGE)
                loop = self._start_locked()
                # A thread in another loop (a notebook's) cannot run this one.
                here = self._runner is None and self._caller_runs and _running_loop() is None
                if here:
                    self._runner = _get_ident()
                    loop.call_soon(call.start)  # after one look at the sockets (see `_run_here`)
                else:
                    # From here on an interrupt must cancel, even before `start` is queued:
                    # `cancel` runs after `start` when both are queued, or alone otherwise.
                    self._hand_over_locked(call, loop)
                    handed_to = loop
            if here:
                return self._run_here(call, loop)
            call.wait()
        except BaseException:
            if here and self._runner == _get_ident():  # a Ctrl-C before `_run_here` took over
                call.cancel()  # ends it unstarted
                self._leave(call)
            self._abandon(call, handed_to)
            raise
        return call.outcome(closing=self._closing)

    def _run_here(self, call: _Call[T], loop: asyncio.AbstractEventLoop) -> T:
        """Run the loop on this thread until `call` is over, then hand it on.

        `start` was queued rather than run at once, so the loop's first pass reads what the
        sockets got while nothing ran it (a server closing an idle connection, say) before
        the call picks a pooled connection.
        """
        interrupts = _Interrupts(call, loop) if _on_main_thread() else None
        error: BaseException | None = None
        try:
            while not call.over:
                try:
                    loop.run_forever()  # until `call_ended` stops it
                except BaseException as exc:  # raised out of the loop (a signal handler's)
                    if error is not None:
                        break  # a second one stops the wait
                    error = exc
                    call.cancel()
                if interrupts is not None and interrupts.presses > 1:
                    break
        finally:
            if interrupts is not None:
                interrupts.stop_ticking()
            self._leave(call)
            if interrupts is not None:
                interrupts.restore()
        if error is not None:
            try:
                raise error
            finally:
                del error
        if interrupts is not None and interrupts.presses:
            raise KeyboardInterrupt
        return call.outcome(closing=self._closing)

    def _leave(self, call: _Call[Any]) -> None:
        """This thread stops running the loop: to its own thread if calls still need it."""
        with self._lock:
            if not call.over:  # given up on: its end is the loop thread's to wait for now
                call.handed_over = True
                self._handed_over += 1
            if self._handed_over or self._closing:
                self._hand_to_thread_locked()
            else:
                self._runner = None

    def _abandon(self, call: _Call[Any], loop: asyncio.AbstractEventLoop | None) -> None:
        """The caller stops waiting (interrupt, error): cancel the call, wait for its end."""
        if loop is None:
            call.discard()  # never handed to the loop
            return
        try:
            loop.call_soon_threadsafe(call.cancel)
        except RuntimeError:  # the loop is closed: nothing of the call runs any more
            call.discard()
            return
        ended = self._ended
        while not call.wait(0.1):  # a second Ctrl-C here stops the wait
            if ended.is_set():  # the loop ended before cancelling
                call.discard()
                return

    def iterate(self, source: AsyncIterable[T]) -> Iterator[T]:
        """Iterate `source` on the loop, one blocking step per item."""
        iterator = source.__aiter__()
        finished = False
        try:
            while (step := self.run(_step(iterator))) is not None:
                yield step[0]
            finished = True
        finally:
            if not finished:
                self._close_async_iterator(iterator)

    def _close_async_iterator(self, iterator: AsyncIterator[Any]) -> None:
        aclose: Callable[[], Coroutine[Any, Any, None]] | None = getattr(iterator, "aclose", None)
        on_loop = _get_ident() in (self._thread_id, self._runner)
        if aclose is None or self._closing or self._loop is None or on_loop:
            return  # shutdown_asyncgens finalizes it when the loop stops
        with contextlib.suppress(ClientClosedError):
            self.run(aclose())

    async def _shutdown(self) -> None:
        calls = list(self.calls)
        for task in calls:
            task.cancel()
        await asyncio.gather(*calls, return_exceptions=True)
        if self._on_close is not None:
            await self._on_close()

    def close(self, *, join_timeout: float | None = None) -> None:
        """Cancel calls in flight, await `on_close`, stop the loop and join its thread.

        Idempotent; a LoopThread that never started has nothing to stop. `join_timeout`
        bounds each of the two waits (for the shutdown, then for the thread).
        """
        self._check_thread()
        shutdown: _Call[None] | None = None
        thread: threading.Thread | None = None
        ended = self._ended
        try:
            with self._lock:
                already_closing, self._closing = self._closing, True
                loop, thread = self._loop, self._thread
                if loop is not None and not already_closing:
                    shutdown = _Call(self._shutdown(), self, tracked=False)
                    self._hand_over_locked(shutdown, loop)
            if shutdown is not None and shutdown.wait(join_timeout):
                shutdown.outcome(closing=False)
        finally:
            # Even after an interrupt the shutdown goes on (the loop stops at its end):
            # wait for the thread, which a second interrupt can still cut short.
            if (
                thread is not None
                and thread is not threading.current_thread()
                and ended.wait(join_timeout)
            ):
                thread.join(join_timeout)  # it has all but returned

    def after_fork_in_child(self) -> None:
        """In a fork child: the loop's threads are gone; start afresh on the next call."""
        self._lock = threading.RLock()
        if self._loop is not None:
            _left_by_parent.extend((self._loop, self.calls))
        self._loop = self._thread = self._thread_id = self._runner = None
        self._handed_over = 0
        self._wake = _taken_lock()
        self._ended = threading.Event()
        self.calls = set()


def _taken_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


def _has_started(thread: threading.Thread) -> bool:
    """Whether `thread` runs: its `start()` may have been interrupted before or after the
    thread was created, and a created thread sets its `ident` first thing."""
    deadline = time.monotonic() + 1.0
    while thread.ident is None and time.monotonic() < deadline:
        time.sleep(0.001)
    return thread.ident is not None


def _on_main_thread() -> bool:
    """Where Python runs signal handlers."""
    return threading.current_thread() is threading.main_thread()


def belongs_to_a_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether `loop` is an open LoopThread's: it closes what runs on it when it closes,
    even while no thread runs the loop."""
    return any(portal.owns(loop) for portal in list(_live))


def serve_here(host: str, port: int) -> Callable[[], None]:
    """Record that the running event loop serves `host:port`, for `check_not_served_here`;
    call the returned function when it stops serving."""
    entry = (host, port, asyncio.get_running_loop(), threading.get_ident())
    _served.append(entry)
    return lambda: _served.remove(entry)


def _would_wait_for_itself(loop: asyncio.AbstractEventLoop, started_by: int) -> bool:
    """Whether this thread is the one that runs `loop` (or, while no thread runs it, the
    one that started the server on it)."""
    try:
        mine: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        mine = None
    return mine is loop or (not loop.is_running() and started_by == threading.get_ident())


def check_not_served_here(url: str, coro: Coroutine[Any, Any, Any] | None = None) -> None:
    """Refuse a blocking call to `url` from the thread whose event loop serves it: the loop
    could not answer while the thread waits, so the call would only end at its timeout."""
    if not _served:  # the usual case, and cheap
        return
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    for served_host, served_port, loop, started_by in list(_served):
        same_host = host == served_host or {host, served_host} <= _LOCAL_HOSTS
        if served_port == port and same_host and _would_wait_for_itself(loop, started_by):
            if coro is not None:
                coro.close()
            raise ReentrantCallError(
                f"A blocking BrowserUse call to {url} was made on the thread whose event "
                "loop serves it (an in-process fake cloud, say): that loop cannot answer "
                "while this thread waits, so the call could only time out. For blocking "
                "code, serve the fake from a thread of its own (`with FakeBrowserUseCloud() "
                "as fake:`, or the pytest fixture `browser_use_fake_thread`), or use "
                "AsyncBrowserUse and `await` here."
            )


def _close_all_at_exit() -> None:
    for portal in list(_live):
        with contextlib.suppress(Exception):
            portal.close(join_timeout=_ATEXIT_JOIN_SECONDS)


def _forget_loops_in_child() -> None:
    for portal in list(_live):
        portal.after_fork_in_child()


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_loops_in_child)
