"""The benchmarks' canned server and payload: what `make bench` measures against."""

import asyncio
import functools
import json
import re
from pathlib import Path
from typing import Any, cast

import pytest

from benchmarks.impls import BY_KEY, answer
from benchmarks.payload import RUN_ID, TASK_ID, run_status, run_summary, task_view, task_view_bytes
from benchmarks.server import NOT_FOUND, V4_ROUTES, CannedProtocol, canned_response
from browser_use_async import AsyncBrowserUse, TaskStatus, TaskView
from browser_use_async._codec import decode
from browser_use_async.testing._schema import SchemaValidator


def test_the_payload_is_a_task_view_with_the_steps_asked_for() -> None:
    for steps in (0, 10, 100):
        task = decode(task_view_bytes(steps), TaskView)
        assert len(task.steps) == steps
        assert [s.number for s in task.steps] == list(range(1, steps + 1))
        assert task.status is TaskStatus.STOPPED
    assert json.loads(task_view_bytes(3)) == task_view(3)


async def _serve(body: bytes) -> tuple[asyncio.Server, int]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        functools.partial(CannedProtocol, canned_response(body)), "127.0.0.1", 0
    )
    return server, server.sockets[0].getsockname()[1]


async def test_answers_pipelined_and_split_requests_on_one_connection() -> None:
    body = b'{"ok":true}'
    server, port = await _serve(body)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    first = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
    second = b'PATCH /b HTTP/1.1\r\nHost: x\r\ncontent-length: 17\r\n\r\n{"action":"stop"}'
    writer.write(first + second[:40])
    await asyncio.sleep(0.01)
    writer.write(second[40:])
    expected = canned_response(body)
    assert await reader.readexactly(2 * len(expected)) == 2 * expected
    assert expected.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"Content-Length: {len(body)}\r\n".encode() in expected
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


async def test_our_client_stops_a_task_on_it() -> None:
    server, port = await _serve(task_view_bytes(10))
    base_url = f"http://127.0.0.1:{port}/api/v2"
    async with AsyncBrowserUse(api_key="bu_key", base_url=base_url) as client:
        tasks = await asyncio.gather(*(client.tasks.stop(TASK_ID) for _ in range(20)))
    assert all(len(task.steps) == 10 for task in tasks)
    server.close()
    await server.wait_closed()


# -- API v4: the port that answers runs.cancel and runs.status ---------------------------------

V4_SPEC = json.loads((Path(__file__).parent.parent / "spec/openapi-v4.upstream.json").read_text())


async def _exchange(port: int, request: bytes) -> tuple[bytes, bytes]:
    """The status line and body the server answers `request` with."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    [length] = re.findall(rb"Content-Length: (\d+)", head)
    body = await reader.readexactly(int(length))
    writer.close()
    await writer.wait_closed()
    return head.split(b"\r\n", 1)[0], body


@pytest.mark.parametrize(
    ("method", "path", "target"),
    [
        ("post", "/runs/{run_id}/cancel", f"/api/v4/runs/{RUN_ID}/cancel"),
        ("get", "/runs/{run_id}/status", f"/api/v4/runs/{RUN_ID}/status?x=1"),
    ],
)
async def test_the_v4_answers_are_what_the_spec_says(method: str, path: str, target: str) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        functools.partial(CannedProtocol, NOT_FOUND, V4_ROUTES), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    request = f"{method.upper()} {target} HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n"
    status, body = await _exchange(port, request.encode())
    other = f"GET /api/v4/runs/{RUN_ID} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    not_found, _ = await _exchange(port, other)
    server.close()
    await server.wait_closed()
    assert status == b"HTTP/1.1 200 OK"
    assert not_found == b"HTTP/1.1 404 Not Found"
    answer = V4_SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    document = json.loads(body)
    _, issues = SchemaValidator(V4_SPEC).check(answer["schema"], document)
    assert issues == []
    schema_name = answer["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(document) == set(V4_SPEC["components"]["schemas"][schema_name]["properties"])
    assert document == (run_summary() if "cancel" in path else run_status())


V4_CLIENTS = ["ours_v4_async", "ours_v4_sync", "floor_v4", "official_v4_async", "official_v4_sync"]


@pytest.mark.parametrize("key", V4_CLIENTS)
async def test_each_v4_client_cancels_and_polls_on_it(key: str) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        functools.partial(CannedProtocol, NOT_FOUND, V4_ROUTES), "127.0.0.1", 0
    )
    base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/api/v4"
    impl = BY_KEY[key]
    assert impl.available
    if impl.kind == "async":
        client = impl.make(base_url)
        run, polled = await client.cancel(RUN_ID), await client.status(RUN_ID)
        await client.close()
    else:  # blocking: off the loop that serves
        client = await asyncio.to_thread(impl.make, base_url)
        run = await asyncio.to_thread(client.cancel, RUN_ID)
        polled = await asyncio.to_thread(client.status, RUN_ID)
        await asyncio.to_thread(client.close)
    server.close()
    await server.wait_closed()
    assert (answer(run), answer(polled)) == ("cancelled", "running")
    run_id: object = cast("dict[str, Any]", run)["id"] if isinstance(run, dict) else run.id
    assert str(run_id) == RUN_ID


def test_answer_reads_steps_and_statuses() -> None:
    assert answer({"status": "cancelled"}) == "cancelled"
    assert answer(task_view(3)) == "3 steps"
    assert answer(decode(task_view_bytes(2), TaskView)) == "2 steps"
