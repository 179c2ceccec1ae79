"""The clients measured: each is one small factory registered in `IMPLEMENTATIONS`.

A factory imports its library only when called, so a fresh process (import time, cold
start, memory) loads nothing but the client it measures. Every client answers
`stop(task_id)` with the task as its library returns it; `steps(result)` counts the
steps so the harness can check that each one really parsed the response.
"""

import contextlib
import importlib
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from benchmarks.payload import API_KEY


class AsyncClient(Protocol):
    async def stop(self, task_id: str) -> Any: ...
    async def close(self) -> None: ...


class SyncClient(Protocol):
    def stop(self, task_id: str) -> Any: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Implementation:
    """One client: `make(base_url)` builds it (async ones inside the running loop)."""

    key: str
    label: str
    kind: Literal["async", "sync"]
    make: Callable[[str], Any]
    import_statement: str
    """What a program writes to get this client, timed in fresh processes."""
    missing: Callable[[], str | None] = lambda: None
    """Why this client cannot be measured (None when it can)."""
    context: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext
    """Entered around each of its measurements."""
    diagnostic: bool = False
    """Measured in this process only (CPU and latency), to explain the other figures."""

    @property
    def available(self) -> bool:
        return self.missing() is None


def steps(result: Any) -> int:
    """The number of steps in a stop's result, typed or a plain dict."""
    if isinstance(result, dict):
        return len(cast(dict[str, list[object]], result)["steps"])
    return len(result.steps)


# --- ours -------------------------------------------------------------------------------


class _OursAsync:
    def __init__(self, base_url: str) -> None:
        from browser_use_async import AsyncBrowserUse

        self._client = AsyncBrowserUse(api_key=API_KEY, base_url=base_url)
        self.stop: Callable[[str], Awaitable[Any]] = self._client.tasks.stop

    async def close(self) -> None:
        await self._client.close()


def _ours_sync_missing() -> str | None:
    module = importlib.import_module("browser_use_async")
    return None if getattr(module, "BrowserUse", None) is not None else "not built yet"


class _OursSync:
    def __init__(self, base_url: str) -> None:
        module: Any = importlib.import_module("browser_use_async")
        self._client = module.BrowserUse(api_key=API_KEY, base_url=base_url)
        self.stop: Callable[[str], Any] = self._client.tasks.stop

    def close(self) -> None:
        self._client.close()


@contextlib.contextmanager
def _untyped_bodies() -> Generator[None]:
    """Our client with its response decoding swapped for `orjson.loads`, as the floor reads
    bodies: what is left is the cost of everything but building the typed TaskView."""
    import orjson

    from browser_use_async import _codec

    decode = _codec.decode
    _codec.decode = lambda body, cls: orjson.loads(body)  # type: ignore[assignment]
    try:
        yield
    finally:
        _codec.decode = decode


# --- the floor: hand-written aiohttp + orjson, no typing, no retries ----------------------


class _Floor:
    def __init__(self, base_url: str) -> None:
        import aiohttp
        import orjson

        self._base_url = base_url
        self._session = aiohttp.ClientSession()
        self._headers = {"X-Browser-Use-API-Key": API_KEY, "Content-Type": "application/json"}
        self._dumps, self._loads = orjson.dumps, orjson.loads

    async def stop(self, task_id: str) -> Any:
        async with self._session.patch(
            f"{self._base_url}/tasks/{task_id}",
            data=self._dumps({"action": "stop"}),
            headers=self._headers,
        ) as response:
            body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return self._loads(body)

    async def close(self) -> None:
        await self._session.close()


# --- the official SDK --------------------------------------------------------------------


class _OfficialAsync:
    def __init__(self, base_url: str) -> None:
        sdk: Any = importlib.import_module("browser_use_sdk")
        self._client = sdk.AsyncBrowserUse(api_key=API_KEY, base_url=base_url)
        self.stop: Callable[[str], Awaitable[Any]] = self._client.tasks.stop

    async def close(self) -> None:
        await self._client.close()


class _OfficialSync:
    def __init__(self, base_url: str) -> None:
        sdk: Any = importlib.import_module("browser_use_sdk")
        self._client = sdk.BrowserUse(api_key=API_KEY, base_url=base_url)
        self.stop: Callable[[str], Any] = self._client.tasks.stop

    def close(self) -> None:
        self._client.close()


IMPLEMENTATIONS: list[Implementation] = [
    Implementation(
        "ours_async",
        "browser-use-async `AsyncBrowserUse`",
        "async",
        _OursAsync,
        "from browser_use_async import AsyncBrowserUse",
    ),
    Implementation(
        "ours_sync",
        "browser-use-async `BrowserUse`",
        "sync",
        _OursSync,
        "from browser_use_async import BrowserUse",
        missing=_ours_sync_missing,
    ),
    Implementation(
        "ours_untyped",
        "diagnostic: `AsyncBrowserUse` with bodies left untyped",
        "async",
        _OursAsync,
        "from browser_use_async import AsyncBrowserUse",
        context=_untyped_bodies,
        diagnostic=True,
    ),
    Implementation(
        "floor",
        "floor: aiohttp + orjson by hand",
        "async",
        _Floor,
        "import aiohttp, orjson",
    ),
    Implementation(
        "official_async",
        "browser-use-sdk `AsyncBrowserUse`",
        "async",
        _OfficialAsync,
        "from browser_use_sdk import AsyncBrowserUse",
    ),
    Implementation(
        "official_sync",
        "browser-use-sdk `BrowserUse`",
        "sync",
        _OfficialSync,
        "from browser_use_sdk import BrowserUse",
    ),
]

BY_KEY = {impl.key: impl for impl in IMPLEMENTATIONS}
