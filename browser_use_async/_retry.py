"""The retry policy and the pure decision "wait this long, or give up"."""

import math
from collections.abc import Callable
from typing import Any

import attrs

from browser_use_async._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    InvalidArgumentError,
    TLSVerificationError,
    shown,
)
from browser_use_async._validation import finite_number

__all__ = ["IDEMPOTENT_METHODS", "NEVER_RETRIED_STATUSES", "RetryPolicy", "next_delay"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
NEVER_RETRIED_STATUSES = frozenset({400, 401, 403, 404, 409, 422})

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _number(low: float, high: float = math.inf, *, optional: bool = False) -> _Validator:
    """A finite int or float from `low` to `high` (or None when `optional`)."""

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if optional and value is None:
            return
        number = finite_number(value)
        if number is None or not low <= number <= high:
            bounds = f"from {low:g} to {high:g}" if math.isfinite(high) else f">= {low:g}"
            raise InvalidArgumentError(
                f"RetryPolicy.{attribute.name} must be a number {bounds}, got {shown(value)}"
            )

    return check


def _check_max_retries(instance: object, attribute: object, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(
            f"RetryPolicy.max_retries must be an int >= 0, got {shown(value)}"
        )


def _check_statuses(instance: object, attribute: object, value: frozenset[int]) -> None:
    forbidden = sorted(value & NEVER_RETRIED_STATUSES)
    if forbidden:
        raise InvalidArgumentError(
            f"RetryPolicy.retry_statuses may not include {forbidden}: repeating such a "
            "request gives the same answer."
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a failed request is repeated.

    The n-th retry waits ``initial_delay * 2**(n-1)`` seconds, capped at `max_delay`, then
    shortened at random by up to `jitter` of itself (at most a quarter). A server's
    `Retry-After` raises the wait to what it asked, unless it asks for more than
    `max_retry_after`: then the error is raised with `retry_after` set. `deadline`, when
    set, bounds the whole call across attempts and waits, in seconds.
    `RetryPolicy(max_retries=0)` turns retries off.
    """

    max_retries: int = attrs.field(default=3, validator=_check_max_retries)
    initial_delay: float = attrs.field(default=0.5, validator=_number(0))
    max_delay: float = attrs.field(default=8.0, validator=_number(0))
    jitter: float = attrs.field(default=0.25, validator=_number(0, 0.25))
    max_retry_after: float = attrs.field(default=60.0, validator=_number(0))
    deadline: float | None = attrs.field(default=None, validator=_number(0.001, optional=True))
    retry_statuses: frozenset[int] = attrs.field(
        default=frozenset({408, 429, 500, 502, 503, 504}),
        converter=frozenset,
        validator=_check_statuses,
    )

    def backoff(self, retry: int, random: float) -> float:
        """The wait before retry number `retry` (1-based); `random` is uniform in [0, 1)."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** min(retry - 1, 1000))
        return base * (1.0 - self.jitter * random)


def _may_repeat(policy: RetryPolicy, idempotent: bool, error: APIError) -> bool:
    """Whether sending the request again is both useful and safe."""
    if isinstance(error, TLSVerificationError):
        return False
    if isinstance(error, APIConnectionError):
        return idempotent or not error.reached_server
    if isinstance(error, APIStatusError):
        if error.status_code not in policy.retry_statuses:
            return False
        # A 429 refuses the request before any work is done (RFC 6585), so even a create
        # was not made: "no capacity" (TooManyConcurrentActiveSessionsError) says so in words.
        return idempotent or error.status_code == 429
    return False


def next_delay(
    policy: RetryPolicy,
    *,
    method: str,
    error: APIError,
    attempts: int,
    elapsed: float,
    random: float,
    idempotent: bool = False,
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up and raise `error`.

    `attempts` is how many attempts failed so far, `elapsed` the seconds since the first.
    A request is repeated as one that may have reached the server only when its `method` is
    idempotent, or the request says it is (`idempotent`: a POST that cancels, say).
    """
    idempotent = idempotent or method.upper() in IDEMPOTENT_METHODS
    if attempts > policy.max_retries or not _may_repeat(policy, idempotent, error):
        return None
    delay = policy.backoff(attempts, random)
    retry_after = error.retry_after if isinstance(error, APIStatusError) else None
    if retry_after is not None:
        if retry_after > policy.max_retry_after:
            return None
        delay = max(delay, retry_after)
    if policy.deadline is not None and elapsed + delay >= policy.deadline:
        return None
    return delay
