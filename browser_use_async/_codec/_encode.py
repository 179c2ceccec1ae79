"""The API's models into JSON: request bodies, and `to_dict`/`to_json` for users.

What JSON cannot carry is an `InvalidArgumentError` whose message names the problem, never
the value, which may be a secret."""

import typing
from typing import Any

import attrs

from browser_use_async._codec._converter import converter
from browser_use_async._codec._json import dumps, dumps_strict, loads
from browser_use_async._exceptions import InvalidArgumentError

__all__ = ["Encoded", "encode", "to_dict", "to_json"]


def encode(obj: object, extra: dict[str, object] | None = None) -> bytes:
    """An attrs model to compact JSON bytes with camelCase keys; the fields of `extra` are
    merged into its top level, replacing the model's own of the same name.

    Refused: objects, sets, bytes, NaN, cycles, nesting deeper than Python's recursion
    limit, lone surrogates. An `Encoded` body gives its bytes as they are when there is no
    `extra`."""
    if type(obj) is Encoded:
        if not extra:
            return obj.data
        obj = obj.model
    try:
        document = converter.unstructure(obj)
        if extra:
            document = {**typing.cast(dict[str, object], document), **extra}
        return dumps_strict(document).encode()
    except UnicodeEncodeError:
        problem = "a text contains a lone surrogate (such as '\\ud800'), which UTF-8 cannot carry"
    except RecursionError:
        problem = "it is nested too deeply"
    except (TypeError, ValueError) as exc:
        problem = str(exc)
    raise InvalidArgumentError(f"The request body cannot be sent as JSON: {problem}.")


class Encoded:
    """A request body written once, for one a resource sends again and again (`stop`'s
    `{"action":"stop"}`): `encode` gives these bytes, or writes the model anew when
    `extra_body` fields are merged in."""

    __slots__ = ("data", "model")

    def __init__(self, model: object) -> None:
        self.model = model
        self.data = encode(model)

    def __repr__(self) -> str:
        return f"Encoded({self.model!r})"


def to_dict(model: object) -> dict[str, Any]:
    """A model of this SDK as the API writes it: camelCase keys and JSON values only (ids,
    times and money as strings), a new dict that shares nothing with the model.

    For a web framework's response or a log record (not a request model's, which holds its
    `secrets`); `decode`-ing a response model's JSON gives it back. Fields a request model
    leaves `NOT_GIVEN` are left out."""
    return typing.cast(dict[str, Any], loads(to_json(model)))


_MODEL_MODULES = ("browser_use_async.models.", "browser_use_async.v4.models.")
"""Where the models of each API version live."""


def to_json(model: object) -> bytes:
    """`to_dict(model)` as compact UTF-8 JSON bytes.

    What orjson cannot write is an `InvalidArgumentError`: sets, non-string keys, cycles or
    nesting deeper than 254 levels (in a `payload` or schema), lone surrogates in a text."""
    cls = type(model)
    ours = any(c.__module__.startswith(_MODEL_MODULES) for c in cls.__mro__)
    if not (attrs.has(cls) and ours):  # a subclass of a model is one too
        raise InvalidArgumentError(
            f"to_dict and to_json take a model of browser_use_async (such as a TaskView), not "
            f"{cls.__qualname__}; for your own attrs classes or dataclasses use attrs.asdict "
            "or dataclasses.asdict"
        )
    try:
        return dumps(converter.unstructure(model))
    except RecursionError:
        problem = "it is nested too deeply"
    except TypeError as exc:  # orjson.JSONEncodeError among them
        problem = str(exc)
    raise InvalidArgumentError(f"This {cls.__name__} cannot be written as JSON: {problem}.")
