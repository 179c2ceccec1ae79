"""A private event loop in a daemon thread: the runtime of the blocking client.

It is the package's one way to run a loop in a thread: the blocking client, the fake
cloud's thread mode (`with FakeBrowserUseCloud():`) and the tests' servers all use it, so
interrupts, shutdown, fork and atexit are handled once.

`LoopThread` is a small "portal": blocking code hands it coroutines and async iterators,
and it runs them on its own loop in its own thread and blocks the caller for the result.

One loop per client, not one shared by every client, because:

- `close()` can then finish the job: stop *this* loop and join *this* thread, so the
  thread count is back where it was and nothing of the client keeps running. A shared
  loop would need reference counting and a thread that outlives the clients using it.
- A client stuck on a slow call or a blocked callback cannot stall other clients.
- fork and atexit handling stay per client and need no global coordination.

The cost is one thread per open client, and clients are meant to be long-lived and
shared between threads (many threads can wait on one loop at the same time).

Safety nets: calls made from the loop's own thread raise `ReentrantCallError` instead
of deadlocking; a `KeyboardInterrupt` (or any exception) raised in the waiting thread
cancels the call on the loop and waits for the cancellation to finish before it is
re-raised; an atexit hook closes the clients nobody closed; after `os.fork()` the child
drops the parent's loop (its thread does not exist there) and starts a fresh one.
"""

import asyncio
import atexit
import contextlib
import itertools
import os
import threading
import time
import urllib.parse
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, Generic, TypeVar, cast

from browser_use_async._exceptions import ClientClosedError, ReentrantCallError

T = TypeVar("T")

__all__ = ["LoopThread", "check_not_served_here", "serve_here"]

_CLOSED_MESSAGE = "This client is closed; create a new one."
_ATEXIT_JOIN_SECONDS = 5.0
# How long a waiting thread may go without acting on a signal Python has caught.
_WAIT_SLICE = 0.2

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
    """One coroutine handed to the loop, and the thread waiting for its outcome."""

    __slots__ = ("_coro", "_done", "_exception", "_over", "_result", "_task", "_tracked")

    def __init__(self, coro: Coroutine[Any, Any, T], tracked: set[asyncio.Task[Any]] | None):
        self._coro: Coroutine[Any, Any, T] | None = coro
        self._tracked = tracked
        # `_over` says the call is over; `_done`, held until then, is what the waiting thread
        # blocks on (a bare lock is cheaper to wait on than an Event).
        self._over = False
        self._done = threading.Lock()
        self._done.acquire()
        self._task: asyncio.Task[T] | None = None
        self._result: T | None = None
        self._exception: BaseException | None = None

    # -- on the loop's thread ---------------------------------------------------------

    def start(self) -> None:
        coro, self._coro = self._coro, None
        assert coro is not None
        task = asyncio.get_running_loop().create_task(coro)
        self._task = task
        if self._tracked is not None:
            self._tracked.add(task)
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
        if self._tracked is not None:
            self._tracked.discard(task)
        if task.cancelled():
            self._exception = asyncio.CancelledError()
        elif (exc := task.exception()) is not None:
            self._exception = exc
        else:
            self._result = task.result()
        self._end()

    def _end(self) -> None:
        self._over = True
        self._done.release()

    # -- on the waiting thread ----------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the call is over. Interruptible: Ctrl-C raises KeyboardInterrupt here.

        The wait is cut into slices: a SIGINT caught while this thread was not yet blocked
        (or caught on another thread) interrupts no lock wait, and Python acts on it only
        once this thread runs Python code again, at the latest at the next slice.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._over:
            left = _WAIT_SLICE if deadline is None else deadline - time.monotonic()
            if left <= 0:
                break
            # Never released again: an interrupt may leave this thread holding the lock,
            # which is why the loop reads `_over` instead.
            self._done.acquire(timeout=min(left, _WAIT_SLICE))
        return self._over

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


async def _step(iterator: AsyncIterator[T]) -> tuple[T] | None:
    try:
        return (await anext(iterator),)
    except StopAsyncIteration:
        return None


class LoopThread:
    """A private event loop in a daemon thread, started on first use.

    `run(coro)` blocks until the coroutine is done; `iterate(aiter)` turns an async
    iterator into a blocking one. `on_close` is awaited on the loop by `close()` (and by
    the atexit hook) before the loop stops: the client's `close`, which closes its pool.
    """

    def __init__(
        self,
        on_close: Callable[[], Awaitable[None]] | None = None,
        *,
        name: str = "browser-use",
    ) -> None:
        self._on_close = on_close
        self._name = f"{name}-loop-{next(_counter)}"
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
        self._calls: set[asyncio.Task[Any]] = set()  # touched only on the loop's thread
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

    # -- the loop's thread ------------------------------------------------------------------

    def _serve(self, loop: asyncio.AbstractEventLoop, ended: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
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

    def _start_locked(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=self._serve, args=(loop, self._ended), name=self._name, daemon=True
            )
            thread.start()
            self._loop, self._thread, self._thread_id = loop, thread, thread.ident
        return self._loop

    def _check_thread(self) -> None:
        if self._thread_id is not None and threading.get_ident() == self._thread_id:
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
        call = _Call(coro, self._calls)
        try:
            self._check_thread()
        except ReentrantCallError:
            call.discard()
            raise
        handed_to: asyncio.AbstractEventLoop | None = None
        try:
            with self._lock:
                if self._closing:
                    raise ClientClosedError(_CLOSED_MESSAGE)
                handed_to = self._start_locked()
                # From here on an interrupt must cancel, even before `start` is queued:
                # `cancel` runs after `start` when both are queued, or alone otherwise.
                handed_to.call_soon_threadsafe(call.start)
            call.wait()
        except BaseException:
            self._abandon(call, handed_to)
            raise
        return call.outcome(closing=self._closing)

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
        on_loop = self._thread_id is not None and threading.get_ident() == self._thread_id
        if aclose is None or self._closing or self._loop is None or on_loop:
            return  # shutdown_asyncgens finalizes it when the loop stops
        with contextlib.suppress(ClientClosedError):
            self.run(aclose())

    async def _shutdown(self) -> None:
        try:
            calls = list(self._calls)
            for task in calls:
                task.cancel()
            await asyncio.gather(*calls, return_exceptions=True)
            if self._on_close is not None:
                await self._on_close()
        finally:
            asyncio.get_running_loop().stop()

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
                    shutdown = _Call(self._shutdown(), None)
                    loop.call_soon_threadsafe(shutdown.start)
            if shutdown is not None and shutdown.wait(join_timeout):
                shutdown.outcome(closing=False)
        finally:
            # Even after an interrupt the shutdown goes on (it stops the loop at its end):
            # wait for the thread, which a second interrupt can still cut short.
            if (
                thread is not None
                and thread is not threading.current_thread()
                and ended.wait(join_timeout)
            ):
                thread.join(join_timeout)  # it has all but returned

    def after_fork_in_child(self) -> None:
        """In a fork child: the loop's thread is gone; start afresh on the next call."""
        self._lock = threading.RLock()
        if self._loop is not None:
            _left_by_parent.extend((self._loop, self._calls))
        self._loop = self._thread = self._thread_id = None
        self._ended = threading.Event()
        self._calls = set()


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
