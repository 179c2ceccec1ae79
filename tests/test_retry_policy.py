"""The retry policy and the pure retry decision, with no sockets."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from browser_use_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidArgumentError,
    RateLimitError,
    RetryPolicy,
    TooManyConcurrentActiveSessionsError,
)
from browser_use_async._retry import next_delay

URL = "https://api.example.com/api/v2/tasks"
NO_JITTER = RetryPolicy(jitter=0)


def status(
    code: int, retry_after: float | None = None, cls: type[APIStatusError] = APIStatusError
) -> APIStatusError:
    return cls(
        "x",
        method="GET",
        url=URL,
        status_code=code,
        body=None,
        headers=CIMultiDict(),
        retry_after=retry_after,
    )


def connection(*, reached_server: bool = True) -> APIConnectionError:
    return APIConnectionError("x", method="GET", url=URL, reached_server=reached_server)


def timeout(*, reached_server: bool = True) -> APITimeoutError:
    return APITimeoutError("x", method="GET", url=URL, reached_server=reached_server)


def decide(
    error: APIError,
    method: str = "GET",
    policy: RetryPolicy = NO_JITTER,
    attempts: int = 1,
    elapsed: float = 0.0,
) -> float | None:
    return next_delay(
        policy, method=method, error=error, attempts=attempts, elapsed=elapsed, random=0.0
    )


def test_defaults() -> None:
    policy = RetryPolicy()
    assert policy.max_retries == 3
    assert policy.initial_delay == 0.5
    assert policy.max_delay == 8.0
    assert policy.max_retry_after == 60.0
    assert policy.deadline is None
    assert policy.retry_statuses == frozenset({408, 429, 500, 502, 503, 504})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"initial_delay": -0.1},
        {"max_delay": float("inf")},
        {"jitter": 0.3},
        {"jitter": -0.1},
        {"deadline": 0},
        {"deadline": float("nan")},
        {"retry_statuses": {503, 404}},
        {"retry_statuses": {400}},
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgumentError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_is_frozen_and_keyword_only() -> None:
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.max_retries = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetryPolicy(5)  # type: ignore[call-arg]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "patch"])
@pytest.mark.parametrize(
    "error",
    [
        connection(),
        connection(reached_server=False),
        timeout(),
        *map(status, (408, 429, 500, 502, 503, 504)),
    ],
)
def test_idempotent_calls_retry_transient_failures(method: str, error: APIError) -> None:
    assert decide(error, method) == 0.5


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (connection(reached_server=False), True),
        (timeout(reached_server=False), True),
        (status(429, cls=TooManyConcurrentActiveSessionsError), True),
        (status(429), True),
        (status(429, cls=RateLimitError), True),
        (connection(), False),
        (timeout(), False),
        (status(500), False),
        (status(502), False),
        (status(503), False),
        (status(504), False),
        (status(408), False),
    ],
)
def test_post_retries_only_what_cannot_duplicate_work(error: APIError, retried: bool) -> None:
    assert (decide(error, "POST") is not None) is retried


def test_no_capacity_is_not_retried_once_429_is_left_out_of_the_statuses() -> None:
    no_capacity = status(429, cls=TooManyConcurrentActiveSessionsError)
    without_429: Any = {503}  # mypy reads the converter's parameter as an unsolved Iterable
    assert decide(no_capacity, "POST", RetryPolicy(retry_statuses=without_429)) is None
    assert decide(no_capacity, "POST", RetryPolicy(max_retries=0)) is None


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "POST"])
@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422, 418, 501])
def test_other_statuses_are_never_retried(method: str, code: int) -> None:
    assert decide(status(code), method) is None


def test_response_validation_errors_are_never_retried() -> None:
    error = APIResponseValidationError("x", method="GET", url=URL, status_code=200, body=b"")
    assert decide(error) is None


def test_backoff_doubles_up_to_max_delay() -> None:
    delays = [
        decide(status(503), attempts=n, policy=RetryPolicy(jitter=0, max_retries=9))
        for n in range(1, 8)
    ]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_retries_run_out() -> None:
    policy = RetryPolicy(jitter=0, max_retries=2)
    assert decide(status(503), policy=policy, attempts=2) == 1.0
    assert decide(status(503), policy=policy, attempts=3) is None
    assert decide(status(503), policy=RetryPolicy(max_retries=0)) is None


def test_retry_after_raises_the_wait() -> None:
    assert decide(status(429, retry_after=3.0)) == 3.0
    assert decide(status(503, retry_after=0.1)) == 0.5
    assert decide(status(429, retry_after=60.0)) == 60.0


def test_retry_after_longer_than_allowed_gives_up() -> None:
    assert decide(status(429, retry_after=60.5)) is None
    assert decide(status(429, retry_after=5), policy=RetryPolicy(max_retry_after=4)) is None


def test_deadline_stops_retries_that_would_pass_it() -> None:
    policy = RetryPolicy(jitter=0, deadline=2.0)
    assert decide(status(503), policy=policy, attempts=1, elapsed=1.4) == 0.5
    assert decide(status(503), policy=policy, attempts=1, elapsed=1.5) is None
    assert decide(status(429, retry_after=5), policy=RetryPolicy(deadline=4)) is None


@given(
    retry=st.integers(min_value=1, max_value=200),
    random=st.floats(min_value=0, max_value=1, exclude_max=True),
    initial=st.floats(min_value=0, max_value=100),
    cap=st.floats(min_value=0, max_value=100),
    jitter=st.floats(min_value=0, max_value=0.25),
)
def test_backoff_bounds(
    retry: int, random: float, initial: float, cap: float, jitter: float
) -> None:
    policy = RetryPolicy(initial_delay=initial, max_delay=cap, jitter=jitter)
    base = min(cap, initial * 2.0 ** (retry - 1))
    delay = policy.backoff(retry, random)
    assert delay <= cap
    assert 0.75 * base <= delay <= base


@given(
    attempts=st.integers(min_value=1, max_value=10),
    elapsed=st.floats(min_value=0, max_value=100),
    deadline=st.none() | st.floats(min_value=0.01, max_value=100),
    retry_after=st.none() | st.floats(min_value=0, max_value=200),
    random=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_a_wait_never_passes_the_deadline_or_the_caps(
    attempts: int,
    elapsed: float,
    deadline: float | None,
    retry_after: float | None,
    random: float,
) -> None:
    policy = RetryPolicy(max_retries=5, deadline=deadline)
    delay = next_delay(
        policy,
        method="GET",
        error=status(503, retry_after),
        attempts=attempts,
        elapsed=elapsed,
        random=random,
    )
    if delay is None:
        return
    assert attempts <= policy.max_retries
    assert delay <= max(policy.max_delay, policy.max_retry_after)
    if retry_after is not None:
        assert delay >= retry_after
    if deadline is not None:
        assert elapsed + delay < deadline
