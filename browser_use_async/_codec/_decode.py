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

__all__ = ["checked_structure", "decode", "fast_structurer", "structure", "type_name"]


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


def type_name(cls: object) -> str:
    """How messages name a response type: `SessionInfo`, `SessionShareInfo | None`."""
    args = typing.get_args(cls) if typing.get_origin(cls) is not None else ()
    if args:
        return " | ".join("None" if a is type(None) else type_name(a) for a in args)
    return getattr(cls, "__name__", repr(cls))


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
    """cattrs' structuring, whose errors name each field: what the fast path must agree with.
    A JSON null is None where `cls` admits it (`Model | None`: an answer that may be null)."""
    if document is None and type(None) in typing.get_args(cls):
        return typing.cast(T, None)
    if not isinstance(document, dict):
        raise DecodeError([f"expected a JSON object @ $, got {type(document).__name__}"])
    try:
        return converter.structure(document, cls)
    except cattrs.BaseValidationError as exc:
        errors = cattrs.transform_error(exc, path="$")
        raise DecodeError([_wire_path(error, cls) for error in errors]) from None
    except RecursionError:
        raise DecodeError(["the body is nested too deeply"]) from None


_SEGMENT = re.compile(r"\.([a-z][a-z0-9_]*)|\[[^\]]*\]")


def _wire_path(error: str, cls: type) -> str:
    """`... @ $.output_files[0].file_name` -> `... @ $.outputFiles[0].fileName`: each
    attribute named by its wire name, read from the model (and the models inside it)."""
    message, at, path = error.rpartition(" @ ")
    current: object = cls

    def wire(match: re.Match[str]) -> str:
        nonlocal current
        if match[1] is None:  # an index or key: into the items of a list or dict
            current = _inner(current)
            return match[0]
        fields = {f.name: f for f in attrs.fields(current)} if _is_model(current) else {}
        field = fields.get(match[1])
        current = field.type if field is not None else None
        return "." + (wire_name(field) if field is not None else to_camel(match[1]))

    return message + at + _SEGMENT.sub(wire, path)


def _is_model(tp: object) -> typing.TypeGuard[type]:
    return isinstance(tp, type) and attrs.has(tp)


def _inner(tp: object) -> object:
    """The model a field's value holds, through `| None`, list items and dict values."""
    for arg in (tp, *typing.get_args(tp)):
        if _is_model(arg):
            return arg
        if typing.get_origin(arg) in (list, dict):
            return typing.get_args(arg)[-1]
    return None
