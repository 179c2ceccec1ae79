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
    """Yield the items of page 1, 2, ... until the total is reached or a page is empty.

    A server that answers another page than the one asked for (ignoring `pageNumber`)
    ends the walk rather than sending it round in circles.
    """
    number = 1
    while True:
        page = await fetch(number)
        if page.page_number != number:
            return
        for item in page.items:
            yield item
        if not page.items or page.page_number * page.page_size >= page.total_items:
            return
        number += 1


class CursorPage(Protocol):
    """What cursor-paged responses share."""

    @property
    def next_cursor(self) -> str | None: ...
    @property
    def has_more(self) -> bool: ...


P = TypeVar("P", bound=CursorPage)


async def iterate_cursor(
    fetch: Callable[[str | None], Awaitable[P]], items: Callable[[P], Sequence[T]]
) -> AsyncIterator[T]:
    """Yield `items(page)` of each page, passing each page's `next_cursor` to the next fetch.

    Stops when `has_more` is false, when there is no cursor, or when a cursor comes back a
    second time (a server bug that would otherwise loop forever).
    """
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = await fetch(cursor)
        for item in items(page):
            yield item
        cursor = page.next_cursor
        if not page.has_more or not cursor or cursor in seen:
            return
        seen.add(cursor)
