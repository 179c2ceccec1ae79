"""Browser profiles: wire format, parsed results, argument checks, pagination."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError
from browser_use_async.models import ProfileListResponse, ProfileView
from tests.conftest import CannedServer

PROFILE_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
BASE = f"/api/v2/profiles/{PROFILE_ID}"


def profile(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": PROFILE_ID,
        "createdAt": "2025-01-02T03:04:05",
        "updatedAt": "2025-01-03T03:04:05Z",
    }
    body.update(overrides)
    return body


def encode(body: object) -> bytes:
    return json.dumps(body).encode()


def page(numbers: range, page_number: int, page_size: int, total: int) -> bytes:
    items = [profile(id=str(uuid.UUID(int=n)), name=f"p{n}") for n in numbers]
    return encode(
        {"items": items, "totalItems": total, "pageNumber": page_number, "pageSize": page_size}
    )


async def test_list_sends_only_given_parameters_and_parses_the_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page(range(1, 3), 1, 10, 2))
    result = await canned_client.profiles.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/profiles"
    assert isinstance(result, ProfileListResponse)
    assert [p.name for p in result.items] == ["p1", "p2"]
    assert all(isinstance(p, ProfileView) for p in result.items)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page(range(0), 4, 20, 0))
    await canned_client.profiles.list(page_size=20, page_number=4, query="user 42/ä")
    assert canned.requests[0].query == {"pageSize": "20", "pageNumber": "4", "query": "user 42/ä"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page_number": -1}, "page_number"),
        ({"query": "q" * 201}, "query"),
        ({"query": 42}, "query"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.profiles.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page(range(1, 4), 1, 3, 4))
    canned.then(200, page(range(4, 5), 2, 3, 4))
    names = [p.name async for p in canned_client.profiles.list(page_size=3, query="p")]
    assert names == ["p1", "p2", "p3", "p4"]
    assert [r.query for r in canned.requests] == [
        {"pageSize": "3", "pageNumber": "1", "query": "p"},
        {"pageSize": "3", "pageNumber": "2", "query": "p"},
    ]


async def test_create(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(201, encode(profile(name="Ada", userId="u-1", cookieDomains=[])))
    created = await canned_client.profiles.create(name="Ada", user_id="u-1")
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path == "/api/v2/profiles"
    assert json.loads(canned.bodies[0]) == {"name": "Ada", "userId": "u-1"}
    assert created.id == uuid.UUID(PROFILE_ID)
    assert created.created_at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert (created.name, created.user_id, created.cookie_domains) == ("Ada", "u-1", [])
    assert created.last_used_at is None


async def test_create_without_arguments(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(201, encode(profile()))
    created = await canned_client.profiles.create()
    assert canned.bodies[0] == b"{}"
    assert (created.name, created.user_id, created.cookie_domains) == (None, None, None)


@pytest.mark.parametrize("method", ["create", "update"])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"name": "n" * 101}, "name"), ({"user_id": "u" * 256}, "user_id"), ({"name": 1}, "name")],
)
async def test_create_and_update_check_lengths_before_sending(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    method: str,
    kwargs: dict[str, object],
    message: str,
) -> None:
    args = [PROFILE_ID] if method == "update" else []
    with pytest.raises(InvalidArgumentError, match=message):
        await getattr(canned_client.profiles, method)(*args, **kwargs)
    assert canned.requests == []


async def test_get(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    body = profile(lastUsedAt="2025-02-01T00:00:00Z", cookieDomains=["example.com"])
    canned.respond(200, encode(body))
    found = await canned_client.profiles.get(uuid.UUID(PROFILE_ID))
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == BASE
    assert found.last_used_at == dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    assert found.cookie_domains == ["example.com"]


async def test_update_sends_only_what_was_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, encode(profile(name="New")))
    updated = await canned_client.profiles.update(PROFILE_ID, name="New", user_id=None)
    assert canned.requests[0].method == "PATCH"
    assert canned.requests[0].path == BASE
    assert json.loads(canned.bodies[0]) == {"name": "New", "userId": None}
    assert updated.name == "New"


async def test_delete_returns_none(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(204, b"", headers={})
    result = await canned_client.profiles.delete(PROFILE_ID)  # type: ignore[func-returns-value]
    assert result is None
    assert canned.requests[0].method == "DELETE"
    assert canned.requests[0].path == BASE


@pytest.mark.parametrize("method", ["get", "update", "delete"])
async def test_profile_ids_are_checked_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="profile_id must be a UUID"):
        await getattr(canned_client.profiles, method)("me")
    assert canned.requests == []
