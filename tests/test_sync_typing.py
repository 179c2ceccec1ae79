"""A typed tour of the blocking client: mypy and pyright check the types, pytest runs it."""

import uuid
from typing import assert_type

from browser_use_async import BrowserUse, TaskStatus, TaskUpdateAction, TaskView
from browser_use_async._sync import Tasks
from browser_use_async.testing import FakeBrowserUseCloud


def stop_all(tasks: Tasks, ids: list[uuid.UUID]) -> list[TaskView]:
    return [tasks.stop(task_id) for task_id in ids]


def test_the_sync_client_has_precise_types(threaded_fake: FakeBrowserUseCloud) -> None:
    ids = [threaded_fake.create_task(steps=1) for _ in range(3)]
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        assert_type(client, BrowserUse)
        assert_type(client.tasks, Tasks)
        assert_type(client.base_url, str)
        assert_type(client.timeout, float)
        task = client.tasks.update(ids[0], action=TaskUpdateAction.STOP)
        assert_type(task, TaskView)
        assert_type(client.tasks.stop_task_and_session(str(ids[1])), TaskView)
        stopped = stop_all(client.tasks, ids)
    assert task.status is TaskStatus.STOPPED
    assert [t.id for t in stopped] == ids
    assert client.timeout == 30.0
