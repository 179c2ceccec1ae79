"""`tasks.stream` ends with the event that says how the task ended, after its last step."""

import asyncio
import json

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario


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


@pytest.mark.parametrize("timeout", [None, 0.3])
async def test_the_stream_ends_with_the_final_status_the_task_showed(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, timeout: float | None
) -> None:
    """The status endpoint can lag the task (a cache): once the task itself says it ended, the
    stream ends there, with no more polls, and no TaskTimeoutError after its last event."""
    task_id = fake.create_task("Find flights", steps=1, scenario=TaskScenario(steps=2))
    fake.advance(60)
    stale = {"id": str(task_id), "status": "started", "cost": "0.01"}
    fake.faults.add(
        "GET /tasks/{task_id}/status", Fault(body=json.dumps(stale).encode()), times=None
    )
    async with asyncio.timeout(10):
        stream = client.tasks.stream(task_id, timeout=timeout, poll_interval=0.05)
        events = [event async for event in stream]
    assert [(e.kind, e.status) for e in events][-1] == ("status", "finished")
    assert [e.step.number for e in events if e.step] == [1, 2]
    assert fake.faults.injected == 1
