"""`with_raw_response`: an operation's HTTP answer (status, headers, timing) besides its model.

A resource's raw view runs the resource's own methods on a copy of it whose request function
answers with a `RawResponse` instead of the decoded model (`AsyncResource._raw_copy`); the
operations that send exactly one request return that answer unchanged, and only they are
listed on the view. `parse()` decodes with the codec, as a normal call does.
"""

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar, cast, overload

import attrs

from browser_use_async import _codec, _protocol
from browser_use_async._exceptions import APIResponseValidationError, Headers

__all__ = ["HTTPRequestSummary", "RawResponse"]

P = ParamSpec("P")
S = TypeVar("S")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_UNPARSED: Any = object()


@attrs.frozen
class HTTPRequestSummary:
    """The request a `RawResponse` answers, as logs may show it: the method, the URL and the
    headers, with the API key and the `extra_headers` values shown as '<redacted>'."""

    method: str
    url: str
    headers: Headers = attrs.field(repr=False)


class RawResponse(Generic[T]):
    """The HTTP answer of one operation (`client.tasks.with_raw_response.get(id)`).

    `status_code`, `headers` (names in any case) and the body (`content`, `text`, `json()`)
    are as the server sent them, except that any echo of the API key reads '<redacted>';
    `http_request` is what was sent, without secrets. `elapsed` runs from the first attempt
    to the final answer, retries and their waits included; `attempts` counts the sends.
    `parse()` returns what the normal call returns: it decodes the body as received, not
    `content` (where a short key's "echoes" may be any text), on first use, then keeps it. It
    pickles without that body (a copy decodes `content`); its repr shows no body, no secret.
    """

    __slots__ = (
        "_parsed",
        "_received",
        "_type",
        "attempts",
        "content",
        "elapsed",
        "headers",
        "http_request",
        "status_code",
    )

    status_code: int
    headers: Headers
    http_request: HTTPRequestSummary
    elapsed: dt.timedelta
    attempts: int
    content: bytes
    """The body's bytes."""

    def __init__(
        self,
        request: _protocol.Request,
        response: _protocol.Response,
        response_type: type[T] | None,
        *,
        elapsed: float,
        attempts: int,
    ) -> None:
        self.status_code = response.status
        self.headers = Headers(_protocol.headers_without_key(request, response.headers))
        self.http_request = HTTPRequestSummary(
            request.method, request.shown, Headers(_protocol.redacted_headers(request.headers))
        )
        self.elapsed = dt.timedelta(seconds=elapsed)
        self.attempts = attempts
        self.content = _protocol.bytes_without_key(request, response.body)
        self._received = response.body
        self._type = response_type
        self._parsed: T = _UNPARSED

    def parse(self) -> T:
        """The typed model the normal call returns (None for operations that return None);
        a body that does not fit raises the same `APIResponseValidationError`."""
        if self._parsed is _UNPARSED:
            self._parsed = cast("T", None) if self._type is None else self._decode(self._type)
        return self._parsed

    def _decode(self, cls: type[T]) -> T:
        try:
            return _codec.decode(self._received, cls)
        except _codec.DecodeError as exc:
            response, name = self._as_response(), _codec.type_name(cls)
            error = _protocol.invalid_body_error(self._as_request(), response, name, exc.errors)
            error.attempts = self.attempts  # as the normal call's loop tells it
            error.body = self.content  # without the key, as the normal call's
            raise error from None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (what the API sends), undecodable bytes replaced."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as plain JSON values, not checked against the model; a body that is not
        JSON raises `APIResponseValidationError`."""
        try:
            return _codec.decode_json(self.content)
        except ValueError as exc:
            request = self.http_request
            raise APIResponseValidationError(
                f"{request.method} {request.url} returned {self.status_code} with a body that "
                f"is not JSON: {exc}",
                method=request.method,
                url=request.url,
                status_code=self.status_code,
                body=self.content,
                errors=[str(exc)],
            ) from None

    def _as_request(self) -> _protocol.Request:
        summary = self.http_request
        return _protocol.Request(summary.method, summary.url, headers=summary.headers)

    def _as_response(self) -> _protocol.Response:
        return _protocol.Response(self.status_code, self.headers, self._received)

    def __repr__(self) -> str:
        kind = "None" if self._type is None else _codec.type_name(self._type)
        request = self.http_request
        return (
            f"<RawResponse [{self.status_code}] {request.method} {request.url} -> {kind}, "
            f"{len(self.content)} bytes, {self.attempts} attempt(s), "
            f"{self.elapsed.total_seconds():.3f} s>"
        )

    def __getstate__(self) -> dict[str, object]:
        # The parsed model stays behind (it is decoded again when asked for), and so does the
        # body as received, which may echo the API key.
        left = ("_parsed", "_received")
        return {name: getattr(self, name) for name in self.__slots__ if name not in left}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._received = self.content
        self._parsed = _UNPARSED


class RawView:
    """The base of a resource's `with_raw_response`: it holds the resource's raw copy."""

    __slots__ = ("_resource",)

    def __init__(self, raw_resource: object) -> None:
        self._resource = raw_resource

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class OnePage(Protocol[T_co]):
    """What a list method returns (an `AsyncPager`), as a raw twin sees it: one page away."""

    def page(self) -> Coroutine[Any, Any, T_co]: ...


class raw_twin(Generic[S, P, T]):
    """`stop = raw_twin(AsyncTasks.stop)` in a `RawView`: the method, with the same
    parameters, answering `RawResponse[T]`. The name must be the method's own. A list
    method's twin answers its pager's one page, `RawResponse[ThePage]`."""

    @overload
    def __init__(self, method: Callable[Concatenate[S, P], Coroutine[Any, Any, T]]) -> None: ...
    @overload
    def __init__(self, method: Callable[Concatenate[S, P], OnePage[T]]) -> None: ...
    def __init__(self, method: Callable[Concatenate[S, P], Any]) -> None:
        self.__wrapped__ = method
        self._name = method.__name__
        self._paged = not inspect.iscoroutinefunction(method)
        self.__doc__ = method.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        if name != self._name:
            raise TypeError(f"{owner.__name__}.{name} = raw_twin(...{self._name}): use one name")

    @overload
    def __get__(self, view: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, view: RawView, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, RawResponse[T]]]: ...
    def __get__(self, view: RawView | None, owner: type[Any]) -> Any:
        if view is None:
            return self
        method = getattr(view._resource, self._name)  # pyright: ignore[reportPrivateUsage]
        if not self._paged:
            return method

        @functools.wraps(method)
        def one_page(*args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            pager: OnePage[Any] = method(*args, **kwargs)
            return pager.page()  # the raw copy's pager answers RawResponses

        return one_page
