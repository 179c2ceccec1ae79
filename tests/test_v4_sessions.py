"""v4 sessions and their follow-up queue: the wire format, typed answers, argument checks
before anything is sent, cursor pages, raw and sync twins."""

import decimal
import json
import uuid
from typing import Any

import pytest

from browser_use_async import (
    APIResponseValidationError,
    ConflictError,
    InvalidArgumentError,
    QueueFullError,
    RateLimitError,
    RawResponse,
    RetryPolicy,
)
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse
from browser_use_async.v4.models import (
    QueuedMessage,
    QueuedMessageStatus,
    QueueListResponse,
    RunStatus,
    SessionCostCapResponse,
    SessionCostResponse,
    SessionInfo,
    SessionListResponse,
    SessionShareInfo,
)
from tests.conftest import CannedServer
from tests.v4_rest import KEY, encode, v4_canned, v4_url

__all__ = ["v4_canned"]  # fixtures

SESSION_ID = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
RUN_ID = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
FILE_ID = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
BASE = f"/api/v4/sessions/{SESSION_ID}"


def session(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sessionId": SESSION_ID,
        "workspaceId": None,
        "latestRunId": RUN_ID,
        "task": "Find flights",
        "title": None,
        "status": "running",
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:06Z",
    }
    return body | overrides


def message(number: int = 1, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": number,
        "sessionId": SESSION_ID,
        "runId": None,
        "status": "pending",
        "text": "and hotels",
        "attachedFileIds": None,
        "mode": "queue",
        "createdAt": "2026-01-02T03:04:07Z",
    }
    return body | overrides


def page(numbers: range, next_cursor: str | None) -> bytes:
    sessions = [session(sessionId=str(uuid.UUID(int=n))) for n in numbers]
    return encode(
        {"sessions": sessions, "nextCursor": next_cursor, "hasMore": next_cursor is not None}
    )


async def test_list_walks_every_cursor_page(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, page(range(1, 3), "k2"))
    canned.then(200, page(range(3, 4), None))
    ids = [s.session_id.int async for s in v4_canned.sessions.list(limit=2)]
    assert ids == [1, 2, 3]
    assert [r.path_qs for r in canned.requests] == [
        "/api/v4/sessions?limit=2",
        "/api/v4/sessions?limit=2&cursor=k2",
    ]
    canned.then(200, page(range(1, 2), None))
    first = await v4_canned.sessions.list(cursor="k9")
    assert isinstance(first, SessionListResponse)
    assert canned.requests[-1].path_qs == "/api/v4/sessions?cursor=k9"
    [info] = first.sessions
    assert isinstance(info, SessionInfo)
    assert info.status is RunStatus.RUNNING


