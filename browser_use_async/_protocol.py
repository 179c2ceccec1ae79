"""Pure request building and answer classification: no sockets, no event loop, no codec.

The transport sends a `Request` and hands back a `Response`; what those messages mean for the
API (headers, URLs, options, status codes, Retry-After) lives here, in the standard library
alone. Models never reach this module: a body comes as an encoder, an error body as the
document the codec read; the client's request loop joins it to the codec (a test checks the
imports).
"""

import dataclasses
import datetime as dt
import decimal
import email.utils
import ipaddress
import json
import math
import platform
import re
import secrets
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from browser_use_async._exceptions import (
    APIKeySpendLimitError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NoCapacityError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    QueueFullError,
    RateLimitError,
    TooManyConcurrentActiveSessionsError,
    UnprocessableEntityError,
    shown,
    validation_items,
)
from browser_use_async._types import NotGiven, RequestOptions
from browser_use_async._validation import CANONICAL_UUID, parse_uuid
from browser_use_async._version import __version__

T = TypeVar("T")

API_KEY_HEADER = "X-Browser-Use-API-Key"
DEFAULT_BASE_URL = "https://api.browser-use.com/api/v2"
API_ROOT = urlsplit(DEFAULT_BASE_URL).path
"""The path v2's API lives under; another API's client says its own."""
USER_AGENT = (
    f"browser-use-async/{__version__} "
    f"{platform.python_implementation()}/{platform.python_version()}"
)
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
REDACTED = "<redacted>"


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The API key and every `SecretStr` value (those of `extra_headers`) shown as redacted."""
    return {
        k: (REDACTED if k.lower() == API_KEY_HEADER.lower() or isinstance(v, SecretStr) else v)
        for k, v in headers.items()
    }


def _redact(headers: Mapping[str, str]) -> str:
    return repr(redacted_headers(headers))


class SecretBytes(bytes):
    """Bytes whose repr shows only their length: a request body that may carry task secrets
    or a proxy password prints as `<123 bytes>`, also in traceback locals."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


def _size(body: bytes | None) -> str:
    return "None" if body is None else f"<{len(body)} bytes>"


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Request:
    """One HTTP request, ready to send. Its repr shows neither the API key, nor the body, nor
    a presigned URL's signature."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None
    shown: str = ""
    """The URL as messages, logs and errors show it (a presigned URL without its signature);
    the URL itself when not given."""

    def __post_init__(self) -> None:
        if not self.shown:
            object.__setattr__(self, "shown", self.url)

    def __repr__(self) -> str:  # `shown`, not `url`: no presigned URL's signature
        return (
            f"Request(method={self.method!r}, headers={_redact(self.headers)}, "
            f"body={_size(self.body)}, shown={self.shown!r})"
        )


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Response:
    """One HTTP response as read off the wire. Its repr leaves out what a server may have
    echoed of the request (the API key, task secrets)."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def __repr__(self) -> str:
        return f"Response(status={self.status!r}, body={_size(self.body)})"


