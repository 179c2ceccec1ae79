"""The only module that imports aiohttp: the session, its pool and error translation."""

import asyncio

import aiohttp
from yarl import URL

from browser_use_async._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
)
from browser_use_async._protocol import Request, Response

ClientSession = aiohttp.ClientSession

__all__ = ["ClientSession", "Transport"]


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

    def _session_for_this_loop(self) -> ClientSession:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one.")
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
                URL(request.url, encoded=True),
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
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()
