"""The only module that imports aiohttp: the session, its pool and error translation."""

import asyncio
import io
import os
import ssl
from collections.abc import Awaitable, Callable, Mapping
from typing import BinaryIO

import aiohttp
from aiohttp.abc import AbstractStreamWriter
from yarl import URL

from browser_use_async._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientClosedError,
    LocalFileError,
    ResponseTooLargeError,
)
from browser_use_async._protocol import Request, Response

ClientSession = aiohttp.ClientSession
Sink = Callable[[bytes], Awaitable[object]]
"""Where a download's body goes, chunk by chunk."""

CHUNK_SIZE = 256 * 1024
"""The most a download hands to its sink at once."""

__all__ = ["CHUNK_SIZE", "ClientSession", "Sink", "Transport"]

# Sessions a fork child inherited from its parent. Their sockets are shared with the
# parent, so the child must neither use nor close them (closing a TLS connection would
# send close_notify on the parent's behalf); keeping them here also spares their
# "unclosed" warnings.
_inherited_sessions: list[ClientSession] = []


class Transport:
    """Sends `Request`s over one aiohttp session, created lazily on the running loop.

    A caller-provided session is used as it is and never closed here.
    """

    def __init__(
        self,
        *,
        max_connections: int,
        max_response_bytes: int,
        verify_tls: bool | ssl.SSLContext = True,
        session: ClientSession | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._verify_tls = verify_tls
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
                connector=aiohttp.TCPConnector(limit=self._max_connections, ssl=self._verify_tls),
                auto_decompress=True,
            )
        return self._session

    async def send(self, request: Request, timeout: float) -> Response:
        """Send once and read the whole body; network failures become `APIConnectionError`."""
        return await self._exchange(request, request.body, timeout, idle=False)

    async def upload(
        self,
        request: Request,
        fields: Mapping[str, str],
        file: bytes | BinaryIO,
        *,
        size: int,
        file_name: str,
        content_type: str,
        timeout: float,
    ) -> Response:
        """POST `fields` in order, then `size` bytes of `file`, as multipart/form-data; a file
        object is streamed from where it stands and must hold exactly `size` more bytes, else
        `LocalFileError`. `timeout` bounds connecting and each wait for the server, not the
        whole transfer."""
        form = aiohttp.MultipartWriter("form-data")
        for name, value in fields.items():
            form.append(value).set_content_disposition("form-data", name=name)
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        part = _FilePart(source, size, file_name, content_type)
        form.append_payload(part).set_content_disposition(
            "form-data", name="file", filename=file_name
        )
        try:
            response = await self._exchange(request, form, timeout, idle=True)
        except APIError:
            if part.error is None:
                raise
            # aiohttp reports the part's failure as a broken connection: say what it was
            raise part.error from part.error.__cause__
        if part.error is not None:
            raise part.error
        return response

    async def download(self, request: Request, sink: Sink, timeout: float) -> Response:
        """Send, and pass a 2xx body to `sink` chunk by chunk (the returned body is then
        empty); other answers are read whole. `timeout` bounds connecting and each wait for
        data, not the whole transfer. What `sink` raises propagates as it is."""
        return await self._exchange(request, None, timeout, idle=True, sink=sink)

    async def _exchange(
        self,
        request: Request,
        data: bytes | aiohttp.Payload | None,
        timeout: float,
        *,
        idle: bool,
        sink: Sink | None = None,
    ) -> Response:
        session = self._session_for_this_loop()
        limits = (
            aiohttp.ClientTimeout(connect=timeout, sock_read=timeout)
            if idle
            else aiohttp.ClientTimeout(total=timeout)
        )
        sink_error: Exception | None = None
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=data,
                timeout=limits,
                allow_redirects=False,
            ) as response:
                body = b""
                if sink is None or not 200 <= response.status < 300:
                    body = await self._read_body(request, response)
                else:
                    async for chunk in response.content.iter_chunked(CHUNK_SIZE):
                        try:
                            await sink(chunk)
                        except Exception as exc:  # not a network failure: re-raised below
                            sink_error = exc
                            break
                result = Response(status=response.status, headers=response.headers, body=body)
        except aiohttp.ConnectionTimeoutError:
            raise APITimeoutError(
                f"{request.method} {request.shown}: could not connect within {timeout:g} s.",
                method=request.method,
                url=request.shown,
                reached_server=False,
            ) from None
        except TimeoutError:
            waited = "no data came for" if idle else "no complete response within"
            raise APITimeoutError(
                f"{request.method} {request.shown}: {waited} {timeout:g} s; "
                "raise `timeout` if the server is slow.",
                method=request.method,
                url=request.shown,
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{request.method} {request.shown}: could not connect ({exc.os_error}). "
                "Check base_url and the network.",
                method=request.method,
                url=request.shown,
                reached_server=False,
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(
                f"{request.method} {request.shown}: the connection failed before a full response "
                f"({type(exc).__name__}: {exc}).",
                method=request.method,
                url=request.shown,
            ) from exc
        if sink_error is not None:
            raise sink_error
        return result

    async def _read_body(self, request: Request, response: aiohttp.ClientResponse) -> bytes:
        """The whole body, unless it is larger than allowed: then nothing more is read."""
        limit = self._max_response_bytes
        length = response.content_length
        if length is not None and length > limit:
            raise _too_large(request, limit)
        if length is not None and "Content-Encoding" not in response.headers:
            return await response.read()
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK_SIZE):
            body += chunk
            if len(body) > limit:
                raise _too_large(request, limit)
        return bytes(body)

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        self._closed = True
        if self._pid != os.getpid():
            self._forget_parent_pool()
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()


class _FilePart(aiohttp.Payload):
    """Exactly `size` bytes of a file, read in a thread a chunk at a time. A file that ends
    early or holds more sets `error` and fails the write before the part's last byte is
    sent, so the storage host never receives a complete upload of the wrong bytes."""

    def __init__(self, file: BinaryIO, size: int, file_name: str, content_type: str) -> None:
        super().__init__(file, content_type=content_type)
        self._size = self._length = size
        self._file = file
        self._name = file_name
        self.error: LocalFileError | None = None

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError("a streamed file part cannot be decoded")

    async def write(self, writer: AbstractStreamWriter) -> None:
        sent = 0
        while sent < self._length:
            want = min(self._length - sent, CHUNK_SIZE)
            last = sent + want == self._length  # then one byte more is asked for: is it the end?
            try:
                chunk = await asyncio.to_thread(self._file.read, want + int(last))
            except OSError as exc:
                self.error = LocalFileError(
                    f"Reading {self._name!r} for upload failed ({exc}); nothing was stored."
                )
                raise self.error from exc
            if len(chunk) != want:
                change = "shrank" if len(chunk) < want else "grew"
                self.error = LocalFileError(
                    f"{self._name!r} {change} while being uploaded (it was {self._length} bytes); "
                    "the upload was cut short, so nothing was stored. Upload it again once "
                    "nothing writes to it."
                )
                raise self.error from None
            await writer.write(chunk)
            sent += want


def _too_large(request: Request, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{request.method} {request.shown}: the response is larger than max_response_bytes "
        f"({limit} bytes) and was not read; raise the limit if you expect such answers.",
        method=request.method,
        url=request.shown,
    )
