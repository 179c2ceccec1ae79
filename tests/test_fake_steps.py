"""The fake agent's steps read like a browser-use agent's, and are the same on every run."""

import json
import os
import subprocess
import sys
import urllib.parse
import uuid

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async.models.tasks import TaskStepView
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from browser_use_async.testing._agent import agent_step

ACTIONS = {"go_to_url", "input_text", "click_element_by_index", "extract_content", "done"}


def actions(step: TaskStepView) -> list[dict[str, dict[str, object]]]:
    return [json.loads(action) for action in step.actions]


async def run(
    linked: AsyncBrowserUse, prompt: str, start_url: str | None = None
) -> list[TaskStepView]:
    task = await linked.tasks.run(prompt, timeout=120, start_url=start_url)
    return task.steps


@pytest.mark.parametrize("steps", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("fail", [False, True])
async def test_steps_are_numbered_varied_and_end_with_done(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, steps: int, fail: bool
) -> None:
    fake.default_scenario = TaskScenario(steps=steps, fail=fail, output="Lisbon: 49 EUR")
    task = await linked.tasks.run("Find the cheapest flight to Lisbon", timeout=120)
    assert [step.number for step in task.steps] == list(range(1, steps + 1))
    for step in task.steps:
        [action] = actions(step)
        assert set(action) <= ACTIONS
        assert step.memory
        assert step.url
    later = [step.evaluation_previous_goal for step in task.steps[1:]]
    assert all(text.startswith("Success - ") for text in later)
    assert task.steps[0].evaluation_previous_goal.startswith("Unknown - ")
    goals = [step.next_goal for step in task.steps[:-1]]
    assert len(set(goals)) >= min(len(goals), 3)
    assert len({step.url for step in task.steps}) >= min(steps, 3)
    [done] = actions(task.steps[-1])
    assert done == {"done": {"text": task.output, "success": not fail}}
    assert not any("done" in action for step in task.steps[:-1] for action in actions(step))
    if steps > 1:
        assert actions(task.steps[0]) == [{"go_to_url": {"url": task.steps[1].url}}]


async def test_the_start_url_is_the_first_page(linked: AsyncBrowserUse) -> None:
    url = "https://flights.example.com/lisbon"
    steps = await run(linked, "Find a flight", start_url=url)
    assert steps[0].url == url
    assert steps[1].url.startswith("https://flights.example.com/search?q=")
    assert "input_text" in actions(steps[0])[0]


async def test_steps_follow_from_the_prompt_on_every_run(linked: AsyncBrowserUse) -> None:
    first = await run(linked, "Read the news about Zurich")
    again = await run(linked, "Read the news about Zurich")
    other = await run(linked, "Compare laptop prices")
    shape = [(s.memory, s.evaluation_previous_goal, s.next_goal, s.url) for s in first]
    assert [(s.memory, s.evaluation_previous_goal, s.next_goal, s.url) for s in again] == shape
    assert [s.actions for s in again] == [s.actions for s in first]
    assert [s.next_goal for s in other] != [s.next_goal for s in first]
    assert "Zurich" in first[1].next_goal


async def test_a_stopped_task_has_no_done_step(fake: FakeBrowserUseCloud) -> None:
    task_id: uuid.UUID = fake.create_task("Long job", steps=4, scenario=TaskScenario(steps=10))
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        task = await client.tasks.stop(task_id)
    assert [step.number for step in task.steps] == [1, 2, 3, 4]
    assert not any("done" in action for step in task.steps for action in actions(step))


PROMPTS = [
    "Find the cheapest flight to Lisbon",
    "x",
    "Zürich → Genève: trains « demain »?",
    'Say "hi" \\ then\nstop\t',
    "word " * 500,
    "a" * 5000,
    "🦀 " * 20,
    "SELECT * FROM users; --",
]


def test_sweep_steps_are_well_formed_for_any_prompt() -> None:
    points = 0
    for prompt in PROMPTS:
        for start_url in (None, "https://shop.example.com/", "http://127.0.0.1:8080/a?b=c"):
            for number in range(1, 16):
                for done in (None, (True, "ok"), (False, "no")):
                    step = agent_step(prompt, number, start_url=start_url, done=done)
                    assert step == agent_step(prompt, number, start_url=start_url, done=done)
                    assert step["number"] == number
                    url: str = step["url"]
                    scheme = urllib.parse.urlsplit(url).scheme
                    assert scheme in ("https", "http") or url == "about:blank"
                    [action] = [json.loads(text) for text in step["actions"]]
                    assert set(action) <= ACTIONS
                    assert ("done" in action) == (done is not None)
                    assert len(json.dumps(step)) < 2000  # a long prompt stays out of it
                    points += 1
    assert points == len(PROMPTS) * 3 * 15 * 3


def test_steps_are_the_same_in_another_process() -> None:
    code = (
        "import json; from browser_use_async.testing._agent import agent_step; "
        "print(json.dumps([agent_step('Read the news', n) for n in range(1, 6)]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout) == [agent_step("Read the news", n) for n in range(1, 6)]
