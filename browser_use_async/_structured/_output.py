"""A task's output text back into the user's output type, and the judge's report."""

import contextlib
import json
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from browser_use_async._codec import DecodeError, structure_output
from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._structured._types import LIST_KEY, is_list_output

__all__ = ["decode_output", "parse_judgement", "read_as"]

T = TypeVar("T")


def decode_output(output: object, output_type: Any) -> Any:
    """An output structured into the user's output type (see `json_schema`): its JSON text, or
    the JSON value itself (v4's `RunSummary.output`); a `list[X]` is read from the
    `{"items": [...]}` it was asked as.

    Output encoded twice (a JSON string whose text is the JSON object) is read through.
    Whatever is wrong is a `DecodeError` naming the paths, never showing the values."""
    document = output
    if isinstance(output, str):
        try:
            document = json.loads(output)
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
    return structure_output(document, output_type, path)


def read_as(output: object, output_type: type[T], unreadable: Callable[[str], Exception]) -> T:
    """`decode_output`, raising `unreadable(problems)` (what is wrong, at most five paths,
    "; "-joined) for an output that is not an `output_type`."""
    try:
        return typing.cast(T, decode_output(output, output_type))
    except DecodeError as exc:
        raise unreadable("; ".join(exc.errors[:5])) from None


def _json_type(value: object) -> str:
    names: dict[type, str] = {list: "an array", str: "a string", bool: "a boolean"}
    names[type(None)] = "null"
    return names.get(type(value), "a number")


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
