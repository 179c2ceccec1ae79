"""Strict readers of JSON scalars: a number is never silently turned into a string, nor a
bool into an int; ids, times and money are read from the texts the API writes."""

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from browser_use_async._validation import digits_written_out

__all__ = ["SCALAR_HOOKS", "parse_datetime", "structure_str", "type_error"]


def type_error(value: object, expected: str) -> TypeError:
    """Names the type found, never the value (which may be a secret)."""
    return TypeError(f"expected {expected}, got {type(value).__name__}")


def structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    raise type_error(value, "a string")


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise type_error(value, "a boolean")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise type_error(value, "an integer")


def _structure_float(value: object, _: type) -> float:
    # A tuple, not `int | float`: the union would be built anew on every call.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise type_error(value, "a number")


def _structure_uuid(value: object, _: type) -> uuid.UUID:
    return uuid.UUID(structure_str(value, str))


def parse_datetime(value: str) -> dt.datetime:
    """ISO 8601 to an aware UTC datetime; a timestamp without offset is UTC. RFC 3339's
    lower-case `t` and `z` are read too."""
    parsed = dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _structure_datetime(value: object, _: type) -> dt.datetime:
    return parse_datetime(structure_str(value, str))


def _structure_date(value: object, _: type) -> dt.date:
    return dt.date.fromisoformat(structure_str(value, str))


MAX_DECODED_DIGITS = 4300
"""The most digits a decimal in an answer may take written out (as `to_json` writes it; the
limit Python sets on an int's digits): "1e999999999999" is finite, but no memory holds it."""


def _structure_decimal(value: object, _: type) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise type_error(value, "a decimal string")
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if digits_written_out(number) > MAX_DECODED_DIGITS:  # to_json writes it out in full
        raise ValueError(f"a decimal of more than {MAX_DECODED_DIGITS} digits written out")
    return number


SCALAR_HOOKS: list[tuple[type, Callable[[Any, Any], Any]]] = [
    (str, structure_str),
    (bool, _structure_bool),
    (int, _structure_int),
    (float, _structure_float),
    (uuid.UUID, _structure_uuid),
    (dt.datetime, _structure_datetime),
    (dt.date, _structure_date),
    (decimal.Decimal, _structure_decimal),
]
"""The structure hook of each scalar type, for cattrs (see `_converter`)."""
