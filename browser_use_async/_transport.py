"""The only module that imports aiohttp: the session, its pool and error translation."""

import asyncio
import contextlib
import io
import os
import socket
import ssl
import warnings
import weakref
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
    InvalidArgumentError,
    LocalFileError,
    ResponseTooLargeError,
    TLSVerificationError,
)
from browser_use_async._loop_thread import belongs_to_a_loop_thread
from browser_use_async._protocol import API_KEY_HEADER, REDACTED, Request, Response

ClientSession = aiohttp.ClientSession
Sink = Callable[[bytes], Awaitable[object]]
"""Where a download's body goes, chunk by chunk."""

CHUNK_SIZE = 256 * 1024
"""The most a download hands to its sink at once."""

KEEPALIVE_SECONDS = 4.0
"""How long an idle pooled connection is kept for reuse. Servers close idle connections on
their own schedule (uvicorn and Node.js after 5 s, AWS load balancers after 60 s, nginx
after 75 s); a request sent just as the server closes is lost with the connection, and a
create cannot safely be repeated. Staying under the shortest common timeout avoids that race
at the cost of a new connection after 4 idle seconds. (aiohttp's own default is 15 s.)"""

__all__ = ["CHUNK_SIZE", "ClientSession", "Sink", "Transport"]

_CLOSE_ELSEWHERE_SECONDS = 10.0
"""How long `close()` waits for a pool's own loop, in another thread, to close it."""

# Sessions a fork child inherited from its parent. Their sockets are shared with the
# parent, so the child must neither use nor close them (closing a TLS connection would
# send close_notify on the parent's behalf); keeping them here also spares their
# "unclosed" warnings.
_inherited_sessions: list[ClientSession] = []


