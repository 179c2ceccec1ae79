"""JSON bytes <-> attrs models: the one place that knows the wire's shape.

camelCase on the wire, snake_case attributes. Structuring is strict about types (a
number is never silently turned into a string, nor a string into a list) but ignores
unknown fields, and keeps enum values newer than this SDK as plain strings where the
model allows `SomeEnum | str`.
"""

import contextlib
import datetime as dt
import decimal
import enum
import json
import re
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
import orjson
from cattrs.cols import (
    list_structure_factory,
    mapping_structure_factory,  # pyright: ignore[reportUnknownVariableType]
)
from cattrs.errors import AttributeValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._fast_structure import Structurer, compile_structurer
from browser_use_async._schema import (
    LIST_KEY,
    is_list_output,
    is_pydantic_model,
    is_typeddict,
    json_schema,
    record_fields,
)
from browser_use_async._types import NOT_GIVEN

T = TypeVar("T")

__all__ = [
    "DecodeError",
    "decode",
    "decode_json",
    "encode",
    "parse_judgement",
    "structure",
    "to_dict",
    "to_json",
]


class DecodeError(Exception):
    """Bytes that are not JSON, or JSON that does not fit the model; `errors` name the paths."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_NUMBER = b"0" * 19
"""19 digits in a row: maybe an integer beyond 64 bits, which orjson would read as a float."""


def _loads(data: bytes) -> Any:
    """`json.loads(data)`, three times faster for API bodies: orjson reads them when it is
    sure to read them alike, and json decides the rest (NaN, UTF-16, lone surrogates, very
    long integers, and what to say about invalid JSON)."""
    if _LONG_NUMBER not in data.translate(_DIGITS_AS_ZEROS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def to_camel(name: str) -> str:
    """`evaluation_previous_goal` -> `evaluationPreviousGoal`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _type_error(value: object, expected: str) -> TypeError:
    return TypeError(f"expected {expected}, got {type(value).__name__}")


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    raise _type_error(value, "a string")


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise _type_error(value, "a boolean")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _type_error(value, "an integer")


def _structure_float(value: object, _: type) -> float:
    # A tuple, not `int | float`: the union would be built anew on every call.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise _type_error(value, "a number")


def _structure_uuid(value: object, _: type) -> uuid.UUID:
    return uuid.UUID(_structure_str(value, str))


def parse_datetime(value: str) -> dt.datetime:
    """ISO 8601 to an aware UTC datetime; a timestamp without offset is UTC. RFC 3339's
    lower-case `t` and `z` are read too."""
    parsed = dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _structure_datetime(value: object, _: type) -> dt.datetime:
    return parse_datetime(_structure_str(value, str))


def _structure_date(value: object, _: type) -> dt.date:
    return dt.date.fromisoformat(_structure_str(value, str))


def _structure_decimal(value: object, _: type) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _type_error(value, "a decimal string")
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


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
        text = _structure_str(value, str)
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
                raise _type_error(value, f"a JSON {'array' if kind is list else 'object'}")
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


def _camel_overrides(cls: type) -> dict[str, Any]:
    return {a.name: override(rename=to_camel(a.name)) for a in attrs.fields(cls)}


NULL_IS_DEFAULT = {"null_is_default": True}
"""attrs field metadata: a null in an answer reads as the field's default (for fields that
the spec types without null but the API's own models let be null)."""


def _structure_overrides(cls: type, conv: cattrs.Converter) -> dict[str, Any]:
    overrides = _camel_overrides(cls)
    for field in attrs.fields(cls):
        if field.metadata.get("null_is_default"):
            hook = _null_is_default(field.default, field.type, conv)
            overrides[field.name] = override(rename=to_camel(field.name), struct_hook=hook)
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
                rename=to_camel(field.name), unstruct_hook=lambda d: orjson.Fragment(str(d))
            )
    return overrides


def _request_body_hook(cls: type, conv: cattrs.BaseConverter) -> Callable[[Any], dict[str, Any]]:
    """camelCase keys; fields holding `NOT_GIVEN` are left out."""
    unstructure: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, conv, **_unstructure_overrides(cls)
    )

    def hook(obj: Any) -> dict[str, Any]:
        return {k: v for k, v in unstructure(obj).items() if v is not NOT_GIVEN}

    return hook


