"""Generated nested output types: the schema derives, the fake fills it, the output decodes
and round-trips, and a wrong output raises our DecodeError, never pydantic's or cattrs'."""

import dataclasses
import datetime as dt
import enum
import itertools
import json
import uuid
from typing import Any, Literal, cast

import attrs
import pydantic
import pytest
import typing_extensions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_use_async._codec import DecodeError
from browser_use_async._structured._output import decode_output
from browser_use_async._structured._schema import json_schema
from browser_use_async._structured._types import LIST_KEY, is_list_output
from browser_use_async.testing._outputs import sample_output


class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


_names = itertools.count()
LEAVES: list[Any] = [
    str,
    int,
    float,
    bool,
    dt.date,
    dt.datetime,
    uuid.UUID,
    Shade,
    Literal["x", "y"],
]


def record(kind: str, fields: list[tuple[Any, bool]]) -> Any:
    """A class of `kind` with a field per (type, required); None when pydantic cannot hold
    one of the types (an attrs class)."""
    name = f"Gen{kind.title()}{next(_names)}"
    names = [f"f{i}" for i in range(len(fields))]
    if kind == "attrs":
        ordered = sorted(zip(names, fields, strict=True), key=lambda f: not f[1][1])
        return attrs.make_class(
            name,
            {
                n: attrs.field(type=tp, default=attrs.NOTHING if req else None)
                for n, (tp, req) in ordered
            },
        )
    if kind == "dataclass":
        ordered = sorted(zip(names, fields, strict=True), key=lambda f: not f[1][1])
        return dataclasses.make_dataclass(
            name,
            [
                (n, tp) if req else (n, tp | None, dataclasses.field(default=None))
                for n, (tp, req) in ordered
            ],
        )
    if kind == "typeddict":
        marked = {
            n: typing_extensions.Required[tp] if req else typing_extensions.NotRequired[tp]
            for n, (tp, req) in zip(names, fields, strict=True)
        }
        return typing_extensions.TypedDict(name, marked)  # type: ignore[operator]
    try:
        spec = {
            n: (tp, ...) if req else (tp | None, None)
            for n, (tp, req) in zip(names, fields, strict=True)
        }
        return pydantic.create_model(name, **spec)  # type: ignore[call-overload]
    except Exception:
        return None


def records(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    fields = st.lists(st.tuples(children, st.booleans()), max_size=3)
    kinds = st.sampled_from(["attrs", "dataclass", "typeddict", "pydantic"])
    return st.builds(record, kinds, fields).filter(lambda tp: tp is not None)


def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        children.map(lambda tp: list[tp]),  # type: ignore[valid-type]
        children.map(lambda tp: tp | None),
        children.map(lambda tp: dict[str, tp]),  # type: ignore[valid-type]
        records(children),
    )


nested = st.recursive(st.sampled_from(LEAVES), extend, max_leaves=8)
output_types = st.one_of(records(nested), nested.map(lambda tp: list[tp]))  # type: ignore[valid-type]


def dump(value: Any) -> Any:
    """A decoded value back to JSON, as an agent would have written it."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if attrs.has(value.__class__):
        return {a.name: dump(getattr(value, a.name)) for a in attrs.fields(value.__class__)}
    if dataclasses.is_dataclass(value):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: dump(v) for k, v in cast(dict[str, Any], value).items()}
    if isinstance(value, list):
        return [dump(v) for v in cast(list[object], value)]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def scalar_paths(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(document, dict):
        items = cast(dict[str, Any], document).items()
        return [p for k, v in items for p in scalar_paths(v, (*path, k))]
    if isinstance(document, list):
        values = cast(list[object], document)
        return [p for i, v in enumerate(values) for p in scalar_paths(v, (*path, i))]
    return [] if document is None else [path]


def replaced(document: Any, path: tuple[Any, ...], value: object) -> Any:
    if not path:
        return value
    copy: Any = (
        dict(cast(dict[str, Any], document))
        if isinstance(document, dict)
        else list(cast(list[object], document))
    )
    copy[path[0]] = replaced(document[path[0]], path[1:], value)
    return copy


SWEEP = {"types": 0, "wrong_outputs": 0}


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(output_type=output_types, data=st.data())
def test_generated_types_derive_fill_decode_and_round_trip(
    output_type: Any, data: st.DataObject
) -> None:
    schema = json_schema(output_type)
    text = sample_output(json.dumps(schema))
    assert text is not None, schema
    value = decode_output(text, output_type)
    again = dump(value)
    document = {LIST_KEY: again} if is_list_output(output_type) else again
    assert decode_output(json.dumps(document), output_type) == value
    SWEEP["types"] += 1
    leaves = scalar_paths(json.loads(text))
    if leaves:
        where = data.draw(st.sampled_from(leaves))
        wrong = replaced(json.loads(text), where, {"nested": []})
        with pytest.raises(DecodeError) as info:  # anything else escaping fails the test
            decode_output(json.dumps(wrong), output_type)
        assert info.value.errors
        assert all(" @ $" in e for e in info.value.errors)
        SWEEP["wrong_outputs"] += 1


KEYWORDS = st.sampled_from(
    [
        "type",
        "properties",
        "items",
        "required",
        "anyOf",
        "oneOf",
        "allOf",
        "$ref",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "prefixItems",
        "additionalProperties",
        "format",
        "$defs",
    ]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "object",
            "array",
            "string",
            "integer",
            "number",
            "null",
            "boolean",
            "#",
            "#/$defs/a",
            "#/properties/a",
            "a",
            "date-time",
            "uuid",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(KEYWORDS | st.just("a"), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=json_values)
def test_the_fake_writes_json_or_nothing_for_any_schema(schema: object) -> None:
    text = sample_output(json.dumps(schema))
    if text is not None:
        json.loads(text)
    SWEEP["schemas"] = SWEEP.get("schemas", 0) + 1


def test_the_sweep_ran() -> None:
    """Runs after the sweep above (pytest keeps the file's order): it tried enough types."""
    assert SWEEP["types"] >= 100, SWEEP
    assert SWEEP["wrong_outputs"] >= 50, SWEEP
    assert SWEEP.get("schemas", 0) >= 500, SWEEP
    print(SWEEP)  # noqa: T201