class Transport:
    """Sends `Request`s over one aiohttp session, created lazily on the running loop.

    A caller-provided session is used as it is and never closed here. `unclosed` is the
    `ResourceWarning` given when this transport is dropped with its own session open; the
    session is then closed at once, in place of aiohttp's "Unclosed client session".
    """

    def __init__(
        self,
        *,
        max_connections: int,
        max_response_bytes: int,
        verify_tls: bool | ssl.SSLContext = True,
        session: ClientSession | None = None,
        unclosed: str = "A Transport was never closed.",
    ) -> None:
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise InvalidArgumentError(f"session must be an aiohttp.ClientSession, got {session!r}")
        if session is not None and session.closed:
            raise InvalidArgumentError("session= is closed; pass an open aiohttp.ClientSession.")
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._verify_tls = verify_tls
        self._session = session
        self._slots: asyncio.Semaphore | None = None  # one per connection of the pool
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._pid = os.getpid()
        self._unclosed = unclosed
        self._abandoned: weakref.finalize[..., Transport] | None = None

    def _forget_parent_pool(self) -> None:
        """In a fork child: leave the parent's pool and loop alone and start a new pool."""
        self._pid = os.getpid()
        self._slots = None  # bound to the parent's loop once anyone waited on it
        if self._owns_session:
            if self._session is not None:
                _inherited_sessions.append(self._session)
            self._session = None
            self._loop = None

    def _session_for_this_loop(self) -> tuple[ClientSession, asyncio.Semaphore]:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one.")
        if self._pid != os.getpid():
            self._forget_parent_pool()
        loop = asyncio.get_running_loop()
        if self._loop is None:
            if not self._owns_session and getattr(self._session, "_loop", loop) is not loop:
                raise ClientClosedError(
                    "The aiohttp session passed as session= belongs to another event loop; "
                    "create it inside the loop that uses the client."
                )
            self._loop = loop
        elif self._loop is not loop:
            raise ClientClosedError(
                "This client was first used on another event loop; create one client per "
                "loop (for example inside the coroutine you pass to asyncio.run)."
            )
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                ssl=self._verify_tls,
                keepalive_timeout=KEEPALIVE_SECONDS,
            )
            session = aiohttp.ClientSession(connector=connector, auto_decompress=True)
            # aiohttp silently sends an idempotent request a second time when a pooled
            # connection drops; the retry policy decides that here, and counts it. aiohttp
            # has no public switch: this is the attribute its own test client turns off.
            session._retry_connection = False  # pyright: ignore[reportPrivateUsage]
            self._session = session
            # The finalizer holds the session, so aiohttp cannot report it unclosed first.
            self._abandoned = weakref.finalize(
                self, _abandoned, session, loop, self._pid, self._unclosed, weakref.ref(self)
            )
        elif self._session.closed:
            raise ClientClosedError(
                "The aiohttp session passed as session= is closed; pass an open one."
            )
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections)
        return self._session, self._slots

    async def send(
        self, request: Request, timeout: float, *, within: float | None = None
    ) -> Response:
        """Send once and read the whole body; network failures become `APIConnectionError`.

        `within`, when given, bounds the wait for a connection and the request together
        (what is left of a retry deadline)."""
        return await self._exchange(request, request.body, timeout, idle=False, within=within)

    async def upload(
        self,
        request: Request,
        fields: Mapping[str, str] | None,
        file: bytes | BinaryIO,
        *,
        size: int,
        file_name: str,
        content_type: str,
        timeout: float,
    ) -> Response:
        """Send `size` bytes of `file`: after `fields`, in order, as multipart/form-data (a
        presigned POST), or with `fields=None` as the whole body, with `content_type` and that
        length (a presigned PUT). A file object is streamed from where it stands and must
        hold exactly `size` more bytes, else `LocalFileError`. `timeout` bounds connecting
        and each wait for the server, not the whole transfer."""
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        part = _FilePart(source, size, file_name, content_type)
        data: aiohttp.Payload = part
        if fields is not None:
            form = aiohttp.MultipartWriter("form-data")
            for name, value in fields.items():
                form.append(value).set_content_disposition("form-data", name=name)
            form.append_payload(part).set_content_disposition(
                "form-data", name="file", filename=file_name
            )
            data = form
        try:
            response = await self._exchange(request, data, timeout, idle=True)
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
        within: float | None = None,
    ) -> Response:
        session, slots = self._session_for_this_loop()
        waited = await self._take_slot(slots, request, timeout)
        if within is not None and within - waited < timeout:
            timeout = within - waited
            if timeout <= 0:
                slots.release()
                raise _all_busy(request, self._max_connections, waited)
        limits = (
            aiohttp.ClientTimeout(connect=timeout, sock_read=timeout)
            if idle
            else aiohttp.ClientTimeout(total=timeout)
        )
        try:
            return await self._exchange_on(
                session, request, data, limits, timeout=timeout, idle=idle, sink=sink
            )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not self._closed or (task is not None and task.cancelling()):
                raise  # a cancellation of this call, not the pool closing under it
            raise _closed_mid_call() from None
        except (APIConnectionError, aiohttp.ClientError, OSError, RuntimeError) as exc:
            if self._closed or session.closed:
                raise _closed_mid_call() from exc
            raise
        finally:
            slots.release()

    async def _take_slot(self, slots: asyncio.Semaphore, request: Request, timeout: float) -> float:
        """Wait, at most `timeout`, for a free connection; return the seconds waited.

        Waiting here rather than in aiohttp's pool tells a request that never left (safe to
        repeat, even a create) from one that timed out on the server. The request then has
        a whole `timeout` of its own (only a retry deadline cuts it): one sent with what a
        long wait left of it could reach the server and time out, leaving a create's
        outcome unknown."""
        if not slots.locked():
            await slots.acquire()  # at once
            return 0.0
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            async with asyncio.timeout(timeout):
                await slots.acquire()
        except TimeoutError:
            raise _all_busy(request, self._max_connections, timeout) from None
        if self._closed:
            slots.release()
            raise ClientClosedError("This client is closed; create a new one.")
        return loop.time() - began

    async def _exchange_on(
        self,
        session: ClientSession,
        request: Request,
        data: bytes | aiohttp.Payload | None,
        limits: aiohttp.ClientTimeout,
        *,
        timeout: float,
        idle: bool,
        sink: Sink | None,
    ) -> Response:
        sink_error: Exception | None = None
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=data,
                timeout=limits,
                allow_redirects=False,
                auto_decompress=sink is None,  # a download keeps the bytes as stored
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
        except aiohttp.ClientConnectorCertificateError as exc:
            raise TLSVerificationError(
                f"{request.method} {request.shown}: the server's TLS certificate could not be "
                f"verified ({exc.certificate_error}); nothing was sent. Fix the server's "
                "certificate, or pass verify_tls=ssl.SSLContext(...) trusting its authority.",
                method=request.method,
                url=request.shown,
                reached_server=False,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{request.method} {request.shown}: could not connect ({exc.os_error}). "
                "Check base_url and the network.",
                method=request.method,
                url=request.shown,
                reached_server=False,
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            error, cause = _connection_failed(request, exc)
            raise error from cause
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
        """Close the session if this transport created it, from any loop. Idempotent."""
        self._closed = True
        if self._pid != os.getpid():
            self._forget_parent_pool()
        if self._abandoned is not None:
            self._abandoned.detach()
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await _close_on_its_loop(session, self._loop)


def _abandoned(
    session: ClientSession,
    loop: asyncio.AbstractEventLoop,
    pid: int,
    message: str,
    transport: "weakref.ref[Transport]",
) -> None:
    """The transport was collected (or the interpreter exits) with its session open: close
    it without awaiting, then warn. At exit, a transport still in use by a loop running in
    another thread, or by a `LoopThread`'s idle one, is left to that loop's owner (a
    `BrowserUse` closes its own)."""
    if os.getpid() != pid:  # a fork child's copy of the parent's pool: left alone, kept
        _inherited_sessions.append(session)  # so that aiohttp does not call it unclosed
        return
    if session.closed:
        return
    if (loop.is_running() or belongs_to_a_loop_thread(loop)) and not _runs_here(loop):
        if transport() is not None:
            return
        loop.call_soon_threadsafe(_drop_pool, session)
    else:
        if loop.is_closed():  # its connections cannot be closed on it: close them here
            _close_off_loop(session)
        _drop_pool(session)
    warnings.warn(message, ResourceWarning, stacklevel=2)


def _runs_here(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _drop_pool(session: ClientSession) -> None:
    """`session.close()` without the wait for the connections to finish closing."""
    connector = session.connector
    session.detach()  # closed, as far as the session is concerned
    if connector is not None:
        # The synchronous part of `connector.close()`, which warns unless awaited.
        connector._close()  # pyright: ignore[reportPrivateUsage]


async def _close_on_its_loop(
    session: ClientSession, loop: asyncio.AbstractEventLoop | None
) -> None:
    """Close `session` on the loop its connections belong to, awaited from any loop.

    Closing a connection from another loop (or thread) would queue its shutdown on a loop
    that may never run it again, or touch that loop from the wrong thread."""
    if loop is None or loop is asyncio.get_running_loop():
        await session.close()
    elif loop.is_running():  # in another thread; bounded, should that loop be stuck
        closing = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(session.close(), loop))
        done, _ = await asyncio.wait({closing}, timeout=_CLOSE_ELSEWHERE_SECONDS)
        if not done:  # it goes on there, whenever that loop runs again
            _shut_down_sockets(session)
    elif not loop.is_closed():  # idle: run it in a worker thread, just for the close
        await asyncio.to_thread(loop.run_until_complete, session.close())
    else:
        _close_off_loop(session)
        with contextlib.suppress(RuntimeError):  # aiohttp may still try to use that loop
            await session.close()


def _close_off_loop(session: ClientSession) -> None:
    """The pool's loop is closed: close its connections here, without it."""
    _shut_down_sockets(session)
    for connection in _transports(session):
        # What a closing transport does on its loop's next turn (asyncio's own transports),
        # so that it is not reported "unclosed" in turn. Over TLS, that is the socket's
        # transport under the TLS one, which it marks closed too.
        tls = getattr(connection, "_ssl_protocol", None)
        socket_transport = getattr(tls, "_transport", None) or connection
        finish = getattr(socket_transport, "_call_connection_lost", None)
        if finish is not None:
            with contextlib.suppress(Exception):
                finish(None)


def _shut_down_sockets(session: ClientSession) -> None:
    """The pool's loop is closed (or stuck), so it cannot close its connections now. Shut
    their sockets down: the server sees them closed at once and nothing more is sent; the
    file descriptors go when the transports are collected (or that loop closes them)."""
    for transport in _transports(session):
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _transports(session: ClientSession) -> list[asyncio.BaseTransport]:
    connector = session.connector
    try:  # aiohttp lists its connections nowhere public: best effort
        protocols = [
            *(proto for idle in getattr(connector, "_conns", {}).values() for proto, _ in idle),
            *getattr(connector, "_acquired", ()),
        ]
    except (AttributeError, TypeError, ValueError):
        return []
    found = (getattr(proto, "transport", None) for proto in protocols)
    return [transport for transport in found if transport is not None]


def _connection_failed(
    request: Request, exc: Exception
) -> tuple[APIConnectionError, Exception | None]:
    """The error for a connection that failed mid-exchange, and its cause. aiohttp's text may
    quote what must not be shown: a malformed answer's bytes (which may echo the API key) and
    the whole URL (a presigned URL's signature). Those are hidden, and aiohttp's exception is
    then left out of the chain."""
    text = f"{type(exc).__name__}: {exc}"
    hidden = [(request.headers.get(API_KEY_HEADER), REDACTED)]
    if request.shown != request.url:
        hidden.append((request.url.partition("?")[2], "<signature>"))
    cause: Exception | None = exc
    for secret, shown in hidden:
        if secret and secret in text:
            text, cause = text.replace(secret, shown), None
    error = APIConnectionError(
        f"{request.method} {request.shown}: the connection failed before a full response ({text}).",
        method=request.method,
        url=request.shown,
    )
    return error, cause


def _closed_mid_call() -> ClientClosedError:
    return ClientClosedError(
        "The client (or the session passed as session=) was closed while this call was in "
        "flight; create a new client to go on."
    )


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


def _all_busy(request: Request, connections: int, waited: float) -> APITimeoutError:
    return APITimeoutError(
        f"{request.method} {request.shown}: all {connections} connections stayed busy for "
        f"{waited:g} s, so the request was not sent; raise max_connections or timeout.",
        method=request.method,
        url=request.shown,
        reached_server=False,
    )


def _too_large(request: Request, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{request.method} {request.shown}: the response is larger than max_response_bytes "
        f"({limit} bytes) and was not read; raise the limit if you expect such answers.",
        method=request.method,
        url=request.shown,
    )
