"""`tasks.run_many`: capacity, results, cost and time guards, bad input, leaving early."""

import asyncio
import contextlib
import datetime as dt
import decimal
import logging
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUse,
    CostLimitExceededError,
    InvalidArgumentError,
    JournalError,
    TaskFailedError,
    TaskTimeoutError,
    TaskView,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from tests.conftest import QUICK

pytestmark = pytest.mark.timeout(60)


def loose(client: AsyncBrowserUse) -> Any:
    """`client.tasks`, untyped: for calls that break its types on purpose."""
    return client.tasks


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == "/api/v2/tasks" for r in fake.requests)


def peak_overlap(fake: FakeBrowserUseCloud) -> int:
    """The most tasks that were running at once, from their own timestamps."""
    moments: list[tuple[dt.datetime, int]] = []
    for task in fake.tasks.values():
        moments.append((dt.datetime.fromisoformat(task["createdAt"]).replace(tzinfo=None), 1))
        ended = task["finishedAt"]  # None while it runs
        end = dt.datetime.fromisoformat(ended).replace(tzinfo=None) if ended else dt.datetime.max
        moments.append((end, -1))
    running = peak = 0
    for _, change in sorted(moments):
        running += change
        peak = max(peak, running)
    return peak


def unfinished(fake: FakeBrowserUseCloud) -> list[str]:
    return [t["id"] for t in fake.tasks.values() if t["status"] in ("created", "started")]


