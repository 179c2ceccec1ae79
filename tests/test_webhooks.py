"""Webhook verification: the spec's vectors, tampering, time, headers, and properties."""

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import pathlib
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

from browser_use_async import (
    BrowserUseError,
    InvalidArgumentError,
    WebhookEvent,
    WebhookVerificationError,
    verify_webhook,
)
from browser_use_async.webhooks import canonical_json, sign_webhook

VECTORS = json.loads(
    (pathlib.Path(__file__).parent.parent / "spec" / "webhook-signatures.json").read_text("utf-8")
)
SECRET: str = VECTORS["secret"]
SIGNED_AT = 1788955200
NOW = dt.datetime.fromtimestamp(SIGNED_AT, dt.UTC)
EVENT_TIME = dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC)


def reference_signature(body: str, timestamp: str, secret: str = SECRET) -> str:
    """The scheme, written out independently of the SDK."""
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    return hmac.new(
        secret.encode(), f"{timestamp}.{canonical}".encode(), hashlib.sha256
    ).hexdigest()


def headers_for(signature: str, timestamp: str | int = SIGNED_AT) -> dict[str, str]:
    return {"X-Browser-Use-Signature": signature, "X-Browser-Use-Timestamp": str(timestamp)}


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_the_spec_vectors_verify(vector: dict[str, str]) -> None:
    assert reference_signature(vector["body"], vector["timestamp"]) == vector["signature"]
    headers = headers_for(vector["signature"], vector["timestamp"])
    for body in (vector["body"], vector["body"].encode()):
        event = verify_webhook(body, headers, SECRET, now=NOW + dt.timedelta(seconds=299))
        assert event == WebhookEvent(
            type="session.status.update", timestamp=EVENT_TIME, payload=json.loads(body)["payload"]
        )
        assert event.timestamp.tzinfo is dt.UTC
    assert (
        sign_webhook(vector["body"], secret=SECRET, timestamp=vector["timestamp"])
        == (vector["signature"])
    )


def test_canonical_json_settings() -> None:
    document = {"b": [1.0, 1e-07, 1e20], "a": "München", "\ue000": 0, "\U00010000": 1}
    assert canonical_json(document) == (
        '{"a":"M\\u00fcnchen","b":[1.0,1e-07,1e+20],"\\ue000":0,"\\ud800\\udc00":1}'
    )


ASCII = VECTORS["vectors"][0]
NESTED = VECTORS["vectors"][2]


def verify(
    body: str | bytes,
    headers: Any,
    *,
    now: dt.datetime = NOW,
    tolerance: float = 300,
) -> WebhookEvent:
    return verify_webhook(body, headers, SECRET, now=now, tolerance=tolerance)


@pytest.mark.parametrize(
    "body",
    [
        ASCII["body"].replace('"idle"', '"busy"'),
        ASCII["body"].replace("session_id", "session_Id"),
        ASCII["body"].replace('"synthetic-session"', '"synthetic-session", "extra": 1'),
        NESTED["body"].replace("1.0", "1"),
        NESTED["body"].replace("1e+20", "1e+21"),
        NESTED["body"].replace('"2": 2', '"2": 2.0'),
        "{}",
    ],
)
def test_a_changed_body_fails(body: str) -> None:
    signature = NESTED["signature"] if "nested" in body else ASCII["signature"]
    with pytest.raises(WebhookVerificationError, match="does not match the body"):
        verify(body, headers_for(signature))


def test_reformatting_the_body_keeps_its_signature() -> None:
    document = json.loads(NESTED["body"])
    for body in (
        json.dumps(document, indent=4, sort_keys=True),
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        NESTED["body"].replace("1e-07", "1E-07").replace('"\\u6771', '"\\u6771'),
    ):
        assert verify(body, headers_for(NESTED["signature"])).payload == document["payload"]


def test_a_changed_signature_fails() -> None:
    signature: str = ASCII["signature"]
    for wrong in (
        signature[:-1] + ("0" if signature[-1] != "0" else "1"),
        signature.upper(),
        signature[:-2],
        signature + "00",
        "sha256=" + signature,
        reference_signature(ASCII["body"], str(SIGNED_AT), secret="another-secret"),
        "é" * 64,
    ):
        with pytest.raises(WebhookVerificationError, match="does not match"):
            verify(ASCII["body"], headers_for(wrong))


