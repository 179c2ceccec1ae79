"""Client configuration, lifecycle and secrets."""

import asyncio
import gc
import json
import logging
import time
import uuid
import warnings
from collections.abc import Callable

import aiohttp
import pytest

from browser_use_async import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncBrowserUse,
    ClientClosedError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    _transport,
)
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer, ServerThread
from tests.samples import TASK_ID, task_bytes
from tests.test_retries import RawServer

KEY = "bu_very_secret_key"
NO_RETRIES = RetryPolicy(max_retries=0)


def test_no_key_anywhere_is_a_clear_error() -> None:
    with pytest.raises(InvalidArgumentError, match="BROWSER_USE_API_KEY"):
        AsyncBrowserUse()


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_USE_API_KEY", KEY)
    monkeypatch.setenv("BROWSER_USE_BASE_URL", "http://127.0.0.1:9/api/v2/")
    client = AsyncBrowserUse()
    assert client.base_url == "http://127.0.0.1:9/api/v2"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_USE_API_KEY", "bu_env_key")
    monkeypatch.setenv("BROWSER_USE_BASE_URL", "http://127.0.0.1:9/api/v2")
    client = AsyncBrowserUse(KEY, base_url="https://example.com/api/v2/")
    assert client.base_url == "https://example.com/api/v2"


def test_default_base_url() -> None:
    assert AsyncBrowserUse(KEY).base_url == "https://api.browser-use.com/api/v2"


async def test_env_key_is_sent(monkeypatch: pytest.MonkeyPatch, fake: FakeBrowserUseCloud) -> None:
    monkeypatch.setenv("BROWSER_USE_API_KEY", fake.api_key)
    monkeypatch.setenv("BROWSER_USE_BASE_URL", fake.base_url)
    async with AsyncBrowserUse() as client:
        await client.tasks.stop(fake.create_task())
    assert fake.requests[0].headers["X-Browser-Use-API-Key"] == fake.api_key


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": "30"}, "timeout"),
        ({"max_connections": 0}, "max_connections"),
        ({"max_connections": 2.5}, "max_connections"),
        ({"base_url": "api.browser-use.com"}, "base_url"),
    ],
)
def test_bad_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        AsyncBrowserUse(KEY, **kwargs)  # type: ignore[arg-type]


def test_key_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="control") as info:
        AsyncBrowserUse("bu_key\r\nX-Evil: 1")
    assert "bu_key" not in str(info.value)


def test_repr_hides_the_key() -> None:
    client = AsyncBrowserUse(KEY, base_url="https://example.com/api/v2")
    assert repr(client) == "AsyncBrowserUse(base_url='https://example.com/api/v2')"
    assert KEY not in repr(client)


async def test_no_unclosed_session_warning_after_async_with(fake: FakeBrowserUseCloud) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            await client.tasks.stop(fake.create_task())
        del client
        gc.collect()
        await asyncio.sleep(0)
    assert [w for w in caught if "nclosed" in str(w.message)] == []


async def test_close_is_idempotent_and_final(fake: FakeBrowserUseCloud) -> None:
    client = AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url)
    await client.tasks.stop(fake.create_task())
    await client.close()
    await client.close()
    with pytest.raises(ClientClosedError, match="closed"):
        await client.tasks.stop(fake.create_task())


async def test_caller_session_is_used_and_left_open(fake: FakeBrowserUseCloud) -> None:
    async with aiohttp.ClientSession(headers={"X-Trace": "mine"}) as session:
        async with AsyncBrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, session=session
        ) as client:
            await client.tasks.stop(fake.create_task())
        assert not session.closed
    assert fake.requests[0].headers["X-Trace"] == "mine"


async def test_one_client_per_loop_is_enforced(fake: FakeBrowserUseCloud) -> None:
    client = AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url)
    await client.tasks.stop(fake.create_task())
    try:
        with pytest.raises(ClientClosedError, match="another event loop"):
            await asyncio.to_thread(asyncio.run, client.tasks.stop(fake.create_task()))
    finally:
        await client.close()
    assert len(fake.requests) == 1


