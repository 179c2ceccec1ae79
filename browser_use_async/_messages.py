"""Where the HTTP messages meet the codec: `_protocol`'s rules with JSON written and read.

`_protocol` knows no models and no JSON library; this is the one place a model becomes a
request body and a response body becomes a model (or the document an error is made of).
"""

from collections.abc import Mapping
from typing import Any, TypeVar, overload

from browser_use_async import _codec, _protocol
from browser_use_async._exceptions import APIStatusError
from browser_use_async._types import RequestOptions

T = TypeVar("T")


def build_request(
    method: str,
    base_url: str,
    path: str,
    api_key: str,
    *,
    body: object | None = None,
    params: Mapping[str, object] | None = None,
    extra: RequestOptions | None = None,
) -> _protocol.Request:
    """`_protocol.build_request` with `body`, an attrs model, written by the codec."""
    return _protocol.build_request(
        method,
        base_url,
        path,
        api_key,
        body=None if body is None else lambda fields: _codec.encode(body, extra=fields),
        params=params,
        extra=extra,
    )


@overload
def decode_response(
    request: _protocol.Request, response: _protocol.Response, cls: type[T]
) -> T: ...
@overload
def decode_response(
    request: _protocol.Request, response: _protocol.Response, cls: None
) -> None: ...
def decode_response(
    request: _protocol.Request, response: _protocol.Response, cls: type[T] | None
) -> T | None:
    """The model for a 2xx response (None when `cls` is None); the matching `APIError` otherwise."""
    if not 200 <= response.status < 300:
        raise status_error(request, response)
    if cls is None:
        return None
    try:
        return _codec.decode(response.body, cls)
    except _codec.DecodeError as exc:
        raise _protocol.invalid_body_error(request, response, cls.__name__, exc.errors) from None


def status_error(
    request: _protocol.Request, response: _protocol.Response, *, hints: bool = True
) -> APIStatusError:
    """`_protocol.status_error` for the body as JSON, or as text when it is not JSON."""
    document: Any
    try:
        document = _codec.decode_json(response.body)
    except ValueError:
        document = response.body.decode("utf-8", "replace")
    return _protocol.status_error(request, response, document, hints=hints)
