"""Agent sessions: wire format, parsed results, argument checks, pagination."""

import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError, ProxyCountryCode
from browser_use_async.models import (
    CustomProxy,
    SessionItemView,
    SessionListResponse,
    SessionStatus,
    SessionUpdateAction,
    SessionView,
    ShareView,
    TaskItemView,
)
from tests.conftest import CannedServer
from tests.samples import SESSION_ID, full_task

PROFILE_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
BASE = f"/api/v2/sessions/{SESSION_ID}"


def session_item(**overrides: Any) -> dict[str, Any]:
    """A SessionItemView as the API sends it, without its optional fields."""
    item: dict[str, Any] = {
        "id": SESSION_ID,
        "status": "active",
        "startedAt": "2025-01-02T03:04:05",
        "persistMemory": True,
        "keepAlive": False,
    }
    item.update(overrides)
    return item


def encode(body: object) -> bytes:
    return json.dumps(body).encode()


def page(numbers: range, page_number: int, page_size: int, total: int) -> bytes:
    items = [session_item(id=str(uuid.UUID(int=n))) for n in numbers]
    return encode(
        {"items": items, "totalItems": total, "pageNumber": page_number, "pageSize": page_size}
    )


async def test_list_sends_only_given_parameters_and_parses_the_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page(range(1, 3), 1, 10, 2))
    result = await canned_client.sessions.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/sessions"
    assert isinstance(result, SessionListResponse)
    assert [s.id for s in result.items] == [uuid.UUID(int=1), uuid.UUID(int=2)]
    first = result.items[0]
    assert isinstance(first, SessionItemView)
    assert first.status is SessionStatus.ACTIVE
    assert first.started_at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert (first.persist_memory, first.keep_alive) == (True, False)
    assert first.proxy_used_mb == decimal.Decimal(0)
    assert (first.live_url, first.recording_url, first.finished_at) == (None, None, None)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page(range(0), 2, 5, 0))
    await canned_client.sessions.list(page_size=5, page_number=2, filter_by=SessionStatus.STOPPED)
    assert canned.requests[0].query == {"pageSize": "5", "pageNumber": "2", "filterBy": "stopped"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": True}, "page_size"),
        ({"page_number": 0}, "page_number"),
        ({"filter_by": "paused"}, "filter_by"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.sessions.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page(range(1, 3), 1, 2, 5))
    canned.then(200, page(range(3, 5), 2, 2, 5))
    canned.then(200, page(range(5, 6), 3, 2, 5))
    ids = [s.id.int async for s in canned_client.sessions.list(page_size=2, filter_by="active")]
    assert ids == [1, 2, 3, 4, 5]
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2", "3"]
    assert {r.query["filterBy"] for r in canned.requests} == {"active"}
    assert {r.query["pageSize"] for r in canned.requests} == {"2"}


async def test_create_without_arguments_sends_an_empty_object(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(201, encode(session_item(liveUrl="https://live.example.com/1")))
    session = await canned_client.sessions.create()
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path == "/api/v2/sessions"
    assert canned.requests[0].headers["Content-Type"] == "application/json"
    assert json.loads(canned.bodies[0]) == {}
    assert isinstance(session, SessionItemView)
    assert session.live_url == "https://live.example.com/1"


async def test_create_sends_what_was_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(201, encode(session_item()))
    await canned_client.sessions.create(
        profile_id=uuid.UUID(PROFILE_ID),
        proxy_country_code=None,
        start_url="https://example.com",
        browser_screen_width=1280,
        browser_screen_height=None,
        persist_memory=False,
        keep_alive=True,
        custom_proxy=CustomProxy(host="proxy.example.com", port=8080, ignore_cert_errors=True),
        enable_recording=True,
    )
    assert json.loads(canned.bodies[0]) == {
        "profileId": PROFILE_ID,
        "proxyCountryCode": None,
        "startUrl": "https://example.com",
        "browserScreenWidth": 1280,
        "browserScreenHeight": None,
        "persistMemory": False,
        "keepAlive": True,
        "customProxy": {"host": "proxy.example.com", "port": 8080, "ignoreCertErrors": True},
        "enableRecording": True,
    }


async def test_create_takes_country_codes_as_strings(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(201, encode(session_item()))
    await canned_client.sessions.create(proxy_country_code="de", profile_id=PROFILE_ID)
    assert json.loads(canned.bodies[0]) == {"proxyCountryCode": "de", "profileId": PROFILE_ID}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile_id": "nope"}, "UUID"),
        ({"proxy_country_code": "xx"}, "proxy_country_code"),
        ({"browser_screen_width": 319}, "browser_screen_width"),
        ({"browser_screen_height": 3457}, "browser_screen_height"),
        ({"keep_alive": "yes"}, "keep_alive"),
        ({"persist_memory": 1}, "persist_memory"),
        ({"custom_proxy": {"host": "h", "port": 1}}, "custom_proxy must be a CustomProxy"),
        ({"start_url": 5}, "start_url"),
    ],
)
async def test_create_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.sessions.create(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"host": "", "port": 80}, "host"),
        ({"host": "h" * 256, "port": 80}, "host"),
        ({"host": "h", "port": 0}, "port"),
        ({"host": "h", "port": 65536}, "port"),
        ({"host": "h", "port": 80, "username": ""}, "username"),
        ({"host": "h", "port": 80, "password": "p" * 256}, "password"),
        ({"host": "h", "port": 80, "ignore_cert_errors": "no"}, "ignore_cert_errors"),
    ],
)
def test_custom_proxy_checks_its_fields(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        CustomProxy(**kwargs)


def test_custom_proxy_repr_hides_the_password() -> None:
    proxy = CustomProxy(host="h", port=1, username="me", password="s3cret")
    assert "s3cret" not in repr(proxy)
    assert "me" in repr(proxy)
    assert "password=NOT_GIVEN" in repr(CustomProxy(host="h", port=1))


async def test_get_parses_the_session_and_its_tasks(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    task = full_task()
    del task["steps"], task["outputFiles"]
    body = session_item(
        status="stopped",
        finishedAt="2025-01-02T04:00:00Z",
        tasks=[task],
        publicShareUrl="https://share.example.com/x",
        proxyUsedMb="12.5",
        proxyCost="0.031",
        recordingUrl="https://rec.example.com/1.mp4",
    )
    del body["persistMemory"]
    canned.respond(200, encode(body))
    session = await canned_client.sessions.get(SESSION_ID)
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == BASE
    assert isinstance(session, SessionView)
    assert session.status is SessionStatus.STOPPED
    assert session.finished_at == dt.datetime(2025, 1, 2, 4, tzinfo=dt.UTC)
    assert [type(t) for t in session.tasks] == [TaskItemView]
    assert session.tasks[0].task == task["task"]
    assert session.public_share_url == "https://share.example.com/x"
    assert session.proxy_used_mb == decimal.Decimal("12.5")
    assert session.proxy_cost == decimal.Decimal("0.031")
    assert session.persist_memory is True  # the spec's default when absent
    assert session.keep_alive is False


async def test_a_newer_status_arrives_as_a_string(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, encode(session_item(status="hibernating", tasks=[])))
    session = await canned_client.sessions.get(SESSION_ID)
    assert session.status == "hibernating"
    assert not isinstance(session.status, SessionStatus)


@pytest.mark.parametrize("method", ["update", "stop"])
async def test_update_and_stop_send_the_stop_action(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str
) -> None:
    canned.respond(200, encode(session_item(status="stopped", tasks=[])))
    if method == "update":
        session = await canned_client.sessions.update(SESSION_ID, action=SessionUpdateAction.STOP)
    else:
        session = await canned_client.sessions.stop(uuid.UUID(SESSION_ID))
    assert canned.requests[0].method == "PATCH"
    assert canned.requests[0].path == BASE
    assert canned.bodies[0] == b'{"action":"stop"}'
    assert isinstance(session, SessionView)
    assert session.status is SessionStatus.STOPPED


async def test_update_refuses_an_unknown_action(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="action must be one of stop"):
        await canned_client.sessions.update(SESSION_ID, action="pause")
    assert canned.requests == []


@pytest.mark.parametrize(
    ("method", "http_method", "path"),
    [
        ("delete", "DELETE", BASE),
        ("purge", "POST", f"{BASE}/purge"),
        ("delete_share", "DELETE", f"{BASE}/public-share"),
    ],
)
async def test_no_content_calls_return_none(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    method: str,
    http_method: str,
    path: str,
) -> None:
    canned.respond(204, b"", headers={})
    result = await getattr(canned_client.sessions, method)(SESSION_ID)
    assert result is None
    assert canned.requests[0].method == http_method
    assert canned.requests[0].path == path
    assert canned.bodies[0] == b""


@pytest.mark.parametrize(
    ("method", "http_method"), [("get_share", "GET"), ("create_share", "POST")]
)
async def test_share(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str, http_method: str
) -> None:
    body = {
        "shareToken": "tok",
        "shareUrl": "https://share.example.com/tok",
        "viewCount": 3,
        "lastViewedAt": "2025-01-02T03:04:05+01:00",
    }
    canned.respond(201 if http_method == "POST" else 200, encode(body))
    share = await getattr(canned_client.sessions, method)(SESSION_ID)
    assert canned.requests[0].method == http_method
    assert canned.requests[0].path == f"{BASE}/public-share"
    assert canned.bodies[0] == b""
    assert share == ShareView(
        share_token="tok",
        share_url="https://share.example.com/tok",
        view_count=3,
        last_viewed_at=dt.datetime(2025, 1, 2, 2, 4, 5, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    "method", ["get", "stop", "delete", "purge", "get_share", "create_share", "delete_share"]
)
async def test_session_ids_are_checked_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="session_id must be a UUID"):
        await getattr(canned_client.sessions, method)("../tasks")
    assert canned.requests == []


def test_proxy_country_code_is_still_importable_from_models_sessions() -> None:
    from browser_use_async.models import sessions  # noqa: PLC0415

    assert sessions.ProxyCountryCode is ProxyCountryCode
