"""Cheap client-side checks of arguments, before anything is sent.

Each raises `InvalidArgumentError` naming the argument; `NOT_GIVEN` and `None` pass. The
`check_*` functions serve query parameters; the attrs validators and converters below
wrap them for request models, and the attrs repr helpers keep secrets and long texts out
of a model's repr. Below the models and `_protocol`: it imports only the standard library,
`_exceptions` and `_types` (a test checks), so attrs is not needed to check an argument.
"""

import contextlib
import datetime as dt
import decimal
import enum
import math
import re
import typing
import uuid
from collections.abc import Callable, Iterable, Mapping, Sized
from collections.abc import Set as AbstractSet
from typing import Any, Protocol, TypeVar

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._types import NotGiven

E = TypeVar("E", bound=enum.StrEnum)
V = TypeVar("V")


class _Field(Protocol):
    """What a validator reads of the `attrs.Attribute` it is given."""

    @property
    def name(self) -> str: ...


Validator = Callable[[Any, _Field, Any], None]


def _skipped(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def parse_uuid(value: object, name: str) -> uuid.UUID:
    """A `uuid.UUID`, or a string in the canonical 8-4-4-4-12 hex form (any case).

    `uuid.UUID` alone would also read braces, `urn:uuid:`, no hyphens, and `_` or `+` inside
    the hex (they reach `int(..., 16)`), so a mistyped id could name another task."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
        return uuid.UUID(value)
    # A model passed where its id belongs (`stop(created)`) is the usual way to get here.
    with_id = hasattr(type(value), "__attrs_attrs__") and isinstance(
        getattr(value, "id", None), uuid.UUID
    )
    raise InvalidArgumentError(
        f"{name} must be a UUID (a uuid.UUID or a string such as "
        f"'3c90c3cc-0d44-4b50-8888-8dd25736052a'), got "
        + (f"a {type(value).__name__}: pass its .id" if with_id else shown(value))
    )


def hidden(value: object) -> str:
    """attrs repr of a secret field: whether it is set, never what it is."""
    return repr(value) if _skipped(value) else "'<redacted>'"


def counted(noun: str) -> Callable[[Sized | None], str]:
    """attrs repr of a long list (a task's steps): how many, not each one. `noun` is singular."""

    def count(items: Sized | None) -> str:
        if items is None:
            return "None"
        return f"<1 {noun}>" if len(items) == 1 else f"<{len(items)} {noun}s>"

    return count


def clipped(value: object) -> str:
    """attrs repr of a text that can run to pages (a prompt, an output): its start and length."""
    if isinstance(value, str) and len(value) > _CLIP:
        return f"{value[:_CLIP]!r}... ({len(value)} characters)"
    return repr(value)


_CLIP = 80


def finite_number(value: object) -> float | None:
    """`value` as a float if it is a finite int or float (not a bool), else None: NaN, the
    infinities and an int too large for a float (which `math.isfinite` would raise
    `OverflowError` on) are None."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def positive_seconds(value: object, name: str) -> float:
    """A finite number of seconds above zero."""
    seconds = finite_number(value)
    if seconds is not None and seconds > 0:
        return seconds
    raise InvalidArgumentError(f"{name} must be a positive number of seconds, got {shown(value)}")


def usd_amount(value: object, name: str, *, above_zero: bool = False) -> decimal.Decimal:
    """A finite amount of US dollars of at least zero (above zero if `above_zero`), as a
    `Decimal`: a `Decimal`, an int, a decimal string ("0.50") or a float, read by its shortest
    repr (`0.1` is "0.1", not the binary fraction nearest it), so that the limit is the number
    the caller wrote."""
    amount: decimal.Decimal | None = None
    if isinstance(value, decimal.Decimal):
        amount = value
    elif isinstance(value, int | float | str) and not isinstance(value, bool):
        with contextlib.suppress(decimal.InvalidOperation):
            amount = decimal.Decimal(repr(value) if isinstance(value, float) else value)
    if amount is not None and amount.is_finite():
        allowed = amount > 0 if above_zero else amount >= 0
        if allowed:
            return amount
    raise InvalidArgumentError(
        f"{name} must be an amount of US dollars {'above' if above_zero else 'of at least'} 0 "
        f"(a decimal.Decimal, int, float or decimal string such as '0.50'), got {shown(value)}"
    )


def usd_budget(value: object, name: str) -> decimal.Decimal | NotGiven | None:
    """`usd_amount` above zero (the API refuses a budget of nothing), letting NOT_GIVEN and
    None through."""
    if value is None or isinstance(value, NotGiven):
        return value
    return usd_amount(value, name, above_zero=True)


def positive_int(value: object, name: str) -> int:
    """A whole number of at least one."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise InvalidArgumentError(f"{name} must be a whole number of at least 1, got {shown(value)}")


def check_uuid(value: object, name: str) -> uuid.UUID | NotGiven | None:
    """`parse_uuid`, letting NOT_GIVEN and None through."""
    if value is None or isinstance(value, NotGiven):
        return value
    return parse_uuid(value, name)


def check_datetime(value: V, name: str) -> V:
    """A `datetime.datetime` (naive ones are taken as UTC by the API)."""
    if not _skipped(value) and not isinstance(value, dt.datetime):
        raise InvalidArgumentError(f"{name} must be a datetime.datetime, got {shown(value)}")
    return value


def check_int(value: V, name: str, low: int, high: int | None = None) -> V:
    """An int from `low` to `high` (both included; no upper bound when None)."""
    if _skipped(value):
        return value
    in_bounds = isinstance(value, int) and low <= value and (high is None or value <= high)
    if isinstance(value, bool) or not in_bounds:
        bounds = f"from {low} to {high}" if high is not None else f">= {low}"
        raise InvalidArgumentError(f"{name} must be an int {bounds}, got {shown(value)}")
    return value


def check_text(value: V, name: str, min_length: int = 0, max_length: int | None = None) -> V:
    """A str whose length is within bounds."""
    if _skipped(value):
        return value
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, got {shown(value)}")
    if len(value) < min_length or (max_length is not None and len(value) > max_length):
        limit = f"{min_length} to {max_length}" if max_length else f"at least {min_length}"
        raise InvalidArgumentError(f"{name} must have {limit} characters, got {len(value)}")
    return value


def check_enum(
    members: type[E], value: E | str | NotGiven | None, name: str
) -> E | NotGiven | None:
    """A member or its value becomes the member; anything else is refused."""
    if value is None or isinstance(value, NotGiven):
        return value
    try:
        if not isinstance(value, str):  # Enum's own error would repr any value, however deep
            raise ValueError
        return members(value)
    except ValueError:
        choices = (
            ", ".join(m.value for m in members) if len(members) <= 12 else f"a {members.__name__}"
        )
        raise InvalidArgumentError(f"{name} must be one of {choices}; got {shown(value)}") from None


def check_member(members: type[E], value: E | str | NotGiven | None, name: str) -> E:
    """A required enum argument: like `check_enum`, but NOT_GIVEN and None are refused too."""
    member = check_enum(members, value, name)
    if member is None or isinstance(member, NotGiven):
        raise InvalidArgumentError(f"{name} is required: pass a {members.__name__}")
    return member


def check_bool(value: V, name: str) -> V:
    """True or False."""
    if not _skipped(value) and not isinstance(value, bool):
        raise InvalidArgumentError(f"{name} must be True or False, got {shown(value)}")
    return value


def to_uuid(value: uuid.UUID | str | NotGiven | None) -> uuid.UUID | NotGiven | None:
    """attrs converter: strings become `uuid.UUID`; NOT_GIVEN and None stay."""
    return check_uuid(value, "id")


def to_str_dict(value: object, name: str) -> dict[str, str] | NotGiven | None:
    """A mapping copied into a dict, for the models' converters (`str_values` checks what
    is in it); NOT_GIVEN and None pass."""
    if value is None or isinstance(value, NotGiven):
        return value
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            f"{name} must be a mapping of str to str, got a {type(value).__name__}"
        )
    return dict(typing.cast(Mapping[str, str], value))


def to_metadata(value: Mapping[str, str] | NotGiven | None) -> dict[str, str] | NotGiven | None:
    """attrs converter for `metadata`, a task's or a browser's labels."""
    return to_str_dict(value, "metadata")


def str_values(instance: Any, attribute: _Field, value: object) -> None:
    """attrs validator: str keys and str values; the message names them, never the values
    (they may be secrets)."""
    if not isinstance(value, dict):
        return
    pairs = typing.cast(dict[object, object], value).items()
    wrong = [
        str(k) if isinstance(k, str) else repr(type(k))
        for k, v in pairs
        if not (isinstance(k, str) and isinstance(v, str))
    ]
    if wrong:
        raise InvalidArgumentError(
            f"{attribute.name} must map str to str; not so for the keys {', '.join(wrong[:5])}"
        )


def strings(value: object, name: str) -> list[str]:
    """The strings of any iterable (a list, tuple, generator, `map`...), read once into a list;
    a set's in sorted order, so the request is the same every run. A str, bytes or mapping is
    refused: it is an iterable too, but of characters or keys."""
    if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{name} must be a list of strings, got {shown(value)}")  # pyright: ignore[reportUnknownArgumentType]
    items = list(typing.cast(Iterable[object], value))
    for item in items:
        if not isinstance(item, str):
            raise InvalidArgumentError(
                f"{name} must be a list of strings, got an item {shown(item)}"
            )
    texts = typing.cast(list[str], items)
    return sorted(texts) if isinstance(value, AbstractSet) else texts


def instances(value: object, cls: type[V], name: str) -> list[V]:
    """The items of any iterable (but a str, bytes or mapping), read once into a list, each
    an instance of `cls` (such as a nested request model)."""
    wrong = f"{name} must be a list of {cls.__name__}, got"
    if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{wrong} {shown(value)}")  # pyright: ignore[reportUnknownArgumentType]
    items = list(typing.cast(Iterable[object], value))
    for item in items:
        if not isinstance(item, cls):
            raise InvalidArgumentError(f"{wrong} an item {shown(item)}")
    return typing.cast(list[V], items)


def uuid_list(value: object, name: str) -> list[uuid.UUID] | NotGiven:
    """A list of UUIDs (`uuid.UUID`s or canonical strings) from any iterable but a str or a
    mapping; a set's in sorted order, as in `strings`."""
    if isinstance(value, NotGiven):
        return value
    if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{name} must be a list of UUIDs, got {shown(value)}")  # pyright: ignore[reportUnknownArgumentType]
    ids = [parse_uuid(item, f"each of {name}") for item in typing.cast(Iterable[object], value)]
    return sorted(ids) if isinstance(value, AbstractSet) else ids


def str_list(value: Iterable[str] | NotGiven | None, name: str) -> list[str] | NotGiven | None:
    """`strings`, letting NOT_GIVEN and None through (for the models' converters)."""
    if value is None or isinstance(value, NotGiven):
        return value
    return strings(value, name)


def in_range(low: int, high: int | None = None) -> Validator:
    """attrs validator: an int from `low` to `high`."""

    def check(instance: Any, attribute: _Field, value: Any) -> None:
        check_int(value, attribute.name, low, high)

    return check


def required_text(min_length: int = 0, max_length: int | None = None) -> Validator:
    """attrs validator: a str within bounds that must be given (not None, not NOT_GIVEN)."""

    def check(instance: Any, attribute: _Field, value: Any) -> None:
        if _skipped(value):
            raise InvalidArgumentError(f"{attribute.name} is required, got {shown(value)}")
        check_text(value, attribute.name, min_length, max_length)

    return check


def text(min_length: int = 0, max_length: int | None = None) -> Validator:
    """attrs validator: a str whose length is within bounds."""

    def check(instance: Any, attribute: _Field, value: Any) -> None:
        check_text(value, attribute.name, min_length, max_length)

    return check


def boolean(*, nullable: bool = False) -> Validator:
    """attrs validator: True or False (or NOT_GIVEN). None only when `nullable`: most of the
    spec's booleans are not nullable, and a null sent only comes back as a 422."""

    def check(instance: Any, attribute: _Field, value: Any) -> None:
        if value is None and not nullable:
            raise InvalidArgumentError(f"{attribute.name} must be True or False, got None")
        check_bool(value, attribute.name)

    return check


def instance_of(*classes: type, required: bool = False) -> Validator:
    """attrs validator: an instance of one of `classes` (such as a nested request model);
    NOT_GIVEN and None too, unless `required`."""
    names = " or a ".join(cls.__name__ for cls in classes)

    def check(instance: Any, attribute: _Field, value: Any) -> None:
        if (required or not _skipped(value)) and not isinstance(value, classes):
            raise InvalidArgumentError(
                f"{attribute.name} must be a {names}, got {type(value).__name__}"
            )

    return check


def at_most_items(limit: int) -> Validator:
    """attrs validator: a collection of at most `limit` items."""

    def check(instance: Any, attribute: _Field, value: Sized | None) -> None:
        if not _skipped(value) and value is not None and len(value) > limit:
            raise InvalidArgumentError(
                f"{attribute.name} may hold at most {limit} items, got {len(value)}"
            )

    return check


def at_least_items(limit: int) -> Validator:
    """attrs validator: a collection of at least `limit` items."""

    def check(instance: Any, attribute: _Field, value: Sized | None) -> None:
        if not _skipped(value) and value is not None and len(value) < limit:
            raise InvalidArgumentError(
                f"{attribute.name} must hold at least {limit} items, got {len(value)}"
            )

    return check