class SecretStr(str):
    """A str whose repr never shows it: an API key that lands in a dict or a traceback's
    locals prints as '<redacted>'."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def redacted(value: T) -> T:
    """A str becomes a `SecretStr` (same text, hidden repr); anything else is left as it is."""
    if isinstance(value, str) and not isinstance(value, SecretStr):
        return typing.cast(T, SecretStr(value))
    return value


def check_api_key(api_key: object) -> SecretStr:
    """Reject keys that cannot be sent as a header value, without echoing them."""
    if not isinstance(api_key, str) or not api_key:
        raise InvalidArgumentError(
            "No API key: pass api_key=... or set the BROWSER_USE_API_KEY environment variable."
        )
    if not _VISIBLE_ASCII.fullmatch(api_key):
        raise InvalidArgumentError(
            "The API key contains whitespace, control or non-ASCII characters; "
            "check BROWSER_USE_API_KEY for a stray newline or quote."
        )
    return SecretStr(api_key)


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_AUTHORITY = re.compile(r"(?:\[([0-9A-Fa-f:.]+)\]|[A-Za-z0-9._~-]+)(?::([0-9]{1,5}))?")
"""host[:port] as the transport reads it: a name or an IPv4 or bracketed IPv6 address."""


def url_problem(url: str) -> str | None:
    """What makes `url` unusable as an http(s) request target, said after "it", or None.

    Stricter than `urlsplit`, which reads a port only when asked (and then raises) and lets
    through brackets the transport refuses: what passes here the transport sends as it is."""
    if not _VISIBLE_ASCII.fullmatch(url):
        return "contains spaces, control or non-ASCII characters"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL"
    authority = _AUTHORITY.fullmatch(parts.netloc)
    if authority is None:
        return "has no valid host[:port] (a name, an IPv4 or a bracketed IPv6 address)"
    address, port = authority.groups()
    if address is not None:
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            return f"has an invalid IPv6 address [{address}]"
    if port is not None and not 1 <= int(port) <= 65535:
        return f"has a port out of range: {port}"
    return None


_AUTHORITY_PART = re.compile(r"[^:/?#]*://([^/?#]*)")


def check_base_url(base_url: str, *, allow_insecure_http: bool = False) -> str:
    """An http(s) URL with a host (and a port from 1 to 65535, if any), returned without its
    trailing slash.

    Plain http is refused for anything but this machine unless `allow_insecure_http`:
    the API key would cross the network in the clear.
    """
    if not isinstance(base_url, str) or not _VISIBLE_ASCII.fullmatch(base_url):
        raise InvalidArgumentError(
            "base_url must be an http(s) URL of visible ASCII characters, such as "
            f"{DEFAULT_BASE_URL!r}"
        )
    authority = _AUTHORITY_PART.match(base_url)
    if authority is not None and "@" in authority[1]:
        raise InvalidArgumentError("base_url must not contain a user name or password")
    problem = url_problem(base_url)
    if problem is not None:
        raise InvalidArgumentError(
            f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}; {base_url!r} {problem}"
        )
    if "?" in base_url or "#" in base_url:
        raise InvalidArgumentError(f"base_url must not have a query or fragment: {base_url!r}")
    parts = urlsplit(base_url)
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname or ""):
        raise InvalidArgumentError(
            f"base_url {base_url!r} is plain http to another machine: the API key would travel "
            "unencrypted. Use https, or pass allow_insecure_http=True if you mean it."
        )
    return base_url.rstrip("/")


def uuid_segment(value: object, name: str) -> str:
    """A path id as the canonical UUID string; anything else is an `InvalidArgumentError`.

    A plain string in the canonical form is only lower-cased, which is what building a UUID
    of it and writing that back would give."""
    if type(value) is str and CANONICAL_UUID.fullmatch(value):
        return value.lower()
    return str(parse_uuid(value, name))


def slug_segment(value: object, name: str) -> str:
    """A non-UUID path parameter, percent-encoded so that it stays one path segment."""
    if not isinstance(value, str) or not value.strip() or value in (".", ".."):
        raise InvalidArgumentError(f"{name} must be a non-empty string, got {shown(value)}")
    return quote(_utf8(value, name), safe="")


def _utf8(text: str, name: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            f"{name} contains a lone surrogate (such as '\\ud800'), which UTF-8 cannot carry"
        ) from None


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def encode_query(params: Mapping[str, object]) -> str:
    """`?a=1&b=x` from wire-named parameters; `NOT_GIVEN` and `None` are left out, and a
    list is its items, each under the parameter's name (`?tag=a&tag=b`)."""
    pairs = [
        (key, _utf8(_query_value(item), key))
        for key, value in params.items()
        if value is not None and not isinstance(value, NotGiven)
        for item in (typing.cast(list[object], value) if isinstance(value, list) else [value])
    ]
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


