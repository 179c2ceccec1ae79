"""A typed tour of `with_raw_response`, async and sync: mypy and pyright check the types
(`assert_type`), pytest runs it."""

from typing import assert_type

from browser_use_async import (
    AccountView,
    AsyncBrowserUse,
    BrowserUse,
    HTTPRequestSummary,
    RawResponse,
    TaskCreatedResponse,
    TaskView,
)
from browser_use_async._exceptions import Headers
from browser_use_async._sync import TasksWithRawResponse
from browser_use_async.models.files import UploadFilePresignedUrlResponse
from browser_use_async.resources.tasks import AsyncTasksWithRawResponse
from browser_use_async.testing import FakeBrowserUseCloud


async def test_async_raw_calls_have_precise_types(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    task_id = fake.create_task(steps=1)
    session_id = fake.create_session()
    assert_type(client.tasks.with_raw_response, AsyncTasksWithRawResponse)
    raw = await client.tasks.with_raw_response.stop(task_id, extra_headers={"X-A": "b"})
    assert_type(raw, RawResponse[TaskView])
    assert_type(raw.parse(), TaskView)
    assert_type(raw.status_code, int)
    assert_type(raw.headers, Headers)
    assert_type(raw.http_request, HTTPRequestSummary)
    assert_type(raw.attempts, int)
    assert_type(raw.content, bytes)
    assert_type(raw.text, str)
    created = await client.tasks.with_raw_response.create("go", llm="gpt-4.1", max_steps=3)
    assert_type(created, RawResponse[TaskCreatedResponse])
    presigned = await client.files.with_raw_response.session_url(
        session_id, file_name="a.csv", content_type="text/csv", size_bytes=4
    )
    assert_type(presigned, RawResponse[UploadFilePresignedUrlResponse])
    deleted = await client.sessions.with_raw_response.delete(session_id)
    assert_type(deleted, RawResponse[None])
    assert_type(deleted.parse(), None)
    account = await client.billing.with_raw_response.account()
    assert_type(account, RawResponse[AccountView])
    assert (raw.status_code, created.status_code, deleted.status_code) == (200, 202, 204)


def test_sync_raw_calls_have_precise_types(threaded_fake: FakeBrowserUseCloud) -> None:
    task_id = threaded_fake.create_task(steps=1)
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        assert_type(client.tasks.with_raw_response, TasksWithRawResponse)
        raw = client.tasks.with_raw_response.stop(task_id)
        assert_type(raw, RawResponse[TaskView])
        assert_type(raw.parse(), TaskView)
        purged = client.sessions.with_raw_response.delete(client.sessions.create().id)
        assert_type(purged, RawResponse[None])
    assert (raw.status_code, purged.status_code) == (200, 204)
    assert raw.parse().id == task_id
