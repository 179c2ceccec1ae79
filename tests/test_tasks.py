"""`client.tasks.update/stop/stop_task_and_session` against real servers on 127.0.0.1."""

import asyncio
import json
import uuid

import pytest

from browser_use_async import (
    APIResponseValidationError,
    APIStatusError,
    AsyncBrowserUse,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    TaskStatus,
    TaskUpdateAction,
    TaskView,
    UnprocessableEntityError,
    __version__,
)
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer
from tests.samples import TASK_ID, full_task, task_bytes


async def test_stop_wire_format(fake: FakeBrowserUseCloud, client: AsyncBrowserUse) -> None:
    task_id = fake.create_task(steps=2)
    await client.tasks.stop(task_id)
    [request] = fake.requests
    assert request.method == "PATCH"
    assert request.path == f"/api/v2/tasks/{task_id}"
    assert request.body == b'{"action":"stop"}'
    assert request.headers["X-Browser-Use-API-Key"] == fake.api_key
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith(f"browser-use-async/{__version__} ")
    assert request.query == {}


async def test_stop_returns_the_stopped_task(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    task_id = fake.create_task("Book a table", steps=3)
    task = await client.tasks.stop(task_id)
    assert isinstance(task, TaskView)
    assert task.id == task_id
    assert task.status is TaskStatus.STOPPED
    assert task.finished_at is not None
    assert task.started_at is not None
    assert task.finished_at >= task.started_at
    assert [step.number for step in task.steps] == [1, 2, 3]
    session = fake.sessions[task.session_id]
    assert session["status"] == "active"


async def test_stop_task_and_session(fake: FakeBrowserUseCloud, client: AsyncBrowserUse) -> None:
    task_id = fake.create_task()
    task = await client.tasks.stop_task_and_session(str(task_id))
    assert task.status is TaskStatus.STOPPED
    assert fake.requests[0].json() == {"action": "stop_task_and_session"}
    assert fake.sessions[task.session_id]["status"] == "stopped"


@pytest.mark.parametrize("action", [TaskUpdateAction.STOP, "stop"])
async def test_update_accepts_the_enum_or_its_value(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, action: TaskUpdateAction
) -> None:
    task = await client.tasks.update(fake.create_task(), action=action)
    assert task.status is TaskStatus.STOPPED
    assert fake.requests[0].body == b'{"action":"stop"}'


async def test_stopping_a_finished_task_leaves_it_as_it_was(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    task_id = fake.create_task()
    fake.tasks[task_id]["status"] = "finished"
    task = await client.tasks.stop(task_id)
    assert task.status is TaskStatus.FINISHED


@pytest.mark.parametrize(
    "bad_id", ["", "42", "not-a-uuid", "../../billing/account", None, 123, uuid.uuid4().bytes]
)
async def test_invalid_task_ids_send_nothing(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, bad_id: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="task_id must be a UUID"):
        await client.tasks.stop(bad_id)  # type: ignore[arg-type]
    assert fake.requests == []


ACTION_ERROR = r"action must be one of stop, stop_task_and_session|action is required"


@pytest.mark.parametrize("bad_action", ["pause", "STOP", "", None, 1, TaskStatus.STOPPED])
async def test_invalid_actions_send_nothing(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, bad_action: object
) -> None:
    with pytest.raises(InvalidArgumentError, match=ACTION_ERROR):
        await client.tasks.update(fake.create_task(), action=bad_action)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_unknown_task_is_not_found(client: AsyncBrowserUse) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.tasks.stop(uuid.uuid4())
    assert info.value.status_code == 404
    assert info.value.body == {"detail": "Task not found"}
    assert "Task not found" in str(info.value)


async def test_wrong_key_is_an_authentication_error(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key="bu_wrong_key", base_url=fake.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.tasks.stop(fake.create_task())
    assert "BROWSER_USE_API_KEY" in str(info.value)
    assert "bu_wrong_key" not in str(info.value)
    assert "bu_wrong_key" not in repr(info.value)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (405, APIStatusError),
        (307, APIStatusError),
    ],
)
async def test_every_error_status(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    status: int,
    cls: type[APIStatusError],
) -> None:
    canned.respond(
        status,
        b'{"detail": "server says no"}',
        {"Content-Type": "application/json", "X-Request-Id": "req-1", "Retry-After": "3"},
    )
    with pytest.raises(APIStatusError) as info:
        await canned_client.tasks.stop(TASK_ID)
    error = info.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.body == {"detail": "server says no"}
    assert error.headers["x-request-id"] == "req-1"
    assert error.retry_after == 3.0
    assert "server says no" in str(error)
    assert len(canned.requests) == 1


async def test_redirects_are_not_followed(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(307, b"", {"Location": "https://elsewhere.example/steal"})
    with pytest.raises(APIStatusError) as info:
        await canned_client.tasks.stop(TASK_ID)
    assert info.value.status_code == 307
    assert len(canned.requests) == 1


async def test_full_sample_over_the_wire(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, task_bytes(status="stopped"))
    task = await canned_client.tasks.stop(TASK_ID)
    assert task.id == uuid.UUID(TASK_ID)
    assert task.status is TaskStatus.STOPPED
    assert len(task.steps) == 2


async def test_unknown_fields_and_status_over_the_wire(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, task_bytes(status="archived", newField=[1, {"a": 2}]))
    task = await canned_client.tasks.stop(TASK_ID)
    assert task.status == "archived"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{this is not json", "not valid JSON"),
        (b"[1, 2, 3]", "expected a JSON object @ $, got list"),
        (json.dumps({k: v for k, v in full_task().items() if k != "id"}).encode(), "$.id"),
        (b"", "not valid JSON"),
    ],
)
async def test_garbage_bodies_are_validation_errors(
    canned: CannedServer, canned_client: AsyncBrowserUse, body: bytes, expected: str
) -> None:
    canned.respond(200, body, {"Content-Type": "text/plain"})
    with pytest.raises(APIResponseValidationError) as info:
        await canned_client.tasks.stop(TASK_ID)
    assert expected in str(info.value)
    assert info.value.body == body
    assert len(canned.requests) == 1


async def test_200_concurrent_stops_on_one_client(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    ids = [fake.create_task() for _ in range(200)]
    tasks = await asyncio.gather(*(client.tasks.stop(task_id) for task_id in ids))
    assert [task.id for task in tasks] == ids
    assert all(task.status is TaskStatus.STOPPED for task in tasks)
    assert len(fake.requests) == 200
