"""The hand-written base of the generated blocking classes in `_sync.py`.

A blocking object wraps its async twin (`_async`) and its client's `Portal` (`_portal`);
every generated method hands the async call to the portal.
"""

import contextlib
import threading
import warnings
import weakref
from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine, Iterator
from typing import Any, Generic, Self, TypeVar

from browser_use_async._exceptions import ReentrantCallError
from browser_use_async._loop_thread import LoopThread, check_not_served_here

A = TypeVar("A")
T = TypeVar("T")

__all__ = ["Portal", "SyncWrapper"]


def _close_quietly(loop_thread: LoopThread) -> None:
    try:
        loop_thread.close(join_timeout=5.0)
    except ReentrantCallError:  # collected on the loop's own thread: close from another one
        with contextlib.suppress(RuntimeError):  # no new threads at interpreter exit
            threading.Thread(target=_close_quietly, args=(loop_thread,), daemon=True).start()
    except Exception:  # noqa: S110 (a finalizer has no one to report to)
        pass


def _abandoned(loop_thread: LoopThread, name: str) -> None:
    """The client's last object was collected (or the interpreter exits) unclosed."""
    if loop_thread.closed or not loop_thread.started:
        return  # closed, or it never sent a request: nothing to give back
    _close_quietly(loop_thread)
    warnings.warn(
        f"{name} was never closed, so its connections and its event-loop thread were "
        f"stopped when it was garbage-collected: use `with {name}(...) as client:`, or "
        "call `client.close()` when done.",
        ResourceWarning,
        stacklevel=2,
    )


class Portal:
    """The way to one client's `LoopThread`, shared by every blocking object of that client.

    The LoopThread cannot tell when its client is dropped (its running thread holds it), so
    the loop is stopped when this portal is garbage-collected: when nothing that may still
    call it (the client, a kept `client.tasks`, a `with_options` copy, an unfinished
    iterator) is reachable; a `ResourceWarning` then names the client and how to close it.
    The client's `close()` stops it at once.
    """

    __slots__ = ("__weakref__", "_base_url", "_loop_thread")

    def __init__(
        self, on_close: Callable[[], Awaitable[None]], *, name: str, base_url: str
    ) -> None:
        self._loop_thread = LoopThread(on_close, name=name, caller_runs=True)
        self._base_url = base_url
        weakref.finalize(self, _abandoned, self._loop_thread, name)

    def __repr__(self) -> str:
        return f"<Portal to {self._loop_thread!r}>"

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        check_not_served_here(self._base_url, coro)
        return self._loop_thread.run(coro)

    def iterate(self, source: AsyncIterable[T]) -> Iterator[T]:
        # A generator: its frame keeps this portal, and so the loop, alive while it lasts.
        check_not_served_here(self._base_url)
        yield from self._loop_thread.iterate(source)

    def close(self) -> None:
        self._loop_thread.close()


class SyncWrapper(Generic[A]):
    """A blocking view of the async object `A`, running its calls on a private loop."""

    _async: A
    _portal: Portal
    _owns_portal = False
    """Only the client that started the loop thread stops it; `with_options` copies do not."""

    def __init__(self) -> None:
        raise TypeError(
            f"{type(self).__name__} is not created directly: use the attribute of a "
            "BrowserUse client (for example `client.tasks`)."
        )

    def _bind(self, impl: A, portal: Portal) -> None:
        """Wrap `impl`; generated subclasses also wrap its resource attributes."""
        self._async = impl
        self._portal = portal

    @classmethod
    def _from_async(cls, impl: A, portal: Portal) -> Self:
        wrapper = cls.__new__(cls)
        wrapper._bind(impl, portal)
        return wrapper

    def _rewrap(self, impl: A) -> Self:
        """A wrapper of this type around `impl` (a copy of `_async`), on the same portal."""
        return type(self)._from_async(impl, self._portal)

    def _own_portal(self) -> None:
        """This object created the portal: its `close()` stops the loop thread."""
        self._owns_portal = True

    def _close_portal(self) -> None:
        if self._owns_portal:
            self._portal.close()

    def __repr__(self) -> str:
        inner = repr(getattr(self, "_async", None))
        prefix = type(getattr(self, "_async", None)).__name__
        if inner.startswith(prefix):
            return type(self).__name__ + inner[len(prefix) :]
        return f"<{type(self).__name__} wrapping {inner}>"
