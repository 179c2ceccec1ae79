"""The hand-written base of the generated blocking classes in `_sync.py`.

A blocking object wraps its async twin (`_async`) and the client's `LoopThread`
(`_portal`); every generated method hands the async call to the portal.
"""

import contextlib
import weakref
from typing import Generic, Self, TypeVar

from browser_use_async._loop_thread import LoopThread

A = TypeVar("A")

__all__ = ["SyncWrapper"]


def _close_quietly(portal: LoopThread) -> None:
    with contextlib.suppress(Exception):
        portal.close(join_timeout=5.0)


class SyncWrapper(Generic[A]):
    """A blocking view of the async object `A`, running its calls on a private loop."""

    _async: A
    _portal: LoopThread
    _owns_portal = False
    """Only the client that started the loop thread stops it; `with_options` copies do not."""

    def __init__(self) -> None:
        raise TypeError(
            f"{type(self).__name__} is not created directly: use the attribute of a "
            "BrowserUse client (for example `client.tasks`)."
        )

    def _bind(self, impl: A, portal: LoopThread) -> None:
        """Wrap `impl`; generated subclasses also wrap its resource attributes."""
        self._async = impl
        self._portal = portal

    @classmethod
    def _from_async(cls, impl: A, portal: LoopThread) -> Self:
        wrapper = cls.__new__(cls)
        wrapper._bind(impl, portal)
        return wrapper

    def _rewrap(self, impl: A) -> Self:
        """A wrapper of this type around `impl` (a copy of `_async`), on the same portal."""
        return type(self)._from_async(impl, self._portal)

    def _own_portal(self) -> None:
        """This object started the loop thread: it stops it on `close()`, or when it is
        garbage-collected without having been closed."""
        self._owns_portal = True
        weakref.finalize(self, _close_quietly, self._portal)

    def _close_portal(self) -> None:
        if self._owns_portal:
            self._portal.close()

    def __repr__(self) -> str:
        inner = repr(getattr(self, "_async", None))
        prefix = type(getattr(self, "_async", None)).__name__
        if inner.startswith(prefix):
            return type(self).__name__ + inner[len(prefix) :]
        return f"<{type(self).__name__} wrapping {inner}>"
