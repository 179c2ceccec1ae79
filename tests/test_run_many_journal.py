"""`tasks.run_many(journal=...)`: resuming a batch without running anything twice."""

import contextlib
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest

from browser_use_async import AsyncBrowserUse, JournalError
from browser_use_async._batch._journal import Journal
from browser_use_async._batch._runner import RUN_TAG
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.conftest import QUICK

pytestmark = pytest.mark.timeout(60)


def tags(fake: FakeBrowserUseCloud) -> Counter[str]:
    return Counter(t["metadata"].get(RUN_TAG) for t in fake.tasks.values())


async def test_a_finished_batch_is_given_back_from_the_journal(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.db"
    prompts = [f"t{i}" for i in range(8)]
    first = {
        r.index: r async for r in bu.tasks.run_many(prompts, journal=journal, poll_interval=0.05)
    }
    sent = len(live.requests)
    again = {
        r.index: r async for r in bu.tasks.run_many(prompts, journal=journal, poll_interval=0.05)
    }
    assert len(live.requests) == sent  # not one request
    assert all(r.resumed and r.ok for r in again.values())
    assert {i: r.task for i, r in again.items()} == {i: r.task for i, r in first.items()}
    assert len(live.tasks) == 8
    assert all(count == 1 for count in tags(live).values())


async def test_running_tasks_are_watched_again_after_leaving_them(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.db"
    for i in range(10):
        live.scenarios[f"t{i}"] = TaskScenario(steps=2 + 2 * i, start_delay=0.0, step_interval=0.03)
    prompts = [f"t{i}" for i in range(10)]
    batch = bu.tasks.run_many(
        prompts, journal=journal, concurrency=5, stop_on_exit=False, poll_interval=0.05
    )
    got: list[int] = []
    async with contextlib.aclosing(batch):
        async for result in batch:
            got.append(result.index)
            if len(got) == 2:
                break
    assert any(t["status"] == "started" for t in live.tasks.values())  # left running
    resumed = {
        r.index: r async for r in bu.tasks.run_many(prompts, journal=journal, poll_interval=0.05)
    }
    assert sorted(resumed) == list(range(10))
    assert all(r.ok for r in resumed.values())
    assert {i for i, r in resumed.items() if r.resumed} == set(got)
    assert len(live.tasks) == 10
    assert all(count == 1 for count in tags(live).values())


async def test_inputs_stopped_by_leaving_run_again_on_resume(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.db"
    live.scenarios["b"] = TaskScenario(steps=1000, start_delay=0.0, step_interval=0.05)
    batch = bu.tasks.run_many(["a", "b"], journal=journal, concurrency=2, poll_interval=0.05)
    async with contextlib.aclosing(batch):
        async for first in batch:
            assert first.key == "0"
            break
    live.scenarios["b"] = QUICK
    results = {
        r.key: r async for r in bu.tasks.run_many(["a", "b"], journal=journal, poll_interval=0.05)
    }
    assert results["0"].resumed  # it had ended: given back
    assert not results["1"].resumed  # stopped by leaving: run again
    assert results["1"].ok
    assert len(live.tasks) == 3


async def test_a_create_whose_answer_was_lost_is_found_by_its_tag(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"
    # Run once to learn the fingerprints, then pretend input 1's create answer never came back.
    await_all = [r async for r in bu.tasks.run_many(["a", "b"], journal=path, poll_interval=0.05)]
    assert len(await_all) == 2
    journal = Journal(path)
    entry = journal.entries()[1]
    journal.close()
    task_id = live.create_task("b", metadata={RUN_TAG: f"{journal.batch_id}:1"})
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE inputs SET state = 'creating', task_id = NULL, task = NULL WHERE idx = 1"
        )
    live.tasks.pop(uuid.UUID(str(entry.task_id)))
    live.requests.clear()
    results = {
        r.index: r async for r in bu.tasks.run_many(["a", "b"], journal=path, poll_interval=0.05)
    }
    assert results[1].task_id == task_id
    assert results[1].ok
    assert not any(r.method == "POST" for r in live.requests)  # found, not created again


async def test_a_journal_of_other_inputs_is_refused(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"
    _ = [r async for r in bu.tasks.run_many(["a", "b"], journal=path, poll_interval=0.05)]
    live.requests.clear()
    with pytest.raises(JournalError, match="another batch"):
        _ = [r async for r in bu.tasks.run_many(["a", "changed"], journal=path, poll_interval=0.05)]
    assert not any(r.method == "POST" for r in live.requests)


async def test_a_file_that_is_not_a_journal_is_refused(bu: AsyncBrowserUse, tmp_path: Path) -> None:
    path = tmp_path / "not.db"
    path.write_text("hello, this is not a database\n" * 100)
    with pytest.raises(JournalError, match="cannot use"):
        _ = [r async for r in bu.tasks.run_many(["a"], journal=path, poll_interval=0.05)]


async def test_why_the_batch_stopped_a_task_is_given_back_too(
    live: FakeBrowserUseCloud, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.db"
    live.default_scenario = TaskScenario(steps=1000, start_delay=0.0, step_interval=0.05)
    [first] = [
        r async for r in bu.tasks.run_many(["a"], journal=journal, timeout=0.3, poll_interval=0.05)
    ]
    [again] = [r async for r in bu.tasks.run_many(["a"], journal=journal, poll_interval=0.05)]
    assert again.resumed
    assert type(again.error) is type(first.error)
    assert "timeout" in str(again.error)
    assert again.task == first.task
