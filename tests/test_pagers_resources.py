"""The other resources' pagers on the fake cloud: `sessions.list` (numbered pages) and
`browsers.downloads` (cursor pages) walk every item, refuse a bad filter with nothing sent,
and send nothing more once a loop is left."""

import asyncio
import math
import uuid

import pytest

from browser_use_async import AsyncBrowserUse, BrowserUse, InvalidArgumentError
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._fake import RecordedRequest

SIZE = 3
COUNTS = [0, 1, SIZE, SIZE + 1, 3 * SIZE]


def sent(fake: FakeBrowserUseCloud, path: str) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.path == f"/api/v2{path}"]


async def browser_with_files(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, count: int
) -> uuid.UUID:
    browser = (await client.browsers.create()).id
    for n in range(count):
        fake.add_download(browser, f"downloads/{n}.txt", b"x" * n)
    fake.requests.clear()
    return browser


@pytest.mark.parametrize("count", COUNTS)
async def test_sessions_list_walks_every_numbered_page(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, count: int
) -> None:
    made = {fake.create_session() for _ in range(count)}
    async with asyncio.timeout(10):
        seen = [s.id async for s in client.sessions.list(page_size=SIZE)]
    assert sorted(seen) == sorted(made)
    pages = max(1, math.ceil(count / SIZE))
    assert [r.query for r in sent(fake, "/sessions")] == [
        {"pageSize": str(SIZE), "pageNumber": str(n)} for n in range(1, pages + 1)
    ]


@pytest.mark.parametrize("count", COUNTS)
async def test_browsers_downloads_walks_every_cursor_page(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, count: int
) -> None:
    browser = await browser_with_files(fake, client, count)
    async with asyncio.timeout(10):
        seen = [f.path async for f in client.browsers.downloads(browser, limit=SIZE)]
    assert seen == [f"downloads/{n}.txt" for n in range(count)]
    requests = sent(fake, f"/browsers/{browser}/downloads")
    assert len(requests) == max(1, math.ceil(count / SIZE))
    assert "cursor" not in requests[0].query
    assert all("cursor" in r.query for r in requests[1:])


def test_the_sync_pagers_walk_the_same(threaded_fake: FakeBrowserUseCloud) -> None:
    fake = threaded_fake
    made = {fake.create_session() for _ in range(SIZE + 1)}
    with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        assert {s.id for s in client.sessions.list(page_size=SIZE)} == made
        assert len(client.sessions.list(page_size=SIZE).page().items) == SIZE
        browser = client.browsers.create().id
        for n in range(SIZE + 1):
            fake.add_download(browser, f"downloads/{n}.txt", b"x")
        files = [f.path for f in client.browsers.downloads(browser, limit=SIZE)]
    assert files == [f"downloads/{n}.txt" for n in range(SIZE + 1)]


async def test_a_bad_filter_is_refused_at_the_call_with_nothing_sent(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    browser = await browser_with_files(fake, client, 2)
    with pytest.raises(InvalidArgumentError, match="filter_by"):
        client.sessions.list(filter_by="sleeping")
    with pytest.raises(InvalidArgumentError, match="page_size"):
        client.sessions.list(page_size=0)
    with pytest.raises(InvalidArgumentError, match="limit"):
        client.browsers.downloads(browser, limit=101)
    with pytest.raises(InvalidArgumentError, match="include_urls"):
        client.browsers.downloads(browser, include_urls="yes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert fake.requests == []


async def test_leaving_a_loop_early_sends_nothing_more(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for _ in range(3 * SIZE):
        fake.create_session()
    browser = await browser_with_files(fake, client, 3 * SIZE)
    async with asyncio.timeout(10):
        async for _ in client.sessions.list(page_size=SIZE):
            break
        async for _ in client.browsers.downloads(browser, limit=SIZE):
            break
        await asyncio.sleep(0.05)  # a prefetch, if there were one, would show by now
    assert len(sent(fake, "/sessions")) == 1
    assert len(sent(fake, f"/browsers/{browser}/downloads")) == 1
