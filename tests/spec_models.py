"""Checks that a model class matches its schema in spec/openapi-v2.json."""

import enum
import json
import pathlib
import types
import typing
from typing import Any

import attrs

from browser_use_async._serde import to_camel
from browser_use_async._types import NOT_GIVEN, NotGiven

SPEC = json.loads(
    (pathlib.Path(__file__).parent.parent / "spec" / "openapi-v2.json").read_text("utf-8")
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def _nullable(prop: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


def _type_args(tp: object) -> set[object]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return set(typing.get_args(tp))
    return {tp}


def check_model(cls: type, *, request: bool = False) -> None:
    """Field names, required-ness, defaults and nullability agree with the spec's schema."""
    schema = SCHEMAS[cls.__name__]
    properties: dict[str, Any] = schema["properties"]
    required = set(schema.get("required", []))
    fields = {to_camel(f.name): f for f in attrs.fields(cls)}
    assert set(fields) == set(properties), cls.__name__
    for wire, field in fields.items():
        prop = properties[wire]
        where = f"{cls.__name__}.{field.name}"
        args = _type_args(field.type)
        if wire in required:
            assert field.default is attrs.NOTHING, where
            assert NotGiven not in args, where
        elif request:
            assert field.default is NOT_GIVEN, where
            assert NotGiven in args, where
        elif "default" in prop:
            default: object = field.default
            factory = getattr(default, "factory", None)  # an attrs.Factory
            if callable(factory):
                default = factory()
            assert default == prop["default"], where
        else:
            assert field.default is None, where
        if _nullable(prop):
            assert type(None) in args or Any in args, where
        elif request or wire in required or "default" in prop:
            assert type(None) not in args, where


def check_enum(cls: type[enum.StrEnum]) -> None:
    """The members' values are exactly the spec's, in order; names are the upper-cased values."""
    assert [m.value for m in cls] == SCHEMAS[cls.__name__]["enum"]
    assert [m.name for m in cls] == [m.value.upper() for m in cls]
