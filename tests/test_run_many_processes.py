"""Batches that share one account: the cloud's 429s are how they share its sessions."""

import asyncio
import time

import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async._batch._capacity import FIRST_BACKOFF
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario

pytestmark = pytest.mark.timeout(60)

QUICK = TaskScenario(steps=2, start_delay=0.02, step_interval=0.03)


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