class Hidden:
    """A request option as the caller gave it, behind a repr that shows none of it."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<hidden>"


def conceal(options: RequestOptions) -> None:
    """Wrap each value of `options` (a method's own `**extra` dict, changed in place) in
    `Hidden`: header values may be secrets, and frames that pass the options on would show
    them in traceback locals. `build_request` unwraps them."""
    raw = typing.cast(dict[str, object], options)
    for name, value in raw.items():
        if not isinstance(value, Hidden):
            raw[name] = Hidden(value)


_OPTION_NAMES = tuple(RequestOptions.__annotations__)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?")
_FRAMING = frozenset(
    name.lower()
    for name in (
        *(API_KEY_HEADER, "Host", "Content-Type", "Content-Length", "Content-Encoding"),
        "Transfer-Encoding",
        *("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect"),
    )
)
"""Headers no `extra_headers` may set: the key, and what frames the request on the wire."""
MAX_HEADER_LINE = 8190
"""Bytes of `name: value` that servers commonly take (aiohttp's and nginx's limit is about
8 KiB); some quote a longer line's start in the refusal, which an error would then show."""


def _options(where: str, options: RequestOptions | None) -> dict[str, Mapping[object, object]]:
    """The options that were given (not None, not empty), unwrapped, each checked to be a
    mapping; an unknown name is a misspelt keyword."""
    given: dict[str, Mapping[object, object]] = {}
    for name, option in typing.cast(dict[str, object], options or {}).items():
        if name not in _OPTION_NAMES:
            raise InvalidArgumentError(
                f"{where}: unexpected keyword argument {name!r}; besides its own arguments, an "
                "operation takes only extra_headers, extra_query and extra_body"
            )
        value = option.value if isinstance(option, Hidden) else option
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise InvalidArgumentError(
                f"{where}: {name} must be a mapping (such as a dict), got {type(value).__name__}"
            )
        if value:
            given[name] = typing.cast(Mapping[object, object], value)
    return given


def _text(value: object) -> object:
    """A str subclass as a plain str of its text, so that its own `lower()`, `__str__` or
    `__eq__` cannot make what is checked differ from what is sent; anything else as it is."""
    return str.__str__(value) if isinstance(value, str) else value


def _merge_headers(where: str, headers: dict[str, str], extra: Mapping[object, object]) -> None:
    """Add `extra` to `headers`, replacing same-named ones; values become `SecretStr`."""
    seen: set[str] = set()
    for given_name, given_value in extra.items():
        name, value = _text(given_name), _text(given_value)
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise InvalidArgumentError(
                f"{where}: extra_headers names must be HTTP tokens (letters, digits and "
                f"!#$%&'*+-.^_`|~), got {shown(name)}"
            )
        lowered = name.lower()
        if lowered in _FRAMING:
            raise InvalidArgumentError(
                f"{where}: extra_headers cannot set {name}: the client sets it itself"
            )
        if lowered in seen:
            raise InvalidArgumentError(f"{where}: extra_headers names {name} twice")
        seen.add(lowered)
        if not isinstance(value, str) or not _FIELD_VALUE.fullmatch(value):
            kind = type(value).__name__
            raise InvalidArgumentError(  # the value itself is not shown: it may be a secret
                f"{where}: the value of extra header {name} must be a str of visible ASCII "
                "characters, spaces and tabs (no line breaks, no blanks at either end), "
                f"got {'a str outside that' if kind == 'str' else kind}"
            )
        if len(name) + len(value) + 2 > MAX_HEADER_LINE:
            raise InvalidArgumentError(
                f"{where}: extra header {name} is too long ({len(value)} characters): servers "
                f"refuse header lines over {MAX_HEADER_LINE} bytes"
            )
        for known in [k for k in headers if k.lower() == lowered]:
            del headers[known]
        headers[name] = SecretStr(value)


def _merge_query(
    where: str, params: Mapping[str, object] | None, extra: Mapping[object, object]
) -> dict[str, object]:
    """`params` with `extra` added or replacing (None removes); values scalar and finite."""
    merged = dict(params or {})
    for key, value in extra.items():
        if not isinstance(key, str) or not key:
            raise InvalidArgumentError(
                f"{where}: extra_query keys must be non-empty strings, got {shown(key)}"
            )
        _utf8(key, f"{where}: an extra_query key")
        if not isinstance(value, str | int | float | bool | None) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise InvalidArgumentError(
                f"{where}: extra_query[{key!r}] must be a str, int, finite float, bool or None, "
                f"got {shown(value)}"
            )
        merged[key] = value
    return merged


def _json_problem(value: object, where: str) -> str | None:
    """What keeps `value` from being sent as JSON as it is, or None. Values are not shown
    (they may be secrets): only their place and type."""
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value}, which JSON cannot carry"
    pairs: Iterable[tuple[object, object]]
    if isinstance(value, list | tuple):
        pairs = enumerate(typing.cast(list[object], value))
    elif isinstance(value, dict):
        pairs = typing.cast(dict[object, object], value).items()
    else:
        return f"{where} is a {type(value).__name__}, which JSON cannot carry"
    for key, item in pairs:
        if isinstance(value, dict) and not isinstance(key, str):
            return f"{where} has a key of type {type(key).__name__}; JSON keys are strings"
        problem = _json_problem(item, f"{where}[{shown(key)}]")
        if problem:
            return problem
    return None


