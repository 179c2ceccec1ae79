"""JSON Schema for structured output: derived from attrs classes, dataclasses and TypedDicts,
taken from pydantic models, and lists of any of these or of scalars (see `_types`).
"""

import copy
import datetime as dt
import decimal
import enum
import json
import types
import typing
import uuid
from collections.abc import Iterator
from typing import Any

from browser_use_async._codec import dumps_strict
from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._structured._types import (
    LIST_KEY,
    PYDANTIC_METHODS,
    is_list_output,
    is_pydantic_model,
    is_record,
    record_fields,
    type_name,
)

__all__ = ["json_schema", "schema_text"]

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    decimal.Decimal: {  # a number or its digits, as the decoder takes it (and pydantic says)
        "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}]
    },
    uuid.UUID: {"type": "string", "format": "uuid"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dt.date: {"type": "string", "format": "date"},
}
_DEFS_REF = "#/$defs/"


def _is_enum(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _schema(tp: Any, seen: tuple[type, ...], defs: dict[str, Any]) -> dict[str, Any]:
    if tp in _SCALARS:
        return copy.deepcopy(_SCALARS[tp])
    if tp is Any:
        return {}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(arg, seen, defs) for arg in args]}
    if tp is type(None):
        return {"type": "null"}
    if origin is typing.Literal:
        return {"enum": [arg.value if isinstance(arg, enum.Enum) else arg for arg in args]}
    if origin is tuple and args and args[-1] is not Ellipsis:  # one item of each type, in order
        items = [_schema(arg, seen, defs) for arg in args]
        return {
            "type": "array",
            "prefixItems": items,
            "minItems": len(items),
            "maxItems": len(items),
        }
    if origin in (list, tuple, set, frozenset) and args:
        return {"type": "array", "items": _schema(args[0], seen, defs)}
    if origin is dict and args and args[0] is str:
        return {"type": "object", "additionalProperties": _schema(args[1], seen, defs)}
    if _is_enum(tp):
        return {"enum": [member.value for member in tp]}
    if is_pydantic_model(tp):
        return _pydantic_schema(tp, defs)
    if is_record(tp):
        if tp in seen:
            raise InvalidArgumentError(f"{tp.__name__} refers to itself; that cannot be a schema")
        fields = record_fields(tp)
        return {
            "type": "object",
            "title": tp.__name__,
            "properties": {name: _schema(hint, (*seen, tp), defs) for name, hint, _ in fields},
            "required": [name for name, _, required in fields if required],
            "additionalProperties": False,
        }
    _refuse_near_miss(tp)
    raise InvalidArgumentError(
        f"cannot derive a JSON schema for {type_name(tp)}: use str, int, float, bool, lists, "
        "dicts with str keys, enums, Literal, Optional, and attrs classes, dataclasses, "
        "TypedDicts or pydantic models of them"
    )


def _refuse_near_miss(tp: object) -> None:
    """What looks like an output type but is not one is refused, saying why: a class with
    one of a pydantic model's two methods, a pydantic v1 model, a generic record."""
    half = [m for m in PYDANTIC_METHODS if callable(getattr(tp, m, None))]
    if isinstance(tp, type) and half:
        missing = next(m for m in PYDANTIC_METHODS if m not in half)
        raise InvalidArgumentError(
            f"{tp.__name__} has {half[0]} but not {missing}: a pydantic model needs both"
        )
    if isinstance(tp, type) and callable(getattr(tp, "parse_raw", None)):
        raise InvalidArgumentError(
            f"{tp.__name__} is a pydantic v1 model; output types are pydantic v2 models "
            "(pydantic.BaseModel, with model_json_schema and model_validate_json)"
        )
    if is_record(typing.get_origin(tp)):
        raise InvalidArgumentError(
            f"{tp!r} is a generic attrs class, dataclass or TypedDict, which cannot be read: "
            "write one with the field types filled in (generic pydantic models work)"
        )


