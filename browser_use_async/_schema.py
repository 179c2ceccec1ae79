"""JSON Schema for structured output, derived from attrs classes and dataclasses."""

import dataclasses
import datetime as dt
import decimal
import enum
import types
import typing
import uuid
from typing import Any

import attrs

from browser_use_async._exceptions import InvalidArgumentError

__all__ = ["json_schema"]

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    decimal.Decimal: {"type": "string"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dt.date: {"type": "string", "format": "date"},
}


def _fields(cls: type) -> list[tuple[str, Any, bool]]:
    """(name, type, required) for each field of an attrs class or a dataclass."""
    hints = typing.get_type_hints(cls)
    if attrs.has(cls):
        return [(a.name, hints[a.name], a.default is attrs.NOTHING) for a in attrs.fields(cls)]
    return [
        (
            f.name,
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    ]


def _schema(tp: Any, seen: tuple[type, ...]) -> dict[str, Any]:
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if tp is Any:
        return {}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(arg, seen) for arg in args]}
    if tp is type(None):
        return {"type": "null"}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (list, tuple, set, frozenset) and args:
        return {"type": "array", "items": _schema(args[0], seen)}
    if origin is dict and args and args[0] is str:
        return {"type": "object", "additionalProperties": _schema(args[1], seen)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if isinstance(tp, type) and (attrs.has(tp) or dataclasses.is_dataclass(tp)):
        if tp in seen:
            raise InvalidArgumentError(f"{tp.__name__} refers to itself; that cannot be a schema")
        fields = _fields(tp)
        return {
            "type": "object",
            "title": tp.__name__,
            "properties": {name: _schema(hint, (*seen, tp)) for name, hint, _ in fields},
            "required": [name for name, _, required in fields if required],
            "additionalProperties": False,
        }
    raise InvalidArgumentError(
        f"cannot derive a JSON schema for {tp!r}: use str, int, float, bool, lists, dicts with "
        "str keys, enums, Literal, Optional, and attrs classes or dataclasses of them"
    )


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of an attrs class or a dataclass, for `structured_output`."""
    if not (attrs.has(cls) or dataclasses.is_dataclass(cls)):
        raise InvalidArgumentError(
            f"output types must be attrs classes or dataclasses, got {cls!r}"
        )
    return _schema(cls, ())