def _check_body(where: str, extra: Mapping[object, object]) -> dict[str, object]:
    """`extra` as a dict, once it is known to be a JSON object as it is (str keys)."""
    fields = dict(extra)
    try:
        problem = _json_problem(fields, "extra_body")
    except RecursionError:
        problem = "extra_body is nested too deeply, or contains itself"
    if problem:
        raise InvalidArgumentError(f"{where}: {problem}.")
    return typing.cast(dict[str, object], fields)


Encoder = Callable[[dict[str, object] | None], bytes]
"""A request body as the codec writes it: its JSON bytes, given the `extra_body` fields to
merge into its top level (None when there are none). What JSON cannot carry is an
`InvalidArgumentError`."""


_FORM_UNSAFE = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})
"""What a multipart part's quoted name or file name cannot hold, escaped as browsers do."""


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Form:
    """A multipart/form-data request body: one file under the field `name`, held whole so
    that a retry sends the same bytes. `extra_body` fields become text parts before it (a
    str as it is, anything else as its JSON). Its repr shows the file's name and size only.
    """

    name: str
    file_name: str
    content_type: str
    data: bytes
    boundary: str = dataclasses.field(default_factory=lambda: secrets.token_hex(16))
    """Random: 128 bits that the file's bytes will not happen to hold."""

    @property
    def media_type(self) -> str:
        """The request's Content-Type."""
        return f"multipart/form-data; boundary={self.boundary}"

    def encode(self, fields: dict[str, object] | None) -> bytes:
        """The body's bytes, the text parts of `fields` (None: none) first."""
        chunks: list[bytes] = []
        for key, value in (fields or {}).items():
            text = value if isinstance(value, str) else json.dumps(value)
            chunks += [self._head(key), b"\r\n", _utf8(text, f"extra_body[{key!r}]"), b"\r\n"]
        file_name = self.file_name.translate(_FORM_UNSAFE)
        chunks += [
            self._head(self.name, f'; filename="{file_name}"'),
            f"Content-Type: {self.content_type}\r\n\r\n".encode(),
            self.data,
            f"\r\n--{self.boundary}--\r\n".encode(),
        ]
        return b"".join(chunks)

    def _head(self, name: str, more: str = "") -> bytes:
        disposition = f'form-data; name="{name.translate(_FORM_UNSAFE)}"{more}'
        return _utf8(f"--{self.boundary}\r\nContent-Disposition: {disposition}\r\n", name)

    def __repr__(self) -> str:
        return f"Form(name={self.name!r}, file_name={self.file_name!r}, data={_size(self.data)})"


def _merge_options(
    where: str,
    headers: dict[str, str],
    body: Encoder | Form | None,
    params: Mapping[str, object] | None,
    extra: RequestOptions | None,
) -> tuple[Mapping[str, object] | None, SecretBytes | None]:
    """`build_request`'s work on `extra`: `headers` completed, the query parameters and the
    body bytes."""
    options = _options(where, extra)
    if "extra_headers" in options:
        _merge_headers(where, headers, options["extra_headers"])
    if "extra_query" in options:
        params = _merge_query(where, params, options["extra_query"])
    fields = None
    if "extra_body" in options:
        if body is None:
            raise InvalidArgumentError(
                f"{where} sends no body, so it takes no extra_body; "
                "pass extra_query or extra_headers instead"
            )
        fields = _check_body(where, options["extra_body"])
    if body is None:
        return params, None
    if isinstance(body, Form):
        headers["Content-Type"] = body.media_type
        return params, SecretBytes(body.encode(fields))
    headers["Content-Type"] = "application/json"
    return params, SecretBytes(body(fields))


def check_options(where: str, extra: RequestOptions) -> None:
    """Refuse now what `build_request` would refuse of a bodiless request's `extra`, for a
    call that checks its arguments before it sends (a list's pager)."""
    try:
        _merge_options(where, {}, None, None, extra)
    except InvalidArgumentError as error:  # as in build_request: no locals in the traceback
        raise error.with_traceback(None) from None


