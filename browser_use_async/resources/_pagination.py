"""Walking every page of a list endpoint."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """What the v2 list responses share."""

    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def total_items(self) -> int: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int: ...


async def iterate_pages(fetch: Callable[[int], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """Yield the items of page 1, 2, ... until the total is reached or a page is empty."""
    number = 1
    while True:
        page = await fetch(number)
        for item in page.items:
            yield item
        if not page.items or page.page_number * page.page_size >= page.total_items:
            return
        number = page.page_number + 1
