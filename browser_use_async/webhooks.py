"""Verifying the webhooks Browser Use sends: pure functions, no I/O.

Each webhook request carries two headers:

- `X-Browser-Use-Timestamp`: when it was signed, in Unix seconds;
- `X-Browser-Use-Signature`: the hex HMAC-SHA256, keyed with your webhook secret, of
  `"{timestamp}.{canonical JSON of the body}"`.

The canonical JSON is the body parsed and written again the way the sender writes it:
`json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`. So the signature
covers what the body means rather than its bytes: whitespace and key order do not matter, and
any change to a key or value does. `verify_webhook` checks all of that and returns the event.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
import typing
from collections.abc import Iterable, Mapping, Sized
from typing import Any

from browser_use_async import _codec
from browser_use_async._exceptions import InvalidArgumentError, WebhookVerificationError, shown
from browser_use_async._validation import finite_number
from browser_use_async.models.webhooks import WebhookEvent

__all__ = [
    "DEFAULT_TOLERANCE",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookEvent",
    "WebhookVerificationError",
    "canonical_json",
    "sign_webhook",
    "verify_webhook",
]

SIGNATURE_HEADER = "X-Browser-Use-Signature"
TIMESTAMP_HEADER = "X-Browser-Use-Timestamp"
DEFAULT_TOLERANCE = 300.0
"""How far, in seconds, a webhook's timestamp may be from now, in the past or the future."""

_UNIX_SECONDS = re.compile(r"[0-9]{1,15}")


