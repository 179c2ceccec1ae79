"""Tasks and sessions on the fake clock, and how they stay consistent with each other."""

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, TaskScenario
from tests.fakecloud import Api


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


async def _new_task(api: Api, prompt: str = "Find the news", **body: object) -> dict[str, str]:
    created: dict[str, str] = await api.ok("POST", "/tasks", body={"task": prompt, **body})
    return created


async def test_a_task_runs_through_its_lifecycle_on_the_clock(api: Api) -> None:
    fake = api.fake
    fake.default_scenario = TaskScenario(
        steps=2, start_delay=5, step_interval=10, output="42", output_files={"a.txt": b"hi"}
    )
    created = await _new_task(api)
    path = f"/tasks/{created['id']}"
    task = await api.ok("GET", path)
    assert (task["status"], task["startedAt"], task["steps"]) == ("created", None, [])
    fake.advance(5)
    task = await api.ok("GET", path)
    assert (task["status"], len(task["steps"])) == ("started", 0)
    assert task["startedAt"] is not None
    fake.advance(10)
    task = await api.ok("GET", path)
    assert [step["number"] for step in task["steps"]] == [1]
    fake.advance(10)
    assert len((await api.ok("GET", path))["steps"]) == 2
    assert (await api.ok("GET", f"{path}/status"))["status"] == "started"
    fake.advance(10)
    task = await api.ok("GET", path)
    assert task["status"] == "finished"
    assert (task["output"], task["isSuccess"], task["cost"]) == ("42", True, "0.02")
    created_at = dt.datetime.fromisoformat(task["createdAt"])
    assert dt.datetime.fromisoformat(task["finishedAt"]) - created_at == dt.timedelta(seconds=35)
    [file] = task["outputFiles"]
    assert file["fileName"] == "a.txt"
    link = await api.ok("GET", f"/files/tasks/{task['id']}/output-files/{file['id']}")
    async with api.session.get(link["downloadUrl"]) as response:
        assert await response.read() == b"hi"
    status = await api.ok("GET", f"{path}/status")
    assert status == {
        k: task[k] for k in ("id", "status", "output", "finishedAt", "isSuccess", "cost")
    }


async def test_a_failing_task_fails(api: Api) -> None:
    api.fake.scenarios["Break things"] = TaskScenario(steps=1, fail=True, error="Site is down")
    created = await _new_task(api, "Break things")
    api.fake.advance(60)
    task = await api.ok("GET", f"/tasks/{created['id']}")
    assert (task["status"], task["isSuccess"], task["output"]) == ("failed", False, "Site is down")
    assert task["outputFiles"] == []


async def test_judged_tasks_get_a_verdict(api: Api) -> None:
    created = await _new_task(api, judge=True)
    api.fake.advance(60)
    task = await api.ok("GET", f"/tasks/{created['id']}")
    assert task["judgeVerdict"] is True
    assert '"verdict": true' in task["judgement"]


async def test_stop_sets_stopped_and_finished_at(api: Api) -> None:
    task_id = api.fake.create_task(steps=1)
    api.fake.advance(0.5)
    task = await api.ok("PATCH", f"/tasks/{task_id}", body={"action": "stop"})
    assert task["status"] == "stopped"
    assert task["finishedAt"] is not None
    api.fake.advance(600)
    later = await api.ok("GET", f"/tasks/{task_id}")
    assert later == task
    assert api.fake.sessions[uuid.UUID(task["sessionId"])]["status"] == "active"


async def test_stopping_an_ended_task_returns_it_unchanged(api: Api) -> None:
    task_id = api.fake.create_task(scenario=TaskScenario(steps=1))
    api.fake.advance(60)
    before = await api.ok("GET", f"/tasks/{task_id}")
    assert before["status"] == "finished"
    after = await api.ok("PATCH", f"/tasks/{task_id}", body={"action": "stop"})
    assert after == before


