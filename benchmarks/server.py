"""A canned HTTP/1.1 keep-alive server: each request gets precomputed bytes.

It reads just enough of each request to find where it ends (the blank line, then
Content-Length bytes of body) and writes the canned response, so it costs far less per
request than any client it serves. Run it in its own process:

    python -m benchmarks.server 10 100

listens on 127.0.0.1 once per step count (v2: every request answered with a TaskView of that
many steps) and once for API v4 (`POST .../runs/{id}/cancel` answered with a RunSummary,
`GET .../runs/{id}/status` with a RunStatusResponse, anything else 404), prints
`ready 10=PORT 100=PORT v4=PORT`, and serves until its standard input closes, SIGTERM, or
`--max-seconds` (a bound, not a setting).
"""

import argparse
import asyncio
import contextlib
import functools
import os
import re
import signal
import sys
from collections.abc import Mapping

from benchmarks.payload import compact, run_status, run_summary, task_view_bytes

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


def canned_response(body: bytes, status: str = "200 OK") -> bytes:
    """A complete response with `body` as JSON."""
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


V4_ROUTES = {
    (b"POST", b"cancel"): canned_response(compact(run_summary())),
    (b"GET", b"status"): canned_response(compact(run_status())),
}
"""API v4's answers by method and the last segment of the path (`/runs/{id}/cancel`)."""
NOT_FOUND = canned_response(b'{"detail":"Not Found"}', "404 Not Found")


class CannedProtocol(asyncio.Protocol):
    """Answers each complete request on the connection, in order, with `response`; with
    `routes`, by its method and the last segment of its path (404 for any other)."""

    def __init__(
        self, response: bytes, routes: Mapping[tuple[bytes, bytes], bytes] | None = None
    ) -> None:
        self._response = response
        self._routes = routes
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        answered = 0
        routed: list[bytes] = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            match = _CONTENT_LENGTH.search(buffer, 0, end + 2)
            size = end + 4 + (int(match[1]) if match else 0)
            if len(buffer) < size:
                break
            if self._routes is not None:
                routed.append(self._route(bytes(buffer[: buffer.find(b"\r\n")])))
            del buffer[:size]
            answered += 1
        if answered and self._transport is not None:
            self._transport.write(b"".join(routed) if routed else self._response * answered)

    def _route(self, request_line: bytes) -> bytes:
        assert self._routes is not None
        method, target, _ = request_line.split(b" ", 2)
        last = target.split(b"?", 1)[0].rsplit(b"/", 1)[-1]
        return self._routes.get((method, last), NOT_FOUND)


async def serve(step_counts: list[int], max_seconds: float) -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    servers: list[asyncio.Server] = []
    ports: list[str] = []
    for steps in step_counts:
        server = await loop.create_server(
            functools.partial(CannedProtocol, canned_response(task_view_bytes(steps))),
            "127.0.0.1",
            0,
            backlog=2048,
        )
        servers.append(server)
        ports.append(f"{steps}={server.sockets[0].getsockname()[1]}")
    v4 = await loop.create_server(
        functools.partial(CannedProtocol, NOT_FOUND, V4_ROUTES), "127.0.0.1", 0, backlog=2048
    )
    servers.append(v4)
    ports.append(f"v4={v4.sockets[0].getsockname()[1]}")
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    stdin = sys.stdin.fileno()

    def on_stdin() -> None:
        with contextlib.suppress(OSError):
            if os.read(stdin, 4096):
                return
        stopped.set()

    loop.add_reader(stdin, on_stdin)
    print("ready", *ports, flush=True)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopped.wait(), max_seconds)
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server")
    parser.add_argument("steps", type=int, nargs="+", help="step counts, one port each")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args()
    asyncio.run(serve(args.steps, args.max_seconds))


if __name__ == "__main__":
    main()
