"""What an output type is: a record (attrs class, dataclass, TypedDict or pydantic model)
or a list of them; how its fields are read; and its name in messages.

pydantic is never imported: a pydantic v2 model is any class with `model_json_schema` and
`model_validate_json`, so it stays an optional dependency.
"""

import dataclasses
import typing
from typing import Any

import attrs

from browser_use_async._exceptions import InvalidArgumentError

__all__ = [
    "LIST_KEY",
    "PYDANTIC_METHODS",
    "is_list_output",
    "is_pydantic_model",
    "is_record",
    "is_typeddict",
    "record_fields",
    "type_name",
]

LIST_KEY = "items"
"""A `list[X]` output is asked for, and read, as `{"items": [...]}`: the agent's structured
output is an object, as the official SDK's models give it (its schema is a pydantic model's)."""

PYDANTIC_METHODS = ("model_json_schema", "model_validate_json")


def is_pydantic_model(tp: object) -> bool:
    """A pydantic v2 model class, known by its two methods."""
    return isinstance(tp, type) and all(callable(getattr(tp, m, None)) for m in PYDANTIC_METHODS)


def is_typeddict(tp: object) -> bool:
    """A TypedDict class, from `typing` or `typing_extensions` (which pydantic users have)."""
    return hasattr(tp, "__required_keys__") and isinstance(tp, type) and issubclass(tp, dict)


def is_list_output(tp: object) -> bool:
    """`list[X]` (or `typing.List[X]`)."""
    return typing.get_origin(tp) is list and bool(typing.get_args(tp))


def is_record(tp: object) -> bool:
    """A class whose instances are objects with named fields."""
    kinds = (attrs.has, dataclasses.is_dataclass, is_typeddict, is_pydantic_model)
    return isinstance(tp, type) and any(is_kind(tp) for is_kind in kinds)


def type_name(tp: object) -> str:
    """`Flight`, `list[Flight]`, `dict[str, int]`: for messages."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (list, dict) and args:
        return f"{origin.__name__}[{', '.join(type_name(arg) for arg in args)}]"
    name = getattr(tp, "__name__", None)
    return name if isinstance(name, str) else repr(tp)


def record_fields(cls: type) -> list[tuple[str, Any, bool]]:
    """(name, type, required) for each field of an attrs class, a dataclass or a TypedDict."""
    try:
        hints = typing.get_type_hints(cls)
        marked = typing.get_type_hints(cls, include_extras=True) if is_typeddict(cls) else {}
    except Exception as exc:  # a forward reference that does not resolve, or worse
        raise InvalidArgumentError(
            f"cannot read the field types of {cls.__name__}: {type(exc).__name__}: {exc}"
        ) from None
    if is_typeddict(cls):
        required: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
        return [
            (name, hint, _required_key(marked[name], name in required))
            for name, hint in hints.items()
        ]
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


def _required_key(hint: Any, default: bool) -> bool:
    """A TypedDict key's `Required`/`NotRequired` mark, read from the hint itself: Python
    3.11's `__required_keys__` misses marks written as strings (`from __future__ import
    annotations`)."""
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            hint = typing.get_args(hint)[0]
        elif origin in (typing.Required, typing.NotRequired):
            return origin is typing.Required
        else:
            return default
