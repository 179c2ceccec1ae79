"""attrs validators and converters for request models: cheap checks before anything is sent.

Each raises `InvalidArgumentError` naming the field; `NOT_GIVEN` and `None` pass through.
"""

import enum
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._types import NotGiven

E = TypeVar("E", bound=enum.StrEnum)
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def parse_uuid(value: object, name: str) -> uuid.UUID:
    """A `uuid.UUID`, or a string in any form `uuid.UUID` reads."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise InvalidArgumentError(
        f"{name} must be a UUID (a uuid.UUID or a string such as "
        f"'3c90c3cc-0d44-4b50-8888-8dd25736052a'), got {value!r}"
    )


def _skipped(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


def to_uuid(value: uuid.UUID | str | NotGiven | None) -> uuid.UUID | NotGiven | None:
    """attrs converter: strings become `uuid.UUID`; NOT_GIVEN and None stay."""
    if value is None or isinstance(value, NotGiven):
        return value
    return parse_uuid(value, "id")


def to_enum(members: type[E], value: E | str | NotGiven | None) -> E | NotGiven | None:
    """A member or its value becomes the member; anything else is refused."""
    if value is None or isinstance(value, NotGiven):
        return value
    try:
        return members(value)
    except ValueError:
        raise InvalidArgumentError(f"{value!r} is not a {members.__name__}") from None


def in_range(low: int, high: int) -> Validator:
    """An int from `low` to `high`, both included."""

    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if _skipped(value):
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidArgumentError(
                f"{attribute.name} must be an int from {low} to {high}, got {value!r}"
            )

    return check


def text(min_length: int = 0, max_length: int | None = None) -> Validator:
    """A str whose length is within bounds."""

    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if _skipped(value):
            return
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{attribute.name} must be a str, got {value!r}")
        if len(value) < min_length or (max_length is not None and len(value) > max_length):
            limit = f"{min_length} to {max_length}" if max_length else f"at least {min_length}"
            raise InvalidArgumentError(
                f"{attribute.name} must have {limit} characters, got {len(value)}"
            )

    return check


def at_most_items(limit: int) -> Validator:
    """A collection of at most `limit` items."""

    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if not _skipped(value) and len(value) > limit:
            raise InvalidArgumentError(
                f"{attribute.name} may hold at most {limit} items, got {len(value)}"
            )

    return check