_STRICT_HOOKS: list[tuple[type, Callable[[Any, Any], Any]]] = [
    (str, _structure_str),
    (bool, _structure_bool),
    (int, _structure_int),
    (float, _structure_float),
    (uuid.UUID, _structure_uuid),
    (dt.datetime, _structure_datetime),
    (dt.date, _structure_date),
    (decimal.Decimal, _structure_decimal),
]


def _strict_converter() -> cattrs.Converter:
    """Strict scalars and containers; unknown fields ignored. Both converters start here."""
    conv = cattrs.Converter(forbid_extra_keys=False, detailed_validation=True)
    for tp, hook in _STRICT_HOOKS:
        conv.register_structure_hook(tp, hook)
    conv.register_structure_hook_factory(_is_list, _strict_container(list_structure_factory, list))
    conv.register_structure_hook_factory(
        _is_dict, _strict_container(typing.cast(HookFactory, mapping_structure_factory), dict)
    )
    return conv


def _make_converter() -> cattrs.Converter:
    """The API's models: camelCase on the wire, open enums, request bodies without NOT_GIVEN."""
    conv = _strict_converter()
    conv.register_unstructure_hook(uuid.UUID, str)
    conv.register_unstructure_hook(decimal.Decimal, str)
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


_converter = _make_converter()


