"""An error answer as an `APIStatusError`: its body read by the codec (JSON, else text),
then classified by `_protocol`, which knows no JSON library."""

from typing import Any

from browser_use_async import _codec, _protocol
from browser_use_async._exceptions import APIStatusError


def status_error(
    request: _protocol.Request,
    response: _protocol.Response,
    *,
    hints: bool = True,
    api_root: str = _protocol.API_ROOT,
) -> APIStatusError:
    """`_protocol.status_error` for the body as JSON, or as text when it is not JSON."""
    document: Any
    try:
        document = _codec.decode_json(response.body)
    except ValueError:
        document = response.body.decode("utf-8", "replace")
    return _protocol.status_error(request, response, document, hints=hints, api_root=api_root)
