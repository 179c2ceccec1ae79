"""What `browser-use-async tasks run-many` reads: a JSON-lines file of inputs, each checked
(and named by its line number when refused) before the first task is created."""

import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from browser_use_async._codec import to_camel
from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async.models._shared import SessionSettings
from browser_use_async.models.tasks import CreateTaskRequest

__all__ = ["read_inputs"]

Keywords = dict[str, Any]
"""Keywords of `CreateTaskRequest`, as JSON gave them (the model checks them)."""


def _names(model: type) -> dict[str, str]:
    """A model's field names by how an input may spell them: as Python does (`max_steps`) or
    as the API does (`maxSteps`)."""
    fields = [field.name for field in attrs.fields(model)]
    return {to_camel(name): name for name in fields} | {name: name for name in fields}


_TASK = _names(CreateTaskRequest)
_SESSION = _names(SessionSettings)


def _keywords(document: Mapping[str, object], names: Mapping[str, str]) -> Keywords:
    found: Keywords = {}
    for spelled, value in document.items():
        name = names.get(spelled)
        if name is None:
            raise InvalidArgumentError(f"unknown key {spelled!r}")
        if name in found:
            raise InvalidArgumentError(f"{name!r} is given twice ({spelled!r})")
        found[name] = value
    return found


_KINDS: dict[type, str] = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "an array",
    type(None): "null",
}
"""What else a line of JSON can be."""


def _input(document: object, options: Mapping[str, Any]) -> tuple[str | None, Keywords]:
    """A line's key (if it names one) and its create keywords over the command's `options`."""
    if isinstance(document, str):
        document = {"task": document}
    if not isinstance(document, dict):
        raise InvalidArgumentError(
            "expected a JSON string (the prompt) or an object of create keywords, got "
            + _KINDS[type(document)]
        )
    given = dict(cast("Keywords", document))  # a JSON object: its keys are strings
    key = given.pop("key", None)
    if key is not None and not (isinstance(key, str) and key):
        raise InvalidArgumentError("'key' must be a non-empty string")
    keywords = {**options, **_keywords(given, _TASK)}
    settings = keywords.get("session_settings")
    if isinstance(settings, dict):
        keywords["session_settings"] = SessionSettings(
            **_keywords(cast("Keywords", settings), _SESSION)
        )
    if "task" not in keywords:
        raise InvalidArgumentError("an object needs 'task' (the prompt)")
    CreateTaskRequest(**keywords)
    return key, keywords


def read_inputs(lines: Iterable[bytes], options: Mapping[str, Any]) -> list[Keywords]:
    """Every input of a JSON-lines file, as `tasks.run_many` takes them; blank lines are
    skipped. Each line is a JSON string, the prompt, or an object of `tasks.create`'s
    keywords (`max_steps` or `maxSteps`) and optionally a "key" naming the input; its
    keywords win over the command's `options`. Raises `InvalidArgumentError` naming the
    first line refused, and a key that two inputs share (an input without one is keyed by
    its index)."""
    inputs: list[Keywords] = []
    lines_by_key: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                document = json.loads(line.decode())
            except UnicodeDecodeError:
                raise InvalidArgumentError("not UTF-8 text") from None
            except ValueError as error:
                raise InvalidArgumentError(f"not JSON ({error})") from None
            except RecursionError:
                raise InvalidArgumentError("not JSON we read (nested too deeply)") from None
            key, keywords = _input(document, options)
            key = str(len(inputs)) if key is None else key
            if key in lines_by_key:
                raise InvalidArgumentError(f"key {key!r} is line {lines_by_key[key]}'s too")
        except InvalidArgumentError as error:
            raise InvalidArgumentError(f"line {number}: {error}") from None
        lines_by_key[key] = number
        inputs.append({**keywords, "key": key})
    return inputs