async def test_stop_task_and_session_stops_both(api: Api) -> None:
    task_id = api.fake.create_task()
    task = await api.ok("PATCH", f"/tasks/{task_id}", body={"action": "stop_task_and_session"})
    session = await api.ok("GET", f"/sessions/{task['sessionId']}")
    assert (task["status"], session["status"]) == ("stopped", "stopped")
    assert session["finishedAt"] == task["finishedAt"]
    assert session["tasks"][0]["status"] == "stopped"


async def test_a_task_without_session_gets_one_that_ends_with_it(api: Api) -> None:
    created = await _new_task(api)
    session = await api.ok("GET", f"/sessions/{created['sessionId']}")
    assert session["status"] == "active"
    assert [task["id"] for task in session["tasks"]] == [created["id"]]
    assert "steps" not in session["tasks"][0]
    api.fake.advance(60)
    session = await api.ok("GET", f"/sessions/{created['sessionId']}")
    assert session["status"] == "stopped"


async def test_a_kept_alive_session_takes_one_task_at_a_time(api: Api) -> None:
    session = await api.ok("POST", "/sessions", body={})
    first = await _new_task(api, sessionId=session["id"])
    assert first["sessionId"] == session["id"]
    busy = await api.call("POST", "/tasks", body={"task": "Again", "sessionId": session["id"]})
    assert busy.status == 400
    assert "already has a running task" in busy.body["detail"]
    api.fake.advance(60)
    assert (await api.ok("GET", f"/sessions/{session['id']}"))["status"] == "active"
    second = await _new_task(api, sessionId=session["id"])
    listed = await api.ok("GET", "/tasks", params={"sessionId": session["id"]})
    assert listed["totalItems"] == 2
    assert {item["id"] for item in listed["items"]} == {first["id"], second["id"]}


async def test_a_task_needs_an_active_known_session(api: Api) -> None:
    missing = await api.call("POST", "/tasks", body={"task": "x", "sessionId": str(uuid.uuid4())})
    assert (missing.status, missing.body) == (404, {"detail": "Session not found"})
    session = await api.ok("POST", "/sessions", body={})
    await api.ok("PATCH", f"/sessions/{session['id']}", body={"action": "stop"})
    stopped = await api.call("POST", "/tasks", body={"task": "x", "sessionId": session["id"]})
    assert stopped.status == 400
    assert stopped.body["detail"].startswith("Browser session is stopped")


async def test_stopping_a_session_stops_its_running_task(api: Api) -> None:
    session_id = api.fake.create_session()
    task_id = api.fake.create_task(session_id=session_id)
    session = await api.ok("PATCH", f"/sessions/{session_id}", body={"action": "stop"})
    assert session["status"] == "stopped"
    assert session["tasks"][0]["status"] == "stopped"
    assert api.fake.tasks[task_id]["finishedAt"] == session["finishedAt"]


async def test_deleting_a_session_deletes_its_tasks(api: Api) -> None:
    created = await _new_task(api)
    answer = await api.call("DELETE", f"/sessions/{created['sessionId']}")
    assert (answer.status, answer.body) == (204, b"")
    assert (await api.call("GET", f"/tasks/{created['id']}")).status == 404
    assert (await api.call("GET", f"/sessions/{created['sessionId']}")).status == 404


async def test_purging_a_session_drops_its_files(api: Api) -> None:
    scenario = TaskScenario(steps=1, output_files={"out.txt": b"x"})
    task_id = api.fake.create_task(scenario=scenario)
    api.fake.advance(60)
    task = api.fake.tasks[task_id]
    file_id = task["outputFiles"][0]["id"]
    assert (await api.call("POST", f"/sessions/{task['sessionId']}/purge")).status == 204
    gone = await api.call("GET", f"/files/tasks/{task_id}/output-files/{file_id}")
    assert (gone.status, gone.body) == (404, {"detail": "Output file not found"})
    assert all(step["screenshotUrl"] is None for step in api.fake.tasks[task_id]["steps"])


