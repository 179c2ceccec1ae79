"""Retries, timeouts, the pool and cancellation, against the fake cloud with scripted faults."""

import asyncio
import contextlib
import datetime as dt
import email.utils
import logging
import socket
import ssl
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

import pytest
import trustme

from browser_use_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncBrowserUse,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
    TaskStatus,
    TLSVerificationError,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from tests.conftest import Canned, CannedServer, RecordingClock
from tests.samples import TASK_ID, task_bytes

STOP = "PATCH /tasks/{task_id}"
CREATE = "POST /tasks"
POLICY = RetryPolicy(jitter=0)


@pytest.fixture
async def retrying(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=POLICY, clock=clock, timeout=5
    ) as client:
        yield client


def calls(fake: FakeBrowserUseCloud, method: str = "PATCH") -> int:
    return sum(1 for r in fake.requests if r.method == method)


async def test_503_503_then_success(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(status=503), times=2)
    task = await retrying.tasks.stop(fake.create_task())
    assert task.status is TaskStatus.STOPPED
    assert calls(fake) == 3
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("code", [408, 500, 502, 504])
async def test_transient_status_then_success(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock, code: int
) -> None:
    fake.faults.add(STOP, Fault(status=code))
    await retrying.tasks.stop(fake.create_task())
    assert calls(fake) == 2
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422])
async def test_never_retried_statuses_are_sent_once(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock, code: int
) -> None:
    fake.faults.add(STOP, Fault(status=code), times=None)
    with pytest.raises(APIStatusError) as info:
        await retrying.tasks.stop(fake.create_task())
    assert info.value.status_code == code
    assert calls(fake) == 1
    assert clock.sleeps == []


async def test_retries_run_out_with_the_last_real_error(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(status=502), times=3)
    fake.faults.add(STOP, Fault(status=503, body=b'{"detail": "last one"}'), times=None)
    with pytest.raises(InternalServerError) as info:
        await retrying.tasks.stop(fake.create_task())
    assert info.value.status_code == 503
    assert info.value.attempts == 4
    assert "last one" in str(info.value)
    assert "after 4 attempts" in str(info.value)
    assert calls(fake) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_max_retries_zero_disables_retries(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(status=503), times=None)
    async with AsyncBrowserUse(
        api_key=fake.api_key,
        base_url=fake.base_url,
        retry=RetryPolicy(max_retries=0),
        clock=clock,
    ) as client:
        with pytest.raises(InternalServerError) as info:
            await client.tasks.stop(fake.create_task())
    assert info.value.attempts == 1
    assert "attempts" not in str(info.value)
    assert calls(fake) == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"retry-after-ms": "1250"}, 1.25),
        ({"Retry-After": "0"}, 0.5),
    ],
)
async def test_retry_after_is_honoured(
    fake: FakeBrowserUseCloud,
    retrying: AsyncBrowserUse,
    clock: RecordingClock,
    headers: dict[str, str],
    expected: float,
) -> None:
    fake.faults.add(STOP, Fault(status=429, headers=headers))
    await retrying.tasks.stop(fake.create_task())
    assert clock.sleeps == [expected]
    assert calls(fake) == 2