async def test_connection_refused_is_a_connection_error() -> None:
    async with FakeBrowserUseCloud(manual_time=True) as fake:
        base_url, key = fake.base_url, fake.api_key
    async with AsyncBrowserUse(api_key=key, base_url=base_url, retry=NO_RETRIES) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.tasks.stop(TASK_ID)
    assert info.value.reached_server is False
    assert not isinstance(info.value, APITimeoutError)
    assert "could not connect" in str(info.value)


async def test_slow_server_times_out(canned: CannedServer) -> None:
    canned.respond(200, task_bytes())
    canned.canned.delay = 2.0
    async with AsyncBrowserUse(
        api_key=KEY, base_url=canned.base_url, timeout=0.2, retry=NO_RETRIES
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.tasks.stop(TASK_ID)
    assert info.value.reached_server is True
    assert "0.2 s" in str(info.value)


async def test_key_never_logged(
    fake: FakeBrowserUseCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        await client.tasks.stop(fake.create_task())
        with pytest.raises(InvalidArgumentError):
            await client.tasks.stop("not a uuid")
    assert fake.api_key not in caplog.text


# -- closing the pool under calls, and from other loops ----------------------------------


async def test_close_while_calls_wait_for_the_pool(canned: CannedServer) -> None:
    """One connection, held by a slow server; more calls wait for it. Whenever close() comes
    (before any request left, or with one in flight), every call raises ClientClosedError."""
    canned.respond(200, task_bytes())
    canned.canned.delay = 30.0
    points = 0
    for waiting in (1, 4, 16):
        for moment in [*range(8), "in flight"]:
            client = AsyncBrowserUse(
                api_key=KEY, base_url=canned.base_url, max_connections=1, retry=NO_RETRIES
            )
            sent = len(canned.requests)
            calls = [asyncio.create_task(client.tasks.get(TASK_ID)) for _ in range(waiting + 1)]
            if moment == "in flight":
                for _ in range(500):
                    if len(canned.requests) > sent:
                        break
                    await asyncio.sleep(0.01)
                assert len(canned.requests) == sent + 1
            else:
                for _ in range(int(moment)):
                    await asyncio.sleep(0)
            async with asyncio.timeout(5):
                await client.close()
                outcomes = await asyncio.gather(*calls, return_exceptions=True)
            kinds = {type(outcome).__name__ for outcome in outcomes}
            assert (waiting, moment, kinds) == (waiting, moment, {"ClientClosedError"})
            points += 1
    assert points == 27


def _pooled_calls(client: AsyncBrowserUse, count: int) -> "asyncio.Future[list[object]]":
    return asyncio.gather(*(client.tasks.get(TASK_ID) for _ in range(count)))


async def _use(client: AsyncBrowserUse) -> None:
    await _pooled_calls(client, 3)


async def _block_loop(seconds: float) -> None:
    """Leave the running loop blocked for `seconds` once this returns."""
    asyncio.get_running_loop().call_soon(time.sleep, seconds)


def _until(condition: Callable[[], bool]) -> bool:
    for _ in range(500):
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("pool_loop", ["closed", "idle", "running in another thread", "stuck"])
def test_close_from_another_loop_releases_the_sockets(
    server_thread: ServerThread, pool_loop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = RawServer(lambda _number, _idle: "answer", task_bytes())
    url = server_thread.run(server.start())
    client = AsyncBrowserUse(api_key=KEY, base_url=url)
    other: ServerThread | None = None
    loop: asyncio.AbstractEventLoop | None = None
    if pool_loop == "closed":
        asyncio.run(_use(client))
    elif pool_loop == "idle":
        loop = asyncio.new_event_loop()
        loop.run_until_complete(_use(client))
    else:
        other = ServerThread()
        other.run(_use(client))
    if pool_loop == "stuck":  # the pool's loop is blocked: close() waits 0.2 s for it
        monkeypatch.setattr(_transport, "_CLOSE_ELSEWHERE_SECONDS", 0.2)
        assert other is not None
        other.run(_block_loop(1.0))
    try:
        assert (server.connections, server.open) == (3, 3)
        started = time.monotonic()
        asyncio.run(client.close())
        assert time.monotonic() - started < 0.9
        assert _until(lambda: server.open == 0), server.open
    finally:
        if loop is not None:
            loop.close()
        if other is not None:
            other.run(asyncio.sleep(0.1))  # past the block, and the close that waited for it
            other.stop()
        server_thread.run(server.stop())
        with warnings.catch_warnings():
            # A closed loop cannot close its transports: their sockets are shut down (the
            # server saw that above), the descriptors go with the transports, warning so.
            if pool_loop in {"closed", "stuck"}:
                warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    with pytest.raises(ClientClosedError):
        asyncio.run(client.tasks.get(TASK_ID))
    assert len(server.requests) == 3


# -- a session passed in ------------------------------------------------------------------


async def test_a_closed_session_is_refused() -> None:
    session = aiohttp.ClientSession()
    await session.close()
    with pytest.raises(InvalidArgumentError, match="session= is closed"):
        AsyncBrowserUse(api_key=KEY, session=session)


def test_a_session_must_be_an_aiohttp_session() -> None:
    with pytest.raises(InvalidArgumentError, match="session must be an aiohttp"):
        AsyncBrowserUse(api_key=KEY, session=object())  # type: ignore[arg-type]


async def test_a_session_closed_after_the_client_was_made(canned: CannedServer) -> None:
    session = aiohttp.ClientSession()
    client = AsyncBrowserUse(api_key=KEY, base_url=canned.base_url, session=session)
    await session.close()
    with pytest.raises(ClientClosedError, match="session= is closed"):
        await client.tasks.get(TASK_ID)
    assert canned.requests == []


@pytest.mark.parametrize("owner", ["idle loop", "loop in another thread"])
def test_a_session_of_another_loop_is_refused(server_thread: ServerThread, owner: str) -> None:
    async def make() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    loop = asyncio.new_event_loop() if owner == "idle loop" else None
    session = loop.run_until_complete(make()) if loop else server_thread.run(make())
    client = AsyncBrowserUse(api_key=KEY, base_url="http://127.0.0.1:9/api/v2", session=session)
    try:
        with pytest.raises(ClientClosedError, match="belongs to another event loop"):
            asyncio.run(client.tasks.get(TASK_ID))
    finally:
        if loop is not None:
            loop.run_until_complete(session.close())
            loop.close()
        else:
            server_thread.run(session.close())


async def test_a_route_level_404_says_to_check_base_url_not_the_id(
    fake: FakeBrowserUseCloud,
) -> None:
    root = fake.base_url.removesuffix("/api/v2")  # the common slip: no /api/v2
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=root) as client:
        with pytest.raises(NotFoundError) as info:
            async with asyncio.timeout(10):
                await client.tasks.get(TASK_ID)
    assert info.value.body == {"detail": "Not Found"}
    assert "check base_url" in str(info.value)
    assert "Check the id" not in str(info.value)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(NotFoundError) as info:
            async with asyncio.timeout(10):
                await client.tasks.get(TASK_ID)  # a route that exists, a task that does not
    assert "Check the id" in str(info.value)
    assert "base_url" not in str(info.value)


async def test_a_2xx_body_is_decoded_into_the_model(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, task_bytes())
    assert (await canned_client.tasks.stop(TASK_ID)).id == uuid.UUID(TASK_ID)


async def test_a_2xx_body_that_does_not_fit_names_the_path(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    body = json.loads(task_bytes())
    del body["sessionId"]
    canned.respond(200, json.dumps(body).encode())
    with pytest.raises(APIResponseValidationError) as info:
        await canned_client.tasks.stop(TASK_ID)
    assert info.value.errors == ["required field missing @ $.sessionId"]
    assert "$.sessionId" in str(info.value)
    assert info.value.status_code == 200
