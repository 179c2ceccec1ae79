"""The main job, offline: start tasks on an embedded fake cloud, watch them, stop them."""

import asyncio

from browser_use_async import AsyncBrowserUse
from browser_use_async.cli import format_task
from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, TaskScenario


async def main() -> None:
    # The fake's clock runs ten times as fast as real time, so steps appear every 0.2 s.
    fake = FakeBrowserUseCloud(clock=FakeClock(speed=10.0))
    fake.default_scenario = TaskScenario(steps=20, start_delay=1.0, step_interval=2.0)
    async with fake, AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        print(f"Fake Browser Use Cloud on {fake.base_url}\n")
        created = await client.tasks.create("Find the cheapest flight from Zurich to Lisbon")
        print(f"Created task {created.id}; watching it...")
        async for event in client.tasks.stream(created.id, poll_interval=0.3):
            if event.step is not None:
                print(f"  step {event.step.number}: {event.step.next_goal}")
            else:
                print(f"  status: {event.status}")
            if len(event.task.steps) >= 3:
                break
        print("\nStopping it with the async client:\n")
        print(format_task(await client.tasks.stop(created.id)))


if __name__ == "__main__":
    asyncio.run(main())
