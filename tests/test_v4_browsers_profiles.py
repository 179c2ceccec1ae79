"""v4 browsers and profiles: the v2 operations (and models) under the v4 root, numbered and
cursor pages, raw and sync twins."""

import json
import uuid
from typing import Any

import pytest

from browser_use_async import InvalidArgumentError
from browser_use_async.resources.browsers import AsyncBrowsers as V2Browsers
from browser_use_async.resources.profiles import AsyncProfiles as V2Profiles
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse
from browser_use_async.v4.models import (
    BrowserDownloadListResponse,
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionStatus,
    BrowserSessionView,
    ProfileView,
)
from tests.conftest import CannedServer
from tests.v4_rest import KEY, encode, v4_canned, v4_url

__all__ = ["v4_canned"]  # fixtures

BROWSER_ID = "8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f"
PROFILE_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"


def browser(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": BROWSER_ID,
        "status": "active",
        "timeoutAt": "2026-01-02T04:04:05Z",
        "startedAt": "2026-01-02T03:04:05Z",
    }
    return body | overrides


def profile(number: int = 1) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=number)),
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:05Z",
        "name": f"p{number}",
    }


def profiles(numbers: range, page_number: int, total: int) -> bytes:
    items = [profile(n) for n in numbers]
    return encode({"items": items, "totalItems": total, "pageNumber": page_number, "pageSize": 2})


def test_v4_browsers_and_profiles_are_the_v2_operations() -> None:
    client = AsyncBrowserUse(KEY)
    assert isinstance(client.browsers, V2Browsers)
    assert isinstance(client.profiles, V2Profiles)


async def test_browsers_on_the_v4_root(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(201, encode(browser(cdpUrl="wss://cdp.example/1")))
    created = await v4_canned.browsers.create(timeout=30, proxy_country_code=None)
    assert isinstance(created, BrowserSessionItemView)
    assert created.cdp_url == "wss://cdp.example/1"
    assert json.loads(canned.bodies[0]) == {"timeout": 30, "proxyCountryCode": None}
    canned.then(200, encode(browser()))
    assert isinstance(await v4_canned.browsers.get(BROWSER_ID), BrowserSessionView)
    canned.then(200, encode(browser(status="stopped")))
    stopped = await v4_canned.browsers.stop(BROWSER_ID)
    assert stopped.status is BrowserSessionStatus.STOPPED
    assert canned.bodies[2] == b'{"action":"stop"}'
    listing = {"items": [browser()], "totalItems": 1, "pageNumber": 1, "pageSize": 10}
    canned.then(200, encode(listing))
    assert isinstance(await v4_canned.browsers.list(), BrowserSessionListResponse)
    files: dict[str, object] = {"files": [], "nextCursor": None, "hasMore": False}
    canned.then(200, encode(files))
    downloads = await v4_canned.browsers.downloads(BROWSER_ID, include_urls=True)
    assert isinstance(downloads, BrowserDownloadListResponse)
    assert [(r.method, r.path_qs) for r in canned.requests] == [
        ("POST", "/api/v4/browsers"),
        ("GET", f"/api/v4/browsers/{BROWSER_ID}"),
        ("PATCH", f"/api/v4/browsers/{BROWSER_ID}"),
        ("GET", "/api/v4/browsers"),
        ("GET", f"/api/v4/browsers/{BROWSER_ID}/downloads?includeUrls=true"),
    ]


async def test_browsers_list_filters_by_labels(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    listing: dict[str, object] = {"items": [], "totalItems": 0, "pageNumber": 1, "pageSize": 10}
    canned.respond(200, encode(listing))
    await v4_canned.browsers.list(metadata=["team", "env=prod stage"], filter_by="active")
    await v4_canned.browsers.list(metadata={"b", "a"})
    assert [r.path_qs for r in canned.requests] == [
        "/api/v4/browsers?filterBy=active&metadata=team&metadata=env%3Dprod%20stage",
        "/api/v4/browsers?metadata=a&metadata=b",
    ]
    with pytest.raises(InvalidArgumentError, match="metadata must be a list of strings"):
        v4_canned.browsers.list(metadata="team")
    assert len(canned.requests) == 2


async def test_profiles_walk_numbered_pages(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, profiles(range(1, 3), 1, 3))
    canned.then(200, profiles(range(3, 4), 2, 3))
    names = [p.name async for p in v4_canned.profiles.list(page_size=2, query="p")]
    assert names == ["p1", "p2", "p3"]
    assert [r.path_qs for r in canned.requests] == [
        "/api/v4/profiles?pageSize=2&pageNumber=1&query=p",
        "/api/v4/profiles?pageSize=2&pageNumber=2&query=p",
    ]


async def test_profiles_on_the_v4_root(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(201, encode(profile()))
    created = await v4_canned.profiles.create(name="p1", user_id="u-1")
    assert isinstance(created, ProfileView)
    canned.then(200, encode(profile()))
    await v4_canned.profiles.update(PROFILE_ID, name=None)
    canned.then(204, b"")
    await v4_canned.profiles.delete(PROFILE_ID)
    assert [(r.method, r.path) for r in canned.requests] == [
        ("POST", "/api/v4/profiles"),
        ("PATCH", f"/api/v4/profiles/{PROFILE_ID}"),
        ("DELETE", f"/api/v4/profiles/{PROFILE_ID}"),
    ]
    assert canned.bodies[:2] == [b'{"name":"p1","userId":"u-1"}', b'{"name":null}']


async def test_raw_twins(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.respond(200, encode(profile()))
    raw = await v4_canned.profiles.with_raw_response.get(PROFILE_ID)
    assert raw.status_code == 200
    assert isinstance(raw.parse(), ProfileView)
    canned.respond(200, encode(browser()))
    stopped = await v4_canned.browsers.with_raw_response.stop(BROWSER_ID)
    assert isinstance(stopped.parse(), BrowserSessionView)
    assert canned.requests[-1].path == f"/api/v4/browsers/{BROWSER_ID}"


def test_sync_twins(threaded_canned: CannedServer) -> None:
    with BrowserUse(api_key=KEY, base_url=v4_url(threaded_canned)) as client:
        threaded_canned.then(200, profiles(range(1, 3), 1, 3))
        threaded_canned.then(200, profiles(range(3, 4), 2, 3))
        names = [p.name for p in client.profiles.list(page_size=2)]
        threaded_canned.then(200, encode(browser()))
        found = client.browsers.get(BROWSER_ID)
        threaded_canned.then(200, encode(profile()))
        raw = client.profiles.with_raw_response.get(PROFILE_ID)
    assert names == ["p1", "p2", "p3"]
    assert isinstance(found, BrowserSessionView)
    assert isinstance(raw.parse(), ProfileView)
    assert threaded_canned.requests[-1].path == f"/api/v4/profiles/{PROFILE_ID}"
