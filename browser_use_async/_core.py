"""`ClientCore`: what every API version's client is built on (its options, one connection
pool, and the request loop with retries)."""

import copy
import functools
import logging
import os
import random
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Self, TypeVar, cast, overload
from urllib.parse import urlsplit

from browser_use_async import _codec, _logging, _messages, _protocol
from browser_use_async._clock import Clock, MonotonicClock
from browser_use_async._exceptions import APIError, APITimeoutError, InvalidArgumentError, shown
from browser_use_async._raw import RawResponse
from browser_use_async._retry import RetryPolicy, next_delay
from browser_use_async._storage import Storage
from browser_use_async._transport import ClientSession, Transport
from browser_use_async._types import RequestOptions
from browser_use_async._validation import check_bool, positive_int, positive_seconds

T = TypeVar("T")

__all__ = ["ClientCore"]

logger = logging.getLogger("browser_use_async")

_UNCLOSED = (
    "AsyncBrowserUse was never closed, so its connections were dropped when it was "
    "garbage-collected: use `async with AsyncBrowserUse(...) as client:`, or call "
    "`await client.close()` when done."
)


def _retry_policy(value: object) -> RetryPolicy:
    if value is None:
        return RetryPolicy()
    if isinstance(value, RetryPolicy):
        return value
    raise InvalidArgumentError(f"retry must be a RetryPolicy, got {shown(value)}")


def _json_or_form(body: object | None) -> _protocol.Encoder | _protocol.Form | None:
    """A request body as `build_request` takes it: a multipart `Form` as it is, a model
    (or plain JSON values) written by the codec."""
    if body is None or isinstance(body, _protocol.Form):
        return body
    return functools.partial(_codec.encode, body)


