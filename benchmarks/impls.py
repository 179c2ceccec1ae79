"""The clients measured: each is one small factory registered in `IMPLEMENTATIONS`.

A factory imports its library only when called, so a fresh process (import time, cold
start, memory) loads nothing but the client it measures. Every v2 client answers
`stop(task_id)` with the task as its library returns it; every v4 client (in
`V4_IMPLEMENTATIONS`) `cancel(run_id)` with the run and `status(run_id)` with its status.
`answer(result)` says what a result holds (its steps, a run's status) so the harness can
check that each call really parsed its response.
"""

import contextlib
import importlib
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from benchmarks.payload import API_KEY, RUN_ID, TASK_ID


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
    api: Literal["v2", "v4"] = "v2"

    @property
    def available(self) -> bool:
        return self.missing() is None


@dataclass(frozen=True)
class Workload:
    """One call every client of an API makes, again and again: `method(ident)` against the
    canned server's port named `port`, each result holding `expected` (see `answer`)."""

    key: str
    """How the figures name it: a step count (v2's `tasks.stop`), `cancel` or `status`."""
    method: str
    ident: str
    port: str
    expected: str


def workloads(api: str, step_counts: tuple[int, ...]) -> list[Workload]:
    """What the clients of `api` are measured doing: v2 stops a task of each step count, v4
    cancels a run and polls a run's status."""
    if api == "v2":
        return [Workload(str(n), "stop", TASK_ID, str(n), f"{n} steps") for n in step_counts]
    return [
        Workload("cancel", "cancel", RUN_ID, "v4", "cancelled"),
        Workload("status", "status", RUN_ID, "v4", "running"),
    ]


def answer(result: Any) -> str:
    """What a call's result holds, typed or a plain dict: a task's steps (`10 steps`), a
    run's status (`cancelled`)."""
    if isinstance(result, dict):
        document = cast(dict[str, Any], result)
        steps, status = document.get("steps"), document.get("status")
    else:
        steps, status = getattr(result, "steps", None), getattr(result, "status", None)
    if steps is not None:
        return f"{len(steps)} steps"
    return str(getattr(status, "value", status))  # pydantic's enums are not StrEnums


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

# --- API v4: `runs.cancel` and `runs.status` --------------------------------------------


def _v4_missing() -> str | None:
    runs = importlib.import_module("browser_use_async.v4.resources.runs").AsyncRuns
    built = all(callable(getattr(runs, name, None)) for name in ("cancel", "status"))
    return None if built else "not built yet"


class _OursV4Async:
    def __init__(self, base_url: str) -> None:
        v4: Any = importlib.import_module("browser_use_async.v4")
        self._client = v4.AsyncBrowserUse(api_key=API_KEY, base_url=base_url)
        self.cancel: Callable[[str], Awaitable[Any]] = self._client.runs.cancel
        self.status: Callable[[str], Awaitable[Any]] = self._client.runs.status

    async def close(self) -> None:
        await self._client.close()


class _OursV4Sync:
    def __init__(self, base_url: str) -> None:
        v4: Any = importlib.import_module("browser_use_async.v4")
        self._client = v4.BrowserUse(api_key=API_KEY, base_url=base_url)
        self.cancel: Callable[[str], Any] = self._client.runs.cancel
        self.status: Callable[[str], Any] = self._client.runs.status

    def close(self) -> None:
        self._client.close()


class _FloorV4(_Floor):
    async def cancel(self, run_id: str) -> Any:
        return await self._call("POST", f"/runs/{run_id}/cancel")

    async def status(self, run_id: str) -> Any:
        return await self._call("GET", f"/runs/{run_id}/status")

    async def _call(self, method: str, path: str) -> Any:
        url = self._base_url + path
        async with self._session.request(method, url, headers=self._headers) as response:
            body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return self._loads(body)


class _OfficialV4Async:
    def __init__(self, base_url: str) -> None:
        sdk: Any = importlib.import_module("browser_use_sdk.v4")
        self._client = sdk.AsyncBrowserUse(api_key=API_KEY, base_url=base_url)
        self.cancel: Callable[[str], Awaitable[Any]] = self._client.runs.cancel
        self.status: Callable[[str], Awaitable[Any]] = self._client.runs.status

    async def close(self) -> None:
        await self._client.close()


class _OfficialV4Sync:
    def __init__(self, base_url: str) -> None:
        sdk: Any = importlib.import_module("browser_use_sdk.v4")
        self._client = sdk.BrowserUse(api_key=API_KEY, base_url=base_url)
        self.cancel: Callable[[str], Any] = self._client.runs.cancel
        self.status: Callable[[str], Any] = self._client.runs.status

    def close(self) -> None:
        self._client.close()


V4_IMPLEMENTATIONS: list[Implementation] = [
    Implementation(
        "ours_v4_async",
        "browser-use-async v4 `AsyncBrowserUse`",
        "async",
        _OursV4Async,
        "from browser_use_async.v4 import AsyncBrowserUse",
        missing=_v4_missing,
        api="v4",
    ),
    Implementation(
        "ours_v4_sync",
        "browser-use-async v4 `BrowserUse`",
        "sync",
        _OursV4Sync,
        "from browser_use_async.v4 import BrowserUse",
        missing=_v4_missing,
        api="v4",
    ),
    Implementation(
        "floor_v4",
        "floor: aiohttp + orjson by hand",
        "async",
        _FloorV4,
        "import aiohttp, orjson",
        api="v4",
    ),
    Implementation(
        "official_v4_async",
        "browser-use-sdk v4 `AsyncBrowserUse`",
        "async",
        _OfficialV4Async,
        "from browser_use_sdk.v4 import AsyncBrowserUse",
        api="v4",
    ),
    Implementation(
        "official_v4_sync",
        "browser-use-sdk v4 `BrowserUse`",
        "sync",
        _OfficialV4Sync,
        "from browser_use_sdk.v4 import BrowserUse",
        api="v4",
    ),
]

BY_KEY = {impl.key: impl for impl in IMPLEMENTATIONS + V4_IMPLEMENTATIONS}
