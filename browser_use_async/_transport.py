"""The only module that imports aiohttp: the session, its pool and error translation."""

import asyncio
import os

import aiohttp

from browser_use_async._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
)
from browser_use_async._protocol import Request, Response

ClientSession = aiohttp.ClientSession

__all__ = ["ClientSession", "Transport"]

# Sessions a fork child inherited from its parent. Their sockets are shared with the
# parent, so the child must neither use nor close them (closing a TLS connection would
# send close_notify on the parent's behalf); keeping them here also spares their
# "unclosed" warnings.
_inherited_sessions: list[ClientSession] = []


class Transport:
    """Sends `Request`s over one aiohttp session, created lazily on the running loop.

    A caller-provided session is used as it is and never closed here.
    """

    def __init__(self, *, max_connections: int, session: ClientSession | None = None) -> None:
        self._max_connections = max_connections
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._pid = os.getpid()

    def _forget_parent_pool(self) -> None:
        """In a fork child: leave the parent's pool and loop alone and start a new pool."""
        self._pid = os.getpid()
        if self._owns_session:
            if self._session is not None:
                _inherited_sessions.append(self._session)
            self._session = None
            self._loop = None

    def _session_for_this_loop(self) -> ClientSession:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one.")
        if self._pid != os.getpid():
            self._forget_parent_pool()
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise ClientClosedError(
                "This client was first used on another event loop; create one client per "
                "loop (for example inside the coroutine you pass to asyncio.run)."
            )
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                auto_decompress=True,
            )
        return self._session

    async def send(self, request: Request, timeout: float) -> Response:
        """Send once and read the whole body; network failures become `APIConnectionError`."""
        session = self._session_for_this_loop()
        try:
            async with session.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                return Response(status=response.status, headers=response.headers, body=body)
        except aiohttp.ConnectionTimeoutError:
            raise APITimeoutError(
                f"{request.method} {request.url}: could not connect within {timeout:g} s.",
                method=request.method,
                url=request.url,
                reached_server=False,
            ) from None
        except TimeoutError:
            raise APITimeoutError(
                f"{request.method} {request.url}: no complete response within {timeout:g} s; "
                "raise `timeout` if the server is slow.",
                method=request.method,
                url=request.url,
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{request.method} {request.url}: could not connect ({exc.os_error}). "
                "Check base_url and the network.",
                method=request.method,
                url=request.url,
                reached_server=False,
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(
                f"{request.method} {request.url}: the connection failed before a full response "
                f"({type(exc).__name__}: {exc}).",
                method=request.method,
                url=request.url,
            ) from exc

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        self._closed = True
        if self._pid != os.getpid():
            self._forget_parent_pool()
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()