def test_a_changed_timestamp_fails() -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify(ASCII["body"], headers_for(ASCII["signature"], SIGNED_AT + 1))


@pytest.mark.parametrize("timestamp", ["-1788955200", "1788955200.0", "0x6a", "soon", "1" * 16])
def test_a_malformed_timestamp_fails(timestamp: str) -> None:
    with pytest.raises(WebhookVerificationError, match="not a time in Unix seconds"):
        verify(ASCII["body"], headers_for(ASCII["signature"], timestamp))


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (301, r"signed 301 s ago, more than the 300 s allowed"),
        (86400 * 365, "ago"),
        (-301, r"301 s in the future, more than the 300 s allowed"),
    ],
)
def test_stale_and_future_timestamps_fail(offset: int, message: str) -> None:
    with pytest.raises(WebhookVerificationError, match=message):
        verify(ASCII["body"], headers_for(ASCII["signature"]), now=NOW + dt.timedelta(0, offset))


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_timestamps_within_the_tolerance_pass(offset: int) -> None:
    verify(ASCII["body"], headers_for(ASCII["signature"]), now=NOW + dt.timedelta(0, offset))


def test_tolerance_and_naive_now() -> None:
    later = NOW + dt.timedelta(seconds=3600)
    verify(ASCII["body"], headers_for(ASCII["signature"]), now=later, tolerance=3600)
    with pytest.raises(WebhookVerificationError, match="3600 s ago, more than the 3599 s"):
        verify(ASCII["body"], headers_for(ASCII["signature"]), now=later, tolerance=3599)
    naive_now = NOW.replace(tzinfo=None)
    verify(ASCII["body"], headers_for(ASCII["signature"]), now=naive_now, tolerance=0)


def test_the_real_clock_is_used_by_default() -> None:
    signed_in_1970 = headers_for(reference_signature(ASCII["body"], "60"), 60)
    with pytest.raises(WebhookVerificationError, match="s ago, more than the 300 s allowed"):
        verify_webhook(ASCII["body"], signed_in_1970, SECRET)
    fresh = str(int(dt.datetime.now(dt.UTC).timestamp()))
    signature = reference_signature(ASCII["body"], fresh)
    assert verify_webhook(ASCII["body"], headers_for(signature, fresh), SECRET).type == (
        "session.status.update"
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "X-Browser-Use-Signature header is missing"),
        ({"X-Browser-Use-Signature": ASCII["signature"]}, "X-Browser-Use-Timestamp header is"),
        ({"X-Browser-Use-Timestamp": str(SIGNED_AT)}, "X-Browser-Use-Signature header is"),
        (headers_for(""), "X-Browser-Use-Signature header is missing or empty"),
        (headers_for(ASCII["signature"], " "), "X-Browser-Use-Timestamp header is missing"),
        (
            {**headers_for(ASCII["signature"]), "x-browser-use-signature": "00"},
            "X-Browser-Use-Signature header was sent more than once",
        ),
    ],
)
def test_missing_or_repeated_headers_fail(headers: dict[str, str], message: str) -> None:
    with pytest.raises(WebhookVerificationError, match=message):
        verify(ASCII["body"], headers)


def test_header_names_are_matched_whatever_their_case() -> None:
    lower = {"x-browser-use-signature": ASCII["signature"], "x-browser-use-timestamp": "1788955200"}
    assert verify(ASCII["body"], lower).type == "session.status.update"
    multi = CIMultiDict(lower)
    multi.add("X-BROWSER-USE-SIGNATURE", ASCII["signature"])  # the same value twice is fine
    assert verify(ASCII["body"], multi).type == "session.status.update"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff{}", "not UTF-8"),
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ('{"type": 1, "type": 2}', "the key 'type' appears twice"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ],
)
def test_a_body_that_is_not_json_fails(body: str | bytes, message: str) -> None:
    with pytest.raises(WebhookVerificationError, match=message):
        verify(body, headers_for(ASCII["signature"]))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "expected a JSON object @ \\$"),
        ({"type": "test", "payload": {}}, "required field missing @ \\$.timestamp"),
        ({"type": "test", "timestamp": "yesterday", "payload": {}}, "@ \\$.timestamp"),
        ({"type": "test", "timestamp": "2026-09-09T12:00:00Z", "payload": []}, "\\$.payload"),
    ],
)
def test_a_signed_body_that_is_not_an_event_fails(document: object, message: str) -> None:
    body = json.dumps(document)
    headers = headers_for(reference_signature(body, str(SIGNED_AT)))
    with pytest.raises(WebhookVerificationError, match="signed but is not an event.*" + message):
        verify(body, headers)


