"""The in-process fake's time moves by itself, as in the process form; manual time is one
argument away (`manual_time=True`)."""

import asyncio
import contextlib
import io
import time

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, TaskScenario
from browser_use_async.testing.__main__ import main


def _process_help() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["--help"])
    return " ".join(out.getvalue().split())


async def test_a_newcomers_first_script_finishes_within_seconds() -> None:
    started = time.monotonic()
    async with (
        asyncio.timeout(30),
        FakeBrowserUseCloud() as fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client,
    ):
        created = await client.tasks.create("Find the weather in Zurich")
        events = [event async for event in client.tasks.stream(created.id)]
        task = await client.tasks.wait(created.id)
    assert (task.status, task.is_success, len(task.steps)) == ("finished", True, 3)
    assert [e.step.number for e in events if e.step is not None] == [1, 2, 3]
    assert time.monotonic() - started < 20  # bounded by the scenario, not by a timeout
    default = TaskScenario()
    assert default.start_delay + (default.steps + 1) * default.step_interval <= 5


async def test_the_fixture_runs_in_real_time_too(browser_use_fake: FakeBrowserUseCloud) -> None:
    assert browser_use_fake.clock.speed == 1.0
    assert "(default: 1)" in _process_help()
    task_id = browser_use_fake.create_task(steps=0)
    before = browser_use_fake.clock.now()
    await asyncio.sleep(0.2)
    assert (browser_use_fake.clock.now() - before).total_seconds() >= 0.2
    assert browser_use_fake.tasks[task_id]["status"] == "started"


async def test_manual_time_stands_still_until_advanced() -> None:
    async with (
        asyncio.timeout(10),
        FakeBrowserUseCloud(manual_time=True) as fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client,
    ):
        created = await client.tasks.create("Find the weather in Zurich")
        await asyncio.sleep(1.2)  # past the default start delay of 1 s, in real time
        assert (await client.tasks.status(created.id)).status == "created"
        fake.advance(1)
        assert (await client.tasks.status(created.id)).status == "started"
        fake.advance(8)
        assert (await client.tasks.status(created.id)).status == "finished"


def test_a_clock_and_manual_time_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        FakeBrowserUseCloud(clock=FakeClock(), manual_time=True)
    assert FakeBrowserUseCloud(clock=FakeClock(speed=3)).clock.speed == 3
