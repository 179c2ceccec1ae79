"""The generated client: plain iterators over pages, and copies made by with_options."""

import gc
import threading

import pytest

from browser_use_async import BrowserUse, ClientClosedError, TaskItemView
from browser_use_async.testing import FakeBrowserUseCloud


def test_iter_walks_every_page_from_blocking_code(threaded_fake: FakeBrowserUseCloud) -> None:
    made = {threaded_fake.create_task(f"task {n}") for n in range(23)}
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        seen = list(client.tasks.iter(page_size=5))
    assert all(isinstance(task, TaskItemView) for task in seen)
    assert {task.id for task in seen} == made
    pages = [r for r in threaded_fake.requests if r.path == "/api/v2/tasks"]
    assert [r.query["pageNumber"] for r in pages] == ["1", "2", "3", "4", "5"]


def test_breaking_out_of_a_sync_iterator_stops_fetching(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    for n in range(30):
        threaded_fake.create_task(f"task {n}")
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        for number, _ in enumerate(client.tasks.iter(page_size=10)):
            if number == 12:
                break
        assert client.tasks.get(next(iter(threaded_fake.tasks))).id
    pages = [r for r in threaded_fake.requests if r.path == "/api/v2/tasks"]
    assert len(pages) == 2


def test_closing_a_with_options_copy_leaves_the_client_open(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    task_id = threaded_fake.create_task()
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        with client.with_options(timeout=5) as quick:
            assert quick.timeout == 5
            assert quick.tasks.get(task_id).id == task_id
        assert client.tasks.stop(task_id).status == "stopped"
    with pytest.raises(ClientClosedError):
        client.tasks.get(task_id)


def test_a_client_dropped_without_close_stops_its_thread(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    before = threading.active_count()
    client = BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)
    client.tasks.get(threaded_fake.create_task())
    assert threading.active_count() == before + 1
    del client
    gc.collect()
    assert threading.active_count() == before
