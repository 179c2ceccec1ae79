"""What the fake counts for another process to read (`GET /fake/stats`), a fake that keeps no
request bodies, and the process form's limit and scenario flags."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from browser_use_async.testing.__main__ import main
from tests.conftest import child_process
from tests.fakecloud import Api


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


async def _stats(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as answer:  # no API key: the fake's own path
        assert answer.status == 200
        return await answer.json()


async def test_stats_count_requests_by_route_and_answer(api: Api) -> None:
    fake = api.fake
    fake.max_active_sessions = 1
    fake.default_scenario = TaskScenario(
        steps=1, start_delay=0, step_interval=1, cost_per_step="0.5"
    )
    async with asyncio.timeout(30):
        task = await api.ok("POST", "/tasks", body={"task": "First"})
        assert (await api.call("POST", "/tasks", body={"task": "No room"})).status == 429
        for _ in range(2):
            await api.ok("GET", f"/tasks/{task['id']}")
        assert (await api.call("GET", "/nowhere")).status == 404
        fake.advance(1)
        running = await _stats(api.session, fake.stats_url)
        fake.advance(1)
        ended = await _stats(api.session, fake.stats_url)
    assert fake.stats_url == fake.base_url.removesuffix("/api/v2") + "/fake/stats"
    requests = {"POST /tasks": 2, "GET /tasks/{task_id}": 2, "GET (no route)": 1}
    answers = {"200": 2, "202": 1, "404": 1, "429": 1}
    assert running == {
        "activeSessions": 1,
        "peakActiveSessions": 1,
        "maxActiveSessions": 1,
        "tasksByStatus": {"started": 1},
        "runsByStatus": {},
        "requestsByRoute": requests,
        "responsesByStatus": answers,
        "spentUsd": "0",
    }
    assert ended == {
        **running,
        "activeSessions": 0,
        "tasksByStatus": {"finished": 1},
        "spentUsd": "0.5",
    }  # and reading the stats is not counted in them
    assert fake.stats() == ended


async def test_a_fake_that_records_nothing_still_counts() -> None:
    async with (
        asyncio.timeout(30),
        FakeBrowserUseCloud(manual_time=True, record_requests=False) as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        await api.ok("POST", "/tasks", body={"task": "Unrecorded"})
        assert fake.requests == []
        fake.record_requests = True
        await api.ok("GET", "/billing/account")
        assert [request.path for request in fake.requests] == ["/api/v2/billing/account"]
        assert (await _stats(session, fake.stats_url))["requestsByRoute"] == {
            "POST /tasks": 1,
            "GET /billing/account": 1,
        }


async def _until_ended(session: aiohttp.ClientSession, url: str) -> Any:
    while True:
        stats = await _stats(session, url)
        if stats["activeSessions"] == 0:
            return stats
        await asyncio.sleep(0.05)


async def test_the_process_takes_its_limit_and_scenario_from_flags(tmp_path: Path) -> None:
    """Flags win over the seed's settings, field by field."""
    seed = tmp_path / "seed.json"
    settings = {"maxActiveSessions": 5}
    scenario = {"steps": 9, "stepInterval": 30, "output": "As the seed says"}
    seed.write_text(json.dumps({"settings": settings, "defaultScenario": scenario}))
    flags = ["--max-active-sessions", "2", "--steps", "2", "--start-delay", "0"]
    flags += ["--step-interval", "0.05", "--cost-per-step", "0.25", "--seed", str(seed)]
    args = ("-m", "browser_use_async.testing", "--port", "0", "--api-key", "bu_flags")
    async with (
        asyncio.timeout(30),
        child_process(*args, *flags) as process,
        aiohttp.ClientSession() as session,
    ):
        assert process.stdout is not None
        lines = [(await process.stdout.readline()).decode() for _ in range(5)]
        base_url, stats_url = lines[0].split()[-1], lines[3].split()[-1]
        origin = base_url.removesuffix("/api/v2")
        assert lines[3] == f"Stats (JSON): {origin}/fake/stats\n"
        assert lines[4] == f"BROWSER_USE_V4_BASE_URL={origin}/api/v4\n"
        headers = {"X-Browser-Use-API-Key": "bu_flags"}
        answers: list[tuple[int, Any]] = []
        for n in range(3):
            body = {"task": f"Task {n}"}
            async with session.post(f"{base_url}/tasks", json=body, headers=headers) as answer:
                answers.append((answer.status, await answer.json()))
        assert [status for status, _ in answers] == [202, 202, 429]
        stats = await _until_ended(session, stats_url)
        task_id = answers[0][1]["id"]
        async with session.get(f"{base_url}/tasks/{task_id}", headers=headers) as answer:
            task = await answer.json()
        process.terminate()
        assert await process.wait() == 0
    assert (len(task["steps"]), task["output"], task["cost"]) == (2, "As the seed says", "0.50")
    assert stats["peakActiveSessions"] == stats["maxActiveSessions"] == 2
    assert (stats["tasksByStatus"], stats["spentUsd"]) == ({"finished": 2}, "1.00")
    assert stats["responsesByStatus"]["429"] == 1


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--max-active-sessions", "1.5"),
        ("--steps", "-1"),
        ("--start-delay", "inf"),
        ("--step-interval", "nan"),
        ("--cost-per-step", "abc"),
        ("--cost-per-step", "-0.01"),
    ],
)
def test_a_bad_flag_value_is_refused_by_name(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([flag, value])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.endswith(f"argument {flag}: expected a finite number >= 0, got '{value}'")
