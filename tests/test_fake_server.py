"""The fake as a server: connections, recording, a background thread, a process, the plugin."""

import asyncio
import json
import re
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import cast

import aiohttp
import pytest

from browser_use_async import AsyncBrowserUse, TaskStatus
from browser_use_async.testing import FakeBrowserUseCloud, Fault, FaultScript


async def _until(condition: Callable[[], bool]) -> None:
    """Give the server's loop a moment (at most 2 s) to notice a closed connection."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not come true in time")


async def test_keep_alive_reuses_one_connection(fake: FakeBrowserUseCloud) -> None:
    headers = {"X-Browser-Use-API-Key": fake.api_key}
    async with aiohttp.ClientSession(headers=headers) as session:
        for _ in range(20):
            async with session.get(f"{fake.base_url}/billing/account") as response:
                assert response.status == 200
        assert fake.total_connections == 1
        assert fake.open_connections == 1
    await _until(lambda: fake.open_connections == 0)
    assert fake.total_connections == 1
    assert len(fake.requests) == 20


async def test_each_closed_connection_is_counted(fake: FakeBrowserUseCloud) -> None:
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(3):
            async with session.get(f"{fake.base_url}/marketplace/skills") as response:
                assert response.status == 200
    await _until(lambda: fake.open_connections == 0)
    assert fake.total_connections == 3


async def test_sdk_client_reuses_its_pool(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for task_id in [fake.create_task() for _ in range(5)]:
        await client.tasks.stop(task_id)
    assert fake.total_connections == 1


async def test_every_request_is_recorded_even_refused_ones(fake: FakeBrowserUseCloud) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}/tasks"
        async with session.post(url, data=b'{"task":"x"}', params={"a": "1"}) as response:
            assert response.status == 401
        async with session.get(f"{fake.base_url}/nowhere") as response:
            assert response.status == 404
    first, second = fake.requests
    assert (first.method, first.path, first.query, first.body) == (
        "POST",
        "/api/v2/tasks",
        {"a": "1"},
        b'{"task":"x"}',
    )
    assert first.json() == {"task": "x"}
    assert second.path == "/api/v2/nowhere"


async def test_recorded_headers_are_found_in_any_case(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    # aiohttp's server rewrites the names it knows (X-Request-Id arrives as X-Request-ID), so a
    # test looking up the header it sent, as the README's extra_headers example sends it, must
    # find it under that spelling.
    await client.billing.account(extra_headers={"X-Request-Id": "r-42"})
    headers = fake.requests[-1].headers
    assert headers["X-Request-Id"] == headers["x-request-id"] == "r-42"
    assert headers["x-browser-use-api-key"] == fake.api_key


async def test_base_url_needs_a_running_fake() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.base_url
    assert fake.open_connections == 0


def _get(url: str, key: str) -> tuple[int, object]:
    request = urllib.request.Request(url, headers={"X-Browser-Use-API-Key": key})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_background_thread_serves_sync_code() -> None:
    with FakeBrowserUseCloud(api_key="bu_thread", manual_time=True) as fake:
        task_id = fake.create_task("Sync world", steps=1)
        status, body = _get(f"{fake.base_url}/tasks/{task_id}", "bu_thread")
        assert status == 200
        assert isinstance(body, dict)
        assert body["task"] == "Sync world"
        fake.advance(60)
        status, body = _get(f"{fake.base_url}/tasks/{task_id}/status", "bu_thread")
        assert (status, body["status"]) == (200, "finished")  # type: ignore[index]
        assert _get(f"{fake.base_url}/tasks/{task_id}", "bu_wrong")[0] == 401
        base_url = fake.base_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base_url, timeout=2)  # noqa: S310


def test_background_thread_with_the_sdk_on_another_loop() -> None:
    async def stop(base_url: str, key: str, task_id: uuid.UUID) -> TaskStatus | str:
        async with AsyncBrowserUse(api_key=key, base_url=base_url) as client:
            return (await client.tasks.stop(task_id)).status

    with FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = fake.create_task()
        assert asyncio.run(stop(fake.base_url, fake.api_key, task_id)) is TaskStatus.STOPPED
        assert fake.tasks[task_id]["status"] == "stopped"


def test_a_port_in_use_fails_the_start() -> None:
    with FakeBrowserUseCloud(manual_time=True) as first:
        port = int(first.base_url.split(":")[2].split("/")[0])
        second = FakeBrowserUseCloud(port=port, manual_time=True)
        with pytest.raises(OSError, match=r"(?i)address already in use"):
            second.start_in_thread()
        assert second.open_connections == 0


async def test_process_mode_serves_until_terminated() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "browser_use_async.testing",
        "--port",
        "0",
        "--api-key",
        "bu_process",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(20):
            banner = (await process.stdout.readline()).decode()
            env = [(await process.stdout.readline()).decode() for _ in range(2)]
        assert banner.startswith("Fake Browser Use Cloud on http://127.0.0.1:")
        base_url = banner.split()[-1]
        assert env == [f"BROWSER_USE_BASE_URL={base_url}\n", "BROWSER_USE_API_KEY=bu_process\n"]
        async with AsyncBrowserUse(api_key="bu_process", base_url=base_url) as client:
            with pytest.raises(Exception, match="Task not found"):
                await client.tasks.stop(uuid.uuid4())
    finally:
        process.terminate()
        async with asyncio.timeout(20):
            code = await process.wait()
    assert code == 0


def test_a_fault_rate_applies_to_a_fraction_of_all_calls() -> None:
    script = FaultScript(seed=3)
    script.add("GET /tasks", Fault(status=503), rate=0.05)
    hits = sum(script.take("GET", "/tasks") is not None for _ in range(10_000))
    assert 400 < hits < 600


def test_a_certain_fault_applies_once_unless_told_otherwise() -> None:
    script = FaultScript()
    script.add("GET /tasks", Fault(status=503))
    script.add("POST /tasks", Fault(status=500), times=3)
    script.add("PATCH /tasks/{task_id}", Fault(status=502), times=None)
    assert [script.take("GET", "/tasks") is not None for _ in range(3)] == [True, False, False]
    assert sum(script.take("POST", "/tasks") is not None for _ in range(10)) == 3
    assert all(script.take("PATCH", "/tasks/{task_id}") for _ in range(50))
    assert script.take("GET", "/sessions") is None
    assert script.injected == 1 + 3 + 50


RFC3339_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"


def _timestamps(value: object) -> list[str]:
    """Every string in a JSON document that starts like a date-time."""
    if isinstance(value, dict):
        items: list[object] = list(cast("dict[str, object]", value).values())
        return [t for item in items for t in _timestamps(item)]
    if isinstance(value, list):
        return [t for item in cast("list[object]", value) for t in _timestamps(item)]
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\dT", value):
        return [value]
    return []


async def test_every_timestamp_the_fake_writes_is_rfc3339_utc_with_its_offset(
    fake: FakeBrowserUseCloud,
) -> None:
    headers = {"X-Browser-Use-API-Key": fake.api_key}
    seen: list[str] = []
    async with aiohttp.ClientSession(headers=headers) as session:

        async def call(method: str, path: str, body: object = None) -> dict[str, object]:
            async with session.request(method, fake.base_url + path, json=body) as response:
                assert response.status < 300, (method, path, await response.text())
                answer: dict[str, object] = await response.json()
                seen.extend(_timestamps(answer))
                return answer

        task = await call("POST", "/tasks", {"task": "Find a flight"})
        fake.clock.advance(600)  # the task ends: finishedAt too
        for path in (f"/tasks/{task['id']}", "/tasks", f"/tasks/{task['id']}/status"):
            await call("GET", path)
        session_view = await call("POST", "/sessions", {})
        await call("GET", f"/sessions/{session_view['id']}")
        await call("GET", "/sessions")
        await call("POST", "/profiles", {"name": "work"})
        await call("GET", "/profiles")
        await call("POST", "/browsers", {})
        await call("GET", "/browsers")
        await call(
            "POST",
            "/skills",
            {"goal": "Find flights", "agentPrompt": "Search flights for the cheapest"},
        )
        await call("GET", "/skills")
    assert len(seen) >= 15
    assert [t for t in seen if not re.fullmatch(RFC3339_UTC, t)] == []