async def test_get_and_purge(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(200, encode(session(title="Trip", workspaceId=FILE_ID, status="completed")))
    found = await v4_canned.sessions.get(uuid.UUID(SESSION_ID))
    assert (found.title, found.workspace_id, found.status) == (
        "Trip",
        uuid.UUID(FILE_ID),
        RunStatus.COMPLETED,
    )
    assert found.latest_run_id == uuid.UUID(RUN_ID)
    canned.then(204, b"")
    await v4_canned.sessions.purge(SESSION_ID.upper())
    assert [(r.method, r.path) for r in canned.requests] == [
        ("GET", BASE),
        ("POST", f"{BASE}/purge"),
    ]
    assert canned.bodies[1] == b""


def share(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": FILE_ID,
        "shareToken": "tok",
        "sessionId": SESSION_ID,
        "isActive": True,
        "viewCount": 3,
        "createdAt": "2026-01-02T03:04:05Z",
        "shareUrl": "https://share.example/tok",
    }
    return body | overrides


async def test_update_and_delete(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(200, encode(session(title="Trip")))
    renamed = await v4_canned.sessions.update(SESSION_ID, title="Trip")
    canned.then(200, encode(session()))
    await v4_canned.sessions.update(SESSION_ID, title=None)
    canned.then(200, encode(session()))
    await v4_canned.sessions.update(SESSION_ID)
    canned.then(204, b"")
    await v4_canned.sessions.delete(SESSION_ID)
    assert renamed.title == "Trip"
    assert [(r.method, r.path) for r in canned.requests] == [("PATCH", BASE)] * 3 + [
        ("DELETE", BASE)
    ]
    assert canned.bodies == [b'{"title":"Trip"}', b'{"title":null}', b"{}", b""]


async def test_cost_and_its_cap(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    amounts = {
        "llmCostUsd": "0.10",
        "searchCostUsd": "0",
        "browserCostUsd": "0.02",
        "proxyCostUsd": "0.001",
        "proxyUsedMb": "1.5",
        "totalCostUsd": "0.121",
    }
    canned.then(200, encode({"sessionId": SESSION_ID, "numRuns": 2, **amounts}))
    cost = await v4_canned.sessions.cost(SESSION_ID)
    assert isinstance(cost, SessionCostResponse)
    assert (cost.num_runs, cost.total_cost_usd) == (2, decimal.Decimal("0.121"))
    assert cost.llm_cost_usd == decimal.Decimal("0.10")
    canned.then(200, encode({"sessionId": SESSION_ID, "maxCostUsd": "2.5"}))
    cap = await v4_canned.sessions.update_cost_cap(SESSION_ID, max_cost_usd=2.5)
    assert isinstance(cap, SessionCostCapResponse)
    assert cap.max_cost_usd == decimal.Decimal("2.5")
    assert [(r.method, r.path) for r in canned.requests] == [
        ("GET", f"{BASE}/cost"),
        ("PATCH", f"{BASE}/cost-cap"),
    ]
    assert canned.bodies[1] == b'{"maxCostUsd":"2.5"}'


@pytest.mark.parametrize("amount", [0, -1, "abc", float("nan"), None, True])
async def test_the_cost_cap_is_checked_before_sending(
    canned: CannedServer, v4_canned: AsyncBrowserUse, amount: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="max_cost_usd"):
        await v4_canned.sessions.update_cost_cap(SESSION_ID, max_cost_usd=amount)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_share(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(200, b"null")
    assert await v4_canned.sessions.get_share(SESSION_ID) is None
    canned.then(200, encode(share()))
    created = await v4_canned.sessions.create_share(SESSION_ID)
    assert isinstance(created, SessionShareInfo)
    assert (created.share_url, created.view_count) == ("https://share.example/tok", 3)
    canned.then(200, encode(share(isActive=False)))
    turned_off = await v4_canned.sessions.update_share(SESSION_ID, is_active=False)
    assert turned_off.is_active is False
    canned.then(200, encode(share()))
    assert await v4_canned.sessions.get_share(SESSION_ID) == created
    assert [(r.method, r.path) for r in canned.requests] == [
        ("GET", f"{BASE}/share"),
        ("POST", f"{BASE}/share"),
        ("PUT", f"{BASE}/share"),
        ("GET", f"{BASE}/share"),
    ]
    assert canned.bodies[2] == b'{"isActive":false}'
    canned.then(200, b"null")
    raw = await v4_canned.sessions.with_raw_response.get_share(SESSION_ID)
    assert raw.parse() is None
    assert "SessionShareInfo | None" in repr(raw)
    canned.then(200, b"[]")
    with pytest.raises(APIResponseValidationError, match=r"not a valid SessionShareInfo \| None"):
        await v4_canned.sessions.get_share(SESSION_ID)


async def test_create_share_is_retried_as_a_get_is(canned: CannedServer) -> None:
    canned.then(502, b"{}")
    canned.respond(200, encode(share()))
    policy = RetryPolicy(max_retries=1, initial_delay=0)
    async with AsyncBrowserUse(api_key=KEY, base_url=v4_url(canned), retry=policy) as client:
        shared = await client.sessions.create_share(SESSION_ID)
    assert shared.share_token == "tok"
    assert [r.method for r in canned.requests] == ["POST", "POST"]


async def test_get_queued(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.respond(200, encode(message(7, status="consumed", runId=RUN_ID)))
    found = await v4_canned.sessions.get_queued(SESSION_ID, 7)
    assert (found.status, found.run_id) == (QueuedMessageStatus.CONSUMED, uuid.UUID(RUN_ID))
    assert canned.requests[0].path == f"{BASE}/queue/7"


async def test_queue_sends_the_message(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.respond(200, encode(message(3, attachedFileIds=[FILE_ID])))
    queued = await v4_canned.sessions.queue(
        SESSION_ID, "and hotels", interrupt=True, attached_file_ids=[uuid.UUID(FILE_ID)]
    )
    [request] = canned.requests
    assert (request.method, request.path) == ("POST", f"{BASE}/queue")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(canned.bodies[0]) == {
        "text": "and hotels",
        "interrupt": True,
        "attachedFileIds": [FILE_ID],
    }
    assert isinstance(queued, QueuedMessage)
    assert (queued.id, queued.status) == (3, QueuedMessageStatus.PENDING)
    assert queued.attached_file_ids == [uuid.UUID(FILE_ID)]


async def test_queue_deduplicates_by_header(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.respond(200, encode(message()))
    await v4_canned.sessions.queue(SESSION_ID, "go on", deduplicate="exact-text-v1")
    await v4_canned.sessions.queue(SESSION_ID, "go on")
    assert canned.requests[0].headers["X-V4-Queue-Deduplicate"] == "exact-text-v1"
    assert "X-V4-Queue-Deduplicate" not in canned.requests[1].headers
    assert canned.bodies[0] == canned.bodies[1]


async def test_queue_defaults(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.respond(200, encode(message()))
    await v4_canned.sessions.queue(SESSION_ID, "go on")
    assert json.loads(canned.bodies[0]) == {"text": "go on", "interrupt": False}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"text": ""}, "text"),
        ({"text": None}, "text"),
        ({"interrupt": "yes"}, "interrupt"),
        ({"attached_file_ids": [FILE_ID] * 21}, "at most 20"),
        ({"attached_file_ids": ["f"]}, "UUID"),
        ({"attached_file_ids": FILE_ID}, "list of UUIDs"),
        ({"session_id": "s"}, "session_id"),
        ({"deduplicate": "exact-text-v1\r\nX: y"}, "deduplicate"),
        ({"deduplicate": None}, "deduplicate"),
        ({"extra_headers": {"X-Browser-Use-API-Key": "other"}}, "cannot set"),
    ],
)
async def test_queue_checks_arguments_before_sending(
    canned: CannedServer, v4_canned: AsyncBrowserUse, kwargs: dict[str, Any], match: str
) -> None:
    arguments: dict[str, Any] = {"session_id": SESSION_ID, "text": "hi"} | kwargs
    with pytest.raises(InvalidArgumentError, match=match):
        await v4_canned.sessions.queue(**arguments)
    assert canned.requests == []


async def test_a_full_queue_is_a_queue_full_error_and_is_not_resent(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    detail = {"code": "queue_full", "message": "The session message queue is full."}
    canned.respond(429, encode({"detail": detail}))
    with pytest.raises(QueueFullError, match="queue is full") as info:
        await v4_canned.sessions.queue(SESSION_ID, "more")
    assert isinstance(info.value, RateLimitError)
    assert info.value.status_code == 429
    assert len(canned.requests) == 1  # this client retries nothing


async def test_list_queue_and_cancel_queued(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, encode({"queue": [message(1), message(2, status="dispatching")]}))
    pending = await v4_canned.sessions.list_queue(SESSION_ID)
    assert isinstance(pending, QueueListResponse)
    assert [(m.id, m.status) for m in pending.queue] == [
        (1, QueuedMessageStatus.PENDING),
        (2, QueuedMessageStatus.DISPATCHING),
    ]
    canned.then(200, encode(message(2, status="cancelled")))
    cancelled = await v4_canned.sessions.cancel_queued(SESSION_ID, 2)
    assert cancelled.status is QueuedMessageStatus.CANCELLED
    assert [(r.method, r.path) for r in canned.requests] == [
        ("GET", f"{BASE}/queue"),
        ("DELETE", f"{BASE}/queue/2"),
    ]
    canned.then(409, encode({"detail": "The message is no longer pending."}))
    with pytest.raises(ConflictError, match="no longer pending"):
        await v4_canned.sessions.cancel_queued(SESSION_ID, 2)


@pytest.mark.parametrize("message_id", [0, -1, True, "2", 2.0, None])
async def test_cancel_queued_checks_the_message_id(
    canned: CannedServer, v4_canned: AsyncBrowserUse, message_id: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="message_id"):
        await v4_canned.sessions.cancel_queued(SESSION_ID, message_id)  # type: ignore[arg-type]
    assert canned.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"cursor": 5}, "cursor")],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, v4_canned: AsyncBrowserUse, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        v4_canned.sessions.list(**kwargs)
    assert canned.requests == []


async def test_raw_twins(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    raw = v4_canned.sessions.with_raw_response
    canned.respond(200, encode(message(4)), headers={"X-Request-Id": "r-1"})
    answer = await raw.queue(SESSION_ID, "hi")
    assert isinstance(answer, RawResponse)
    assert answer.headers["x-request-id"] == "r-1"
    assert answer.parse().id == 4
    canned.respond(200, page(range(1, 3), "k2"))
    one = await raw.list()
    assert len(one.parse().sessions) == 2
    assert len(canned.requests) == 2  # one page: the cursor is not followed


def test_sync_twin(threaded_canned: CannedServer) -> None:
    with BrowserUse(api_key=KEY, base_url=v4_url(threaded_canned)) as client:
        threaded_canned.then(200, page(range(1, 2), "k2"))
        threaded_canned.then(200, page(range(2, 3), None))
        ids = [s.session_id.int for s in client.sessions.list()]
        threaded_canned.then(200, encode(message(5)))
        queued = client.sessions.queue(SESSION_ID, "next", interrupt=True)
    assert ids == [1, 2]
    assert isinstance(queued, QueuedMessage)
    assert json.loads(threaded_canned.bodies[-1]) == {"text": "next", "interrupt": True}
