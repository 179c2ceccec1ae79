"""A batch's inputs, read one at a time: each becomes a checked create body with its key."""

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

import attrs

from browser_use_async._codec import encode
from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async.models.tasks import CreateTaskRequest

__all__ = ["RUN_TAG", "BadItem", "Item", "check_inputs", "read_inputs", "tagged"]

RUN_TAG = "browser-use-async-run"
"""The metadata key of a journaled create's run tag, `<batch id>:<input index>`."""

Build = Callable[[str, dict[str, Any]], CreateTaskRequest]
"""Makes a create body from a prompt and its keywords (`tasks`' own checks)."""


@attrs.frozen
class Item:
    """One input: where it stands in the batch, its key, and the create it asks for."""

    index: int
    key: str
    body: CreateTaskRequest
    fingerprint: str  # says whether a journal's input at this index is this one

    @property
    def own_session(self) -> bool:
        """The task gets a session of its own (stopping it should end that session too)."""
        return not self.body.session_id


@attrs.frozen
class BadItem:
    """An input that could not become a create body: its result is `error`, nothing is sent."""

    index: int
    key: str
    error: InvalidArgumentError


def tagged(body: CreateTaskRequest, tag: str) -> CreateTaskRequest:
    """`body` with the run tag `tag` in its metadata (`InvalidArgumentError` when the
    metadata has no room for it)."""
    own = body.metadata if isinstance(body.metadata, dict) else {}
    return attrs.evolve(body, metadata={**own, RUN_TAG: tag})


def fingerprint(body: CreateTaskRequest) -> str:
    """A digest of the create body in which secrets count by name only, so a journal holds
    nothing from which a secret could be guessed."""
    if isinstance(body.secrets, dict) and body.secrets:
        body = attrs.evolve(body, secrets=dict.fromkeys(body.secrets, ""))
    return hashlib.sha256(encode(body)).hexdigest()


def check_inputs(inputs: object) -> None:
    """Refuse what is not a batch's inputs; a str is iterable too, but of characters."""
    if isinstance(inputs, str | bytes | bytearray) or not isinstance(inputs, Iterable):
        raise InvalidArgumentError(
            "inputs must be an iterable of prompts or create-keyword mappings, or a mapping "
            f"of key to such inputs; got {shown(inputs)}"
        )


def entries(inputs: object) -> Iterator[tuple[str | None, object]]:
    """(key or None, input) for each input: a mapping's keys are the keys; any other
    iterable is read lazily, one input at a time."""
    check_inputs(inputs)
    if isinstance(inputs, Mapping):
        for key, value in list(cast("Mapping[object, object]", inputs).items()):
            if not isinstance(key, str):
                raise InvalidArgumentError(f"inputs' keys must be str, got {shown(key)}")
            yield key, value
        return
    for value in cast("Iterable[object]", inputs):
        yield None, value


def _item(
    index: int,
    key: str | None,
    value: object,
    common: Mapping[str, Any],
    build: Build,
    *,
    journaled: bool,
) -> "Item | BadItem":
    where = f"input {index}" if key is None else f"input {key!r}"
    try:
        if isinstance(value, str):
            prompt, own = value, dict[str, Any]()
        elif isinstance(value, Mapping):
            own = {str(k): v for k, v in cast("Mapping[object, object]", value).items()}
            prompt = own.pop("task", None)
            given_key = own.pop("key", None)
            if given_key is not None:
                if key is not None:
                    raise InvalidArgumentError(
                        f"{where} has a 'key' of its own; the mapping's key is its key"
                    )
                if not isinstance(given_key, str) or not given_key:
                    raise InvalidArgumentError(
                        f"{where}: 'key' must be a non-empty str, got {shown(given_key)}"
                    )
                key = given_key
            if not isinstance(prompt, str):
                raise InvalidArgumentError(
                    f"{where} needs a 'task' prompt (str), got {shown(prompt)}"
                )
        else:
            raise InvalidArgumentError(
                f"{where} must be a prompt (str) or a mapping of create keywords, "
                f"got {shown(value)}"
            )
        body = build(prompt, {**common, **own})
        if journaled:
            try:
                tagged(body, "")
            except InvalidArgumentError as error:
                raise InvalidArgumentError(
                    f"{where}: no room for the journal's run tag in its metadata ({error})"
                ) from None
    except InvalidArgumentError as error:
        message = str(error) if str(error).startswith(where) else f"{where}: {error}"
        return BadItem(index, str(index) if key is None else key, InvalidArgumentError(message))
    return Item(index, str(index) if key is None else key, body, fingerprint(body))


def read_inputs(
    inputs: object, common: Mapping[str, Any], build: Build, *, journaled: bool
) -> Iterator["Item | BadItem"]:
    """Each input as an `Item`, or a `BadItem` saying why it cannot be sent (a key seen
    before among them, no room for a journal's run tag): one bad input does not stop the
    batch."""
    seen: set[str] = set()
    for index, (key, value) in enumerate(entries(inputs)):
        item = _item(index, key, value, common, build, journaled=journaled)
        if isinstance(item, Item) and item.key in seen:
            error = InvalidArgumentError(f"input {index}: the key {item.key!r} is used twice")
            item = BadItem(index, item.key, error)
        seen.add(item.key)
        yield item
