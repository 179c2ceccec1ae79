"""List methods return pagers: `await` one for a page, `async for` over it for every item
from that page on. Against the fake cloud (and, for cancellation, a server on 127.0.0.1 that
never answers the second page), async and sync."""

import asyncio
import gc
import json
import math
import threading
import warnings
from collections.abc import AsyncIterator
from typing import Any, assert_type, cast

import pytest
from aiohttp import web

from browser_use_async import (
    AsyncBrowserUse,
    AsyncPager,
    BrowserDownloadFile,
    BrowserUse,
    InvalidArgumentError,
    Pager,
    RawResponse,
    TaskItemView,
    TaskListResponse,
)
from browser_use_async.models import BrowserDownloadListResponse
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._fake import RecordedRequest
from tests.conftest import CannedServer, ServerThread
from tests.samples import SESSION_ID
from tests.test_browsers import downloads
from tests.test_tasks_read import item

SIZE = 4
SECRET = "hdr-secret-swordfish-0123456789"


def listed(fake: FakeBrowserUseCloud) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.path == "/api/v2/tasks"]


@pytest.mark.parametrize("count", [0, 1, SIZE, SIZE + 1, 3 * SIZE])
async def test_iterating_yields_every_item_page_after_page(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, count: int
) -> None:
    made = [fake.create_task(f"task {n}") for n in range(count)]
    async with asyncio.timeout(10):
        seen = [task.id async for task in client.tasks.list(page_size=SIZE)]
    assert sorted(seen) == sorted(made)
    pages = max(1, math.ceil(count / SIZE))  # an empty first page is asked for too
    assert [r.query for r in listed(fake)] == [
        {"pageSize": str(SIZE), "pageNumber": str(n)} for n in range(1, pages + 1)
    ]


