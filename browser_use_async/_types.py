"""`NOT_GIVEN`: a parameter left out, as distinct from `None`, which is sent as JSON null;
`RequestOptions`: what every operation also accepts."""

from collections.abc import Mapping
from typing import Final, TypedDict, final

__all__ = ["NOT_GIVEN", "NotGiven", "QueryValue", "RequestOptions"]

QueryValue = str | int | float | bool | None
"""An `extra_query` value: `True`/`False` are sent as `true`/`false`; `None` leaves it out."""


@final
class NotGiven:
    """The type of `NOT_GIVEN`. Fields holding it are left out of request bodies."""

    _instance: "NotGiven | None" = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class RequestOptions(TypedDict, total=False):
    """The keywords every API operation takes besides its own: an escape hatch for headers,
    query parameters and body fields this SDK does not know (yet). Checked before anything
    is sent (`InvalidArgumentError`); sent with each retry alike; never to storage hosts.

    `extra_headers` are added to the request; they replace the SDK's own `Accept` or
    `User-Agent` (names compare case-insensitively) but can never set the API key header,
    `Host`, `Content-Type`, `Content-Length`, `Content-Encoding`, `Transfer-Encoding` or the
    other headers that frame the connection, nor a line longer than servers take (8190 bytes).
    Their values are treated as secrets: no repr, log or error shows them.

    `extra_query` entries are added to the operation's own query parameters (wire names,
    such as `pageSize`) and replace those of the same name; `None` leaves one out. They are
    part of the URL, which errors and logs show: put secrets in headers.

    `extra_body` fields are merged into the top level of the JSON object the operation sends
    and replace the SDK's own fields of the same (camelCase) name: a field newer than this
    SDK, or a changed one, goes through as you give it. Operations that send no body
    (GET, DELETE and a few POSTs such as `sessions.purge`) refuse a non-empty `extra_body`.

    `None` or an empty mapping is the same as leaving an option out.
    """

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, QueryValue] | None
    extra_body: Mapping[str, object] | None