def test_errors_never_show_the_secret() -> None:
    secret = "whsec_do-not-print-me"
    cases: list[tuple[str | bytes, dict[str, str]]] = [
        (ASCII["body"], headers_for(ASCII["signature"])),
        (ASCII["body"], headers_for(reference_signature(ASCII["body"], "1", secret), 1)),
        ("{", headers_for("00")),
        (ASCII["body"], {}),
    ]
    for body, headers in cases:
        with pytest.raises(WebhookVerificationError) as caught:
            verify_webhook(body, headers, secret, now=NOW)
        assert isinstance(caught.value, BrowserUseError)
        assert "do-not-print-me" not in str(caught.value)
        assert "do-not-print-me" not in repr(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": ""}, "secret"),
        ({"secret": b"bytes"}, "secret"),
        ({"tolerance": -1}, "tolerance"),
        ({"tolerance": float("inf")}, "tolerance"),
        ({"tolerance": True}, "tolerance"),
        ({"now": 1788955200}, "now"),
        ({"body": {"type": "test"}}, "body must be the raw request body"),
    ],
)
def test_bad_arguments_are_invalid_argument_errors(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "body": ASCII["body"],
        "headers": headers_for(ASCII["signature"]),
        "secret": SECRET,
        "now": NOW,
    } | kwargs
    with pytest.raises(InvalidArgumentError, match=message):
        verify_webhook(**arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timestamp": -1}, "timestamp"),
        ({"timestamp": True}, "timestamp"),
        ({"timestamp": "12.5"}, "timestamp"),
        ({"secret": ""}, "secret"),
        ({"body": "{"}, "not valid JSON"),
    ],
)
def test_sign_webhook_checks_its_arguments(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"body": "{}", "secret": SECRET, "timestamp": 1} | kwargs
    with pytest.raises(InvalidArgumentError, match=message):
        sign_webhook(**arguments)


# Properties ----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FORMATS: list[dict[str, Any]] = [
    {},
    {"separators": (",", ":"), "ensure_ascii": False},
    {"indent": 2, "sort_keys": True},
    {"ensure_ascii": False},
]


def event_body(kind: str, payload: dict[str, Any], style: dict[str, Any]) -> str:
    document = {"type": kind, "timestamp": "2026-09-09T12:00:00Z", "payload": payload}
    return json.dumps(document, **style)


EVENTS = st.builds(
    event_body,
    st.text(min_size=1, max_size=30),
    st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5),
    st.sampled_from(FORMATS),
)


