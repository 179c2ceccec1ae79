"""v4's keyset pages: `limit` rows after the `cursor`, with `nextCursor` and `hasMore`."""

from collections.abc import Callable
from typing import Any

from browser_use_async.testing._http import HTTPProblem, encode_cursor, read_cursor

__all__ = ["MALFORMED_CURSOR", "keyset_page", "newest_first"]

JSON = dict[str, Any]
MALFORMED_CURSOR = "Malformed pagination cursor."
_RANKS = 10**12


def newest_first(rank: int) -> str:
    """A page order key for the `rank`-th row made: the last made first."""
    return f"{_RANKS - rank:013d}"


def keyset_page(
    rows: list[JSON], order: Callable[[JSON], str], cursor: str | None, limit: int, kind: str
) -> tuple[list[JSON], str | None, bool]:
    """The rows of one page (in `order`), the cursor of the next page, and whether there is
    one. The cursor names the order key of the last row given, so rows made meanwhile never
    shift a page; one this fake did not make answers the API's 400."""
    ranked = sorted(rows, key=order)
    if cursor is not None:
        seen = read_cursor(kind, cursor)
        if seen is None:
            raise HTTPProblem(400, MALFORMED_CURSOR)
        ranked = [row for row in ranked if order(row) > seen]
    chunk = ranked[: max(limit, 1)]
    more = len(ranked) > len(chunk)
    return chunk, encode_cursor(kind, order(chunk[-1])) if more else None, more
