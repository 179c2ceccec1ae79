"""Serving an aiohttp app on 127.0.0.1: in the running loop or in a thread of its own.

Connections are accepted through our own protocol factory, so the fake can say how many
it ever accepted; aiohttp's server keeps the list of those still open.
"""

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Self

from aiohttp import web

from browser_use_async._loop_thread import LoopThread, serve_here

__all__ = ["BackgroundServer"]


def _nothing() -> None:
    pass


class BackgroundServer:
    """Start with `async with` (in the running loop) or `with` (in a background thread)."""

    prefix = ""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.total_connections = 0
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._loop_thread: LoopThread | None = None
        self._unserve: Callable[[], None] = _nothing

    @property
    def base_url(self) -> str:
        if self._listener is None:
            raise RuntimeError("the fake cloud is not running: use `async with`, `with` or start()")
        host, port = self._listener.sockets[0].getsockname()[:2]
        if ":" in host:  # IPv6
            host = f"[{host}]"
        return f"http://{host}:{port}{self.prefix}"

    @property
    def open_connections(self) -> int:
        """TCP connections to the fake that are open right now."""
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    async def start(self) -> None:
        """Listen in the running event loop; returns once connections are accepted."""
        self._runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=0.1
        )
        await self._runner.setup()
        server = self._runner.server
        assert server is not None

        def accept() -> asyncio.BaseProtocol:
            self.total_connections += 1
            return server()

        loop = asyncio.get_running_loop()
        try:
            self._listener = await loop.create_server(accept, self._host, self._port)
        except BaseException:
            await self.close()
            raise
        # A blocking client called from this thread would stall this loop: it refuses to.
        port = self._listener.sockets[0].getsockname()[1]
        self._unserve = serve_here(self._host, port)

    async def close(self) -> None:
        """Stop listening and close every connection."""
        self._unserve()
        self._unserve = _nothing
        if self._listener is not None:
            self._listener.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._listener is not None:
            await self._listener.wait_closed()
            self._listener = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- in a background thread, for synchronous code ------------------------------------------

    def start_in_thread(self, timeout: float = 10.0) -> Self:
        """Serve from a loop thread of its own (the one the blocking client runs on);
        returns once listening."""
        if self._loop_thread is not None:
            raise RuntimeError("the fake cloud is already running in a thread")
        loop_thread = LoopThread(self.close, name="fake-browser-use-cloud")
        try:
            loop_thread.run(asyncio.wait_for(self.start(), timeout))
        except BaseException:
            loop_thread.close(join_timeout=timeout)
            raise
        self._loop_thread = loop_thread
        return self

    def stop_thread(self) -> None:
        """Stop serving, close connections and join the thread."""
        loop_thread, self._loop_thread = self._loop_thread, None
        if loop_thread is not None:
            loop_thread.close()

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()
