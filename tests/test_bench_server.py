"""The benchmarks' canned server and payload: what `make bench` measures against."""

import asyncio
import functools
import json

from benchmarks.payload import TASK_ID, task_view, task_view_bytes
from benchmarks.server import CannedProtocol, canned_response
from browser_use_async import AsyncBrowserUse, TaskStatus, TaskView
from browser_use_async._codec import decode


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
