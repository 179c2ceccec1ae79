"""The cattrs converter for the API's models: camelCase on the wire, snake_case attributes.

Structuring is strict about types (see `_scalars`) but ignores unknown fields, and keeps
enum values newer than this SDK as plain strings where the model allows `SomeEnum | str`.
Request bodies leave out the fields that hold `NOT_GIVEN`.
"""

import datetime as dt
import decimal
import enum
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.cols import (
    list_structure_factory,
    mapping_structure_factory,  # pyright: ignore[reportUnknownVariableType]
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from browser_use_async._codec._json import Fragment
from browser_use_async._codec._scalars import SCALAR_HOOKS, structure_str, type_error
from browser_use_async._types import NOT_GIVEN

__all__ = [
    "AS_NAMED",
    "JSON_NUMBER",
    "NULL_IS_DEFAULT",
    "converter",
    "strict_converter",
    "to_camel",
    "wire_name",
]


def to_camel(name: str) -> str:
    """`evaluation_previous_goal` -> `evaluationPreviousGoal`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _is_open_enum(tp: Any) -> bool:
    """`SomeStrEnum | str` (optionally `| None`): known values become members, others stay str."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = set(typing.get_args(tp)) - {type(None)}
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.StrEnum)]
    return len(enums) == 1 and args == {enums[0], str}


def _open_enum_hook(tp: Any) -> Callable[[object, Any], object]:
    args = typing.get_args(tp)
    members: type[enum.StrEnum] = next(
        a for a in args if isinstance(a, type) and issubclass(a, enum.StrEnum)
    )
    nullable = type(None) in args

    def structure(value: object, _: Any) -> object:
        if value is None and nullable:
            return None
        text = structure_str(value, str)
        try:
            return members(text)
        except ValueError:
            return text

    return structure


HookFactory = Callable[[Any, cattrs.BaseConverter], Callable[[Any, Any], Any]]


def _strict_container(factory: HookFactory, kind: type) -> HookFactory:
    def make(tp: Any, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
        inner = factory(tp, conv)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, kind):
                raise type_error(value, f"a JSON {'array' if kind is list else 'object'}")
            return inner(value, target)

        return structure

    return make


def _is_list(tp: Any) -> bool:
    return typing.get_origin(tp) is list


def _is_dict(tp: Any) -> bool:
    return typing.get_origin(tp) is dict


def _is_optional(tp: Any) -> bool:
    """`T | None` for a single T."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = typing.get_args(tp)
    return len(args) == 2 and type(None) in args


def _optional_hook(tp: Any, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """What cattrs does for `T | None`, with T's hook looked up once rather than per value."""
    inner_type = next(arg for arg in typing.get_args(tp) if arg is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _is_scalar_list(tp: Any) -> bool:
    return _is_list(tp) and typing.get_args(tp) in ((str,), (int,), (bool,))


def _scalar_list_hook(tp: Any, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """`list[str]` (or of int or bool) in one pass: a list whose items all have exactly that
    type is copied; anything else goes through the item-by-item hook, which names the item."""
    (item_type,) = typing.get_args(tp)
    item_by_item = _strict_container(list_structure_factory, list)(tp, conv)

    def structure(value: Any, target: Any) -> Any:
        if type(value) is list:
            items = typing.cast(list[object], value)
            for item in items:
                if type(item) is not item_type:
                    break
            else:
                return list(items)
        return item_by_item(value, target)

    return structure


AS_NAMED = {"as_named": True}
"""attrs field metadata: the field's wire name is its own snake_case name (the few schemas
whose JSON keys are snake_case), not the camelCase of it."""


def wire_name(field: "attrs.Attribute[Any]") -> str:
    """The JSON key of a model's field: its camelCase, unless it is `AS_NAMED`."""
    return field.name if field.metadata.get("as_named") else to_camel(field.name)


def _camel_overrides(cls: type) -> dict[str, Any]:
    return {a.name: override(rename=wire_name(a)) for a in attrs.fields(cls)}


NULL_IS_DEFAULT = {"null_is_default": True}
"""attrs field metadata: a null in an answer reads as the field's default (for fields that
the spec types without null but the API's own models let be null)."""


def _structure_overrides(cls: type, conv: cattrs.Converter) -> dict[str, Any]:
    overrides = _camel_overrides(cls)
    for field in attrs.fields(cls):
        if field.metadata.get("null_is_default"):
            hook = _null_is_default(field.default, field.type, conv)
            overrides[field.name] = override(rename=wire_name(field), struct_hook=hook)
    return overrides


def _null_is_default(default: object, tp: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    def structure(value: object, _: Any) -> object:
        if value is not None:
            return conv.structure(value, tp)
        factory = getattr(default, "factory", None)  # an attrs.Factory
        return factory() if callable(factory) else default

    return structure


JSON_NUMBER = {"json_number": True}
"""attrs field metadata: a `Decimal` the API sends as a JSON number (not as a string); `to_json`
writes it back as a number with the same digits."""


def _unstructure_overrides(cls: type) -> dict[str, Any]:
    overrides = _camel_overrides(cls)
    for field in attrs.fields(cls):
        if field.metadata.get("json_number"):
            overrides[field.name] = override(
                rename=wire_name(field), unstruct_hook=lambda d: Fragment(str(d))
            )
    return overrides


def _request_body_hook(cls: type, conv: cattrs.BaseConverter) -> Callable[[Any], dict[str, Any]]:
    """camelCase keys; fields holding `NOT_GIVEN` are left out. A field not in `__init__`
    (a discriminator fixed to one value, such as a secret source's `type`) is written too."""
    unstructure: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, conv, _cattrs_include_init_false=True, **_unstructure_overrides(cls)
    )

    def hook(obj: Any) -> dict[str, Any]:
        return {k: v for k, v in unstructure(obj).items() if v is not NOT_GIVEN}

    return hook


def strict_converter() -> cattrs.Converter:
    """Strict scalars and containers; unknown fields ignored. Both converters start here."""
    conv = cattrs.Converter(forbid_extra_keys=False, detailed_validation=True)
    for tp, hook in SCALAR_HOOKS:
        conv.register_structure_hook(tp, hook)
    conv.register_structure_hook_factory(_is_list, _strict_container(list_structure_factory, list))
    conv.register_structure_hook_factory(
        _is_dict, _strict_container(typing.cast(HookFactory, mapping_structure_factory), dict)
    )
    return conv


def _make_converter() -> cattrs.Converter:
    """The API's models: camelCase on the wire, open enums, request bodies without NOT_GIVEN."""
    conv = strict_converter()
    conv.register_unstructure_hook(uuid.UUID, str)
    # Fixed-point digits ("0.0000001", not "1E-7"): the API's decimal strings match
    # `^[+-]?0*\d*\.?\d*$`.
    conv.register_unstructure_hook(decimal.Decimal, lambda d: format(d, "f"))
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook_factory(_is_open_enum, _open_enum_hook)
    # Speed only: the two factories below give the same results as the general ones (cattrs
    # tries the factories registered last first).
    conv.register_structure_hook_factory(_is_optional, _optional_hook)
    conv.register_structure_hook_factory(_is_scalar_list, _scalar_list_hook)
    conv.register_structure_hook_factory(
        attrs.has,
        lambda cls, c: make_dict_structure_fn(cls, c, **_structure_overrides(cls, c)),
    )
    conv.register_unstructure_hook_factory(attrs.has, _request_body_hook)
    return conv


converter = _make_converter()
"""Structures response models, unstructures request models (to dicts for `_encode`)."""
