"""Shared fixtures: the fake cloud, a client on it, and a canned-response server."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import attrs
import pytest
from aiohttp import web

from browser_use_async import AsyncBrowserUse, RetryPolicy
from browser_use_async.testing import FakeBrowserUseCloud


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own key or base URL."""
    monkeypatch.delenv("BROWSER_USE_API_KEY", raising=False)
    monkeypatch.delenv("BROWSER_USE_BASE_URL", raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBrowserUseCloud]:
    async with FakeBrowserUseCloud() as cloud:
        yield cloud


@pytest.fixture
async def client(fake: FakeBrowserUseCloud) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as c:
        yield c


@attrs.define
class Canned:
    """The response a `CannedServer` gives to every request."""

    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = attrs.field(factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


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
