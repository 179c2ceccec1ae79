"""What the v4 REST resources' tests share: a v4 client of the canned server, and a storage
host for presigned PUTs and GETs on 127.0.0.1 that records what reaches it."""

import hashlib
import inspect
import json
from collections.abc import AsyncIterator

import attrs
import pytest
from aiohttp import web

from browser_use_async import RetryPolicy
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.v4 import AsyncBrowserUse
from tests.conftest import CannedServer, RecordingClock
from tests.test_files import StorageServer

KEY = "bu_v4_rest_key"


def v4_url(canned: CannedServer) -> str:
    return canned.base_url.removesuffix("/api/v2") + "/api/v4"


@pytest.fixture
async def v4_canned(canned: CannedServer) -> AsyncIterator[AsyncBrowserUse]:
    """A v4 client of `canned`, without retries."""
    async with AsyncBrowserUse(
        api_key=KEY, base_url=v4_url(canned), retry=RetryPolicy(max_retries=0)
    ) as client:
        yield client


@pytest.fixture
async def v4_client(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> AsyncIterator[AsyncBrowserUse]:
    """A v4 client of the fake cloud (`fake`, on manual time) whose retry waits are recorded
    by `clock`, not slept."""
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock
    ) as client:
        yield client


@attrs.define
class Put:
    path_qs: str
    headers: dict[str, str]
    size: int
    sha256: str


class PutStorage(StorageServer):
    """The v2 tests' storage host (it serves `BIG` to GETs of `/objects/...`), which also
    takes presigned PUTs to `/bucket/{name}`, recording each (its body hashed as it streams
    in)."""

    def __init__(self) -> None:
        super().__init__()
        self.puts: list[Put] = []
        self.app.router.add_put("/bucket/{name}", self._put)

    async def _put(self, request: web.Request) -> web.Response:
        digest, size = hashlib.sha256(), 0
        while chunk := await request.content.read(64 * 1024):
            digest.update(chunk)
            size += len(chunk)
        self.puts.append(Put(request.path_qs, dict(request.headers), size, digest.hexdigest()))
        return self._failed() or web.Response(status=200)


@pytest.fixture
async def put_storage() -> AsyncIterator[PutStorage]:
    server = PutStorage()
    server.runner = web.AppRunner(server.app, access_log=None, shutdown_timeout=0.1)
    await server.runner.setup()
    await web.TCPSite(server.runner, "127.0.0.1", 0).start()
    yield server
    await server.runner.cleanup()


async def call(client: AsyncBrowserUse, operation: str, **kwargs: object) -> None:
    """`client.<operation>(**kwargs)` ("resource.method"), awaited if it is a coroutine (a
    list method answers its pager, and checks its arguments at once)."""
    resource, method = operation.split(".")
    answer = getattr(getattr(client, resource), method)(**kwargs)
    if inspect.isawaitable(answer):
        await answer


def encode(body: object) -> bytes:
    return json.dumps(body).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_api_key(headers: dict[str, str]) -> bool:
    return all(name.lower() != "x-browser-use-api-key" for name in headers) and all(
        KEY not in value for value in headers.values()
    )