async def test_every_input_ends_once_within_the_accounts_sessions(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.max_active_sessions = 4
    results = [
        r async for r in bu.tasks.run_many([f"task {i}" for i in range(25)], poll_interval=0.05)
    ]
    assert sorted(r.index for r in results) == list(range(25))
    assert all(r.ok and isinstance(r.value, TaskView) for r in results)
    assert {r.key for r in results} == {str(i) for i in range(25)}
    assert all(r.task is not None and r.task.task == f"task {r.index}" for r in results)
    assert len(live.tasks) == 25 == creates(live)  # "auto" read 4 free sessions: no 429 at all
    assert peak_overlap(live) <= 4


async def test_a_fixed_concurrency_is_never_passed(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    results = [
        r
        async for r in bu.tasks.run_many(
            (f"t{i}" for i in range(20)), concurrency=3, poll_interval=0.05
        )
    ]
    assert len(results) == 20
    assert all(r.ok for r in results)
    assert 1 < peak_overlap(live) <= 3
    assert not any(r.path == "/api/v2/billing/account" for r in live.requests)


async def test_creates_refused_for_capacity_are_sent_again_not_failed(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.max_active_sessions = 2
    results = [
        r
        async for r in bu.tasks.run_many(
            [f"t{i}" for i in range(12)], concurrency=6, poll_interval=0.05
        )
    ]
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len(live.tasks) == 12  # each made once
    assert creates(live) > 12  # some were answered 429 and sent again
    assert peak_overlap(live) <= 2


async def test_keys_from_a_mapping_and_from_inputs(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    by_key = {"zurich": "Weather in Zurich", "bern": {"task": "Weather in Bern", "max_steps": 5}}
    results = {r.key: r async for r in bu.tasks.run_many(by_key, poll_interval=0.05)}
    assert results["bern"].task is not None
    assert results["bern"].task.task == "Weather in Bern"
    assert {results["zurich"].index, results["bern"].index} == {0, 1}
    listed: list[Any] = [{"task": "a", "key": "first"}, "b"]
    keys = {r.key async for r in bu.tasks.run_many(listed, poll_interval=0.05)}
    assert keys == {"first", "1"}
    bodies = [r.json() for r in live.requests if r.method == "POST"]
    assert {"task": "Weather in Bern", "maxSteps": 5} in bodies
    assert all("key" not in body for body in bodies)


@attrs.frozen
class Answer:
    city: str
    degrees: int


async def test_output_type_gives_the_structured_output(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    results = [
        r async for r in bu.tasks.run_many(["a", "b"], output_type=Answer, poll_interval=0.05)
    ]
    assert all(isinstance(r.value, Answer) and r.unwrap() == r.value for r in results)
    assert all("structuredOutput" in r.json() for r in live.requests if r.method == "POST")


@pytest.mark.parametrize(
    ("inputs", "match"),
    [
        ("one prompt", "inputs must be an iterable"),
        (42, "inputs must be an iterable"),
        (["ok", 7], "input 1 must be a prompt"),
        (["ok", {"llm": "gpt-4.1"}], "input 1 needs a 'task'"),
        ([{"task": "a", "key": "k"}, {"task": "b", "key": "k"}], "used twice"),
        ([{"task": "a", "bogus": 1}], "unexpected keyword argument 'bogus'"),
        ({1: "a"}, "keys must be str"),
        ({"k": {"task": "a", "key": "other"}}, "has a 'key' of its own"),
    ],
)
async def test_bad_inputs_are_refused_before_anything_is_sent(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, inputs: object, match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        loose(bu).run_many(inputs, concurrency=2)
    assert live.requests == []


@pytest.mark.parametrize(
    ("keywords", "match"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": True}, "concurrency"),
        ({"concurrency": "many"}, "concurrency"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"timeout": -1}, "timeout"),
        ({"max_cost": float("nan")}, "max_cost"),
        ({"max_total_cost": -1}, "max_total_cost"),
        ({"journal": 3}, "journal"),
        ({"stop_on_exit": "yes"}, "stop_on_exit"),
        ({"llm": ""}, "llm"),
        ({"output_type": Answer, "structured_output": "{}"}, "not both"),
    ],
)
async def test_bad_arguments_are_refused_at_the_call(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, keywords: dict[str, object], match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        loose(bu).run_many(["a"], **keywords)
    assert live.requests == []


async def test_a_bad_input_from_an_iterator_is_its_own_result(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    def inputs() -> Iterator[Any]:
        yield "fine"
        yield {"task": ""}
        yield "also fine"

    results = {
        r.index: r async for r in bu.tasks.run_many(inputs(), concurrency=2, poll_interval=0.05)
    }
    assert results[0].ok
    assert results[2].ok
    assert isinstance(results[1].error, InvalidArgumentError)
    assert "input 1" in str(results[1].error)
    assert len(live.tasks) == 2


async def test_tasks_that_fail_give_an_error_with_the_task(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.scenarios["bad"] = attrs.evolve(QUICK, fail=True)
    results = {
        r.key: r
        async for r in bu.tasks.run_many({"bad": "bad", "good": "good"}, poll_interval=0.05)
    }
    assert results["good"].ok
    error = results["bad"].error
    assert isinstance(error, TaskFailedError)
    assert error.task is results["bad"].task
    assert results["bad"].value is None
    with pytest.raises(TaskFailedError):
        results["bad"].unwrap()


async def test_a_task_over_max_cost_is_stopped_with_its_session(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.default_scenario = TaskScenario(
        steps=50, start_delay=0.0, step_interval=0.02, cost_per_step="0.01"
    )
    [result] = [
        r
        async for r in bu.tasks.run_many(
            ["pricey"], max_cost=decimal.Decimal("0.05"), poll_interval=0.05
        )
    ]
    error = result.error
    assert isinstance(error, CostLimitExceededError)
    assert "max_cost" in str(error)
    assert error.stopped is True
    assert error.max_cost == decimal.Decimal("0.05")
    assert error.cost == result.cost
    assert result.task is not None
    assert result.task.status == "stopped"
    assert result.cost is not None
    assert result.cost > decimal.Decimal("0.05")
    [task] = live.tasks.values()
    assert task["status"] == "stopped"
    assert live.sessions[next(iter(live.sessions))]["status"] == "stopped"
    assert sum(r.method == "PATCH" for r in live.requests) == 1


async def test_no_task_starts_once_the_batch_passed_its_budget(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.default_scenario = attrs.evolve(QUICK, steps=3, cost_per_step="0.01")  # 0.03 a task
    budget = decimal.Decimal("0.05")
    results = [
        r
        async for r in bu.tasks.run_many(
            [f"t{i}" for i in range(6)], concurrency=1, max_total_cost=budget, poll_interval=0.05
        )
    ]
    assert [r.ok for r in sorted(results, key=lambda r: r.index)] == [True, True] + [False] * 4
    assert all("max_total_cost" in str(r.error) for r in results if not r.ok)
    assert len(live.tasks) == 2


async def test_a_task_past_its_timeout_is_stopped(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.default_scenario = TaskScenario(steps=1000, start_delay=0.0, step_interval=0.05)
    [result] = [r async for r in bu.tasks.run_many(["slow"], timeout=0.3, poll_interval=0.05)]
    assert isinstance(result.error, TaskTimeoutError)
    assert result.error.stopped is True
    assert unfinished(live) == []


@pytest.mark.parametrize("after", range(0, 12))
async def test_leaving_early_stops_every_task_it_started(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, after: int, caplog: pytest.LogCaptureFixture
) -> None:
    for i in range(30):  # each takes longer than the one before
        live.scenarios[f"t{i}"] = TaskScenario(steps=2 + i, start_delay=0.0, step_interval=0.05)
    caplog.set_level(logging.WARNING, "browser_use_async")
    batch = bu.tasks.run_many([f"t{i}" for i in range(30)], concurrency=8, poll_interval=0.05)
    async with contextlib.aclosing(batch):
        seen = 0
        async for _ in batch:
            seen += 1
            if seen > after:
                break
    assert unfinished(live) == []
    stopped = sum(t["status"] == "stopped" for t in live.tasks.values())
    assert stopped > 0, Counter(t["status"] for t in live.tasks.values())
    assert f"stopped {stopped} of its " in caplog.text
    assert all(s["status"] == "stopped" for s in live.sessions.values())


@pytest.mark.parametrize("delay", [0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.08, 0.12, 0.2, 0.3])
async def test_cancelling_stops_every_task_it_started(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, delay: float
) -> None:
    live.default_scenario = TaskScenario(steps=4, start_delay=0.05, step_interval=0.1)
    results: list[object] = []

    async def consume() -> None:
        async for result in bu.tasks.run_many(
            [f"t{i}" for i in range(20)], concurrency=6, poll_interval=0.05
        ):
            results.append(result)

    job = asyncio.ensure_future(consume())
    await asyncio.sleep(delay)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert unfinished(live) == []
    assert len(live.tasks) <= 6 + len(results)


async def test_429_on_polls_slows_the_batch_without_failing_it(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.faults.add("GET /tasks/{task_id}/status", Fault(status=429), times=15)
    results = [
        r
        async for r in bu.tasks.run_many(
            [f"t{i}" for i in range(6)], concurrency=6, poll_interval=0.05
        )
    ]
    assert all(r.ok for r in results)
    polls = Counter(r.path for r in live.requests if r.path.endswith("/status"))
    assert sum(polls.values()) >= 15


def test_the_blocking_client_runs_a_batch_and_stops_it_when_left() -> None:
    with FakeBrowserUseCloud() as fake:  # served from a thread, in real time
        fake.default_scenario = QUICK
        with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            results = list(
                client.tasks.run_many(["a", "b", "c"], concurrency=2, poll_interval=0.05)
            )
            assert sorted(r.index for r in results) == [0, 1, 2]
            fake.default_scenario = TaskScenario(steps=100, start_delay=0.0, step_interval=0.05)
            fake.scenarios["x"] = QUICK  # ends first; y and z are left running
            for _ in client.tasks.run_many(["x", "y", "z"], concurrency=3, poll_interval=0.05):
                break
        assert unfinished(fake) == []
        assert sum(t["status"] == "stopped" for t in fake.tasks.values()) == 2


async def test_once_the_account_cannot_pay_no_more_creates_are_sent(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    live.spend_limit = decimal.Decimal("0.05")
    live.default_scenario = attrs.evolve(QUICK, steps=3, cost_per_step="0.01")
    results = [
        r
        async for r in bu.tasks.run_many(
            [f"t{i}" for i in range(10)], concurrency=1, poll_interval=0.05
        )
    ]
    assert len(results) == 10
    assert sum(r.ok for r in results) == 2  # 0.06 spent: the third create is refused (402)
    assert creates(live) == 3
    assert sum("Not started: the account refused" in str(r.error) for r in results) == 7


async def test_a_journal_in_use_by_another_batch_is_refused(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    """Two batches writing one journal would each create what the other did not record."""
    path = tmp_path / "batch.db"
    live.default_scenario = TaskScenario(steps=1000, start_delay=0.0, step_interval=0.05)
    first = bu.tasks.run_many(["a", "b"], journal=path, concurrency=2, poll_interval=0.05)
    async with contextlib.aclosing(first):
        waiting = asyncio.ensure_future(anext(first))
        while len(live.tasks) < 2:  # noqa: ASYNC110 (the fake's state has no event to wait on)
            await asyncio.sleep(0.01)
        made = len(live.tasks)
        with pytest.raises(JournalError, match="in use"):
            _ = [r async for r in bu.tasks.run_many(["a", "b"], journal=path, poll_interval=0.05)]
        assert len(live.tasks) == made
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
    assert unfinished(live) == []


class FastClock:
    """Real time, run `factor` times faster: the runner's 30 s between account reads pass in
    a blink, while the fake's tasks keep their own real-time pace."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.started = time.monotonic()

    def time(self) -> float:
        return (time.monotonic() - self.started) * self.factor

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.factor)


async def test_auto_concurrency_follows_the_account_as_it_frees_sessions(
    live: FakeBrowserUseCloud,
) -> None:
    live.default_scenario = TaskScenario(steps=3, start_delay=0.0, step_interval=0.05)
    live.max_active_sessions = 10
    taken = [live.create_session() for _ in range(8)]  # someone else holds 8 of 10
    async with AsyncBrowserUse(
        api_key=live.api_key, base_url=live.base_url, clock=FastClock(100.0)
    ) as client:
        batch = client.tasks.run_many([f"t{i}" for i in range(40)], poll_interval=5.0)
        async with contextlib.aclosing(batch):
            first = [await anext(batch) for _ in range(4)]
            assert peak_overlap(live) <= 2  # the 2 free sessions
            for session in taken:
                live.sessions[session].update(status="stopped")
            rest = [r async for r in batch]
    assert all(r.ok for r in [*first, *rest])
    assert len(live.tasks) == 40
    # Grew with the account: a few 429s at most, each sent again. This runs on the real clock,
    # and a busy machine sees a few more of them, so the bound is a fifth of the batch: far
    # below one refusal per task.
    assert creates(live) <= 40 + 8
    assert peak_overlap(live) > 2
    reads = sum(r.path == "/api/v2/billing/account" for r in live.requests)
    assert reads >= 2


async def test_a_task_seen_to_end_over_max_cost_is_no_success(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse
) -> None:
    """As `tasks.run` does: the budget is the budget, however fast the task was."""
    live.default_scenario = attrs.evolve(QUICK, steps=3, cost_per_step="0.01")
    budget = decimal.Decimal("0.02")
    [result] = [r async for r in bu.tasks.run_many(["quick"], max_cost=budget, poll_interval=1.0)]
    error = result.error
    assert isinstance(error, CostLimitExceededError)
    assert error.stopped is None
    assert result.task is not None
    assert result.task.status == "finished"
    assert sum(r.method == "PATCH" for r in live.requests) == 0
