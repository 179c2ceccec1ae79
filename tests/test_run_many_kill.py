"""A 200-task batch SIGKILLed at random points and resumed with the same journal: every input
ends exactly once, no input is created twice, and nothing is left running.

The fake cloud serves from a thread of this process, in real time; the runner is
`tests/batch_worker.py` in a child process, killed without warning (no `finally`, no stops)
and started again on the same journal until a run ends by itself. Each seed plans five kills:
early (at a random moment of the first half second), right after the fake received the k-th
create of that run (every create is held 0.1 s before the fake makes the task, so its answer
is certainly lost: the journal says `creating` and the resume must find the task by its run
tag), and once the run has handed over n results (mid-batch). A run that ends before its kill
is due just ends the plan. Measured with seeds 1, 2, 3 on two cores: 5 kills each (for two, the
early one came before the journal existed), 26, 40 and 51 tasks made whose create's
answer died with its process and that the next run found by tag; about 10 s a seed.
"""

import asyncio
import collections
import contextlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import attrs
import pytest

from browser_use_async import AsyncBrowserUse
from browser_use_async._batch._runner import RUN_TAG
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from tests import batch_worker

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

INPUTS = 200
SESSIONS = 20
CREATE_DELAY = 0.1
LOST_AFTER = 0.5
"""The runner's wait for a create with no answer to show up, shortened: the fake makes each
within CREATE_DELAY, and a resume that waited the real 10 s after each kill would be slow."""
ROOT = Path(__file__).parent.parent
RUN_WITHIN = 30.0
"""Seconds a run may take before the test gives up on it (a whole batch takes a few)."""


@attrs.frozen
class Kill:
    """When to SIGKILL a run: `at` seconds after it started, or once the fake received `at`
    creates from it, or once it wrote `at` results."""

    after: str  # "seconds", "creates" or "results"
    at: float


def plan(rng: random.Random) -> list[Kill]:
    return [
        Kill("seconds", rng.uniform(0.0, 0.5)),
        Kill("creates", rng.randint(1, 20)),
        Kill("results", rng.randint(5, 60)),
        Kill("creates", rng.randint(1, 40)),
        Kill("results", rng.randint(1, 40)),
    ]


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == "/api/v2/tasks" for r in list(fake.requests))


def lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def ran(path: Path) -> int:
    """Results a run handed over as run by it, not read back from the journal."""
    return sum(not line["resumed"] for line in lines(path))


