"""Request building, error decoding and Retry-After parsing, with no sockets."""

import datetime as dt
import email.utils
import functools
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from browser_use_async import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BrowserUseError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    __version__,
)
from browser_use_async._codec import encode
from browser_use_async._messages import status_error
from browser_use_async._protocol import (
    Request,
    Response,
    build_request,
    check_api_key,
    check_base_url,
    parse_retry_after,
    uuid_segment,
)
from browser_use_async.models import TaskUpdateAction, UpdateTaskRequest
from tests.samples import TASK_ID

KEY = "bu_secret_key_123"


def headers(**values: str) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict({k.replace("_", "-"): v for k, v in values.items()}))


def a_request() -> Request:
    return build_request("PATCH", "https://api.example.com/api/v2", f"/tasks/{TASK_ID}", KEY)


def test_build_request_wire_format() -> None:
    body = UpdateTaskRequest(action=TaskUpdateAction.STOP)
    request = build_request(
        "PATCH",
        "https://api.example.com/api/v2",
        f"/tasks/{TASK_ID}",
        KEY,
        body=functools.partial(encode, body),
    )
    assert request.method == "PATCH"
    assert request.url == f"https://api.example.com/api/v2/tasks/{TASK_ID}"
    assert request.body == b'{"action":"stop"}'
    assert request.headers == {
        "X-Browser-Use-API-Key": KEY,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": request.headers["User-Agent"],
    }
    assert request.headers["User-Agent"].startswith(f"browser-use-async/{__version__} ")


def test_request_without_body_has_no_content_type() -> None:
    request = build_request("GET", "https://x.example/api/v2", "/tasks", KEY)
    assert request.body is None
    assert "Content-Type" not in request.headers


def test_request_repr_hides_the_key() -> None:
    assert KEY not in repr(a_request())
    assert "<redacted>" in repr(a_request())


@pytest.mark.parametrize(
    "bad", ["", "bu key", "bu_key\n", "bu\x00key", "bu_kéy", "\tbu_key", None, 12]
)
def test_bad_api_keys_are_refused_without_echoing_them(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        check_api_key(bad)
    assert "BROWSER_USE_API_KEY" in str(info.value)
    if isinstance(bad, str) and bad:
        assert bad not in str(info.value)


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("https://api.browser-use.com/api/v2", "https://api.browser-use.com/api/v2"),
        ("https://api.browser-use.com/api/v2/", "https://api.browser-use.com/api/v2"),
        ("http://127.0.0.1:8080/api/v2//", "http://127.0.0.1:8080/api/v2"),
    ],
)
def test_base_url_trailing_slash(given_url: str, expected: str) -> None:
    assert check_base_url(given_url) == expected


