"""Response bodies into the API's models: the generated fast path for well-formed input,
cattrs for the rest and for errors that name each field by its wire name."""

import contextlib
import json
import re
import typing
from typing import TypeVar

import attrs
import cattrs

from browser_use_async._codec._converter import converter, to_camel, wire_name
from browser_use_async._codec._fast import Structurer, compile_structurer
from browser_use_async._codec._json import DecodeError, fast_loads, loads, read_body

T = TypeVar("T")

__all__ = ["checked_structure", "decode", "fast_structurer", "structure"]


def decode(data: bytes, cls: type[T]) -> T:
    """Turn a JSON response body into `cls`, or raise `DecodeError` naming what is wrong."""
    fast = fast_structurer(cls)
    if fast is None:
        return structure(read_body(data, loads), cls)
    try:
        return typing.cast(T, fast(fast_loads(data)))
    except Exception:  # noqa: S110 (the fast path deferred: read exactly, let cattrs decide)
        pass
    return checked_structure(read_body(data, json.loads), cls)


def structure(document: object, cls: type[T]) -> T:
    """Turn an already parsed JSON object into `cls`, or raise `DecodeError` like `decode`."""
    fast = fast_structurer(cls)
    if fast is not None:
        try:
            return typing.cast(T, fast(document))
        except Exception:  # noqa: S110 (checked_structure gives the answer or names the error)
            pass
    return checked_structure(document, cls)


_fast_structurers: dict[type, Structurer | None] = {}


def fast_structurer(cls: type) -> Structurer | None:
    """The generated fast path for attrs model `cls` (see `_fast`), compiled on first use;
    None for other types."""
    if cls not in _fast_structurers:
        _fast_structurers[cls] = None  # cattrs alone, unless the generator handles `cls`
        # The tests check that the generator handles every response model.
        with contextlib.suppress(Exception):
            if attrs.has(cls):
                _fast_structurers[cls] = compile_structurer(
                    cls, converter.get_structure_hook, wire_name
                )
    return _fast_structurers[cls]


def checked_structure(document: object, cls: type[T]) -> T:
    """cattrs' structuring, whose errors name each field: what the fast path must agree with."""
    if not isinstance(document, dict):
        raise DecodeError([f"expected a JSON object @ $, got {type(document).__name__}"])
    try:
        return converter.structure(document, cls)
    except cattrs.BaseValidationError as exc:
        raise DecodeError([_wire_path(e) for e in cattrs.transform_error(exc, path="$")]) from None
    except RecursionError:
        raise DecodeError(["the body is nested too deeply"]) from None


_WIRE_NAME = re.compile(r"\.([a-z][a-z0-9_]*)")


def _wire_path(error: str) -> str:
    """`... @ $.output_files[0].file_name` -> `... @ $.outputFiles[0].fileName`."""
    message, at, path = error.rpartition(" @ ")
    return message + at + _WIRE_NAME.sub(lambda m: "." + to_camel(m[1]), path)