def meaning(body: bytes) -> str | None:
    """The canonical form of `body`, or None when it is not JSON."""
    try:
        return json.dumps(json.loads(body.decode()), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return None


@given(body=EVENTS, as_bytes=st.booleans())
def test_any_signed_event_verifies(body: str, as_bytes: bool) -> None:
    signature = reference_signature(body, str(SIGNED_AT))
    event = verify(body.encode() if as_bytes else body, headers_for(signature))
    assert event.payload == json.loads(body)["payload"]
    assert event.timestamp == EVENT_TIME


@settings(max_examples=300)
@given(body=EVENTS, data=st.data())
def test_a_single_byte_change_fails_unless_the_meaning_is_unchanged(
    body: str, data: st.DataObject
) -> None:
    """The signature covers the body's meaning, so a byte change verifies only if it keeps
    the meaning (`1e5` to `1E5`, `\\u00e9` to `\\u00E9`, one whitespace for another)."""
    raw = body.encode()
    signature = reference_signature(body, str(SIGNED_AT))
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    changed = raw[:position] + bytes([byte]) + raw[position + 1 :]
    try:
        event = verify(changed, headers_for(signature))
    except WebhookVerificationError:
        assert meaning(changed) != meaning(raw)
    else:
        assert meaning(changed) == meaning(raw)
        assert event.payload == json.loads(body)["payload"]


@given(body=EVENTS, data=st.data())
def test_a_single_byte_change_in_a_header_fails(body: str, data: st.DataObject) -> None:
    headers = headers_for(reference_signature(body, str(SIGNED_AT)))
    name = data.draw(st.sampled_from(sorted(headers)), label="header")
    value = headers[name]
    position = data.draw(st.integers(0, len(value) - 1), label="position")
    char = data.draw(
        st.characters(codec="ascii", exclude_characters=value[position] + " \t\r\n\x0b\x0c"),
        label="char",
    )
    headers[name] = value[:position] + char + value[position + 1 :]
    with pytest.raises(WebhookVerificationError):
        verify(body, headers)


class StarletteLikeHeaders:
    """Not a Mapping: `.items()` over the raw pairs, as Starlette's and Werkzeug's do."""

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw

    def items(self) -> list[tuple[str, str]]:
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.raw]


def _containers(signature: str) -> list[object]:
    pairs = [("X-Browser-Use-Signature", signature), ("X-Browser-Use-Timestamp", str(SIGNED_AT))]
    raw = [(k.lower().encode(), v.encode()) for k, v in pairs]
    mixed: dict[object, object] = {**dict(pairs), "X-Other": 3, b"X-Raw": None}
    return [
        pairs,
        [list(pair) for pair in pairs],
        tuple(pairs),
        iter(pairs),
        raw,
        dict(raw),
        CIMultiDict(pairs),
        StarletteLikeHeaders(raw),
        mixed,
    ]


@pytest.mark.parametrize("index", range(len(_containers(""))))
def test_common_header_containers_verify(index: int) -> None:
    headers = _containers(ASCII["signature"])[index]
    assert verify(ASCII["body"], headers).type == "session.status.update"


class NoItems:
    pass


class BrokenItems:
    def items(self) -> object:
        raise RuntimeError("not today")


@pytest.mark.parametrize(
    "headers",
    [
        None,
        "X-Browser-Use-Signature: abc",
        b"raw",
        3,
        NoItems(),
        BrokenItems(),
        [("X-Browser-Use-Signature",)],
        [("X-Browser-Use-Signature", "a", "b")],
        ["ab", "cd"],
        [None],
        {"X-Browser-Use-Signature": ["abc"], "X-Browser-Use-Timestamp": SIGNED_AT},
        {b"X-Browser-Use-Signature": 1},
    ],
    ids=repr,
)
def test_odd_header_containers_fail_as_verification_errors(headers: Any) -> None:
    with pytest.raises(WebhookVerificationError):
        verify(ASCII["body"], headers)


PARTS = st.one_of(st.none(), st.text(max_size=8), st.binary(max_size=8), st.integers(), st.floats())


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        PARTS,
        st.lists(st.one_of(st.tuples(PARTS, PARTS), st.tuples(PARTS), st.lists(PARTS), PARTS)),
        st.dictionaries(st.one_of(st.text(max_size=8), st.binary(max_size=8)), PARTS),
    ),
    st.booleans(),
)
def test_any_header_container_verifies_or_raises_a_verification_error(
    junk: Any, add_real: bool
) -> None:
    headers = junk
    if add_real and isinstance(junk, list):
        real = typing.cast(list[object], _containers(ASCII["signature"])[0])
        headers = [*typing.cast(list[object], junk), *real]
    with contextlib.suppress(WebhookVerificationError):  # anything else fails the test
        verify(ASCII["body"], headers)


def _deep_list(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "timestamp", [_deep_list(10_000), object(), 1.5, b"1", -1, "1e3", " 1", True, None]
)
def test_sign_webhook_refuses_any_other_timestamp(timestamp: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="timestamp must be Unix seconds"):
        sign_webhook(ASCII["body"], secret=SECRET, timestamp=timestamp)
