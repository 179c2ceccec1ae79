"""List endpoints as pagers: a list call's arguments, checked at once, then one page or all.

A list method writes its filters once, in its signature, and returns an `AsyncPager`; the
pager, not the method, knows how to walk pages (numbered or by cursor) and when to stop.
"""

import contextlib
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Protocol, TypeVar, cast

from browser_use_async._protocol import check_options, conceal, encode_query
from browser_use_async._types import RequestOptions
from browser_use_async.resources._base import RequestFn

__all__ = ["AsyncPager", "Pager", "cursor_pager", "numbered_pager", "offset_pager"]

T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")


class AsyncPager(Generic[T, P]):
    """What a list method returns: its arguments, already checked, and a way to walk pages.

    `await pager` (or `await pager.page()`) sends one request and returns that page model as
    the API answers it; `async for item in pager` yields every item from that page on,
    fetching page after page as you go; `pages()` yields the page models instead. Nothing is
    sent before one of these, and each one starts again from the pager's first page with
    requests of its own: a pager can be awaited and iterated again, each time reading the
    server's state as it is then. Leaving a loop early sends nothing more.
    """

    __slots__ = ("_first", "_items", "_shown", "_walk")

    def __init__(
        self,
        first: Callable[[], Coroutine[Any, Any, P]],
        walk: Callable[[], AsyncGenerator[P]],
        items: Callable[[P], Iterable[T]],
        shown: str,
    ) -> None:
        self._first = first
        self._walk = walk
        self._items = items
        self._shown = shown

    async def page(self) -> P:
        """The page the arguments name, in one request."""
        return await self._first()

    def __await__(self) -> Generator[Any, None, P]:
        return self.page().__await__()

    def pages(self) -> AsyncIterator[P]:
        """Each page from the first one on, fetched as you iterate."""
        return self._walk()

    async def __aiter__(self) -> AsyncIterator[T]:
        async with contextlib.aclosing(self._walk()) as pages:
            async for page in pages:
                for item in self._items(page):
                    yield item

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._shown}>"


class Portal(Protocol):
    """What a `Pager` runs its async twin on: the blocking client's `Portal`."""

    def run(self, coro: Coroutine[Any, Any, R]) -> R: ...
    def iterate(self, source: AsyncIterable[R]) -> Iterator[R]: ...


class Pager(Generic[T, P]):
    """What a list method of the blocking client returns: `page()` sends one request and
    returns that page model, iterating yields every item from that page on, fetching page
    after page, and `pages()` yields the page models. Each starts again from the first page,
    so a pager can be used any number of times; breaking out of a loop sends nothing more."""

    __slots__ = ("_async", "_portal")

    def __init__(self, pager: AsyncPager[T, P], portal: Portal) -> None:
        self._async = pager
        self._portal = portal

    def page(self) -> P:
        """The page the arguments name, in one request."""
        return self._portal.run(self._async.page())

    def pages(self) -> Iterator[P]:
        """Each page from the first one on, fetched as you iterate."""
        return self._portal.iterate(self._async.pages())

    def __iter__(self) -> Iterator[T]:
        return self._portal.iterate(self._async)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._async._shown}>"  # pyright: ignore[reportPrivateUsage]


class NumberedPage(Protocol):
    """What the v2 list responses with page numbers share."""

    @property
    def items(self) -> Sequence[object]: ...
    @property
    def total_items(self) -> int: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int: ...


class CursorPage(Protocol):
    """What cursor-paged responses share."""

    @property
    def next_cursor(self) -> str | None: ...
    @property
    def has_more(self) -> bool: ...


class OffsetPage(Protocol):
    """What offset-paged responses share (the items under a name of their own)."""

    @property
    def total(self) -> int: ...
    @property
    def offset(self) -> int: ...


NP = TypeVar("NP", bound=NumberedPage)
CP = TypeVar("CP", bound=CursorPage)
OP = TypeVar("OP", bound=OffsetPage)
PG = TypeVar("PG")


def _checked(
    path: str, page_type: type, params: Mapping[str, object], extra: RequestOptions
) -> str:
    """What a pager shows of itself (no request option: they may hold secrets), once `extra`
    (its caller's own `**extra`) is concealed and checked as sending would check it: a
    pager refuses bad options before it is used."""
    conceal(extra)
    check_options(f"GET {path}", extra)
    return f"GET {path}{encode_query(params)}, {page_type.__name__} pages"


Get = Callable[[Mapping[str, object]], Coroutine[Any, Any, PG]]
"""Fetches the page whose parameters are the pager's, updated by the mapping given."""


