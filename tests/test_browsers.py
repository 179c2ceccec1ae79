"""Browser sessions: wire format, parsed results, argument checks, pages and cursors."""

import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError
from browser_use_async.models import (
    BrowserDownloadFile,
    BrowserDownloadListResponse,
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionStatus,
    BrowserSessionUpdateAction,
    BrowserSessionView,
    CustomProxy,
)
from tests.conftest import CannedServer
from tests.samples import SESSION_ID

AGENT_SESSION_ID = "11111111-2222-4333-8444-555555555555"
PROFILE_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
BASE = f"/api/v2/browsers/{SESSION_ID}"


def browser(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": SESSION_ID,
        "status": "active",
        "timeoutAt": "2025-01-02T04:04:05",
        "startedAt": "2025-01-02T03:04:05",
    }
    body.update(overrides)
    return body


def encode(body: object) -> bytes:
    return json.dumps(body).encode()


def page(numbers: range, page_number: int, page_size: int, total: int) -> bytes:
    items = [browser(id=str(uuid.UUID(int=n))) for n in numbers]
    return encode(
        {"items": items, "totalItems": total, "pageNumber": page_number, "pageSize": page_size}
    )


def downloads(names: list[str], next_cursor: str | None, has_more: bool) -> bytes:
    files = [
        {"path": name, "size": len(name), "lastModified": "2025-01-02T03:04:05Z"} for name in names
    ]
    return encode({"files": files, "nextCursor": next_cursor, "hasMore": has_more})


async def test_list_sends_only_given_parameters_and_parses_the_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page(range(1, 3), 1, 10, 2))
    result = await canned_client.browsers.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/browsers"
    assert isinstance(result, BrowserSessionListResponse)
    assert [type(b) for b in result.items] == [BrowserSessionItemView] * 2
    first = result.items[0]
    assert first.status is BrowserSessionStatus.ACTIVE
    assert first.timeout_at == dt.datetime(2025, 1, 2, 4, 4, 5, tzinfo=dt.UTC)
    assert first.browser_cost == decimal.Decimal(0)
    assert (first.cdp_url, first.agent_session_id) == (None, None)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page(range(0), 1, 100, 0))
    await canned_client.browsers.list(page_size=100, page_number=1, filter_by="stopped")
    assert canned.requests[0].query == {"pageSize": "100", "pageNumber": "1", "filterBy": "stopped"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"filter_by": "x"}, "filter_by"),
        ({"page_number": 1.5}, "page_number"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.browsers.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page(range(1, 3), 1, 2, 3))
    canned.then(200, page(range(3, 4), 2, 2, 3))
    ids = [b.id.int async for b in canned_client.browsers.list(page_size=2)]
    assert ids == [1, 2, 3]
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2"]


async def test_create_sends_what_was_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    body = browser(cdpUrl="wss://cdp.example.com/1", liveUrl="https://live.example.com/1")
    canned.respond(201, encode(body))
    created = await canned_client.browsers.create(
        profile_id=PROFILE_ID,
        proxy_country_code="uk",
        timeout=240,
        browser_screen_width=None,
        browser_screen_height=3456,
        allow_resizing=True,
        custom_proxy=CustomProxy(host="p", port=3128, username="u", password="pw"),
        enable_recording=False,
    )
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path == "/api/v2/browsers"
    assert json.loads(canned.bodies[0]) == {
        "profileId": PROFILE_ID,
        "proxyCountryCode": "uk",
        "timeout": 240,
        "browserScreenWidth": None,
        "browserScreenHeight": 3456,
        "allowResizing": True,
        "customProxy": {"host": "p", "port": 3128, "username": "u", "password": "pw"},
        "enableRecording": False,
    }
    assert isinstance(created, BrowserSessionItemView)
    assert created.cdp_url == "wss://cdp.example.com/1"


