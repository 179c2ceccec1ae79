"""Parsed JSON into users' own output types: their field names as they are, the same strict
types as the API's models, TypedDicts and pydantic models too. `_structured` reads the
output's text and calls `structure_output`."""

import json
import typing
from collections.abc import Callable
from typing import Any

import cattrs
from cattrs.errors import AttributeValidationNote
from cattrs.v import format_exception

from browser_use_async._codec._converter import strict_converter
from browser_use_async._codec._json import DecodeError
from browser_use_async._codec._scalars import type_error
from browser_use_async._structured._types import is_pydantic_model, is_typeddict, record_fields

__all__ = ["structure_output"]


def _typeddict_hook(cls: type, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """A TypedDict as a plain dict of its keys (others are dropped), each checked like an
    attrs field; required keys as `record_fields` reads them (cattrs trusts Python 3.11's
    `__required_keys__`, which misses string-written `NotRequired`)."""
    fields = [(name, conv.get_structure_hook(tp), tp, req) for name, tp, req in record_fields(cls)]

    def structure(value: Any, _: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise type_error(value, "a JSON object")
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
    conv = strict_converter()
    conv.register_structure_hook_factory(is_typeddict, _typeddict_hook)
    conv.register_structure_hook_factory(is_pydantic_model, _pydantic_hook)
    return conv


_output_converter = _make_output_converter()


def structure_output(document: Any, output_type: Any, path: str) -> Any:
    """`document` (found at `path` of the output) as an `output_type`. Whatever the type's
    own code raises becomes a `DecodeError` naming the paths, never showing the values."""
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