def _pager(
    request: RequestFn,
    path: str,
    page_type: type[PG],
    params: Mapping[str, object],
    extra: RequestOptions,
    *,
    items: Callable[[PG], Iterable[T]],
    walk: Callable[[Get[PG]], AsyncGenerator[PG]],
) -> AsyncPager[T, PG]:
    """A pager over `GET path?params`; `walk` says which page to ask for after each one."""
    shown = _checked(path, page_type, params, extra)

    def get(update: Mapping[str, object]) -> Coroutine[Any, Any, PG]:
        return request("GET", path, page_type, params={**params, **update}, extra=extra)

    return AsyncPager(lambda: get({}), lambda: walk(get), items, shown)


def numbered_pager(
    request: RequestFn,
    path: str,
    page_type: type[NP],
    params: Mapping[str, object],
    extra: RequestOptions,
    *,
    items: Callable[[NP], Iterable[T]],
) -> AsyncPager[T, NP]:
    """A pager over `GET path?params`, whose `pageNumber` (in `params`, checked) is where
    it starts; the pages after it are asked for by number."""
    given = params["pageNumber"]
    start = given if isinstance(given, int) else 1

    def walk(get: Get[NP]) -> AsyncGenerator[NP]:
        return walk_numbered(lambda number: get({"pageNumber": number}), start)

    return _pager(request, path, page_type, params, extra, items=items, walk=walk)


def cursor_pager(
    request: RequestFn,
    path: str,
    page_type: type[CP],
    params: Mapping[str, object],
    extra: RequestOptions,
    *,
    items: Callable[[CP], Iterable[T]],
) -> AsyncPager[T, CP]:
    """A pager over `GET path?params`, whose `cursor` (in `params`, checked) is where it
    starts; each page's `next_cursor` asks for the next."""
    given = params["cursor"]
    start = given if isinstance(given, str) else None

    def walk(get: Get[CP]) -> AsyncGenerator[CP]:
        return walk_cursor(lambda cursor: get({"cursor": cursor}), start)

    return _pager(request, path, page_type, params, extra, items=items, walk=walk)


def offset_pager(
    request: RequestFn,
    path: str,
    page_type: type[OP],
    params: Mapping[str, object],
    extra: RequestOptions,
    *,
    items: Callable[[OP], Sequence[T]],
) -> AsyncPager[T, OP]:
    """A pager over `GET path?params`, whose `offset` (in `params`, checked; NOT_GIVEN is
    falsy) is where it starts; each next page is asked for at the offset after the items
    received."""
    start = cast(int, params["offset"] or 0)
    return _pager(
        request,
        path,
        page_type,
        params,
        extra,
        items=items,
        walk=lambda get: walk_offset(lambda offset: get({"offset": offset}), start, items),
    )


async def walk_offset(
    fetch: Callable[[int], Awaitable[OP]], start: int, items: Callable[[OP], Sequence[object]]
) -> AsyncGenerator[OP]:
    """Pages from offset `start` on, each at the offset after the last one's items, until
    the total is reached or a page is empty. A server that answers another offset than the
    one asked for ends the walk, that page left out, as `walk_numbered` does."""
    offset = start
    while True:
        page = await fetch(offset)
        if page.offset != offset:
            return
        yield page
        offset += len(items(page))
        if not items(page) or offset >= page.total:
            return


async def walk_numbered(fetch: Callable[[int], Awaitable[NP]], start: int) -> AsyncGenerator[NP]:
    """Pages `start`, `start + 1`, ... until the total is reached or a page is empty.

    A server that answers another page than the one asked for (ignoring `pageNumber`) ends
    the walk, that page left out, rather than sending it round in circles.
    """
    number = start
    while True:
        page = await fetch(number)
        if page.page_number != number:
            return
        yield page
        if not page.items or page.page_number * page.page_size >= page.total_items:
            return
        number += 1


async def walk_cursor(
    fetch: Callable[[str | None], Awaitable[CP]], start: str | None
) -> AsyncGenerator[CP]:
    """Each page from `start` on, passing each page's `next_cursor` to the next fetch.

    Stops when `has_more` is false, when there is no cursor, or when a cursor comes back a
    second time (a server bug that would otherwise loop forever).
    """
    cursor = start
    seen: set[str] = set()
    while True:
        page = await fetch(cursor)
        yield page
        if cursor is not None:
            seen.add(cursor)
        cursor = page.next_cursor
        if not page.has_more or not cursor or cursor in seen:
            return
