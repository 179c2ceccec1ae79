"""Shared fixtures: the fake cloud, a client on it, and a canned-response server.

The sync client's tests need their servers on another thread (the test thread blocks),
so `ServerThread` runs an event loop in a daemon thread for them.
"""

import asyncio
import contextlib
import signal
import socket
import sys
import threading
import traceback
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
)
from typing import Any, TypeVar

import aiohttp
import attrs
import pytest
from aiohttp import web

from browser_use_async import AsyncBrowserUse, RetryPolicy
from browser_use_async._loop_thread import LoopThread
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from browser_use_async.v4 import AsyncBrowserUse as V4AsyncBrowserUse
from tests.fakecloud import Api

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own key or base URL."""
    monkeypatch.delenv("BROWSER_USE_API_KEY", raising=False)
    monkeypatch.delenv("BROWSER_USE_BASE_URL", raising=False)
    monkeypatch.delenv("BROWSER_USE_V4_BASE_URL", raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBrowserUseCloud]:
    async with FakeBrowserUseCloud(manual_time=True) as cloud:
        yield cloud


@pytest.fixture
async def v4() -> AsyncIterator[Api]:
    """Raw HTTP calls to the v4 API of a fake on manual time."""
    async with FakeBrowserUseCloud(manual_time=True) as cloud, aiohttp.ClientSession() as session:
        yield Api(cloud, session, version="v4")


@pytest.fixture
async def client(fake: FakeBrowserUseCloud) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as c:
        yield c


QUICK = TaskScenario(steps=2, start_delay=0.02, step_interval=0.03)
"""Tasks that end within a tenth of a second of real time."""


@pytest.fixture
async def live() -> AsyncIterator[FakeBrowserUseCloud]:
    """A fake whose clock runs in real time, with `QUICK` tasks: for batches."""
    async with FakeBrowserUseCloud() as cloud:
        cloud.default_scenario = QUICK
        yield cloud


@pytest.fixture
async def bu(live: FakeBrowserUseCloud) -> AsyncIterator[AsyncBrowserUse]:
    """A client of `live`."""
    async with AsyncBrowserUse(api_key=live.api_key, base_url=live.base_url) as c:
        yield c


@attrs.define
class Canned:
    """The response a `CannedServer` gives to every request."""

    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = attrs.field(factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


def error_texts(error: BaseException) -> list[str]:
    """Every way an error is shown: str, repr, its attributes, its traceback with locals."""
    exception = traceback.TracebackException.from_exception(error, capture_locals=True)
    return [str(error), repr(error), repr(vars(error)), "".join(exception.format())]


def closed_port() -> str:
    """`http://127.0.0.1:PORT`, a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