@pytest.mark.parametrize(
    "bad", ["api.browser-use.com", "ftp://x/api", "https://", "https://x/?a=1"]
)
def test_bad_base_urls(bad: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        check_base_url(bad)


def test_uuid_segment_accepts_uuid_and_strings() -> None:
    value = uuid.UUID(TASK_ID)
    assert uuid_segment(value, "task_id") == TASK_ID
    assert uuid_segment(TASK_ID.upper(), "task_id") == TASK_ID


@pytest.mark.parametrize(
    "bad", ["", "123", "../sessions", f"{TASK_ID}/../x", TASK_ID.replace("-", ""), None, 5, b"x"]
)
def test_uuid_segment_rejects_everything_else(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="task_id must be a UUID"):
        uuid_segment(bad, "task_id")


@given(st.uuids(), st.lists(st.booleans(), min_size=36, max_size=36))
def test_uuid_segment_of_any_canonical_string_is_the_uuids_own_text(
    value: uuid.UUID, upper: list[bool]
) -> None:
    text = "".join(c.upper() if up else c for c, up in zip(str(value), upper, strict=True))
    assert uuid_segment(text, "task_id") == str(value) == uuid_segment(value, "task_id")


@given(st.text())
def test_uuid_segment_never_lets_a_slash_through(text: str) -> None:
    try:
        segment = uuid_segment(text, "task_id")
    except InvalidArgumentError:
        return
    assert segment == str(uuid.UUID(segment))


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_status_errors(status: int, cls: type[APIStatusError]) -> None:
    response = Response(status=status, headers=headers(), body=b'{"detail": "Nope"}')
    error = status_error(a_request(), response)
    assert type(error) is cls
    assert isinstance(error, BrowserUseError)
    assert error.status_code == status
    assert error.body == {"detail": "Nope"}
    assert f"HTTP {status}: Nope." in str(error)
    assert KEY not in str(error)


def test_401_says_what_to_do() -> None:
    response = Response(status=401, headers=headers(), body=b'{"detail": "bad key"}')
    assert "BROWSER_USE_API_KEY" in str(status_error(a_request(), response))


def test_422_detail_list_is_readable() -> None:
    detail = [
        {"loc": ["body", "action"], "msg": "Input should be 'stop'", "type": "enum"},
        {"loc": ["path", "task_id"], "msg": "Input should be a valid UUID", "type": "uuid"},
    ]
    body = json.dumps({"detail": detail}).encode()
    error = status_error(a_request(), Response(status=422, headers=headers(), body=body))
    assert isinstance(error, UnprocessableEntityError)
    assert error.details == detail
    assert "body.action: Input should be 'stop'; path.task_id: Input should be a valid UUID" in str(
        error
    )


def test_422_single_validation_object_as_the_spec_shows() -> None:
    detail = {"loc": ["body", "action"], "msg": "Field required", "type": "missing"}
    body = json.dumps({"detail": detail}).encode()
    error = status_error(a_request(), Response(status=422, headers=headers(), body=body))
    assert isinstance(error, UnprocessableEntityError)
    assert error.details == [detail]


def test_error_body_that_is_not_json_is_kept_as_text() -> None:
    response = Response(status=502, headers=headers(), body=b"<html>Bad gateway</html>")
    error = status_error(a_request(), response)
    assert error.body == "<html>Bad gateway</html>"
    assert "Bad gateway" in str(error)


def test_long_error_bodies_are_shortened_in_the_message() -> None:
    response = Response(status=500, headers=headers(), body=b"x" * 10_000)
    error = status_error(a_request(), response)
    assert len(str(error)) < 600
    assert error.body == "x" * 10_000


def test_rate_limit_carries_retry_after() -> None:
    response = Response(status=429, headers=headers(Retry_After="7"), body=b"{}")
    error = status_error(a_request(), response)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert "retry after 7 s" in str(error)


NOW = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, None),
        ({"Retry-After": "5"}, 5.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after": " 2 "}, 2.0),
        ({"Retry-After": "Thu, 01 Jan 2026 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "Thu, 01 Jan 2026 11:00:00 GMT"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after-ms": "soon", "Retry-After": "9"}, 9.0),
        ({"Retry-After": "-3"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "0\x1f"}, None),
        ({"Retry-After": "\u0663"}, None),
    ],
)
def test_parse_retry_after(values: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(CIMultiDict(values), now=NOW) == expected


@given(st.text())
def test_retry_after_parser_never_raises_and_is_never_negative(value: str) -> None:
    result = parse_retry_after(CIMultiDict({"Retry-After": value}), now=NOW)
    assert result is None or result >= 0


@given(st.integers(min_value=0, max_value=10**9))
def test_retry_after_integer_seconds(seconds: int) -> None:
    assert parse_retry_after(CIMultiDict({"Retry-After": str(seconds)}), now=NOW) == seconds


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_retry_after_decimal_seconds(seconds: float) -> None:
    text = f"{seconds:.3f}"
    assert parse_retry_after(CIMultiDict({"Retry-After": text}), now=NOW) == float(text)


@given(st.integers(min_value=0, max_value=10**7))
def test_retry_after_http_date(seconds: int) -> None:
    when = email.utils.format_datetime(NOW + dt.timedelta(seconds=seconds), usegmt=True)
    assert parse_retry_after(CIMultiDict({"Retry-After": when}), now=NOW) == seconds
