"""The fake at scale: tasks change exactly when their scenario says, however many there are
and whenever the state is looked at, and the count of active sessions (with its peak) stays
right however rows come and go."""

import asyncio
import copy
import math
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.fakecloud import Api

# Start delays and intervals (seconds) that are exact in binary, so that the clock reaches
# their boundaries exactly; and some that are not (0.1, 0.3), crossed in between.
SCENARIOS = [
    TaskScenario(steps=steps, start_delay=delay, step_interval=interval)
    for steps in (0, 1, 3)
    for delay in (0.0, 0.5, 0.1)
    for interval in (0.0, 0.25, 1.0, 0.3)
]


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


def _expected(scenario: TaskScenario, elapsed: float) -> tuple[str, int]:
    """A task's status and step count `elapsed` seconds after it was created."""
    since_start = elapsed - scenario.start_delay
    if since_start < 0:
        return "created", 0
    interval = scenario.step_interval
    if interval <= 0 or since_start >= (scenario.steps + 1) * interval:
        return "finished", scenario.steps
    return "started", min(scenario.steps, math.floor(since_start / interval))


async def test_every_task_changes_exactly_when_its_scenario_says(api: Api) -> None:
    fake = api.fake
    for n, scenario in enumerate(SCENARIOS):
        fake.scenarios[f"Task {n}"] = scenario
    async with asyncio.timeout(30):
        ids = [
            (await api.ok("POST", "/tasks", body={"task": f"Task {n}"}))["id"]
            for n in range(len(SCENARIOS))
        ]
        for tick in range(1, 33):  # 0.125 s at a time, up to 4 s: past every task's end
            fake.advance(0.125)
            for n, (task_id, scenario) in enumerate(zip(ids, SCENARIOS, strict=True)):
                status = await api.ok("GET", f"/tasks/{task_id}")
                seen = (status["status"], len(status["steps"]))
                assert seen == _expected(scenario, tick * 0.125), (n, scenario, tick)


async def test_looking_rarely_or_often_gives_the_same_tasks(api: Api) -> None:
    """A task nobody asks about catches up in one look, as if it had been watched."""
    fake = api.fake
    fake.default_scenario = TaskScenario(steps=4, start_delay=0.5, step_interval=0.3)
    async with asyncio.timeout(30):
        watched = (await api.ok("POST", "/tasks", body={"task": "Watched"}))["id"]
        unwatched = (await api.ok("POST", "/tasks", body={"task": "Unwatched"}))["id"]
        for _ in range(9):
            fake.advance(0.2)
            await api.ok("GET", f"/tasks/{watched}")
        one, other = [await api.ok("GET", f"/tasks/{key}") for key in (watched, unwatched)]
    assert (one["status"], len(one["steps"]), one["cost"]) == ("started", 4, "0.04")
    assert (other["status"], len(other["steps"]), other["cost"]) == ("started", 4, "0.04")
    fake.advance(0.3)
    assert {task["status"] for task in fake.tasks.values()} == {"finished"}


async def test_a_stopped_or_rewritten_task_stays_as_it_was_left(api: Api) -> None:
    fake = api.fake
    fake.default_scenario = TaskScenario(steps=5, start_delay=0, step_interval=1)
    async with asyncio.timeout(30):
        stopped = (await api.ok("POST", "/tasks", body={"task": "Stop me"}))["id"]
        rewritten = (await api.ok("POST", "/tasks", body={"task": "Rewrite me"}))["id"]
        fake.advance(1.5)
        await api.ok("PATCH", f"/tasks/{stopped}", body={"action": "stop"})
        fake.tasks[uuid.UUID(rewritten)]["status"] = "finished"
        fake.advance(10)
        for task_id, status in ((stopped, "stopped"), (rewritten, "finished")):
            task = await api.ok("GET", f"/tasks/{task_id}")
            assert (task["status"], len(task["steps"])) == (status, 1)


async def _active_count(api: Api) -> int:
    count: int = (await api.ok("GET", "/billing/account"))["activeSessionCount"]
    return count


async def test_the_peak_is_the_most_sessions_and_browsers_active_at_once(api: Api) -> None:
    fake = api.fake
    fake.max_active_sessions = 3
    fake.default_scenario = TaskScenario(steps=1, start_delay=0, step_interval=1)
    assert fake.peak_active_sessions == 0
    async with asyncio.timeout(30):
        browser = await api.ok("POST", "/browsers", body={})
        await api.ok("POST", "/sessions", body={})
        await api.ok("POST", "/tasks", body={"task": "Fill the last place"})
        assert fake.peak_active_sessions == 3
        refused = await api.call("POST", "/tasks", body={"task": "One too many"})
        assert refused.status == 429
        await api.ok("PATCH", f"/browsers/{browser['id']}", body={"action": "stop"})
        fake.advance(2)  # the task ends, and so does its session
        assert (await _active_count(api), fake.peak_active_sessions) == (1, 3)
        fake.reset_peak()
        assert fake.peak_active_sessions == 1
        await api.ok("POST", "/tasks", body={"task": "Now there is room"})
        await api.ok("POST", "/browsers", body={})
        assert (await _active_count(api), fake.peak_active_sessions) == (3, 3)


async def test_rows_written_directly_count_as_the_api_would(api: Api) -> None:
    """A seed, or a test writing `fake.sessions`, adds, ends and deletes sessions too."""
    fake = api.fake
    fake.max_active_sessions = 2
    async with asyncio.timeout(30):
        session = await api.ok("POST", "/sessions", body={})
        fake.sessions[uuid.UUID(session["id"])]["status"] = "stopped"
        assert await _active_count(api) == 0
        fake.seed({"sessions": [{}, {"status": "stopped"}]})
        assert (await _active_count(api), fake.peak_active_sessions) == (1, 1)
        copied = copy.deepcopy(next(iter(fake.sessions.values())))
        fake.sessions[uuid.uuid4()] = {**copied, "status": "active"}
        assert (await _active_count(api), fake.peak_active_sessions) == (2, 2)
        assert (await api.call("POST", "/browsers", body={})).status == 429
        for key in [k for k, row in fake.sessions.items() if row["status"] == "active"]:
            del fake.sessions[key]
        assert await _active_count(api) == 0
        assert (await api.call("POST", "/browsers", body={})).status == 201


async def test_a_session_knows_its_tasks_however_they_were_made(api: Api) -> None:
    fake = api.fake
    session_id = str(uuid.uuid4())
    running = {"task": "Seeded, running", "status": "started", "sessionId": session_id}
    fake.seed({"sessions": [{"id": session_id}], "tasks": [running]})
    async with asyncio.timeout(30):
        busy = await api.call("POST", "/tasks", body={"task": "Next", "sessionId": session_id})
        assert busy.status == 400
        del fake.tasks[next(iter(fake.tasks))]
        await api.ok("POST", "/tasks", body={"task": "Next", "sessionId": session_id})
        view = await api.ok("GET", f"/sessions/{session_id}")
        assert [task["task"] for task in view["tasks"]] == ["Next"]