async def test_public_shares(api: Api) -> None:
    session_id = api.fake.create_session()
    path = f"/sessions/{session_id}/public-share"
    assert (await api.call("GET", path)).body == {"detail": "Public share not found"}
    share = await api.ok("POST", path)
    assert share["viewCount"] == 0
    assert await api.ok("POST", path) == share
    assert (await api.ok("GET", f"/sessions/{session_id}"))["publicShareUrl"] == share["shareUrl"]
    assert (await api.call("DELETE", path)).status == 204
    assert (await api.call("GET", path)).status == 404


async def test_logs_are_served_by_the_fake(api: Api) -> None:
    task_id = api.fake.create_task("Log me", steps=2)
    logs = await api.ok("GET", f"/tasks/{task_id}/logs")
    assert logs["downloadUrl"].startswith(api.fake.base_url.removesuffix("/api/v2"))
    async with api.session.get(logs["downloadUrl"]) as response:
        text = await response.text()
    assert "Log me" in text
    assert "step 2:" in text


async def test_lists_page_filter_and_sort_newest_first(api: Api) -> None:
    ids: list[uuid.UUID] = []
    for n in range(5):
        ids.append(api.fake.create_task(f"Task {n}"))
        api.fake.advance(0.1)  # apart, and all still running
    api.fake.tasks[ids[0]]["status"] = "finished"
    page = await api.ok("GET", "/tasks", params={"pageSize": "2", "pageNumber": "2"})
    assert (page["totalItems"], page["pageNumber"], page["pageSize"]) == (5, 2, 2)
    assert [item["task"] for item in page["items"]] == ["Task 2", "Task 1"]
    finished = await api.ok("GET", "/tasks", params={"filterBy": "finished"})
    assert [item["id"] for item in finished["items"]] == [str(ids[0])]
    after = api.fake.tasks[ids[3]]["createdAt"]
    recent = await api.ok("GET", "/tasks", params={"after": after})
    assert recent["totalItems"] == 2
    sessions = await api.ok("GET", "/sessions", params={"filterBy": "active", "pageSize": "100"})
    assert sessions["totalItems"] == 5
    assert "publicShareUrl" not in sessions["items"][0]


async def test_too_many_active_sessions_is_429(api: Api) -> None:
    api.fake.max_active_sessions = 1
    await _new_task(api)
    refused = await api.call("POST", "/tasks", body={"task": "Second"})
    assert refused.status == 429
    assert refused.body["detail"].startswith("Too many concurrent active sessions")
    assert (await api.call("POST", "/browsers", body={})).status == 429


async def test_finished_tasks_are_billed(api: Api) -> None:
    before = api.fake.account["totalCreditsBalanceUsd"]
    api.fake.create_task(scenario=TaskScenario(steps=4, cost_per_step="0.5"))
    api.fake.advance(60)
    account = await api.ok("GET", "/billing/account")
    assert account["totalCreditsBalanceUsd"] == pytest.approx(before - 2.0)
    assert account["monthlyCreditsBalanceUsd"] == pytest.approx(18.0)


def test_the_clock_only_moves_forward_and_may_run_on_its_own() -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    clock = FakeClock(start)
    clock.advance(90)
    assert clock.now() == start + dt.timedelta(seconds=90)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert FakeClock(start, speed=1000.0).now() >= start
    with pytest.raises(ValueError, match="speed"):
        FakeClock(speed=-1)


async def test_a_fake_on_a_given_clock_uses_its_time() -> None:
    clock = FakeClock(dt.datetime(2025, 1, 2, 3, 4, 5))
    async with FakeBrowserUseCloud(clock=clock) as fake:
        task_id = fake.create_task()
        assert fake.tasks[task_id]["createdAt"] == "2025-01-02T03:04:05.000000Z"
        assert fake.clock is clock


async def test_rows_made_at_the_same_moment_list_last_made_first(api: Api) -> None:
    first, second = api.fake.create_session(), api.fake.create_session()
    listed = await api.ok("GET", "/sessions")
    assert [item["id"] for item in listed["items"]] == [str(second), str(first)]
