"""The pytest plugin, used the way a user's test suite would use it."""

import importlib.metadata
from typing import Any

import aiohttp
import pytest

from browser_use_async import AsyncBrowserUse, TaskStatus
from browser_use_async.testing import FakeBrowserUseCloud


def test_the_plugin_is_registered_as_an_entry_point(pytestconfig: pytest.Config) -> None:
    [entry] = [
        e
        for e in importlib.metadata.entry_points(group="pytest11")
        if e.name == "browser_use_async"
    ]
    assert entry.value == "browser_use_async.testing.pytest_plugin"
    assert pytestconfig.pluginmanager.has_plugin("browser_use_async")


async def test_async_fixture(browser_use_fake: FakeBrowserUseCloud) -> None:
    task_id = browser_use_fake.create_task(steps=1)
    key, url = browser_use_fake.api_key, browser_use_fake.base_url
    async with AsyncBrowserUse(api_key=key, base_url=url) as client:
        task = await client.tasks.stop(task_id)
    assert task.status is TaskStatus.STOPPED
    assert len(browser_use_fake.requests) == 1


def test_thread_fixture(browser_use_fake_thread: FakeBrowserUseCloud) -> None:
    assert browser_use_fake_thread.base_url.startswith("http://127.0.0.1:")
    assert browser_use_fake_thread.open_connections == 0


class TestOptions:
    @pytest.fixture
    def browser_use_fake_options(self) -> dict[str, Any]:
        return {"api_key": "bu_custom"}

    async def test_options_reach_the_fake(self, browser_use_fake: FakeBrowserUseCloud) -> None:
        assert browser_use_fake.api_key == "bu_custom"

    def test_options_reach_the_thread_fake(
        self, browser_use_fake_thread: FakeBrowserUseCloud
    ) -> None:
        assert browser_use_fake_thread.api_key == "bu_custom"


async def test_the_fixture_serves_api_v4_too(browser_use_fake: FakeBrowserUseCloud) -> None:
    run_id = browser_use_fake.create_run("Check the v4 route", steps=1)
    url = f"{browser_use_fake.v4_base_url}/runs/{run_id}/status"
    headers = {"X-Browser-Use-API-Key": browser_use_fake.api_key}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as answer:
        assert (answer.status, await answer.json()) == (200, {"status": "running"})
    assert browser_use_fake.v4_base_url == browser_use_fake.base_url.replace("/api/v2", "/api/v4")