def _pydantic_schema(model: type, defs: dict[str, Any]) -> dict[str, Any]:
    """The model's own `model_json_schema()`, its `$defs` moved into `defs` (the document's
    root, where its `$ref`s point)."""
    name = model.__name__
    try:
        schema: object = typing.cast(Any, model).model_json_schema()
    except Exception as exc:
        raise InvalidArgumentError(
            f"{name}.model_json_schema() failed: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(schema, dict):
        raise InvalidArgumentError(
            f"{name}.model_json_schema() returned {shown(schema)}, not a dict"
        )
    body = dict(typing.cast(dict[str, Any], schema))
    own: object = body.pop("$defs", {})
    if not isinstance(own, dict):
        raise InvalidArgumentError(f"{name}.model_json_schema() has $defs that are not a dict")
    own_defs = typing.cast(dict[str, Any], own)
    _check_refs(name, body, own_defs)
    for key, definition in own_defs.items():
        if defs.setdefault(key, definition) != definition:
            raise InvalidArgumentError(
                f"two different models are named {key} in the schema of {name}: rename one"
            )
    return body


def _refs(node: object) -> Iterator[str]:
    """Every `$ref` in a JSON schema."""
    if isinstance(node, dict):
        items = typing.cast(dict[str, object], node)
        ref = items.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in items.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in typing.cast(list[object], node):
            yield from _refs(value)


def _check_refs(name: str, schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """Each `$ref` names one of `defs`, and none leads back to itself: a recursive model is
    refused, as a recursive attrs class is (the fake, and an agent, could write it forever)."""
    checked: set[str] = set()

    def visit(node: object, path: tuple[str, ...]) -> None:
        for ref in _refs(node):
            key = ref.removeprefix(_DEFS_REF)
            if key == ref or key not in defs:
                raise InvalidArgumentError(
                    f"the schema of {name} refers to {ref!r}, which is not in its $defs"
                )
            if key in path:
                raise InvalidArgumentError(
                    f"{name} refers to itself (through {key}); that cannot be a schema"
                )
            if key not in checked:
                visit(defs[key], (*path, key))
                checked.add(key)

    visit(schema, ())


def _is_object(schema: dict[str, Any], defs: dict[str, Any]) -> bool:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs[ref.removeprefix(_DEFS_REF)]
    return schema.get("type") == "object"


def json_schema(tp: object, argument: str = "output_type") -> dict[str, Any]:
    """The JSON Schema sent as `structured_output` for the output type `tp`.

    An attrs class, dataclass or TypedDict gives an object schema; a pydantic model its
    `model_json_schema()`; `list[X]` the object `{"items": [X, ...]}` (see `LIST_KEY`). The
    `$defs` of pydantic models sit at the root, where their `$ref`s point. `argument` names
    what was passed, for the message of an `InvalidArgumentError`.
    """
    defs: dict[str, Any] = {}
    try:
        if is_list_output(tp):
            schema: dict[str, Any] = {
                "type": "object",
                "properties": {LIST_KEY: _schema(tp, (), defs)},
                "required": [LIST_KEY],
                "additionalProperties": False,
            }
        elif is_record(tp):
            schema = _schema(tp, (), defs)
            if not _is_object(schema, defs):
                raise InvalidArgumentError(
                    f"the JSON schema of {type_name(tp)} is not an object (a RootModel?); the "
                    "structured output is an object: use a model with fields, or list[...]"
                )
        else:
            raise InvalidArgumentError(_refusal(tp, argument))
    except RecursionError:
        raise InvalidArgumentError(f"{type_name(tp)} is nested too deeply") from None
    return {**schema, "$defs": defs} if defs else schema


def _refusal(tp: object, argument: str) -> str:
    kinds = "an attrs class, dataclass, TypedDict or pydantic model, or a list[...] of one"
    if argument == "structured_output":
        kinds = f"a JSON schema (a dict or a JSON string), {kinds}"
    if tp is list:
        return f"{argument}=list needs its item type, as in list[Flight]"
    if is_record(type(tp)):
        return f"{argument} must be a class, got an instance of {type(tp).__name__}: pass the class"
    _refuse_near_miss(tp)
    return f"{argument} must be {kinds} (or of scalars), got {shown(tp)}"


def schema_text(value: object, argument: str = "structured_output") -> str:
    """`structured_output` as the API takes it: a JSON schema, serialized. `value` is the
    schema (a dict or its text) or an output type to derive it from (see `json_schema`)."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except (ValueError, RecursionError) as exc:
            raise InvalidArgumentError(f"{argument} is not valid JSON: {exc}") from None
        return value
    schema = typing.cast(object, value) if isinstance(value, dict) else json_schema(value, argument)
    try:
        return dumps_strict(schema)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"{argument} is not JSON: {exc}") from None