def canonical_json(document: Any) -> str:
    """`document` written the way the sender writes it before signing.

    Keys sorted, no whitespace, non-ASCII characters as `\\uXXXX` escapes; numbers as Python
    writes them (`1.0`, `1e-07`).
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _check_secret(secret: object) -> bytes:
    try:
        if isinstance(secret, str) and secret:
            return secret.encode()
    except UnicodeEncodeError:
        pass
    raise InvalidArgumentError("secret must be the webhook secret, a non-empty str")


def _mac(secret: bytes, timestamp: str, canonical: str) -> str:
    message = f"{timestamp}.{canonical}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json `object_pairs_hook`: a key twice in one object could be read two ways; refuse it."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} appears twice in one object")
        document[key] = value
    return document


def _parse_body(body: object) -> Any:
    if isinstance(body, bytes | bytearray):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookVerificationError("the webhook body is not UTF-8 text") from None
    elif isinstance(body, str):
        text = body
    else:
        raise InvalidArgumentError(
            f"body must be the raw request body as bytes or str, got {type(body).__name__}"
        )
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError) as exc:
        raise WebhookVerificationError(f"the webhook body is not valid JSON: {exc}") from None


def sign_webhook(body: bytes | str, *, secret: str, timestamp: int | str) -> str:
    """The `X-Browser-Use-Signature` Browser Use would send for `body` at `timestamp`.

    For testing your webhook handler. `timestamp` is in Unix seconds.
    """
    key = _check_secret(secret)
    stamp = str(timestamp) if isinstance(timestamp, int | str) else ""
    if isinstance(timestamp, bool) or not _UNIX_SECONDS.fullmatch(stamp):
        raise InvalidArgumentError(f"timestamp must be Unix seconds, got {shown(timestamp)}")
    try:
        document = _parse_body(body)
    except WebhookVerificationError as exc:
        raise InvalidArgumentError(str(exc)) from None
    return _mac(key, stamp, canonical_json(document))


def _pairs(headers: object) -> list[tuple[str, str]]:
    """(name, value) pairs from a mapping or multidict (anything with `.items()`), or from a
    list of pairs such as ASGI's raw `(bytes, bytes)` headers; bytes are read as Latin-1, as
    HTTP does. Names or values of other types are left out."""
    wrong = WebhookVerificationError(
        "headers must be the request's headers: a mapping, a multidict or a list of "
        f"(name, value) pairs, got {type(headers).__name__}"
    )
    if isinstance(headers, str | bytes | bytearray):
        raise wrong
    try:
        items = getattr(headers, "items", None)
        pairs = list(typing.cast(Iterable[object], items() if callable(items) else headers))
    except Exception:
        raise wrong from None
    texts: list[tuple[str, str]] = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(typing.cast(Sized, pair)) != 2:
            raise wrong
        name, value = (_latin1(part) for part in typing.cast(tuple[object, object], pair))
        if name is not None and value is not None:
            texts.append((name, value))
    return texts


def _latin1(part: object) -> str | None:
    if isinstance(part, bytes | bytearray):
        return bytes(part).decode("latin-1")
    return part if isinstance(part, str) else None


def _header(pairs: list[tuple[str, str]], name: str) -> str:
    """The one value of header `name`, whatever the case of its name."""
    wanted = name.lower()
    values = {value.strip() for key, value in pairs if key.lower() == wanted}
    if len(values) > 1:
        raise WebhookVerificationError(f"the {name} header was sent more than once")
    value = values.pop() if values else ""
    if not value:
        raise WebhookVerificationError(f"the {name} header is missing or empty")
    return value


def _check_tolerance(tolerance: object) -> float:
    seconds = finite_number(tolerance)
    if seconds is not None and seconds >= 0:
        return seconds
    raise InvalidArgumentError(
        f"tolerance must be a number of seconds >= 0, got {shown(tolerance)}"
    )


def _now(now: object) -> float:
    if now is None:
        return dt.datetime.now(dt.UTC).timestamp()
    if not isinstance(now, dt.datetime):
        raise InvalidArgumentError(f"now must be a datetime.datetime, got {shown(now)}")
    return (now if now.tzinfo else now.replace(tzinfo=dt.UTC)).timestamp()


def verify_webhook(
    body: bytes | str,
    headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]],
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: dt.datetime | None = None,
) -> WebhookEvent:
    """Check that a webhook request comes from Browser Use and is recent; return its event.

    `body` is the raw request body, `headers` the request's headers (any mapping or multidict,
    or a list of (name, value) pairs, str or bytes; names are matched whatever their case),
    `secret` your webhook secret. The timestamp may be at most `tolerance` seconds from `now`
    (default: the current time; a naive datetime is UTC), either way. Raises
    `WebhookVerificationError` saying what was wrong; `InvalidArgumentError` for a bad `secret`,
    `tolerance` or `now`.
    """
    key = _check_secret(secret)
    allowed = _check_tolerance(tolerance)
    current = _now(now)
    pairs = _pairs(headers)
    signature = _header(pairs, SIGNATURE_HEADER)
    timestamp = _header(pairs, TIMESTAMP_HEADER)
    if not _UNIX_SECONDS.fullmatch(timestamp):
        raise WebhookVerificationError(
            f"the {TIMESTAMP_HEADER} header is not a time in Unix seconds: {timestamp[:32]!r}"
        )
    document = _parse_body(body)
    expected = _mac(key, timestamp, canonical_json(document))
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise WebhookVerificationError(
            f"the {SIGNATURE_HEADER} header does not match the body: check the webhook "
            "secret, and pass the body exactly as received"
        )
    age = current - int(timestamp)
    if age > allowed:
        raise WebhookVerificationError(
            f"the webhook was signed {age:.0f} s ago, more than the {allowed:g} s allowed: "
            "it may be a replay"
        )
    if -age > allowed:
        raise WebhookVerificationError(
            f"the webhook's timestamp is {-age:.0f} s in the future, more than the "
            f"{allowed:g} s allowed: check this machine's clock"
        )
    try:
        return _codec.structure(document, WebhookEvent)
    except _codec.DecodeError as exc:
        raise WebhookVerificationError(
            f"the webhook is signed but is not an event: {'; '.join(exc.errors[:5])}"
        ) from None
