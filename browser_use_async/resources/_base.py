"""What every resource shares: the client's request function."""

from collections.abc import Mapping
from typing import Protocol, TypeVar, overload

from browser_use_async._types import NotGiven
from browser_use_async.models._checks import check_int

T = TypeVar("T")


class RequestFn(Protocol):
    """`AsyncBrowserUse._request`: send with retries, decode into `response_type`."""

    @overload
    async def __call__(
        self,
        method: str,
        path: str,
        response_type: type[T],
        body: object | None = None,
        params: Mapping[str, object] | None = None,
    ) -> T: ...

    @overload
    async def __call__(
        self,
        method: str,
        path: str,
        response_type: None,
        body: object | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None: ...


class AsyncResource:
    """A group of API operations: it builds paths and bodies, the client sends them."""

    def __init__(self, request: RequestFn) -> None:
        self._request = request


def page_params(page_size: int | NotGiven, page_number: int | NotGiven) -> dict[str, object]:
    """The query parameters every v2 list endpoint shares, checked: 1 to 100 per page."""
    return {
        "pageSize": check_int(page_size, "page_size", 1, 100),
        "pageNumber": check_int(page_number, "page_number", 1),
    }