class CannedServer:
    """A real HTTP server on 127.0.0.1. It answers with the queued responses in order
    (`then`), and with `self.canned` once the queue is empty."""

    def __init__(self) -> None:
        self.canned = Canned()
        self.queue: list[Canned] = []
        self.bodies: list[bytes] = []
        self.requests: list[web.Request] = []
        self.peers: set[object] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        self.bodies.append(await request.read())
        self.peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        answer = self.queue.pop(0) if self.queue else self.canned
        try:
            if answer.delay:
                await asyncio.sleep(answer.delay)
        finally:
            self.in_flight -= 1
        return web.Response(status=answer.status, body=answer.body, headers=dict(answer.headers))

    def respond(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.canned = Canned(
            status=status,
            body=body,
            headers=headers if headers is not None else {"Content-Type": "application/json"},
        )

    def then(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        """Queue one response, served before the default one."""
        answer = Canned(status=status, body=body)
        if headers is not None:
            answer.headers = headers
        self.queue.append(answer)

    @property
    def base_url(self) -> str:
        assert self.runner is not None
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}/api/v2"


@pytest.fixture
async def canned() -> AsyncIterator[CannedServer]:
    server = CannedServer()
    server.runner = web.AppRunner(server.app, access_log=None, shutdown_timeout=0.1)
    await server.runner.setup()
    await web.TCPSite(server.runner, "127.0.0.1", 0).start()
    yield server
    await server.runner.cleanup()


@pytest.fixture
async def canned_client(canned: CannedServer) -> AsyncIterator[AsyncBrowserUse]:
    no_retries = RetryPolicy(max_retries=0)
    async with AsyncBrowserUse(
        api_key="bu_test_key", base_url=canned.base_url, retry=no_retries
    ) as c:
        yield c


class RecordingClock:
    """A clock whose sleeps return at once and are recorded; time moves by what was slept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep: list[Callable[[], Awaitable[None]]] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        for hook in self.on_sleep:
            await hook()
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> RecordingClock:
    return RecordingClock()


def link(fake: FakeBrowserUseCloud, clock: RecordingClock) -> RecordingClock:
    """`clock`, whose sleeps now move `fake`'s clock by as much."""

    async def advance() -> None:
        fake.advance(clock.sleeps[-1])

    clock.on_sleep.append(advance)
    return clock


@pytest.fixture
async def linked(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> AsyncIterator[AsyncBrowserUse]:
    """A client whose waits move the fake cloud's clock by as much: no real sleeping."""
    link(fake, clock)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, clock=clock) as c:
        yield c


class ServerThread:
    """The loop thread the blocking client runs on, serving aiohttp apps to blocking tests."""

    def __init__(self) -> None:
        self._loop_thread = LoopThread(self._cleanup, name="test-server")
        self._runners: list[web.AppRunner] = []

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the server's loop and wait (at most 10 s) for its result."""
        return self._loop_thread.run(asyncio.wait_for(coro, 10))

    def start(self, runner: web.AppRunner) -> web.AppRunner:
        """Serve `runner` on 127.0.0.1 until `stop()`."""
        self.run(_start(runner))
        self._runners.append(runner)
        return runner

    def serve(self, app: web.Application, *, handler_cancellation: bool = False) -> str:
        """Serve `app` and return its base URL (`.../api/v2`)."""
        runner = web.AppRunner(app, access_log=None, handler_cancellation=handler_cancellation)
        host, port = self.start(runner).addresses[0][:2]
        return f"http://{host}:{port}/api/v2"

    async def _cleanup(self) -> None:
        for runner in reversed(self._runners):
            await runner.cleanup()

    def stop(self) -> None:
        self._loop_thread.close(join_timeout=10)


async def _start(runner: web.AppRunner) -> None:
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()


@pytest.fixture
def server_thread() -> Iterator[ServerThread]:
    server = ServerThread()
    yield server
    server.stop()


@pytest.fixture
def threaded_fake(server_thread: ServerThread) -> Iterator[FakeBrowserUseCloud]:
    """The fake cloud, served from its own thread for blocking clients."""
    cloud = FakeBrowserUseCloud(manual_time=True)
    server_thread.run(cloud.start())
    yield cloud
    server_thread.run(cloud.close())


@pytest.fixture
def threaded_canned(server_thread: ServerThread) -> CannedServer:
    """A canned-response server, served from its own thread for blocking clients."""
    server = CannedServer()
    server.runner = server_thread.start(web.AppRunner(server.app, access_log=None))
    return server


@pytest.fixture
def sigint_raises_keyboard_interrupt() -> Iterator[None]:
    """Ctrl-C in this (main) thread raises KeyboardInterrupt, as in a plain script."""
    assert threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


class CtrlC:
    """Sends SIGINT to the main thread once `started` is set, as a user's Ctrl-C would; if
    the main thread has not said `seen()` 5 s later, a second one (so a lost first one makes
    the test fail, not hang). `join()` returns whether the first was enough."""

    def __init__(self, started: threading.Event) -> None:
        main = threading.main_thread().ident
        assert main is not None
        self._seen = threading.Event()
        self.rescued = False

        def press() -> None:
            started.wait(10)  # pressed even if it never starts: the test fails, not hangs
            signal.pthread_kill(main, signal.SIGINT)
            if not self._seen.wait(5):
                self.rescued = True
                signal.pthread_kill(main, signal.SIGINT)

        self._thread = threading.Thread(target=press, name="ctrl-c")
        self._thread.start()

    def seen(self) -> None:
        self._seen.set()

    def join(self) -> bool:
        self.seen()
        self._thread.join()
        return not self.rescued


def ctrl_c_once(started: threading.Event) -> CtrlC:
    return CtrlC(started)


@contextlib.asynccontextmanager
async def child_process(*args: str) -> AsyncGenerator[asyncio.subprocess.Process]:
    """`python *args` with its output piped; killed on the way out if still running, so
    that a test that fails or times out leaves no process behind."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        yield child
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


@pytest.fixture
async def runs_client(fake: FakeBrowserUseCloud) -> AsyncIterator[V4AsyncBrowserUse]:
    """A v4 client of `fake` (manual time), for the runs' tests."""
    async with V4AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as c:
        yield c


@pytest.fixture
async def linked_runs(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> AsyncIterator[V4AsyncBrowserUse]:
    """A v4 client whose waits move the fake cloud's clock by as much: no real sleeping."""
    link(fake, clock)
    async with V4AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock) as c:
        yield c
