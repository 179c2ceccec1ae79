"""Batches that share one account: the cloud's 429s are how they share its sessions."""

import asyncio
import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async._batch._capacity import FIRST_BACKOFF
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests import batch_worker

pytestmark = pytest.mark.timeout(60)

JSON = dict[str, Any]
QUICK = TaskScenario(steps=2, start_delay=0.02, step_interval=0.03)
SESSIONS = 6
ROOT = Path(__file__).parent.parent


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == "/api/v2/tasks" for r in fake.requests)


class NotedWaits:
    """The real clock, noting the longest wait asked of it."""

    def __init__(self) -> None:
        self.longest = 0.0

    def time(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        self.longest = max(self.longest, seconds)
        await asyncio.sleep(seconds)


async def test_creates_refused_together_back_off_once() -> None:
    """Eight creates in flight at once, all answered 429 (someone else holds the sessions),
    are one refusal: the batch waits about FIRST_BACKOFF, not the 30 s that counting eight
    429s in a row would give."""
    waits = NotedWaits()
    async with FakeBrowserUseCloud() as fake:
        fake.default_scenario = QUICK
        fake.max_active_sessions = 2
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, clock=waits) as bu:
            results = [
                r
                async for r in bu.tasks.run_many(
                    [f"t{i}" for i in range(12)], concurrency=10, poll_interval=0.05
                )
            ]
        assert all(r.ok for r in results)
        assert creates(fake) > 12 == len(fake.tasks)  # refused, then made once each
    assert waits.longest <= 4 * FIRST_BACKOFF  # a round or two of backoff at most


def peak(tasks: Iterable[JSON]) -> int:
    """The most sessions active at once, from their tasks' own timestamps (a task's session
    starts and ends with it)."""
    moments: list[tuple[dt.datetime, int]] = []
    for task in tasks:
        moments.append((dt.datetime.fromisoformat(task["createdAt"]), 1))
        moments.append((dt.datetime.fromisoformat(task["finishedAt"]), -1))
    running = most = 0
    for _, change in sorted(moments):  # at a tie, an end comes before a start
        running += change
        most = max(most, running)
    return most


async def test_a_batch_held_back_by_others_takes_up_sessions_as_they_are_let_go() -> None:
    """Started with one of the account's 6 sessions free, the batch grows into the others
    once their users let them go: while all its slots are taken it reads the account every
    2 s, rather than running one task at a time until its next read (30 s later)."""
    async with FakeBrowserUseCloud() as fake:
        fake.default_scenario = TaskScenario(steps=3, start_delay=0.0, step_interval=0.05)
        fake.max_active_sessions = SESSIONS
        others = [fake.create_session() for _ in range(SESSIONS - 1)]
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as bu:

            async def let_go() -> None:
                await asyncio.sleep(0.3)
                for session in others:
                    await bu.sessions.stop(session)

            leaving = asyncio.ensure_future(let_go())
            prompts = [f"t{i}" for i in range(20)]
            results = [r async for r in bu.tasks.run_many(prompts, poll_interval=0.05)]
            await leaving
        assert all(r.ok for r in results)
        assert peak(fake.tasks.values()) >= SESSIONS // 2


def test_two_processes_share_one_accounts_sessions_through_its_429s(tmp_path: Path) -> None:
    """Two runner processes, each with half of a batch and a journal of its own, on one
    account of 6 sessions: neither knows of the other, both size themselves from the account
    ("auto"), and the 429s of creates that find no free session hold each back."""
    half = 30
    with FakeBrowserUseCloud() as fake, (tmp_path / "stderr.txt").open("wb") as errors:
        fake.max_active_sessions = SESSIONS
        for i, prompt in enumerate(batch_worker.prompts(0, 2 * half)):
            fake.scenarios[prompt] = TaskScenario(
                steps=1 + i % 4, start_delay=0.0, step_interval=0.05
            )
        children = [
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "tests.batch_worker", fake.base_url),
                    *(str(tmp_path / f"{part}.db"), str(tmp_path / f"{part}.jsonl")),
                    *(str(part * half), str(half)),
                ],
                cwd=ROOT,
                stderr=errors,
            )
            for part in (0, 1)
        ]
        try:
            for child in children:
                child.wait(30)
        finally:
            for child in children:
                child.kill()
        assert [child.returncode for child in children] == [0, 0], (
            tmp_path / "stderr.txt"
        ).read_text()
        tasks = list(fake.tasks.values())
        sent = creates(fake)
    results = [
        json.loads(line)
        for part in (0, 1)
        for line in (tmp_path / f"{part}.jsonl").read_text().splitlines()
    ]
    assert all(result["error"] is None for result in results)
    assert sorted(str(result["prompt"]) for result in results) == sorted(
        batch_worker.prompts(0, 2 * half)
    )
    assert len(tasks) == 2 * half  # each made once
    assert sent > len(tasks)  # and some creates were refused for want of a session
    assert peak(tasks) <= SESSIONS