async def test_awaiting_sends_one_request_for_the_page_as_given(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for n in range(10):
        fake.create_task(f"task {n}")
    pager = client.tasks.list(page_size=SIZE, page_number=2, filter_by="started")
    assert_type(pager, AsyncPager[TaskItemView, TaskListResponse])
    assert fake.requests == []  # the call sends nothing
    page = await pager
    assert_type(page, TaskListResponse)
    assert (page.page_number, page.page_size, page.total_items, len(page.items)) == (2, 4, 10, 4)
    again = await pager.page()
    assert again == page
    assert [r.query for r in listed(fake)] == 2 * [
        {"pageSize": "4", "pageNumber": "2", "filterBy": "started"}
    ]
    await client.tasks.list()
    assert listed(fake)[-1].query == {}  # what is not given is not sent, as before


async def test_the_walk_starts_at_the_page_given(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for n in range(10):
        fake.create_task(f"task {n}")
    pager = client.tasks.list(page_size=SIZE, page_number=2)
    first = await pager
    async with asyncio.timeout(10):
        items = [task async for task in pager]
        pages = [page async for page in pager.pages()]
    assert_type(items, list[TaskItemView])
    assert_type(pages, list[TaskListResponse])
    assert [p.page_number for p in pages] == [2, 3]
    assert [len(p.items) for p in pages] == [4, 2]
    assert items == [*first.items, *pages[1].items]
    assert [r.query["pageNumber"] for r in listed(fake)] == ["2", "2", "3", "2", "3"]


async def test_a_pager_can_be_used_again_and_reads_the_state_of_then(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for n in range(5):
        fake.create_task(f"task {n}")
    pager = client.tasks.list(page_size=2)
    async with asyncio.timeout(10):
        first = [task.id async for task in pager]
        second = [task.id async for task in pager]
        fake.create_task("one more")
        third = [task.id async for task in pager]
        one, other = aiter(pager), aiter(pager)  # two walks at once go their own ways
        assert (await anext(one)).id == (await anext(other)).id
        assert len([t async for t in one]) == 5
    assert first == second
    assert len(first) == 5
    assert len(third) == 6
    assert len(listed(fake)) == 3 + 3 + 3 + 1 + 3


@pytest.mark.parametrize(
    "arguments",
    [
        {"page_size": 0},
        {"page_size": 101},
        {"page_number": 0},
        {"filter_by": "sleeping"},
        {"session_id": "not-a-uuid"},
        {"after": "yesterday"},
        {"extra_headers": {"bad name": "x"}},
        {"extra_query": {"k": object()}},
        {"extra_body": {"a": 1}},  # a list sends no body
        {"extra_heders": {"X-A": "b"}},
    ],
    ids=lambda arguments: next(iter(arguments)),
)
async def test_bad_arguments_are_refused_at_the_call_with_nothing_sent(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArgumentError):
        client.tasks.list(**arguments)  # not awaited, not iterated
    with pytest.raises(InvalidArgumentError):  # at the call, before a coroutine is made
        client.tasks.with_raw_response.list(**arguments).close()
    assert fake.requests == []


async def test_leaving_a_loop_early_sends_no_further_request(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for n in range(12):
        fake.create_task(f"task {n}")
    async with asyncio.timeout(10):
        async for number, _ in aenumerate(client.tasks.list(page_size=SIZE)):
            if number == SIZE + 1:  # the second item of the second page
                break
        async for _ in client.tasks.list(page_size=SIZE).pages():
            break
        await asyncio.sleep(0.05)
    gc.collect()
    assert [r.query["pageNumber"] for r in listed(fake)] == ["1", "2", "1"]


async def aenumerate(
    source: AsyncPager[TaskItemView, Any],
) -> AsyncIterator[tuple[int, TaskItemView]]:
    number = 0
    async for each in source:
        yield number, each
        number += 1


async def test_cancelling_a_walk_midway_leaves_nothing_behind(
    server_thread: ServerThread,
) -> None:
    """Cancelled while page 2 is on its way: the request's connection is dropped (the server
    sees its handler cancelled), no task is left, and the client goes on working."""
    asked, dropped = threading.Event(), threading.Event()

    async def tasks(request: web.Request) -> web.Response:
        number = int(request.query.get("pageNumber", "1"))
        if number == 2:
            asked.set()
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                dropped.set()
                raise
        items = [item(n) for n in (1, 2)]
        body = {"items": items, "totalItems": 6, "pageNumber": number, "pageSize": 2}
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/api/v2/tasks", tasks)
    base_url = server_thread.serve(app, handler_cancellation=True)
    seen: list[TaskItemView] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with AsyncBrowserUse(api_key="bu_key", base_url=base_url) as client:

            async def walk() -> None:
                async for task in client.tasks.list(page_size=2):
                    seen.append(task)

            walking = asyncio.create_task(walk())
            assert await asyncio.to_thread(asked.wait, 10)
            walking.cancel()
            with pytest.raises(asyncio.CancelledError):
                await walking
            assert await asyncio.to_thread(dropped.wait, 10)
            assert asyncio.all_tasks() == {asyncio.current_task()}
            page = await client.tasks.list(page_size=2)
            assert len(page.items) == 2
        gc.collect()
    assert len(seen) == 2
    assert [str(w.message) for w in caught] == []


async def test_raw_responses_of_a_list_are_its_one_page(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for n in range(3):
        fake.create_task(f"task {n}")
    raw = await client.tasks.with_raw_response.list(page_size=2, page_number=2)
    assert_type(raw, RawResponse[TaskListResponse])
    assert raw.status_code == 200
    page = raw.parse()
    assert (page.page_number, len(page.items)) == (2, 1)
    assert json.loads(raw.content)["pageNumber"] == 2
    assert len(listed(fake)) == 1


async def test_a_pager_shows_what_it_lists_and_no_option(client: AsyncBrowserUse) -> None:
    pager = client.tasks.list(page_size=20, filter_by="finished", extra_headers={"X-S": SECRET})
    assert repr(pager) == (
        "<AsyncPager GET /tasks?pageSize=20&filterBy=finished, TaskListResponse pages>"
    )


def test_the_sync_pager(threaded_fake: FakeBrowserUseCloud) -> None:
    made = {threaded_fake.create_task(f"task {n}") for n in range(9)}
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        pager = client.tasks.list(page_size=SIZE, extra_headers={"X-S": SECRET})
        assert_type(pager, Pager[TaskItemView, TaskListResponse])
        assert repr(pager) == "<Pager GET /tasks?pageSize=4, TaskListResponse pages>"
        assert threaded_fake.requests == []
        page = pager.page()
        assert_type(page, TaskListResponse)
        assert (page.page_number, len(page.items), page.total_items) == (1, 4, 9)
        items = list(pager)
        assert_type(items, list[TaskItemView])
        assert {task.id for task in items} == made
        assert [p.page_number for p in pager.pages()] == [1, 2, 3]
        assert list(pager) == items  # used again, from the first page again
        for number, _ in enumerate(pager):
            if number == 4:  # the first item of page 2
                break
        raw = client.tasks.with_raw_response.list(page_size=SIZE, page_number=3)
        assert_type(raw, RawResponse[TaskListResponse])
        assert len(raw.parse().items) == 1
        with pytest.raises(InvalidArgumentError):
            client.tasks.list(page_size=0)
        with pytest.raises(InvalidArgumentError):
            client.tasks.list(**cast(Any, {"extra_headers": {"bad name": "x"}}))
    assert [r.query["pageNumber"] for r in listed(threaded_fake)[1:]] == [
        *("1", "2", "3"),
        *("1", "2", "3"),
        *("1", "2", "3"),
        *("1", "2"),
        "3",
    ]
    assert all(r.headers["X-S"] == SECRET for r in listed(threaded_fake)[:-1])


async def test_a_cursor_pager_starts_at_the_cursor_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.then(200, downloads(["3", "4"], "c2", True))
    canned.then(200, downloads(["3", "4"], "c2", True))
    canned.then(200, downloads(["5"], None, False))
    canned.then(200, downloads(["3", "4"], "c2", True))
    canned.then(200, downloads(["5"], None, False))
    pager = canned_client.browsers.downloads(SESSION_ID, limit=2, cursor="c1")
    assert_type(pager, AsyncPager[BrowserDownloadFile, BrowserDownloadListResponse])
    assert canned.requests == []
    page = await pager
    assert_type(page, BrowserDownloadListResponse)
    assert [f.path for f in page.files] == ["3", "4"]
    async with asyncio.timeout(10):
        names = [f.path async for f in pager]
        pages = [p async for p in pager.pages()]
    assert names == ["3", "4", "5"]
    assert [p.next_cursor for p in pages] == ["c2", None]
    assert [r.query.get("cursor") for r in canned.requests] == ["c1", "c1", "c2", "c1", "c2"]
    assert repr(pager) == (
        f"<AsyncPager GET /browsers/{SESSION_ID}/downloads?limit=2&cursor=c1, "
        "BrowserDownloadListResponse pages>"
    )