async def test_create_without_arguments(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(201, encode(browser()))
    await canned_client.browsers.create()
    assert canned.bodies[0] == b"{}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": 241}, "timeout"),
        ({"proxy_country_code": "zz"}, "proxy_country_code"),
        ({"browser_screen_width": 6145}, "browser_screen_width"),
        ({"allow_resizing": "true"}, "allow_resizing"),
        ({"profile_id": 7}, "UUID"),
    ],
)
async def test_create_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.browsers.create(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_get(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    body = browser(
        status="stopped",
        finishedAt="2025-01-02T03:34:05Z",
        proxyUsedMb="1.5",
        proxyCost="0.01",
        browserCost="0.02",
        agentSessionId=AGENT_SESSION_ID,
        recordingUrl="https://rec.example.com/r.mp4",
    )
    canned.respond(200, encode(body))
    found = await canned_client.browsers.get(SESSION_ID)
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == BASE
    assert isinstance(found, BrowserSessionView)
    assert found.status is BrowserSessionStatus.STOPPED
    assert found.agent_session_id == uuid.UUID(AGENT_SESSION_ID)
    assert (found.proxy_used_mb, found.proxy_cost, found.browser_cost) == (
        decimal.Decimal("1.5"),
        decimal.Decimal("0.01"),
        decimal.Decimal("0.02"),
    )
    assert found.recording_url == "https://rec.example.com/r.mp4"


@pytest.mark.parametrize("method", ["update", "stop"])
async def test_update_and_stop_send_the_stop_action(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str
) -> None:
    canned.respond(200, encode(browser(status="stopped")))
    if method == "update":
        stopped = await canned_client.browsers.update(SESSION_ID, action="stop")
    else:
        stopped = await canned_client.browsers.stop(SESSION_ID)
    assert canned.requests[0].method == "PATCH"
    assert canned.requests[0].path == BASE
    assert canned.bodies[0] == b'{"action":"stop"}'
    assert isinstance(stopped, BrowserSessionView)
    assert stopped.status is BrowserSessionStatus.STOPPED


async def test_update_refuses_an_unknown_action(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="action"):
        await canned_client.browsers.update(SESSION_ID, action="resume")
    assert BrowserSessionUpdateAction("stop") is BrowserSessionUpdateAction.STOP
    assert canned.requests == []


async def test_downloads_first_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, downloads(["a.pdf"], None, False))
    result = await canned_client.browsers.downloads(SESSION_ID)
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == f"{BASE}/downloads"
    assert isinstance(result, BrowserDownloadListResponse)
    assert result.files == [
        BrowserDownloadFile(
            path="a.pdf", size=5, last_modified=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        )
    ]
    assert (result.next_cursor, result.has_more) == (None, False)


async def test_downloads_query_parameters(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    body = {
        "files": [
            {
                "path": "b.csv",
                "size": 10,
                "lastModified": "2025-01-02T03:04:05Z",
                "url": "https://files.example.com/b.csv?sig=1",
            }
        ]
    }
    canned.respond(200, encode(body))
    result = await canned_client.browsers.downloads(
        SESSION_ID, limit=100, cursor="abc/+=", include_urls=True
    )
    assert canned.requests[0].query == {"limit": "100", "cursor": "abc/+=", "includeUrls": "true"}
    assert "cursor=abc%2F%2B%3D" in canned.requests[0].path_qs
    assert result.files[0].url == "https://files.example.com/b.csv?sig=1"
    assert result.has_more is False  # the spec's default when absent


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": 5}, "cursor"),
        ({"include_urls": "yes"}, "include_urls"),
    ],
)
async def test_downloads_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.browsers.downloads(SESSION_ID, **kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_downloads_pager_follows_the_cursor(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.then(200, downloads(["1", "2"], "c1", True))
    canned.then(200, downloads(["3", "4"], "c2", True))
    canned.then(200, downloads(["5"], None, False))
    names = [
        f.path
        async for f in canned_client.browsers.downloads(SESSION_ID, limit=2, include_urls=True)
    ]
    assert names == ["1", "2", "3", "4", "5"]
    assert [r.query for r in canned.requests] == [
        {"limit": "2", "includeUrls": "true"},
        {"limit": "2", "includeUrls": "true", "cursor": "c1"},
        {"limit": "2", "includeUrls": "true", "cursor": "c2"},
    ]
    assert {r.path for r in canned.requests} == {f"{BASE}/downloads"}


@pytest.mark.parametrize(
    "last_page",
    [
        downloads(["3"], "c9", False),  # has_more false despite a cursor
        downloads(["3"], None, True),  # more promised, but no cursor to get it
        downloads(["3"], "c1", True),  # the same cursor again: would loop forever
    ],
)
async def test_downloads_pager_stops(
    canned: CannedServer, canned_client: AsyncBrowserUse, last_page: bytes
) -> None:
    canned.then(200, downloads(["1", "2"], "c1", True))
    canned.then(200, last_page)
    canned.respond(200, downloads(["never"], None, False))
    names = [f.path async for f in canned_client.browsers.downloads(SESSION_ID)]
    assert names == ["1", "2", "3"]
    assert len(canned.requests) == 2


@pytest.mark.parametrize(
    ("method", "args"),
    [("get", ()), ("stop", ()), ("downloads", ()), ("update", ("stop",))],
)
async def test_session_ids_are_checked_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str, args: tuple[str, ...]
) -> None:
    kwargs = {"action": args[0]} if args else {}
    with pytest.raises(InvalidArgumentError, match="session_id must be a UUID"):
        await getattr(canned_client.browsers, method)("1234", **kwargs)
    with pytest.raises(InvalidArgumentError, match="session_id must be a UUID"):
        canned_client.browsers.downloads("1234")  # not awaited: refused at the call
    assert canned.requests == []
