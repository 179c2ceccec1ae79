"""JSON text <-> Python values: orjson where it reads and writes alike, `json` for the rest."""

import json
import typing
from collections.abc import Callable
from typing import Any

import orjson

__all__ = [
    "DecodeError",
    "Fragment",
    "decode_json",
    "dumps",
    "dumps_strict",
    "fast_loads",
    "loads",
    "read_body",
]


class DecodeError(Exception):
    """Bytes that are not JSON, or JSON that does not fit the model; `errors` name the paths."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


Fragment = orjson.Fragment
"""JSON text written as it is (a `Decimal` the API takes as a number)."""

fast_loads: Callable[[bytes], Any] = orjson.loads
"""orjson's reading: an integer beyond 64 bits becomes a float (see `_fast`)."""

_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_NUMBER = b"0" * 19
"""19 digits in a row: maybe an integer beyond 64 bits, which orjson would read as a float."""


def loads(data: bytes) -> Any:
    """`json.loads(data)`, three times faster for API bodies: orjson reads them when it is
    sure to read them alike, and json decides the rest (NaN, UTF-16, lone surrogates, very
    long integers, and what to say about invalid JSON)."""
    if _LONG_NUMBER not in data.translate(_DIGITS_AS_ZEROS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def read_body(data: bytes, read: Callable[[bytes], Any] = loads) -> Any:
    """`read(data)`, or a `DecodeError` saying the body is not JSON."""
    try:
        return read(data)
    except (ValueError, RecursionError) as exc:
        raise DecodeError([f"the body is not valid JSON ({exc})"]) from None


def decode_json(data: bytes) -> Any:
    """Parse any JSON body; raises `ValueError` when it is not JSON."""
    try:
        return loads(data)
    except RecursionError:
        raise ValueError("the body is nested too deeply") from None


_STRICT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""`json.dumps` with these settings builds an encoder per call; this one is made once."""


def dumps_strict(value: object) -> str:
    """Compact JSON that any parser reads: NaN and infinities are refused (ValueError)."""
    return _STRICT.encode(value)


def dumps(document: object) -> bytes:
    """Compact UTF-8 JSON from orjson, integers beyond 64 bits included (as their digits).

    Raises `TypeError` for what orjson cannot write (sets, non-string keys, cycles, nesting
    deeper than 254 levels, lone surrogates)."""
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:  # maybe an integer beyond 64 bits: orjson writes none
        return orjson.dumps(_long_ints_as_text(document))


def _long_ints_as_text(value: object) -> object:
    if isinstance(value, dict):
        return {k: _long_ints_as_text(v) for k, v in typing.cast(dict[str, object], value).items()}
    if isinstance(value, list):
        return [_long_ints_as_text(v) for v in typing.cast(list[object], value)]
    if type(value) is int and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value))
    return value
