"""What every resource shares: the client's request function."""

from typing import Protocol, TypeVar

T = TypeVar("T")


class RequestFn(Protocol):
    async def __call__(
        self, method: str, path: str, response_type: type[T], body: object | None = None
    ) -> T: ...


class AsyncResource:
    """A group of API operations: it builds paths and bodies, the client sends them."""

    def __init__(self, request: RequestFn) -> None:
        self._request = request
