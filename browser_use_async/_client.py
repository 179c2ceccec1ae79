"""`AsyncBrowserUse`: configuration, one connection pool, and the request loop."""

import math
import os
from types import TracebackType
from typing import Self, TypeVar

from browser_use_async import _protocol
from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._transport import ClientSession, Transport
from browser_use_async.resources.tasks import AsyncTasks

T = TypeVar("T")

__all__ = ["AsyncBrowserUse"]


def positive_seconds(value: object, name: str) -> float:
    """A finite number of seconds above zero."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    ):
        return float(value)
    raise InvalidArgumentError(f"{name} must be a positive number of seconds, got {value!r}")


def positive_int(value: object, name: str) -> int:
    """A whole number of at least one."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise InvalidArgumentError(f"{name} must be a whole number of at least 1, got {value!r}")


class AsyncBrowserUse:
    """Asynchronous client for the Browser Use Cloud API v2.

    `api_key` defaults to the environment variable BROWSER_USE_API_KEY and `base_url`
    to BROWSER_USE_BASE_URL, then to the production API. `timeout` bounds each
    request in seconds. The aiohttp session is created on first use, on the running
    loop, and closed by `close()` or `async with`; a `session` you pass in is used
    and left open for you to close.
    """

    tasks: AsyncTasks

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_connections: int = 100,
        session: ClientSession | None = None,
    ) -> None:
        self._api_key = _protocol.check_api_key(
            api_key if api_key is not None else os.environ.get("BROWSER_USE_API_KEY", "")
        )
        self._base_url = _protocol.check_base_url(
            base_url or os.environ.get("BROWSER_USE_BASE_URL") or _protocol.DEFAULT_BASE_URL
        )
        self._timeout = positive_seconds(timeout, "timeout")
        self._transport = Transport(
            max_connections=positive_int(max_connections, "max_connections"), session=session
        )
        self.tasks = AsyncTasks(self._request)

    @property
    def base_url(self) -> str:
        """The API's root URL, without a trailing slash."""
        return self._base_url

    @property
    def timeout(self) -> float:
        """Seconds one request may take."""
        return self._timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    async def _request(
        self, method: str, path: str, response_type: type[T], body: object | None = None
    ) -> T:
        request = _protocol.build_request(method, self._base_url, path, self._api_key, body)
        response = await self._transport.send(request, self._timeout)
        return _protocol.decode_response(request, response, response_type)

    async def close(self) -> None:
        """Close the connection pool (unless the session was passed in). Idempotent."""
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
