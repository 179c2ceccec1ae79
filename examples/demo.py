"""The main job, offline: start tasks on an embedded fake cloud, watch them, stop them, then
run a batch of them within the account's sessions and a cost limit.

The fake cloud is served from a background thread, so both clients can reach it: the
async `AsyncBrowserUse` inside `asyncio.run`, and the blocking `BrowserUse` from plain code.
"""

import asyncio
import decimal
import sys
import uuid

from browser_use_async import AsyncBrowserUse, BrowserUse
from browser_use_async.cli import format_task
from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, TaskScenario


async def watch_and_stop(base_url: str, api_key: str) -> uuid.UUID:
    """Create a task, print its first steps as they come, stop it; return its session."""
    async with AsyncBrowserUse(api_key=api_key, base_url=base_url) as client:
        created = await client.tasks.create("Find the cheapest flight from Zurich to Lisbon")
        print(f"Created task {created.id}; watching it...")
        async for event in client.tasks.stream(created.id, poll_interval=0.3):
            if event.step is not None:
                print(f"  step {event.step.number}: {event.step.next_goal}")
            else:
                print(f"  status: {event.status}")
            if len(event.task.steps) >= 3:
                break
        print("\nStopped with the async client:\n")
        print(format_task(await client.tasks.stop(created.id)))
        return created.session_id


def main() -> None:
    # The fake's clock runs ten times as fast as real time: a new step every 0.2 s.
    with FakeBrowserUseCloud(clock=FakeClock(speed=10.0)) as fake:
        fake.default_scenario = TaskScenario(steps=20, start_delay=1.0, step_interval=2.0)
        print(f"Fake Browser Use Cloud on {fake.base_url}\n")
        asyncio.run(watch_and_stop(fake.base_url, fake.api_key))

        with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            created = client.tasks.create("Book a table for two in Lisbon tonight")
            started = client.tasks.get(created.id)
            print(f"\nCreated task {created.id} ({started.status}) with the sync client.")
            stopped = client.tasks.stop_task_and_session(created.id)
            session = client.sessions.get(stopped.session_id)
            print("Stopped it and its session with the sync client:\n")
            print(format_task(stopped))
            print(f"session   {session.id} is {session.status}")

        run_a_batch(fake)


def run_a_batch(fake: FakeBrowserUseCloud) -> None:
    """Twelve tasks on an account with four sessions free; one costs too much and is stopped."""
    fake.max_active_sessions = 4
    fake.default_scenario = TaskScenario(steps=3, start_delay=0.5, step_interval=1.0)
    prompts = [f"Find the price of laptop model {i} in Zurich" for i in range(12)]
    fake.scenarios[prompts[5]] = TaskScenario(steps=40, start_delay=0.5, step_interval=1.0)
    print("\nA batch of 12 tasks on 4 sessions, at most $0.05 each (progress on stderr):")
    with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        results = list(
            client.tasks.run_many(
                prompts, max_cost=decimal.Decimal("0.05"), poll_interval=0.2, progress=sys.stderr
            )
        )
    print(f"{sum(r.ok for r in results)} of {len(results)} finished; in order of completion:")
    for result in results:
        outcome = "finished" if result.ok else f"failed: {result.error}"
        print(f"  input {result.index:2} ${result.cost}  {outcome}")


if __name__ == "__main__":
    main()
