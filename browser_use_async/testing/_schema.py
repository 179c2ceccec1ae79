"""A validator for the JSON-schema subset that the API's OpenAPI document uses.

It answers in the shape FastAPI gives pydantic v2 errors (`{"type", "loc", "msg", "input"}`),
so a request the real API would refuse is refused by the fake in the same words. It knows
`type`, `format` (uuid, date-time), `enum`, `const`, `required`, `properties`,
`additionalProperties`, `items`, `anyOf`, `$ref`, `minLength`/`maxLength`,
`minimum`/`maximum`/`exclusiveMinimum`, `minItems`/`maxItems` and `pattern`, and fills in
`default`s as it goes.
"""

import copy
import datetime as dt
import re
import typing
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["Issue", "SchemaValidator"]

JSON = dict[str, Any]
Loc = tuple[str | int, ...]
Issue = JSON

_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})
_TYPE_WORDS = {
    "string": ("string_type", "Input should be a valid string"),
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "array": ("list_type", "Input should be a valid list"),
    "null": ("none_required", "Input should be None"),
}


def _issue(kind: str, loc: Loc, msg: str, given: object, **ctx: object) -> Issue:
    issue: Issue = {"type": kind, "loc": list(loc), "msg": msg, "input": given}
    if ctx:
        issue["ctx"] = ctx
    return issue


def _length_issue(kind: str, loc: Loc, given: list[object], word: str, bound: int) -> Issue:
    """A list too short or too long, as pydantic words it (`word`: "least" or "most")."""
    count, noun = len(given), "item" if bound == 1 else "items"
    msg = f"List should have at {word} {bound} {noun} after validation, not {count}"
    limit = "min_length" if kind == "too_short" else "max_length"
    ctx: dict[str, object] = {"field_type": "List", limit: bound, "actual_length": count}
    return _issue(kind, loc, msg, given, **ctx)


def _number(bound: float) -> int | float:
    return int(bound) if float(bound).is_integer() else bound


def _expected(choices: list[Any]) -> str:
    words = [repr(choice) for choice in choices]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


class SchemaValidator:
    """Validates values against schemas that may `$ref` into `components.schemas`.

    `check` returns the value as the server would see it (defaults filled in, and, with
    `text=True` for path and query parameters, strings turned into the declared type)
    and the list of problems, empty when the value is valid.
    """

    def __init__(self, spec: JSON) -> None:
        self._schemas: dict[str, JSON] = spec["components"]["schemas"]

    def resolve(self, schema: JSON) -> JSON:
        while "$ref" in schema:
            schema = self._schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def check(
        self, schema: JSON, value: object, loc: Loc = (), *, text: bool = False
    ) -> tuple[Any, list[Issue]]:
        issues: list[Issue] = []
        return self._check(schema, value, loc, issues, text), issues

    def _check(self, schema: JSON, value: Any, loc: Loc, out: list[Issue], text: bool) -> Any:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            return self._any_of(schema["anyOf"], value, loc, out, text)
        if "const" in schema:
            if value != schema["const"]:
                expected = _expected([schema["const"]])
                msg = f"Input should be {expected}"
                out.append(_issue("literal_error", loc, msg, value, expected=expected))
            return value
        kind = schema.get("type", "object" if "properties" in schema else None)
        if kind == "object":
            return self._object(schema, value, loc, out, text)
        if kind == "array":
            return self._array(schema, value, loc, out, text)
        return self._leaf(schema, value, loc, out, text)

    def _leaf(self, schema: JSON, value: Any, loc: Loc, out: list[Issue], text: bool) -> Any:
        kind = schema.get("type")
        if kind is None:
            return value
        given = value
        value, ok = _scalar(kind, value, loc, out, text)
        if ok:
            before = len(out)
            self._constraints(schema, value, loc, out)
            for issue in out[before:]:
                issue["input"] = given  # pydantic reports what was sent, not what it parsed
            if text and len(out) == before and isinstance(value, str):
                return _parse_format(schema.get("format"), value)
        return value

    def _any_of(
        self, options: list[JSON], value: Any, loc: Loc, out: list[Issue], text: bool
    ) -> Any:
        tried: list[tuple[JSON, list[Issue]]] = []
        for option in options:
            result, issues = self.check(option, value, loc, text=text)
            if not issues:
                return result
            tried.append((self.resolve(option), issues))
        real = [(option, issues) for option, issues in tried if option.get("type") != "null"]
        if len(real) == 1:
            out.extend(real[0][1])
            return value
        for option, issues in real:
            tag = _tag(option)
            for issue in issues:
                issue["loc"] = [*loc, tag, *issue["loc"][len(loc) :]]
                out.append(issue)
        return value

    def _object(self, schema: JSON, value: Any, loc: Loc, out: list[Issue], text: bool) -> Any:
        properties: dict[str, JSON] = schema.get("properties", {})
        if not isinstance(value, dict):
            if properties:
                msg = "Input should be a valid dictionary or object to extract fields from"
                out.append(_issue("model_attributes_type", loc, msg, value))
            else:
                out.append(_issue("dict_type", loc, "Input should be a valid dictionary", value))
            return value
        given = typing.cast(JSON, value)
        result: JSON = {}
        for name, prop in properties.items():
            if name in given:
                result[name] = self._check(prop, given[name], (*loc, name), out, text)
            elif name in schema.get("required", ()):
                out.append(_issue("missing", (*loc, name), "Field required", given))
            elif "default" in prop:
                result[name] = copy.deepcopy(prop["default"])
        result.update(self._extras(schema, given, loc, out, text))
        return result

    def _extras(self, schema: JSON, given: JSON, loc: Loc, out: list[Issue], text: bool) -> JSON:
        """Keys beyond `properties`: checked, kept, dropped or refused as the schema says."""
        properties: dict[str, JSON] = schema.get("properties", {})
        result: JSON = {}
        extra = schema.get("additionalProperties")
        for name, item in given.items():
            if name in properties:
                continue
            if extra is False:
                msg = "Extra inputs are not permitted"
                out.append(_issue("extra_forbidden", (*loc, name), msg, item))
            elif isinstance(extra, dict):
                result[name] = self._check(typing.cast(JSON, extra), item, (*loc, name), out, text)
            elif extra is True or not properties:
                result[name] = item
        for name in schema.get("required", ()):
            if name not in properties and name not in given:
                out.append(_issue("missing", (*loc, name), "Field required", given))
        return result

    def _array(self, schema: JSON, value: Any, loc: Loc, out: list[Issue], text: bool) -> Any:
        if not isinstance(value, list):
            out.append(_issue("list_type", loc, "Input should be a valid list", value))
            return value
        items: JSON = schema.get("items", {})
        given = typing.cast(list[object], value)
        low, high = schema.get("minItems"), schema.get("maxItems")
        if low is not None and len(given) < low:
            out.append(_length_issue("too_short", loc, given, "least", low))
            return given
        if high is not None and len(given) > high:
            out.append(_length_issue("too_long", loc, given, "most", high))
            return given
        return [self._check(items, item, (*loc, i), out, text) for i, item in enumerate(given)]

    def _constraints(self, schema: JSON, value: Any, loc: Loc, out: list[Issue]) -> None:
        if "enum" in schema and value not in schema["enum"]:
            expected = _expected(schema["enum"])
            out.append(_issue("enum", loc, f"Input should be {expected}", value, expected=expected))
            return
        if isinstance(value, str):
            _string_constraints(schema, value, loc, out)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                bound = _number(schema["minimum"])
                msg = f"Input should be greater than or equal to {bound}"
                out.append(_issue("greater_than_equal", loc, msg, value, ge=bound))
            if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
                bound = _number(schema["exclusiveMinimum"])
                msg = f"Input should be greater than {bound}"
                out.append(_issue("greater_than", loc, msg, value, gt=bound))
            if "maximum" in schema and value > schema["maximum"]:
                bound = _number(schema["maximum"])
                msg = f"Input should be less than or equal to {bound}"
                out.append(_issue("less_than_equal", loc, msg, value, le=bound))


_IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
}


def _scalar(kind: str, value: Any, loc: Loc, out: list[Issue], text: bool) -> tuple[Any, bool]:
    """`value` as `kind` (a whole float counts as an integer, as pydantic allows)."""
    if text and isinstance(value, str):
        return _from_text(kind, value, loc, out)
    if kind in _IS_TYPE and _IS_TYPE[kind](value):
        return value, True
    if kind == "integer" and isinstance(value, float):
        if value.is_integer():
            return int(value), True
        msg = "Input should be a valid integer, got a number with a fractional part"
        out.append(_issue("int_from_float", loc, msg, value))
        return value, False
    code, msg = _TYPE_WORDS.get(kind, ("type_error", f"Input should be of type {kind}"))
    out.append(_issue(code, loc, msg, value))
    return value, False


def _string_constraints(schema: JSON, value: str, loc: Loc, out: list[Issue]) -> None:
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and len(value) < low:
        msg = f"String should have at least {low} character{'s' * (low != 1)}"
        out.append(_issue("string_too_short", loc, msg, value, min_length=low))
    if high is not None and len(value) > high:
        msg = f"String should have at most {high} character{'s' * (high != 1)}"
        out.append(_issue("string_too_long", loc, msg, value, max_length=high))
    pattern = schema.get("pattern")
    if pattern is not None and re.search(pattern, value) is None:
        msg = f"String should match pattern '{pattern}'"
        out.append(_issue("string_pattern_mismatch", loc, msg, value, pattern=pattern))
    fmt = schema.get("format")
    if fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            out.append(_issue("uuid_parsing", loc, "Input should be a valid UUID", value))
    elif fmt == "date-time":
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            out.append(_issue("datetime_parsing", loc, "Input should be a valid datetime", value))


def _from_text(kind: str, value: str, loc: Loc, out: list[Issue]) -> tuple[Any, bool]:
    """Read a path or query string as `kind`, as FastAPI does for parameters."""
    if kind == "integer":
        try:
            return int(value), True
        except ValueError:
            msg = "Input should be a valid integer, unable to parse string as an integer"
            out.append(_issue("int_parsing", loc, msg, value))
    elif kind == "number":
        try:
            return float(value), True
        except ValueError:
            msg = "Input should be a valid number, unable to parse string as a number"
            out.append(_issue("float_parsing", loc, msg, value))
    elif kind == "boolean":
        if value.lower() in _TRUE:
            return True, True
        if value.lower() in _FALSE:
            return False, True
        msg = "Input should be a valid boolean, unable to interpret input"
        out.append(_issue("bool_parsing", loc, msg, value))
    elif kind == "string":
        return value, True
    else:
        out.append(_issue("none_required", loc, "Input should be None", value))
    return value, False


def _parse_format(fmt: str | None, value: str) -> Any:
    """A valid parameter string as a handler wants it: a UUID or a datetime."""
    if fmt == "uuid":
        return uuid.UUID(value)
    if fmt == "date-time":
        moment = dt.datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return value


def _tag(schema: JSON) -> str:
    """The name pydantic gives a union member in an error location."""
    if "const" in schema:
        return f"literal[{schema['const']!r}]"
    names = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
    kind = schema.get("type", "any")
    return names.get(kind, "dict" if kind == "object" else "list" if kind == "array" else kind)