def _typeddict_hook(cls: type, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """A TypedDict as a plain dict of its keys (others are dropped), each checked like an
    attrs field; required keys as `record_fields` reads them (cattrs trusts Python 3.11's
    `__required_keys__`, which misses string-written `NotRequired`)."""
    fields = [(name, conv.get_structure_hook(tp), tp, req) for name, tp, req in record_fields(cls)]

    def structure(value: Any, _: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _type_error(value, "a JSON object")
        given = typing.cast(dict[str, Any], value)
        result: dict[str, Any] = {}
        errors: list[Exception] = []
        for name, hook, tp, required in fields:
            try:
                if name in given:
                    result[name] = hook(given[name], tp)
                elif required:
                    raise KeyError(name)
            except Exception as exc:
                exc.add_note(
                    AttributeValidationNote(f"Structuring {cls.__name__}.{name}", name, tp)
                )
                errors.append(exc)
        if errors:
            message = f"While structuring {cls.__name__}"
            raise cattrs.ClassValidationError(message, errors, cls)  # pyright: ignore[reportCallIssue]
        return result

    return structure


def _pydantic_hook(model: type, _: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """The model's own JSON validation (strict models read dates from strings there)."""
    validate = typing.cast(Any, model).model_validate_json

    def structure(value: Any, _: Any) -> Any:
        return validate(json.dumps(value))

    return structure


def _make_output_converter() -> cattrs.Converter:
    """For users' own output types: their field names as they are, the same strict types,
    TypedDicts and pydantic models too."""
    conv = _strict_converter()
    conv.register_structure_hook_factory(is_typeddict, _typeddict_hook)
    conv.register_structure_hook_factory(is_pydantic_model, _pydantic_hook)
    return conv


_output_converter = _make_output_converter()


def decode_output(text: str, output_type: Any) -> Any:
    """A task's JSON output structured into the user's output type (see `json_schema`);
    a `list[X]` is read from the `{"items": [...]}` it was asked as.

    Output encoded twice (a JSON string whose text is the JSON object) is read through.
    Whatever the type's own code raises becomes a `DecodeError` naming the paths, never
    showing the values."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DecodeError([f"the output is not valid JSON ({exc})"]) from None
    if isinstance(document, str):
        with contextlib.suppress(ValueError, RecursionError):
            document = json.loads(document)
    if not isinstance(document, dict):
        raise DecodeError([f"expected a JSON object @ $, got {_json_type(document)}"])
    path = "$"
    if is_list_output(output_type):
        path = f"$.{LIST_KEY}"
        if LIST_KEY not in document:
            raise DecodeError([f"required field missing @ {path}"])
        document = typing.cast(dict[str, Any], document)[LIST_KEY]
    try:
        return _output_converter.structure(document, output_type)
    except Exception as exc:  # the user's type runs its own code: anything may come out
        model = output_type if is_pydantic_model(output_type) else None
        raise DecodeError(_problems(exc, path, model)) from None


def _problems(exc: BaseException, path: str, tp: Any = None) -> list[str]:
    """`cattrs.transform_error`, which also reads a pydantic model's errors at their paths."""
    if isinstance(exc, cattrs.ClassValidationError | cattrs.IterableValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[str] = []
        for inner, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                found += _problems(inner, f"{path}.{note.name}", note.type)
            else:
                found += _problems(inner, f"{path}[{note.index!r}]", note.type)
        for inner in without:
            found += _problems(inner, path)
        return found
    pydantic_errors = _pydantic_errors(exc)
    if pydantic_errors is not None:
        return [f"{message} @ {path}{below}" for message, below in pydantic_errors]
    if isinstance(exc, RecursionError):
        return [f"the output is nested too deeply @ {path}"]
    if tp is not None and not is_pydantic_model(tp):  # a model's other errors are its own
        return [f"{format_exception(exc, tp)} @ {path}"]
    if tp is None and isinstance(exc, TypeError):
        return [f"{exc} @ {path}"]  # our own hooks' words, which never show the value
    return [f"the output type's own code raised {type(exc).__name__} @ {path}"]


def _pydantic_errors(exc: BaseException) -> list[tuple[str, str]] | None:
    """A pydantic `ValidationError`'s (message, path) pairs, without the input values (they
    may hold secrets the agent saw); None for any other exception."""
    errors = getattr(exc, "errors", None)
    if not isinstance(exc, ValueError) or not callable(errors):
        return None
    try:
        items = typing.cast(list[dict[str, Any]], errors(include_url=False, include_input=False))
        return [
            (
                str(item["msg"]),
                "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in item["loc"]),
            )
            for item in items
        ]
    except Exception:
        return None


def _json_type(value: object) -> str:
    names: dict[type, str] = {list: "an array", str: "a string", bool: "a boolean"}
    names[type(None)] = "null"
    return names.get(type(value), "a number")


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
        return _strict_json(schema)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"{argument} is not JSON: {exc}") from None


_WIRE_NAME = re.compile(r"\.([a-z][a-z0-9_]*)")


def _wire_path(error: str) -> str:
    """`... @ $.output_files[0].file_name` -> `... @ $.outputFiles[0].fileName`."""
    message, at, path = error.rpartition(" @ ")
    return message + at + _WIRE_NAME.sub(lambda m: "." + to_camel(m[1]), path)


def decode(data: bytes, cls: type[T]) -> T:
    """Turn a JSON response body into `cls`, or raise `DecodeError` naming what is wrong."""
    fast = fast_structurer(cls)
    if fast is None:
        return structure(_read(data, _loads), cls)
    try:
        return typing.cast(T, fast(orjson.loads(data)))
    except Exception:  # noqa: S110 (the fast path deferred: read exactly, let cattrs decide)
        pass
    return checked_structure(_read(data, json.loads), cls)


def _read(data: bytes, loads: Callable[[bytes], Any]) -> Any:
    try:
        return loads(data)
    except (ValueError, RecursionError) as exc:
        raise DecodeError([f"the body is not valid JSON ({exc})"]) from None


_fast_structurers: dict[type, Structurer | None] = {}


def fast_structurer(cls: type) -> Structurer | None:
    """The generated fast path for attrs model `cls` (see `_fast_structure`), compiled on first
    use; None for other types."""
    if cls not in _fast_structurers:
        _fast_structurers[cls] = None  # cattrs alone, unless the generator handles `cls`
        # The tests check that the generator handles every response model.
        with contextlib.suppress(Exception):
            if attrs.has(cls):
                _fast_structurers[cls] = compile_structurer(
                    cls, _converter.get_structure_hook, to_camel
                )
    return _fast_structurers[cls]


def structure(document: object, cls: type[T]) -> T:
    """Turn an already parsed JSON object into `cls`, or raise `DecodeError` like `decode`."""
    fast = fast_structurer(cls)
    if fast is not None:
        try:
            return typing.cast(T, fast(document))
        except Exception:  # noqa: S110 (checked_structure gives the answer or names the error)
            pass
    return checked_structure(document, cls)


def checked_structure(document: object, cls: type[T]) -> T:
    """cattrs' structuring, whose errors name each field: what the fast path must agree with."""
    if not isinstance(document, dict):
        raise DecodeError([f"expected a JSON object @ $, got {type(document).__name__}"])
    try:
        return _converter.structure(document, cls)
    except cattrs.BaseValidationError as exc:
        raise DecodeError([_wire_path(e) for e in cattrs.transform_error(exc, path="$")]) from None
    except RecursionError:
        raise DecodeError(["the body is nested too deeply"]) from None


def decode_json(data: bytes) -> Any:
    """Parse any JSON body; raises `ValueError` when it is not JSON."""
    try:
        return _loads(data)
    except RecursionError:
        raise ValueError("the body is nested too deeply") from None


def _strict_json(value: object) -> str:
    """Compact JSON that any parser reads: NaN and infinities are refused (ValueError)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode(obj: object, *, extra: dict[str, object] | None = None) -> bytes:
    """An attrs model to compact JSON bytes with camelCase keys; the fields of `extra` are
    merged into its top level, replacing the model's own of the same name.

    What JSON cannot carry (objects, sets, bytes, NaN, cycles, nesting deeper than Python's
    recursion limit, lone surrogates) is an `InvalidArgumentError`; the message names the
    problem, never the value, which may be a secret."""
    try:
        document = _converter.unstructure(obj)
        if extra:
            document = {**typing.cast(dict[str, object], document), **extra}
        return _strict_json(document).encode()
    except UnicodeEncodeError:
        problem = "a text contains a lone surrogate (such as '\\ud800'), which UTF-8 cannot carry"
    except RecursionError:
        problem = "it is nested too deeply"
    except (TypeError, ValueError) as exc:
        problem = str(exc)
    raise InvalidArgumentError(f"The request body cannot be sent as JSON: {problem}.")


def to_dict(model: object) -> dict[str, Any]:
    """A model of this SDK as the API writes it: camelCase keys and JSON values only (ids,
    times and money as strings), a new dict that shares nothing with the model.

    For a web framework's response or a log record (not a request model's, which holds its
    `secrets`); `decode`-ing a response model's JSON gives it back. Fields a request model
    leaves `NOT_GIVEN` are left out."""
    return typing.cast(dict[str, Any], _loads(to_json(model)))


def to_json(model: object) -> bytes:
    """`to_dict(model)` as compact UTF-8 JSON bytes.

    What orjson cannot write is an `InvalidArgumentError`: sets, non-string keys, cycles or
    nesting deeper than 254 levels (in a `payload` or schema), lone surrogates in a text."""
    cls = type(model)
    ours = any(c.__module__.startswith("browser_use_async.models.") for c in cls.__mro__)
    if not (attrs.has(cls) and ours):  # a subclass of a model is one too
        raise InvalidArgumentError(
            f"to_dict and to_json take a model of browser_use_async (such as a TaskView), not "
            f"{cls.__qualname__}; for your own attrs classes or dataclasses use attrs.asdict "
            "or dataclasses.asdict"
        )
    try:
        document = _converter.unstructure(model)
        try:
            return orjson.dumps(document)
        except orjson.JSONEncodeError:  # maybe an integer beyond 64 bits: orjson writes none
            return orjson.dumps(_long_ints_as_text(document))
    except RecursionError:
        problem = "it is nested too deeply"
    except TypeError as exc:  # orjson.JSONEncodeError among them
        problem = str(exc)
    raise InvalidArgumentError(f"This {cls.__name__} cannot be written as JSON: {problem}.")


def _long_ints_as_text(value: object) -> object:
    if isinstance(value, dict):
        return {k: _long_ints_as_text(v) for k, v in typing.cast(dict[str, object], value).items()}
    if isinstance(value, list):
        return [_long_ints_as_text(v) for v in typing.cast(list[object], value)]
    if type(value) is int and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value))
    return value


def parse_judgement(judgement: str | None) -> dict[str, Any] | None:
    """Decode `TaskView.judgement`, the judge's report as a JSON string, into a dict."""
    if judgement is None:
        return None
    try:
        report = json.loads(judgement)
    except (ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"the judgement is not valid JSON: {exc}") from None
    if not isinstance(report, dict):
        raise InvalidArgumentError("the judgement is JSON but not an object")
    return typing.cast(dict[str, Any], report)