def build_request(
    method: str,
    base_url: str,
    path: str,
    api_key: str,
    *,
    body: Encoder | Form | None = None,
    params: Mapping[str, object] | None = None,
    extra: RequestOptions | None = None,
    headers: Mapping[str, str] | None = None,
) -> Request:
    """Headers and body bytes for `method base_url+path?params`; `body` writes the JSON body,
    or is the multipart `Form` to send; `headers` are the operation's own header parameters.

    `extra` (the caller's `RequestOptions`, maybe `conceal`ed) is merged in as
    `RequestOptions` says; what it cannot carry is an `InvalidArgumentError`."""
    sent = {
        API_KEY_HEADER: api_key if isinstance(api_key, SecretStr) else SecretStr(api_key),
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        **(headers or {}),
    }
    try:
        params, data = _merge_options(f"{method} {path}", sent, body, params, extra)
    except InvalidArgumentError as error:
        # The frames below hold the options and the body in the clear: tracebacks with
        # locals would show header values and task secrets.
        raise error.with_traceback(None) from None
    query = encode_query(params) if params else ""
    return Request(method=method, url=base_url + path + query, headers=sent, body=data)


def storage_request(method: str, url: object) -> Request:
    """A request to a presigned storage URL: another host, so it never carries the API key.

    A URL from the API that cannot be sent as it is (see `url_problem`) raises
    `APIResponseValidationError` and nothing is sent."""
    problem = url_problem(url) if isinstance(url, str) else "is not a string"
    if problem is not None or not isinstance(url, str):
        raise APIResponseValidationError(
            f"The API gave a storage URL for {method} that {problem}; nothing was sent to it. "
            "Report this to Browser Use (the URL is not shown: it may carry a signature).",
            method=method,
            url="<storage URL>",
            status_code=200,
            body=b"",
            errors=[f"the storage URL {problem}"],
        )
    shown = url.partition("?")[0] + ("?<signature>" if "?" in url else "")
    headers = {"User-Agent": USER_AGENT}
    if method == "GET":  # the stored bytes as they are: a cut gzip stream can pass as whole
        headers["Accept-Encoding"] = "identity"
    return Request(method=method, url=url, headers=headers, shown=shown)


def invalid_body_error(
    request: Request, response: Response, expected: str, errors: list[str]
) -> APIResponseValidationError:
    """A 2xx answer whose body the codec could not read as an `expected` (a model's name);
    `errors` are the codec's, each naming a path."""
    return APIResponseValidationError(
        f"{request.method} {request.shown} returned {response.status} with a body that is not "
        f"a valid {expected}: {'; '.join(errors[:5])}. The API may have changed: "
        "upgrade browser-use-async, or report this with the body (`error.body`).",
        method=request.method,
        url=request.shown,
        status_code=response.status,
        body=bytes_without_key(request, response.body),
        errors=errors,
    )


def headers_without_key(request: Request, headers: Mapping[str, str]) -> Mapping[str, str]:
    """An answer's `headers` with any echo of the request's API key redacted."""
    key = request.headers.get(API_KEY_HEADER)
    if not key:
        return headers
    return {n.replace(key, REDACTED): v.replace(key, REDACTED) for n, v in headers.items()}


def bytes_without_key(request: Request, body: bytes) -> bytes:
    """`body` with any echo of the request's API key redacted."""
    key = request.headers.get(API_KEY_HEADER)
    return body.replace(key.encode(), REDACTED.encode()) if key else body


def deadline_error(
    request: Request, deadline: float | None, *, reached_server: bool = True
) -> APITimeoutError:
    """The call's deadline passed; `reached_server=False` when this attempt was never sent
    (it waited for a pool slot)."""
    return APITimeoutError(
        f"{request.method} {request.shown}: the deadline of {deadline:g} s passed.",
        method=request.method,
        url=request.shown,
        reached_server=reached_server,
    )


_STATUS_ERRORS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, ""),
    401: (
        AuthenticationError,
        "Check the API key: set BROWSER_USE_API_KEY or pass api_key=... .",
    ),
    402: (PaymentRequiredError, "The account is out of credits: add some, then try again."),
    403: (PermissionDeniedError, "This API key is not allowed to do that."),
    404: (NotFoundError, "Check the id: it may not exist or may belong to another project."),
    409: (ConflictError, ""),
    422: (UnprocessableEntityError, "The server rejected the request's parameters."),
    429: (RateLimitError, "Too many requests or active sessions: wait, then try again."),
}


_SERVER_FAILED = (
    "The server failed; trying again later may work.",
    "The server failed, perhaps after acting on the request: check before sending it again.",
)


SPEND_LIMIT_CODE = "api_key_monthly_spend_limit_reached"
"""`detail.code` of the 402 for a key over its monthly limit (the official SDK 3.12.1's
`APIKeySpendLimitDetail`: `{"detail": {"code", "message", "cap", "spent"}}`)."""

