"""Listing and reading tasks: wire format and parsed results."""

import datetime as dt
import json
import uuid

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError, SessionSettings, TaskStatus
from browser_use_async.models import TaskItemView, TaskListResponse, TaskStatusView
from tests.conftest import CannedServer
from tests.samples import SESSION_ID, TASK_ID, full_task, task_bytes


def item(number: int) -> dict[str, object]:
    task = full_task(id=str(uuid.UUID(int=number)), task=f"task {number}")
    del task["steps"], task["outputFiles"]
    return task


def page(numbers: range, page_number: int, page_size: int, total: int) -> bytes:
    body = {
        "items": [item(n) for n in numbers],
        "totalItems": total,
        "pageNumber": page_number,
        "pageSize": page_size,
    }
    return json.dumps(body).encode()


async def test_list_sends_only_given_parameters(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page(range(1, 3), 1, 2, 2))
    result = await canned_client.tasks.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/tasks"
    assert isinstance(result, TaskListResponse)
    assert [t.task for t in result.items] == ["task 1", "task 2"]
    assert all(isinstance(t, TaskItemView) for t in result.items)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page(range(0), 3, 5, 0))
    await canned_client.tasks.list(
        page_size=5,
        page_number=3,
        session_id=SESSION_ID,
        filter_by=TaskStatus.FINISHED,
        after=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        before=None,
    )
    assert canned.requests[0].query == {
        "pageSize": "5",
        "pageNumber": "3",
        "sessionId": SESSION_ID,
        "filterBy": "finished",
        "after": "2025-01-02T03:04:05+00:00",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_number": 0}, "page_number"),
        ({"filter_by": "paused"}, "filter_by"),
        ({"session_id": "nope"}, "session_id"),
        ({"after": "2025-01-01"}, "after"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.tasks.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page(range(1, 3), 1, 2, 5))
    canned.then(200, page(range(3, 5), 2, 2, 5))
    canned.then(200, page(range(5, 6), 3, 2, 5))
    titles = [
        task.task async for task in canned_client.tasks.list(page_size=2, filter_by="started")
    ]
    assert titles == ["task 1", "task 2", "task 3", "task 4", "task 5"]
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2", "3"]
    assert {r.query["filterBy"] for r in canned.requests} == {"started"}


async def test_iter_stops_on_an_empty_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.then(200, page(range(1, 3), 1, 2, 50))
    canned.then(200, page(range(0), 2, 2, 50))
    assert len([t async for t in canned_client.tasks.list(page_size=2)]) == 2
    assert len(canned.requests) == 2


async def test_get(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, task_bytes())
    task = await canned_client.tasks.get(uuid.UUID(TASK_ID))
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == f"/api/v2/tasks/{TASK_ID}"
    assert task.id == uuid.UUID(TASK_ID)


async def test_status(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    body = {"id": TASK_ID, "status": "finished", "output": "42", "cost": "0.5", "isSuccess": True}
    canned.respond(200, json.dumps(body).encode())
    status = await canned_client.tasks.status(TASK_ID)
    assert canned.requests[0].path == f"/api/v2/tasks/{TASK_ID}/status"
    assert isinstance(status, TaskStatusView)
    assert status.status is TaskStatus.FINISHED
    assert status.output == "42"


async def test_logs(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, b'{"downloadUrl": "https://logs.example.com/1.txt"}')
    logs = await canned_client.tasks.logs(TASK_ID)
    assert canned.requests[0].path == f"/api/v2/tasks/{TASK_ID}/logs"
    assert logs.download_url == "https://logs.example.com/1.txt"


async def test_create_sends_only_what_was_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(202, json.dumps({"id": TASK_ID, "sessionId": SESSION_ID}).encode())
    created = await canned_client.tasks.create(
        "Find flights",
        max_steps=5,
        start_url=None,
        metadata={"team": "ops"},
        session_settings=SessionSettings(proxy_country_code=None, enable_recording=True),
        vision="auto",
    )
    assert created.id == uuid.UUID(TASK_ID)
    assert canned.requests[0].method == "POST"
    assert json.loads(canned.bodies[0]) == {
        "task": "Find flights",
        "maxSteps": 5,
        "startUrl": None,
        "metadata": {"team": "ops"},
        "sessionSettings": {"proxyCountryCode": None, "enableRecording": True},
        "vision": "auto",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": ""}, "task"),
        ({"task": None}, "task is required"),
        ({"task": "x" * 50001}, "task"),
        ({"task": "x", "max_steps": 0}, "max_steps"),
        ({"task": "x", "session_id": "abc"}, "UUID"),
        ({"task": "x", "metadata": {str(i): "v" for i in range(11)}}, "metadata"),
        ({"task": "x", "allowed_domains": "example.com"}, "list of strings"),
        ({"task": "x", "vision": 1}, "vision must be True, False or 'auto'"),
        ({"task": "x", "secrets": {"github": "hunter2", "n": 5}}, "secrets must map str to str"),
    ],
)
async def test_create_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.tasks.create(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_a_bad_secret_is_named_but_never_shown(canned_client: AsyncBrowserUse) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await canned_client.tasks.create("x", secrets={"github": "hunter2-SECRET", "n": 5})  # type: ignore[dict-item]
    assert "hunter2" not in str(info.value)


async def test_iter_stops_when_the_server_ignores_the_page_number(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page(range(1, 3), 1, 2, 50))
    titles = [task.task async for task in canned_client.tasks.list(page_size=2)]
    assert titles == ["task 1", "task 2"]
    assert len(canned.requests) == 2
