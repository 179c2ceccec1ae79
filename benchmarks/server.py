"""A canned HTTP/1.1 keep-alive server: every request gets the same precomputed bytes.

It reads just enough of each request to find where it ends (the blank line, then
Content-Length bytes of body) and writes the canned response, so it costs far less per
request than any client it serves. Run it in its own process:

    python -m benchmarks.server 10 100

listens on 127.0.0.1 once per step count, prints `ready 10=PORT 100=PORT`, and serves
until its standard input closes, SIGTERM, or `--max-seconds` (a bound, not a setting).
"""

import argparse
import asyncio
import contextlib
import functools
import os
import re
import signal
import sys

from benchmarks.payload import task_view_bytes

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


def canned_response(body: bytes) -> bytes:
    """A complete 200 response with `body` as JSON."""
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


class CannedProtocol(asyncio.Protocol):
    """Answers each complete request on the connection, in order, with `response`."""

    def __init__(self, response: bytes) -> None:
        self._response = response
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        answered = 0
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            match = _CONTENT_LENGTH.search(buffer, 0, end + 2)
            size = end + 4 + (int(match[1]) if match else 0)
            if len(buffer) < size:
                break
            del buffer[:size]
            answered += 1
        if answered and self._transport is not None:
            self._transport.write(self._response * answered)


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