NO_CAPACITY = "too many concurrent active sessions"
"""The start of the spec's `TooManyConcurrentActiveSessionsError` detail, as production sends
it: "Too many concurrent active sessions. Please wait for one to finish, kill one, or
upgrade your plan." """

_NO_CAPACITY_HINT = (
    "Nothing was created, so sending it again is safe once a session ends: wait for one to "
    "finish, stop one, or raise the plan's concurrent session limit."
)


QUEUE_FULL_CODE = "queue_full"
NO_CAPACITY_CODE = "no_capacity"
"""`detail.code` of API v4's 429s: a full session queue, and no capacity for another run
(`{"detail": {"code", "message", ...}}`, as the 402 spend limit's body)."""

_QUEUE_FULL_HINT = (
    "Nothing was queued: send it again once the queue has moved (or cancel a queued message)."
)


def _detail(body: object) -> dict[str, object]:
    """The fields of a body's structured `detail` (`{"detail": {...}}`); empty for others."""
    detail = typing.cast(dict[str, object], body).get("detail") if isinstance(body, dict) else None
    return typing.cast(dict[str, object], detail) if isinstance(detail, dict) else {}


def _detail_code(body: object) -> object:
    return _detail(body).get("code")


def _spend_limit(body: object) -> dict[str, Any] | None:
    """`code`, `cap` and `spent` of a spend-limit answer; None for any other body."""
    fields = _detail(body)
    if fields.get("code") != SPEND_LIMIT_CODE:
        return None
    return {
        "code": SPEND_LIMIT_CODE,
        "cap": _usd(fields.get("cap")),
        "spent": _usd(fields.get("spent")),
    }


_JSON_NUMBER = re.compile(r"[ \t]*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)[ \t]*", re.ASCII)
"""A number as JSON writes it: `decimal.Decimal` alone also takes "1_000" and other scripts'
digits, which no API sends as money."""

_SHOWN_AMOUNT = 40
"""Longer amounts stay on the error but out of its message, which must stay readable."""


