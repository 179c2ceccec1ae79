"""`tasks.stream` ends with the event that says how the task ended, after its last step."""

import asyncio

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario


@pytest.mark.parametrize("ending", ["finished", "failed", "stopped"])
async def test_a_final_status_comes_after_the_steps_seen_with_it(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, ending: str
) -> None:
    scenario = TaskScenario(steps=3, fail=ending == "failed")
    task_id = fake.create_task("Find flights", steps=2, scenario=scenario)
    if ending == "stopped":
        await client.tasks.stop(task_id)
    else:
        fake.advance(60)
    async with asyncio.timeout(30):
        events = [event async for event in client.tasks.stream(task_id)]
    described = [(e.kind, e.step.number if e.step else None) for e in events]
    steps = [("step", 1), ("step", 2)] + ([] if ending == "stopped" else [("step", 3)])
    assert described == [*steps, ("status", None)]
    assert events[-1].status == ending