async def test_retry_after_as_http_date(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
    fake.faults.add(
        STOP,
        Fault(status=503, headers={"Retry-After": email.utils.format_datetime(when, usegmt=True)}),
    )
    await retrying.tasks.stop(fake.create_task())
    [slept] = clock.sleeps
    assert 18 <= slept <= 20


async def test_too_long_retry_after_is_not_waited(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(RateLimitError) as info:
        await retrying.tasks.stop(fake.create_task())
    assert info.value.retry_after == 120.0
    assert calls(fake) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("where", ["before_response", "during_body"])
async def test_dropped_connection_then_success(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock, where: str
) -> None:
    fake.faults.add(STOP, Fault(disconnect=where))  # type: ignore[arg-type]
    task = await retrying.tasks.stop(fake.create_task())
    assert task.status is TaskStatus.STOPPED
    assert calls(fake) == 2
    assert clock.sleeps == [0.5]


async def test_slow_server_past_the_timeout_then_success(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(delay=1.0))
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, timeout=0.1, retry=POLICY, clock=clock
    ) as client:
        task = await client.tasks.stop(fake.create_task())
    assert task.status is TaskStatus.STOPPED
    assert calls(fake) == 2
    assert clock.sleeps == [0.5]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_connection_refused_is_retried_then_raised(clock: RecordingClock) -> None:
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=f"http://127.0.0.1:{free_port()}", retry=POLICY, clock=clock
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.tasks.stop(uuid.uuid4())
    assert info.value.attempts == 4
    assert info.value.reached_server is False
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_post_is_not_retried_on_500(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(CREATE, Fault(status=500))
    with pytest.raises(InternalServerError):
        await retrying.tasks.create("Find flights")
    assert calls(fake, "POST") == 1
    assert fake.tasks == {}
    assert clock.sleeps == []


async def test_post_is_not_retried_on_a_read_timeout(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add(CREATE, Fault(delay=1.0))
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, timeout=0.1, retry=POLICY, clock=clock
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.tasks.create("Find flights")
    assert info.value.reached_server is True
    assert calls(fake, "POST") == 1
    assert clock.sleeps == []


async def test_post_is_retried_on_a_no_capacity_429(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.max_active_sessions = 1
    busy = fake.create_session()

    async def end_the_busy_session() -> None:
        fake.sessions[busy]["status"] = "stopped"

    clock.on_sleep.append(end_the_busy_session)
    created = await retrying.tasks.create("Find flights")
    assert list(fake.tasks) == [created.id]
    assert calls(fake, "POST") == 2
    assert clock.sleeps == [0.5]


async def test_post_is_retried_on_a_rate_limit_429(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(CREATE, Fault(status=429, headers={"Retry-After": "2"}))
    created = await retrying.tasks.create("Find flights")
    assert list(fake.tasks) == [created.id]
    assert calls(fake, "POST") == 2
    assert clock.sleeps == [2.0]


async def test_post_is_retried_when_it_could_not_connect(clock: RecordingClock) -> None:
    port = free_port()
    fake = FakeBrowserUseCloud(port=port, manual_time=True)

    async def start_the_server() -> None:
        if not clock.sleeps[1:]:
            await fake.start()

    clock.on_sleep.append(start_the_server)
    try:
        async with AsyncBrowserUse(
            api_key=fake.api_key,
            base_url=f"http://127.0.0.1:{port}/api/v2",
            retry=POLICY,
            clock=clock,
        ) as client:
            created = await client.tasks.create("Find flights")
    finally:
        await fake.close()
    assert list(fake.tasks) == [created.id]
    assert clock.sleeps == [0.5]


async def test_deadline_bounds_the_whole_call(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(status=503), times=None)
    policy = RetryPolicy(jitter=0, max_retries=10, deadline=2.0)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=policy, clock=clock
    ) as client:
        with pytest.raises(InternalServerError) as info:
            await client.tasks.stop(fake.create_task())
    assert clock.sleeps == [0.5, 1.0]
    assert info.value.attempts == 3
    assert sum(clock.sleeps) < 2.0


async def test_deadline_shortens_an_attempt(fake: FakeBrowserUseCloud) -> None:
    fake.faults.add(STOP, Fault(delay=2.0))
    policy = RetryPolicy(deadline=0.2)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, timeout=30, retry=policy
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.tasks.stop(fake.create_task())
    assert info.value.attempts == 1
    assert "0.2 s" in str(info.value)


async def test_pool_cap_is_what_the_server_sees(canned: CannedServer) -> None:
    canned.respond(200, task_bytes())
    canned.canned.delay = 0.05
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=canned.base_url, max_connections=3
    ) as client:
        await asyncio.gather(*(client.tasks.stop(uuid.uuid4()) for _ in range(12)))
    assert len(canned.requests) == 12
    assert canned.max_in_flight == 3
    assert len(canned.peers) == 3


async def test_connections_are_kept_alive_and_reused(canned: CannedServer) -> None:
    canned.respond(200, task_bytes())
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        for _ in range(10):
            await client.tasks.stop(uuid.uuid4())
    assert len(canned.requests) == 10
    assert len(canned.peers) == 1


async def test_cancelled_call_is_not_retried_and_leaves_the_pool_healthy(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.faults.add(STOP, Fault(delay=5.0))
    task_id = fake.create_task()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await retrying.tasks.stop(task_id)
    await asyncio.sleep(0.05)
    assert calls(fake) == 1
    assert clock.sleeps == []
    results = await asyncio.gather(*(retrying.tasks.stop(fake.create_task()) for _ in range(5)))
    assert all(task.status is TaskStatus.STOPPED for task in results)
    assert calls(fake) == 6


async def test_task_cancellation_mid_request(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse
) -> None:
    fake.faults.add(STOP, Fault(delay=5.0))
    pending = asyncio.create_task(retrying.tasks.stop(fake.create_task()))
    for _ in range(200):
        if fake.requests:
            break
        await asyncio.sleep(0.01)
    pending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pending
    task = await retrying.tasks.stop(fake.create_task())
    assert task.status is TaskStatus.STOPPED
    assert calls(fake) == 2


async def test_with_options_shares_the_pool(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, clock: RecordingClock
) -> None:
    once = retrying.with_options(retry=RetryPolicy(max_retries=0))
    fake.faults.add(STOP, Fault(status=503))
    with pytest.raises(InternalServerError):
        await once.tasks.stop(fake.create_task())
    assert once.retry.max_retries == 0
    assert retrying.retry is POLICY
    assert once.timeout == retrying.timeout
    await once.close()
    fake.faults.add(STOP, Fault(status=503))
    await retrying.tasks.stop(fake.create_task())
    assert clock.sleeps == [0.5]
    quick = retrying.with_options(timeout=0.1)
    assert quick.timeout == 0.1
    assert quick.retry is POLICY


async def test_retries_are_logged_without_the_key(
    fake: FakeBrowserUseCloud, retrying: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="browser_use_async")
    fake.faults.add(STOP, Fault(status=503))
    task_id = fake.create_task()
    await retrying.tasks.stop(task_id)
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    debugs = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(infos) == 1
    message = infos[0].getMessage()
    assert f"PATCH {fake.base_url}/tasks/{task_id}" in message
    assert "in 0.50 s" in message
    assert "attempt 1 of 4" in message
    assert "HTTP 503" in message
    assert len(debugs) == 2
    assert fake.api_key not in caplog.text


# -- the pool on raw sockets: what goes on the wire is counted, not inferred ---------------

CREATED = b'{"id": "%s", "sessionId": "%s"}' % (str(uuid.uuid4()).encode(), TASK_ID.encode())
Plan = Callable[[int, float], str]
"""What a `RawServer` does with a request: given the request's number on its connection
(1, 2, ...) and how long that connection was idle before it, one of "answer", "drop" (close
without a byte), "half" (close in the middle of the answer) or "answer-close"."""


class RawServer:
    """HTTP/1.1 on raw sockets. Counts each request it read whole, and open connections."""

    def __init__(self, plan: Plan, body: bytes) -> None:
        self.plan, self.body = plan, body
        self.requests: list[bytes] = []
        self.connections = 0
        self.open = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/api/v2"

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open += 1
        loop = asyncio.get_running_loop()
        try:
            number, idle_since = 0, loop.time()
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                idle = loop.time() - idle_since
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                number += 1
                self.requests.append(head.split(b" ", 1)[0])
                action = self.plan(number, idle)
                if action == "drop":
                    break
                answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                if action == "half":
                    writer.write(answer + b"Content-Length: %d\r\n\r\n{" % (len(self.body) + 9))
                    await writer.drain()
                    break
                writer.write(answer + b"Content-Length: %d\r\n\r\n" % len(self.body) + self.body)
                await writer.drain()
                idle_since = loop.time()
                if action == "answer-close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open -= 1
            writer.close()


class StartRaw(Protocol):
    def __call__(self, plan: Plan, body: bytes = ...) -> Awaitable[tuple[RawServer, str]]: ...


@pytest.fixture
async def raw() -> AsyncIterator[StartRaw]:
    servers: list[RawServer] = []

    async def start(plan: Plan, body: bytes = b"{}") -> tuple[RawServer, str]:
        server = RawServer(plan, body)
        servers.append(server)
        return server, await server.start()

    yield start
    for server in servers:
        await server.stop()


async def until(condition: Callable[[], object]) -> None:
    """Wait, at most 5 s, until `condition()` is true."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("waited 5 s in vain")


def always(action: str) -> Plan:
    return lambda _number, _idle: action


async def raw_call(client: AsyncBrowserUse, method: str) -> object:
    if method == "GET":
        return await client.tasks.get(TASK_ID)
    if method == "DELETE":
        await client.profiles.delete(TASK_ID)
        return None
    if method == "PATCH":
        return await client.tasks.stop(TASK_ID)
    return await client.tasks.create("Find flights")


async def test_server_count_is_always_the_attempts(raw: StartRaw, clock: RecordingClock) -> None:
    """aiohttp re-sends an idempotent request once on a dropped connection, unless told not
    to: every request on the wire must be an attempt the retry policy made and counted."""
    points = 0
    for action in ("drop", "half"):
        server, url = await raw(always(action))
        for retries in range(4):
            policy = RetryPolicy(max_retries=retries, jitter=0)
            async with AsyncBrowserUse(
                api_key="bu_key", base_url=url, retry=policy, clock=clock, timeout=5
            ) as client:
                for method in ("GET", "DELETE", "PATCH", "POST"):
                    before = len(server.requests)
                    with pytest.raises(APIConnectionError) as info:
                        async with asyncio.timeout(10):
                            await raw_call(client, method)
                    sent = len(server.requests) - before
                    assert (action, method, sent) == (action, method, info.value.attempts)
                    assert sent == (1 if method == "POST" else retries + 1)
                    points += 1
    assert points == 32


async def test_a_dropped_keep_alive_connection_is_one_attempt(
    raw: StartRaw,
) -> None:
    """The server answers the first request of each connection and drops the next one."""
    server, url = await raw(lambda number, _idle: "answer" if number == 1 else "drop", task_bytes())
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=url, retry=RetryPolicy(max_retries=0)
    ) as client:
        await client.tasks.get(TASK_ID)
        with pytest.raises(APIConnectionError) as info:
            await client.tasks.get(TASK_ID)
    assert info.value.attempts == 1
    assert len(server.requests) == 2
    assert server.connections == 1


async def test_a_create_that_waited_for_a_pool_slot_is_retried_once_sent(
    canned: CannedServer, clock: RecordingClock
) -> None:
    """The only connection is held by a slow call: the create times out waiting for it,
    was never sent (`reached_server=False`), and the retry sends it exactly once."""
    canned.respond(200, CREATED)
    canned.queue.append(Canned(body=task_bytes(), delay=0.6))
    async with AsyncBrowserUse(
        api_key="bu_key",
        base_url=canned.base_url,
        max_connections=1,
        timeout=0.4,
        retry=RetryPolicy(jitter=0),
        clock=clock,
    ) as client:
        slow = asyncio.create_task(client.with_options(timeout=5).tasks.stop(TASK_ID))
        await until(lambda: canned.requests)
        async with asyncio.timeout(5):
            created = await client.tasks.create("Find flights")
            await slow
    assert str(created.session_id) == TASK_ID
    assert [r.method for r in canned.requests] == ["PATCH", "POST"]
    assert clock.sleeps == [0.5]


async def test_waiting_for_a_pool_slot_too_long_says_nothing_was_sent(
    canned: CannedServer,
) -> None:
    canned.queue.append(Canned(body=task_bytes(), delay=0.5))
    async with AsyncBrowserUse(
        api_key="bu_key",
        base_url=canned.base_url,
        max_connections=1,
        timeout=0.2,
        retry=RetryPolicy(max_retries=0),
    ) as client:
        slow = asyncio.create_task(client.with_options(timeout=5).tasks.stop(TASK_ID))
        await until(lambda: canned.requests)
        with pytest.raises(APITimeoutError, match="connections stayed busy") as info:
            await client.tasks.create("Find flights")
        await slow
    assert info.value.reached_server is False
    assert [r.method for r in canned.requests] == ["PATCH"]


async def test_a_create_after_the_servers_idle_timeout_gets_a_new_connection(
    raw: StartRaw,
) -> None:
    """Like uvicorn or Node.js, the server closes connections idle for 5 s; the close and a
    request sent just then cross on the wire (here: the server drops that request). The pool
    must not send a create on a connection that old. Takes about 5 s."""
    uvicorn_idle_timeout = 5.0
    server, url = await raw(
        lambda _number, idle: "drop" if idle >= uvicorn_idle_timeout else "answer", CREATED
    )
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=url, retry=RetryPolicy(max_retries=0)
    ) as client:
        await client.tasks.create("Find flights")
        await asyncio.sleep(uvicorn_idle_timeout + 0.1)
        created = await client.tasks.create("Find flights")
    assert str(created.session_id) == TASK_ID
    assert (len(server.requests), server.connections) == (2, 2)


async def test_tls_verification_failures_are_not_retried(clock: RecordingClock) -> None:
    """A certificate the client does not trust: one connection per call, whatever the
    method and policy, and an error that says what to do."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(server_context)  # pyright: ignore[reportUnknownMemberType]
    connections = 0

    async def handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        with contextlib.suppress(ssl.SSLError, ConnectionError, TimeoutError):
            async with asyncio.timeout(5):
                await writer.start_tls(server_context)
        writer.close()

    server = await asyncio.start_server(handshake, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AsyncBrowserUse(
            api_key="bu_key", base_url=f"https://127.0.0.1:{port}/api/v2", retry=POLICY, clock=clock
        ) as client:
            for method in ("GET", "POST", "DELETE"):
                before = connections
                with pytest.raises(TLSVerificationError, match="verify_tls") as info:
                    await raw_call(client, method)
                assert isinstance(info.value, APIConnectionError)
                assert (info.value.attempts, info.value.reached_server) == (1, False)
                assert connections - before == 1
    finally:
        server.close()
    assert clock.sleeps == []


async def test_creates_queued_behind_busy_connections_are_each_sent_once(
    canned: CannedServer, clock: RecordingClock
) -> None:
    """A sweep: 2 connections held by slow calls for 0.3 to 0.6 s, 6 creates queued behind
    them with a 0.25 s timeout. Each create times out waiting, is retried as never sent,
    and reaches the server exactly once."""
    canned.respond(200, CREATED)
    points = duplicates = 0
    for hold in (0.3, 0.4, 0.5, 0.6):
        before = len(canned.requests)
        for _ in range(2):
            canned.queue.append(Canned(body=task_bytes(), delay=hold))
        async with AsyncBrowserUse(
            api_key="bu_key",
            base_url=canned.base_url,
            max_connections=2,
            timeout=0.25,
            retry=RetryPolicy(jitter=0),
            clock=clock,
        ) as client:
            slow = client.with_options(timeout=5)
            held = [asyncio.create_task(slow.tasks.stop(TASK_ID)) for _ in range(2)]
            await until(lambda: len(canned.requests) - before == 2)  # noqa: B023
            async with asyncio.timeout(10):
                outcomes = await asyncio.gather(
                    *(client.tasks.create("Find flights") for _ in range(6)),
                    return_exceptions=True,
                )
                await asyncio.gather(*held)
        posts = [r for r in canned.requests[before:] if r.method == "POST"]
        created = [o for o in outcomes if not isinstance(o, BaseException)]
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        assert failed == []  # 4 attempts of 0.25 s outlast the hold: each got through
        assert len(posts) == len(created) == 6
        duplicates += len(posts) - len(created)
        points += 6
    assert (points, duplicates) == (24, 0)


async def test_a_server_closing_after_each_answer_sees_no_silent_resend(raw: StartRaw) -> None:
    """Keep-alive connections closed right after each answer: a call may meet a closed
    connection, but the server never gets more requests than attempts (one each)."""
    server, url = await raw(always("answer-close"), task_bytes())
    failures: list[APIConnectionError] = []
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=url, retry=RetryPolicy(max_retries=0)
    ) as client:
        for _ in range(50):
            before = len(server.requests)
            try:
                await client.tasks.get(TASK_ID)
            except APIConnectionError as error:
                failures.append(error)
            assert len(server.requests) - before <= 1
    assert [error.attempts for error in failures] == [1] * len(failures)
    assert len(server.requests) >= 50 - len(failures)
