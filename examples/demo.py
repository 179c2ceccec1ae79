"""The main job, offline: start a task on an embedded fake cloud and stop it."""

import asyncio

from browser_use_async import AsyncBrowserUse, TaskView
from browser_use_async.testing import FakeBrowserUseCloud


def describe(task: TaskView) -> str:
    """A task as a few readable lines."""
    finished = task.finished_at.isoformat(timespec="seconds") if task.finished_at else "-"
    started = task.started_at.isoformat(timespec="seconds") if task.started_at else "-"
    lines = [
        f"task     {task.id}",
        f"prompt   {task.task}",
        f"status   {task.status}",
        f"created  {task.created_at.isoformat(timespec='seconds')}",
        f"started  {started}",
        f"finished {finished}",
        f"cost     ${task.cost if task.cost is not None else '-'}",
        f"steps    {len(task.steps)}",
    ]
    lines += [f"  {step.number:>3}. {step.next_goal}  ({step.url})" for step in task.steps]
    return "\n".join(lines)


async def main() -> None:
    async with FakeBrowserUseCloud() as fake:
        task_id = fake.create_task("Find the cheapest flight from Zurich to Lisbon", steps=3)
        print(f"Fake Browser Use Cloud on {fake.base_url}; task {task_id} is running.\n")
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            task = await client.tasks.stop(task_id)
        print(describe(task))


if __name__ == "__main__":
    asyncio.run(main())