def start(
    journal: Path,
    out: Path,
    base_url: str,
    errors: BinaryIO,
    *,
    count: int = INPUTS,
    **knobs: float,
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.batch_worker", base_url, str(journal), str(out)]
    command += ["0", str(count)]
    command += [f"--{name.replace('_', '-')}={value}" for name, value in knobs.items()]
    return subprocess.Popen(command, cwd=ROOT, stderr=errors)


def wait_for(child: subprocess.Popen[bytes], due: Callable[[], bool]) -> bool:
    """Whether `due` came true (within RUN_WITHIN) before the run ended by itself."""
    deadline = time.monotonic() + RUN_WITHIN
    while not due():
        if child.poll() is not None:
            return False
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("a run neither ended nor reached its kill")
        time.sleep(0.001)
    return True


def journal_rows(path: Path) -> list[tuple[int, str, str | None]]:
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            return list(db.execute("SELECT idx, state, task_id FROM inputs ORDER BY idx"))
        except sqlite3.OperationalError:  # killed before it made its tables
            return []


def finish(child: subprocess.Popen[bytes], tmp_path: Path) -> None:
    """Let the run end (bounded), and require it to end well."""
    try:
        child.wait(RUN_WITHIN)
    finally:
        child.kill()
    assert child.returncode == 0, (tmp_path / "stderr.txt").read_text()


def killed(child: subprocess.Popen[bytes], count: Callable[[], float], at: float) -> bool:
    """SIGKILL the run once `count` has grown by `at`; False if the run ended first."""
    since = count()
    if not wait_for(child, lambda: count() - since >= at):
        return False
    child.send_signal(signal.SIGKILL)
    child.wait(RUN_WITHIN)
    return True


def batch_id(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        (found,) = db.execute("SELECT id FROM batch").fetchone()
    return str(found)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_batch_killed_at_random_points_ends_every_input_exactly_once(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 (a test workload)
    journal, out = tmp_path / "batch.db", tmp_path / "results.jsonl"
    lost_answers = 0  # inputs the journal had as `creating` when a run was killed
    with FakeBrowserUseCloud() as fake, (tmp_path / "stderr.txt").open("wb") as errors:
        fake.max_active_sessions = SESSIONS
        fake.faults.add("POST /tasks", Fault(delay=CREATE_DELAY), times=None)
        for prompt in batch_worker.prompts(0, INPUTS):  # from 0.05 s to about a second
            fake.scenarios[prompt] = TaskScenario(
                steps=rng.randint(1, 8), start_delay=rng.uniform(0.0, 0.1), step_interval=0.1
            )
        progress: dict[str, Callable[[], float]] = {
            "seconds": time.monotonic,
            "creates": lambda: creates(fake),
            "results": lambda: ran(out),
        }
        kills = 0
        for kill in plan(rng):
            child = start(journal, out, fake.base_url, errors, lost_after=LOST_AFTER)
            if not killed(child, progress[kill.after], kill.at):
                break
            kills += 1
            lost_answers += sum(state == "creating" for _, state, _ in journal_rows(journal))
        else:
            child = start(journal, out, fake.base_url, errors, lost_after=LOST_AFTER)
        finish(child, tmp_path)
        tasks = list(fake.tasks.values())

    assert kills >= 3  # the plan's kills came before the batch ended
    assert lost_answers >= 1  # at least one create's answer died with its process
    rows = journal_rows(journal)
    assert [idx for idx, _, _ in rows] == list(range(INPUTS))
    assert {state for _, state, _ in rows} == {"done"}
    tags = collections.Counter(task["metadata"].get(RUN_TAG) for task in tasks)
    batch = batch_id(journal)
    assert tags == {f"{batch}:{i}": 1 for i in range(INPUTS)}  # one create each, none untagged
    assert [t["id"] for t in tasks if t["status"] in ("created", "started")] == []
    by_tag = {task["metadata"][RUN_TAG]: task for task in tasks}
    for idx, _, task_id in rows:  # the journal names the one task each input made
        assert task_id == by_tag[f"{batch}:{idx}"]["id"]
        assert by_tag[f"{batch}:{idx}"]["task"] == f"task {idx}"
    results = lines(out)
    assert all(line["error"] is None for line in results), [r for r in results if r["error"]]
    last = results[-INPUTS:]  # the run that ended gave every input, once
    assert sorted(int(str(line["key"])) for line in last) == list(range(INPUTS))
    fresh = collections.Counter(line["key"] for line in results if not line["resumed"])
    assert max(fresh.values()) == 1  # no input was handed over as run twice
    assert all(uuid.UUID(str(line["task_id"])) for line in results)


async def test_a_resume_counts_no_slot_for_a_task_that_ended_while_unwatched(
    tmp_path: Path,
) -> None:
    """Found in the kills above: a resumed task holds a slot until its first poll, and a
    batch sized before that poll counted both its slot and the session it had freed, sent
    that many creates too many, and had them all refused."""
    journal = tmp_path / "batch.db"
    prompts = [f"t{i}" for i in range(12)]
    async with FakeBrowserUseCloud() as fake:
        fake.max_active_sessions = 4
        fake.default_scenario = TaskScenario(steps=3, start_delay=0.0, step_interval=0.05)
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as bu:
            batch = bu.tasks.run_many(
                prompts, journal=journal, stop_on_exit=False, poll_interval=0.05
            )
            async with contextlib.aclosing(batch):
                async for _ in batch:
                    break  # three tasks left running, as if the process had died
            async with asyncio.timeout(10):
                while any(t["status"] == "started" for t in fake.tasks.values()):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            made = len(fake.tasks)
            fake.requests.clear()
            results = [
                r async for r in bu.tasks.run_many(prompts, journal=journal, poll_interval=0.05)
            ]
        assert sorted(r.index for r in results) == list(range(12))
        assert all(r.ok for r in results)
        assert creates(fake) == len(fake.tasks) - made == 12 - made  # not one 429


def test_a_create_the_cloud_is_still_making_when_the_batch_resumes_is_not_sent_again(
    tmp_path: Path,
) -> None:
    """The process dies right after sending a create that the cloud takes a second to make,
    and a new one resumes the batch at once: the task is not there yet when the resume first
    looks for it by its tag, and the resume must look again rather than create it twice."""
    journal, out = tmp_path / "batch.db", tmp_path / "results.jsonl"
    with FakeBrowserUseCloud() as fake, (tmp_path / "stderr.txt").open("wb") as errors:
        fake.default_scenario = TaskScenario(steps=2, start_delay=0.0, step_interval=0.05)
        fake.faults.add("POST /tasks", Fault(delay=1.0))
        child = start(journal, out, fake.base_url, errors, count=1)
        assert wait_for(child, lambda: creates(fake) >= 1)
        child.send_signal(signal.SIGKILL)
        child.wait(RUN_WITHIN)
        assert fake.tasks == {}  # still being made
        child = start(journal, out, fake.base_url, errors, count=1)
        finish(child, tmp_path)
        tasks = list(fake.tasks.values())
    assert len(tasks) == 1
    assert tasks[0]["status"] == "finished"
    [result] = lines(out)
    assert result["task_id"] == tasks[0]["id"]