def _usd(value: object) -> decimal.Decimal | None:
    """An amount as the API writes it (a JSON number or a decimal string), exactly; None when
    absent or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    match = _JSON_NUMBER.fullmatch(value) if isinstance(value, str) else None
    if isinstance(value, str) and match is None:
        return None
    amount = decimal.Decimal(match[1] if match else repr(value))
    return amount if amount.is_finite() else None


def _spend_limit_hint(spend_limit: dict[str, Any]) -> str:
    amounts = [(name, spend_limit[name]) for name in ("spent", "cap")]
    figures = [
        f"{name} ${amount}"
        for name, amount in amounts
        if amount is not None and len(str(amount)) <= _SHOWN_AMOUNT
    ]
    shown_figures = f" ({', '.join(figures)})" if figures else ""
    return (
        f"This API key reached its monthly spend limit{shown_figures}: raise the key's monthly "
        "limit in the Browser Use dashboard, or wait for next month."
    )


def _classify(
    request: Request, response: Response, body: Any, key: str | None, api_root: str
) -> tuple[type[APIStatusError], str, dict[str, Any] | None]:
    """The error class for an answer, the advice its message ends with, and the figures of a
    spend limit (None for any other answer). `api_root` is the path the client's API lives
    under."""
    status = response.status
    if status >= 500:  # a POST is not retried then: the server may have acted on it
        return InternalServerError, _SERVER_FAILED[request.method == "POST"], None
    cls, hint = _STATUS_ERRORS.get(status, (APIStatusError, ""))
    if status == 404 and body == {"detail": "Not Found"}:  # FastAPI: no such route
        hint = f"No such route at {request.shown}: check base_url (the API's ends in {api_root})."
    spend_limit = _spend_limit(body) if status == 402 else None
    if spend_limit is not None:
        return APIKeySpendLimitError, _spend_limit_hint(spend_limit), spend_limit
    if status == 429:
        code = _detail_code(body)
        if code == QUEUE_FULL_CODE:
            return QueueFullError, _QUEUE_FULL_HINT, None
        if code == NO_CAPACITY_CODE:
            return NoCapacityError, _NO_CAPACITY_HINT, None
        if NO_CAPACITY in _detail_text(body).lower():
            return TooManyConcurrentActiveSessionsError, _NO_CAPACITY_HINT, None
    if status == 405:  # FastAPI: the path exists, but not with this method
        allowed = _header(response, "allow", key)
        hint = f"The server has no {request.method} at this path" + (
            f" (it allows {allowed})" if allowed else ""
        )
        hint += ": check base_url, and that this SDK's version matches the API."
    if 300 <= status < 400:
        target = _header(response, "location", key)
        hint = (
            "Redirects are not followed (the request and its API key would go elsewhere)"
            + (f"; it points to {target}" if target else "")
            + ": check base_url (e.g. https, no trailing slash)."
        )
    return cls, hint, None


def _header(response: Response, name: str, key: str | None) -> str:
    """A response header for a message: cut short, and without the API key."""
    value = response.headers.get(name, "")[:200]
    return value.replace(key, REDACTED) if key else value


def status_error(
    request: Request,
    response: Response,
    document: object,
    *,
    hints: bool = True,
    api_root: str = API_ROOT,
) -> APIStatusError:
    """The `APIStatusError` subclass for a non-2xx response, with a readable message.

    `document` is the body as the codec read it: parsed JSON, or its text when it is not JSON.
    `hints=False` leaves out the advice about API keys and ids, for answers of other hosts.
    `api_root` is the path of the client's API ("/api/v4"), which a wrong route's hint names.
    """
    body: Any = document
    headers = headers_without_key(request, response.headers)
    key = request.headers.get(API_KEY_HEADER)
    if key:  # a server that echoes the key must not put it into errors and logs
        try:
            body = _without(body, key)
        except RecursionError:
            body = "<the body is nested too deeply to show>"
    cls, hint, spend_limit = _classify(request, response, body, key, api_root)
    retry_after = parse_retry_after(response.headers)
    parts = [f"{request.method} {request.shown} failed with HTTP {response.status}"]
    detail = _describe_detail(body)
    if detail:
        parts.append(f": {detail}")
    if not detail.endswith((".", "!", "?")):
        parts.append(".")
    if hint and hints:
        parts.append(f" {hint}")
    if retry_after is not None:
        parts.append(f" The server asked to retry after {retry_after:g} s.")
    return cls(
        "".join(parts),
        method=request.method,
        url=request.shown,
        status_code=response.status,
        body=body,
        headers=headers,
        retry_after=retry_after,
        **(spend_limit or {}),
    )


def _without(value: object, key: str) -> Any:
    """`value` (parsed JSON or text) with every occurrence of `key` in its strings redacted."""
    if isinstance(value, str):
        return value.replace(key, REDACTED)
    if isinstance(value, list):
        return [_without(item, key) for item in typing.cast(list[object], value)]
    if isinstance(value, dict):
        pairs = typing.cast(dict[str, object], value).items()
        return {_without(name, key): _without(item, key) for name, item in pairs}
    return value


def _describe_detail(body: object, limit: int = 300) -> str:
    items = validation_items(body)
    text = "; ".join(_describe_item(item) for item in items) if items else _detail_text(body)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _detail_text(body: object) -> str:
    """What an error body says: its `detail` (or that detail's `message`), else the body."""
    detail = body
    if isinstance(body, dict):
        fields = typing.cast(dict[str, object], body)
        detail = fields.get("detail", fields)
    if isinstance(detail, dict):
        message = typing.cast(dict[str, object], detail).get("message")
        if isinstance(message, str):
            return message
    return (
        detail
        if isinstance(detail, str)
        else json.dumps(detail, separators=(",", ":"), ensure_ascii=False)
    )


def _describe_item(item: dict[str, Any]) -> str:
    loc = item.get("loc")
    parts = typing.cast(list[object], loc) if isinstance(loc, list) else []
    where = ".".join(str(part) for part in parts)
    return f"{where}: {item['msg']}" if where else str(item["msg"])


def parse_retry_after(headers: Mapping[str, str], now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or HTTP-date).

    Returns None when neither header is present or readable; never a negative number.
    """
    milliseconds = _non_negative_number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _non_negative_number(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


_DECIMAL_SECONDS = re.compile(r"[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*")


def _non_negative_number(value: str | None) -> float | None:
    """Delta-seconds as HTTP writes them: ASCII digits, optionally a fraction, blanks around."""
    match = _DECIMAL_SECONDS.fullmatch(value) if value is not None else None
    if match is None:
        return None
    number = float(match[1])
    return number if math.isfinite(number) else None
