"""What resources share: the request function and the paging parameters."""

import copy
import functools
from collections.abc import Callable, Mapping
from typing import Any, Protocol, Self, TypeVar, cast, overload

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import conceal
from browser_use_async._retry import RetryPolicy
from browser_use_async._structured._schema import json_schema
from browser_use_async._types import NotGiven, RequestOptions
from browser_use_async._validation import check_int

T = TypeVar("T")
B = TypeVar("B")


class RequestFn(Protocol):
    """`AsyncBrowserUse._request`: send with retries, decode into `response_type`.

    Methods pass their own `**extra` dict as `extra` (not unpacked): it is concealed in place,
    which keeps header values out of the method's traceback locals. `raw=True` is for raw
    copies (`AsyncResource._raw_copy`) only; `retry` replaces the client's policy for a call;
    `idempotent=True` retries a request as a GET is, whatever its method; `headers` are the
    operation's own header parameters."""

    @overload
    async def __call__(
        self,
        method: str,
        path: str,
        response_type: type[T],
        body: object | None = None,
        params: Mapping[str, object] | None = None,
        *,
        extra: RequestOptions | None = None,
        raw: bool = False,
        retry: RetryPolicy | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> T: ...

    @overload
    async def __call__(
        self,
        method: str,
        path: str,
        response_type: None,
        body: object | None = None,
        params: Mapping[str, object] | None = None,
        *,
        extra: RequestOptions | None = None,
        raw: bool = False,
        retry: RetryPolicy | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None: ...


class AsyncResource:
    """A group of API operations: it builds paths and bodies, the client sends them."""

    def __init__(self, request: RequestFn) -> None:
        self._request = request

    def _raw_copy(self) -> Self:
        """A copy whose requests answer with a `RawResponse` in place of the model: the
        methods that return their one request's answer unchanged (those a `RawView` lists)
        then return it, though their annotations say otherwise."""
        clone = copy.copy(self)
        clone._request = cast(RequestFn, functools.partial(self._request, raw=True))
        return clone


def page_params(page_size: int | NotGiven, page_number: int | NotGiven) -> dict[str, object]:
    """The query parameters every v2 list endpoint shares, checked: 1 to 100 per page."""
    return {
        "pageSize": check_int(page_size, "page_size", 1, 100),
        "pageNumber": check_int(page_number, "page_number", 1),
    }


def take_request_options(options: object) -> RequestOptions:
    """The `RequestOptions` popped out of a `**options` dict that also holds a model's fields,
    concealed."""
    raw = cast("dict[str, object]", options)
    taken = cast(
        RequestOptions, {k: raw.pop(k) for k in RequestOptions.__annotations__ if k in raw}
    )
    conceal(taken)
    return taken


def without_body(extra: RequestOptions) -> RequestOptions:
    """`extra` for the bodiless requests of an operation whose `extra_body` is for one other."""
    reads = RequestOptions(**extra)
    reads.pop("extra_body", None)
    return reads


def create_body(
    model: Callable[..., B],
    task: str,
    options: object,
    *,
    known: type,
    schema_field: str,
    output_type: object = None,
) -> B:
    """A create's `model` body from `task` and `options` (the caller's own `**options` dict,
    whose keywords `known`, a TypedDict, lists), with `output_type`'s JSON schema as its
    `schema_field` if given. `options` is emptied, and a refused argument's traceback leaves
    out the model's frames: their locals hold secrets in the clear, which the model's repr
    hides."""
    given = cast("dict[str, Any]", options)
    try:
        if output_type is not None:
            if schema_field in given:
                raise InvalidArgumentError(
                    f"pass output_type or {schema_field}, not both: output_type sends "
                    "its own schema"
                )
            given[schema_field] = json_schema(output_type)
        unknown = sorted(set(given) - set(known.__annotations__))
        if unknown:
            name = getattr(model, "__name__", "the body")
            raise InvalidArgumentError(
                f"unexpected keyword argument {unknown[0]!r}: the options are {name}'s "
                "fields and extra_headers, extra_query and extra_body"
            )
        return model(task=task, **given)
    except InvalidArgumentError as error:
        raise error.with_traceback(None) from None
    finally:
        given.clear()