class ClientCore:
    """What every API version's client shares: its options, one connection pool, and the
    request loop with retries. A subclass names its API's root URL and binds its resources.
    """

    _default_base_url = _protocol.DEFAULT_BASE_URL
    _base_url_env = "BROWSER_USE_BASE_URL"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        max_response_bytes: int = 32 * 1024 * 1024,
        verify_tls: bool | ssl.SSLContext = True,
        allow_insecure_http: bool = False,
        session: ClientSession | None = None,
        clock: Clock | None = None,
    ) -> None:
        """`api_key` defaults to the environment variable BROWSER_USE_API_KEY; `base_url` to
        the one the client's class names, then to the production API. `timeout` bounds each
        attempt in seconds; `retry` says which failures are repeated and how long to wait
        (see `RetryPolicy`). At most `max_connections` connections are open at once; a
        response body larger than `max_response_bytes` raises `ResponseTooLargeError`.
        TLS certificates are verified (`verify_tls=False` turns that off; an `ssl.SSLContext`
        sets your own trust); plain http is refused except to this machine unless
        `allow_insecure_http=True`. The aiohttp session is created on first use, on the
        running loop, and closed by `close()` or `async with`; a `session` you pass in is
        used as it is (its TLS settings apply) and left open for you.
        """
        if api_key is None:
            api_key = os.environ.get("BROWSER_USE_API_KEY", "")
        api_key = _protocol.redacted(api_key)  # from here on, even frame locals hide it
        _logging.configure_from_env()  # BROWSER_USE_LOG
        self._api_key = _protocol.check_api_key(api_key)
        self._base_url = _protocol.check_base_url(
            base_url
            if base_url is not None
            else os.environ.get(self._base_url_env) or self._default_base_url,
            allow_insecure_http=check_bool(allow_insecure_http, "allow_insecure_http"),
        )
        self._timeout = positive_seconds(timeout, "timeout")
        self._retry = _retry_policy(retry)
        self._clock: Clock = clock or MonotonicClock()
        if not isinstance(verify_tls, bool | ssl.SSLContext):
            raise InvalidArgumentError(
                f"verify_tls must be True, False or an ssl.SSLContext, got {shown(verify_tls)}"
            )
        self._transport = Transport(
            max_connections=positive_int(max_connections, "max_connections"),
            max_response_bytes=positive_int(max_response_bytes, "max_response_bytes"),
            verify_tls=verify_tls,
            session=session,
            unclosed=_UNCLOSED,
        )
        self._owns_transport = True
        self._bind_resources()

    @property
    def base_url(self) -> str:
        """The API's root URL, without a trailing slash."""
        return self._base_url

    @property
    def _api_root(self) -> str:
        """The path the API lives under ("/api/v2"), which a wrong route's error names."""
        return urlsplit(self._default_base_url).path

    @property
    def timeout(self) -> float:
        """Seconds one attempt may take."""
        return self._timeout

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._retry

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={getattr(self, '_base_url', None)!r})"

    def with_options(
        self, *, timeout: float | None = None, retry: RetryPolicy | None = None
    ) -> Self:
        """A copy with another `timeout` or `retry` that shares this client's connection pool.

        Closing the copy leaves the pool open; close the original when done.
        """
        clone = copy.copy(self)
        if timeout is not None:
            clone._timeout = positive_seconds(timeout, "timeout")
        if retry is not None:
            clone._retry = _retry_policy(retry)
        clone._owns_transport = False
        clone._bind_resources()
        return clone

    def _bind_resources(self) -> None:
        """Make this client's resources on its request function (again, for a copy)."""
        raise NotImplementedError

    def _storage(self) -> Storage:
        """Presigned uploads and downloads, on this client's pool, outside the API."""
        return Storage(
            self._transport,
            self._timeout,
            lambda request, response: _messages.status_error(request, response, hints=False),
        )

    @overload
    async def _request(
        self,
        method: str,
        path: str,
        response_type: type[T],
        body: object | None = None,
        params: Mapping[str, object] | None = None,
        *,
        extra: RequestOptions | None = None,
        raw: bool = False,
        retry: RetryPolicy | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> T: ...

    @overload
    async def _request(
        self,
        method: str,
        path: str,
        response_type: None,
        body: object | None = None,
        params: Mapping[str, object] | None = None,
        *,
        extra: RequestOptions | None = None,
        raw: bool = False,
        retry: RetryPolicy | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None: ...

    async def _request(
        self,
        method: str,
        path: str,
        response_type: type[T] | None,
        body: object | None = None,
        params: Mapping[str, object] | None = None,
        *,
        extra: RequestOptions | None = None,
        raw: bool = False,
        retry: RetryPolicy | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> T | None:
        """Send with retries as the policy allows; decode the answer into `response_type`.

        `extra` is the calling method's own `**extra` dict, concealed in place first thing.
        `raw=True` (a resource's raw copy) answers with a `RawResponse` of the final attempt
        instead, unparsed; a failure raises alike, and its typing is the raw view's. `retry`
        replaces the client's policy for this call (the batch runner handles its own 429s).
        `idempotent=True` retries it as a GET would be, whatever its method (a cancel);
        `headers` are the operation's own header parameters (`extra_headers` may replace them)."""
        if extra:
            _protocol.conceal(extra)
        request = _protocol.build_request(
            method,
            self._base_url,
            path,
            self._api_key,
            body=_json_or_form(body),
            params=params,
            extra=extra,
            headers=headers,
        )
        policy, clock = retry or self._retry, self._clock
        started = clock.time()
        attempts = 0
        while True:
            attempts += 1
            try:
                response = await self._attempt(request, started, attempts, policy.deadline)
                if not 200 <= response.status < 300:
                    raise _messages.status_error(request, response, api_root=self._api_root)
                if raw:
                    elapsed = clock.time() - started
                    answer = RawResponse(
                        request, response, response_type, elapsed=elapsed, attempts=attempts
                    )
                    return cast("T", answer)
                if response_type is None:
                    return None
                try:
                    return _codec.decode(response.body, response_type)
                except _codec.DecodeError as exc:
                    name, errors = _codec.type_name(response_type), exc.errors
                    raise _protocol.invalid_body_error(request, response, name, errors) from None
            except APIError as error:
                error.attempts = attempts
                delay = next_delay(
                    policy,
                    method=method,
                    error=error,
                    attempts=attempts,
                    elapsed=clock.time() - started,
                    random=random.random(),  # noqa: S311 (jitter, not cryptography)
                    idempotent=idempotent,
                )
                if delay is None:
                    raise
                logger.info(
                    "Retrying %s %s in %.2f s: attempt %d of %d failed: %s",
                    method,
                    request.shown,
                    delay,
                    attempts,
                    policy.max_retries + 1,
                    error.message,
                )
            await clock.sleep(delay)

    async def _attempt(
        self, request: _protocol.Request, started: float, attempt: int, deadline: float | None
    ) -> _protocol.Response:
        """Send once, within `timeout` and what is left of the policy's deadline."""
        logger.debug("%s %s (attempt %d)", request.method, request.shown, attempt)
        if deadline is None:
            response = await self._transport.send(request, self._timeout)
        else:
            remaining = deadline - (self._clock.time() - started)
            if remaining <= 0:
                raise _protocol.deadline_error(request, deadline)
            try:
                response = await self._transport.send(
                    request, min(self._timeout, remaining), within=remaining
                )
            except APITimeoutError as error:
                if remaining >= self._timeout:
                    raise
                raise _protocol.deadline_error(
                    request, deadline, reached_server=error.reached_server
                ) from None
        return response

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in, or this is a copy). Idempotent."""
        if self._owns_transport:
            await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
