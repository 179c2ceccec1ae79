"""`tasks.run_many` attacked: interruptions at every request, lost create answers, hostile
inputs and journals, abandoned iterators. After any interruption nothing is left billing."""

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path
from typing import Any, assert_type

import attrs
import pytest
from aiohttp import web

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUseError,
    InvalidArgumentError,
    JournalError,
    NotFoundError,
    TaskResult,
    TaskTimeoutError,
    TaskView,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario

pytestmark = pytest.mark.timeout(60)

QUICK = TaskScenario(steps=2, start_delay=0.02, step_interval=0.03)
Handler = Callable[[web.Request], Any]


class HostileFake(FakeBrowserUseCloud):
    """The fake, with two more tricks: call `on_request(n)` as the n-th request arrives (to
    interrupt the batch while that request is being answered), and lose the answers of calls
    to routes in `lose` after handling them (the task is made; the client never hears)."""

    def __init__(self) -> None:
        self.on_request: Callable[[int], None] | None = None
        self.lose: dict[str, int] = {}  # "POST /api/v2/tasks" -> how many answers to lose
        self.lose_with: int | None = None  # a status to answer instead (None: hang up)
        super().__init__()

    def _middlewares(self) -> list[Any]:
        return [self._trip, *super()._middlewares(), self._lose]

    @web.middleware
    async def _trip(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.on_request is not None:
            self.on_request(len(self.requests) + 1)
        return await handler(request)  # type: ignore[no-any-return]

    @web.middleware
    async def _lose(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = f"{request.method} {request.path}"
        answer: web.StreamResponse = await handler(request)
        if self.lose.get(route, 0) <= 0:
            return answer
        self.lose[route] -= 1
        if self.lose_with is not None:
            return web.json_response({"detail": "lost"}, status=self.lose_with)
        assert request.transport is not None
        request.transport.abort()
        return answer


@pytest.fixture
async def hostile() -> AsyncIterator[HostileFake]:
    async with HostileFake() as cloud:
        cloud.default_scenario = QUICK
        yield cloud


@pytest.fixture
async def bu(hostile: HostileFake) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(api_key=hostile.api_key, base_url=hostile.base_url) as c:
        yield c


async def leave_once(batch: AsyncGenerator[Any], until: Callable[[], bool]) -> None:
    """Wait for `batch`'s first result until `until()` holds on the fake, then give up on it:
    the batch winds down as it is closed."""
    async with contextlib.aclosing(batch):
        waiting = asyncio.ensure_future(anext(batch))
        async with asyncio.timeout(10):
            while not until():  # noqa: ASYNC110 (the fake has no event to wait on)
                await asyncio.sleep(0.01)
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == "/api/v2/tasks" for r in fake.requests)


def unfinished(fake: FakeBrowserUseCloud) -> list[str]:
    return [t["id"] for t in fake.tasks.values() if t["status"] in ("created", "started")]


def stopped_in_log(text: str) -> int:
    """The number of tasks the batch's last wind-down says it stopped (0 if it said none)."""
    said = re.findall(r"stopped (\d+) of its (\d+) running tasks", text)
    return int(said[-1][0]) if said else 0


def assert_nothing_left_billing(fake: FakeBrowserUseCloud, log: str) -> None:
    """No task created or started, every session of its own stopped, and the log's count of
    stopped tasks is the fake's."""
    assert unfinished(fake) == []
    assert [s["id"] for s in fake.sessions.values() if s["status"] == "active"] == []
    stopped = sum(t["status"] == "stopped" for t in fake.tasks.values())
    assert stopped_in_log(log) == stopped, log


# -- interruptions at every request ---------------------------------------------------------------

SLOW_ROUTES = (
    "POST /tasks",
    "GET /tasks/{task_id}/status",
    "GET /tasks/{task_id}",
    "PATCH /tasks/{task_id}",
    "GET /billing/account",
)


def slow_down(fake: FakeBrowserUseCloud, seconds: float) -> None:
    """Every call the runner makes takes a while: an interruption lands while it is in flight."""
    for route in SLOW_ROUTES:
        fake.faults.add(route, Fault(delay=seconds), times=None)


@pytest.mark.parametrize("journaled", [False, True], ids=["plain", "journal"])
@pytest.mark.parametrize("n", range(1, 106, 3))
async def test_cancelled_at_the_nth_request_nothing_is_left_billing(
    hostile: HostileFake,
    bu: AsyncBrowserUse,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    *,
    n: int,
    journaled: bool,
) -> None:
    caplog.set_level(logging.WARNING, "browser_use_async")
    for i in range(12):
        hostile.scenarios[f"t{i}"] = TaskScenario(steps=1 + i, start_delay=0.0, step_interval=0.03)
    slow_down(hostile, 0.02)
    hostile.max_active_sessions = 4
    job: asyncio.Task[None] | None = None

    def trip(count: int) -> None:
        if count == n and job is not None:
            job.cancel()

    async def consume() -> None:
        batch = bu.tasks.run_many(
            [f"t{i}" for i in range(12)],
            journal=tmp_path / "j.db" if journaled else None,
            concurrency="auto" if journaled else 4,
            poll_interval=0.03,
        )
        async for _ in batch:
            pass

    hostile.on_request = trip
    job = asyncio.ensure_future(consume())
    async with asyncio.timeout(30):
        with contextlib.suppress(asyncio.CancelledError):
            await job
    made = len(hostile.tasks)
    await asyncio.sleep(0.1)  # nothing more is created once the batch has wound down
    assert len(hostile.tasks) == made
    assert_nothing_left_billing(hostile, caplog.text)


# -- types ----------------------------------------------------------------------------------------


@attrs.frozen
class Hours:
    opens: str


async def test_a_batch_closes_with_aclosing_and_its_results_are_typed(
    bu: AsyncBrowserUse,
) -> None:
    """README's own pattern type-checks (mypy and pyright run on this file): `aclosing` needs
    an `aclose`, which an `AsyncIterator` does not promise."""
    batch = bu.tasks.run_many(["a"], output_type=Hours, poll_interval=0.03)
    async with contextlib.aclosing(batch):
        async for result in batch:
            assert_type(result, TaskResult[Hours])
            assert_type(result.value, Hours | None)
            assert isinstance(result.unwrap(), Hours)
    plain = bu.tasks.run_many({"k": "a"}, poll_interval=0.03)
    async with contextlib.aclosing(plain):
        async for other in plain:
            assert_type(other.value, TaskView | None)
            assert isinstance(other.value, TaskView)


# -- creates whose answer is lost -----------------------------------------------------------------


@pytest.mark.parametrize("status", [None, 500], ids=["hung-up", "500"])
@pytest.mark.parametrize("journaled", [False, True], ids=["plain", "journal"])
async def test_a_create_whose_answer_is_lost_is_not_made_twice_and_says_so(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path, status: int | None, journaled: bool
) -> None:
    hostile.lose["POST /api/v2/tasks"] = 1
    hostile.lose_with = status
    journal = tmp_path / "j.db" if journaled else None
    first = {
        r.key: r
        async for r in bu.tasks.run_many(
            ["a", "b"], journal=journal, concurrency=1, poll_interval=0.03
        )
    }
    assert first["1"].ok
    assert first["0"].error is not None
    said = str(first["0"].error)
    if journaled:
        assert "resuming the batch looks for the task by its run tag" in said, said
    else:
        assert "look for it with tasks.list and stop it" in said, said
    assert len(hostile.tasks) == 2 == creates(hostile)  # made once, not sent again
    if journaled:  # the resume finds it by its tag: still one task per input
        again = {
            r.key: r
            async for r in bu.tasks.run_many(["a", "b"], journal=journal, poll_interval=0.03)
        }
        assert again["0"].ok
        assert again["0"].task_id == next(iter(hostile.tasks))
        assert len(hostile.tasks) == 2 == creates(hostile)


# -- polls that do not answer ---------------------------------------------------------------------

LONG = TaskScenario(steps=1000, start_delay=0.0, step_interval=0.05)


async def test_a_timeout_holds_while_every_poll_is_refused(
    hostile: HostileFake, bu: AsyncBrowserUse
) -> None:
    """A 429 storm on polls slows them, but a task still ends at its timeout."""
    hostile.default_scenario = LONG
    hostile.faults.add("GET /tasks/{task_id}/status", Fault(status=429), times=None)
    async with asyncio.timeout(15):
        [result] = [r async for r in bu.tasks.run_many(["slow"], timeout=0.3, poll_interval=0.05)]
    assert isinstance(result.error, TaskTimeoutError)
    assert result.error.stopped is True
    assert unfinished(hostile) == []


async def test_creates_waiting_out_429s_are_not_reported_unanswered(
    hostile: HostileFake, bu: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    """A create refused for capacity made nothing; one not yet sent made nothing either: the
    log counts neither among "creates got no answer"."""
    caplog.set_level(logging.WARNING, "browser_use_async")
    hostile.default_scenario = LONG
    hostile.max_active_sessions = 2
    batch = bu.tasks.run_many([f"t{i}" for i in range(12)], concurrency=6, poll_interval=0.05)
    await leave_once(batch, lambda: creates(hostile) >= 8)
    assert len(hostile.tasks) == 2
    assert_nothing_left_billing(hostile, caplog.text)
    assert "stopped 2 of its 2 running tasks." in caplog.text, caplog.text


# -- hostile inputs -------------------------------------------------------------------------------

FULL = {f"k{i}": "v" for i in range(10)}  # the most metadata a task may have


async def test_metadata_with_no_room_for_the_run_tag_is_refused_at_the_call(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"input 1: .*run tag"):
        bu.tasks.run_many(
            ["a", {"task": "b", "metadata": FULL}], journal=tmp_path / "j.db", poll_interval=0.03
        )
    assert hostile.requests == []
    plain = [
        r async for r in bu.tasks.run_many([{"task": "b", "metadata": FULL}], poll_interval=0.03)
    ]
    assert [r.ok for r in plain] == [True]  # without a journal there is no tag to make room for


async def test_an_iterators_input_with_no_room_for_the_tag_is_its_own_result(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    listed: list[str | dict[str, Any]] = ["a", {"task": "b", "metadata": FULL}, "c"]
    inputs = iter(listed)
    results = {
        r.index: r
        async for r in bu.tasks.run_many(inputs, journal=tmp_path / "j.db", poll_interval=0.03)
    }
    assert results[0].ok
    assert results[2].ok
    assert isinstance(results[1].error, InvalidArgumentError)
    assert "run tag" in str(results[1].error)
    assert len(hostile.tasks) == 2


# -- hostile journals -----------------------------------------------------------------------------


def sqlite_file(path: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for statement in statements:
            db.execute(statement)


def tables(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master")}


@pytest.mark.parametrize("journal", ["", ":memory:"])
async def test_a_journal_that_would_not_outlive_the_process_is_refused_at_the_call(
    hostile: HostileFake, bu: AsyncBrowserUse, journal: str
) -> None:
    """SQLite reads these as a private temporary database: a resume would find nothing."""
    with pytest.raises(InvalidArgumentError, match="journal"):
        bu.tasks.run_many(["a"], journal=journal)
    assert hostile.requests == []


@pytest.mark.parametrize(
    "statements",
    [
        ("CREATE TABLE users (name TEXT)",),  # the user's own database
        ("CREATE TABLE inputs (idx INTEGER PRIMARY KEY, key TEXT)",),  # another schema
        ("CREATE TABLE batch (id TEXT NOT NULL)", "INSERT INTO batch VALUES ('not a uuid')"),
        ("PRAGMA user_version = 99",),  # a newer journal
    ],
    ids=["other-database", "other-schema", "bad-batch-id", "newer"],
)
async def test_a_database_that_is_not_a_journal_of_this_version_is_refused_untouched(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path, statements: tuple[str, ...]
) -> None:
    path = tmp_path / "j.db"
    sqlite_file(path, *statements)
    before = tables(path)
    with pytest.raises(JournalError, match="cannot use"):
        _ = [r async for r in bu.tasks.run_many(["a"], journal=path, poll_interval=0.03)]
    assert hostile.requests == []
    assert tables(path) == before


async def test_a_key_refused_on_create_stops_new_creates(hostile: HostileFake) -> None:
    """A wrong API key refuses every create alike: 10,000 inputs must not mean 10,000 401s."""
    async with AsyncBrowserUse(api_key="bu_wrong", base_url=hostile.base_url) as wrong:
        results = [
            r
            async for r in wrong.tasks.run_many(
                [f"t{i}" for i in range(20)], concurrency=2, poll_interval=0.03
            )
        ]
    assert len(results) == 20
    assert all(isinstance(r.error, BrowserUseError) for r in results)
    assert creates(hostile) <= 2
    assert sum("Not started: the account refused" in str(r.error) for r in results) >= 18


# -- "auto" when the account says little ----------------------------------------------------------


async def test_auto_runs_one_at_a_time_when_the_account_cannot_be_read(
    hostile: HostileFake, bu: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    """A key without access to billing (403) can still run tasks: "auto" starts at one
    (growing when a later read works), with a warning, instead of failing the batch."""
    caplog.set_level(logging.WARNING, "browser_use_async")
    hostile.faults.add("GET /billing/account", Fault(status=403), times=None)
    results = [r async for r in bu.tasks.run_many(["a", "b", "c"], poll_interval=0.03)]
    assert [r.ok for r in results] == [True] * 3
    assert "free sessions" in caplog.text


async def test_auto_with_more_sessions_active_than_the_limit_still_runs(
    hostile: HostileFake, bu: AsyncBrowserUse
) -> None:
    crowded = {**hostile.account, "concurrentSessionLimit": 3, "activeSessionCount": 9}
    body = json.dumps(crowded).encode()
    hostile.faults.add("GET /billing/account", Fault(body=body), times=None)
    results = [r async for r in bu.tasks.run_many(["a", "b", "c"], poll_interval=0.03)]
    assert [r.ok for r in results] == [True] * 3
    assert len(hostile.tasks) == 3


@pytest.mark.parametrize("stop_on_exit", [True, False])
async def test_a_task_the_batch_cannot_watch_is_not_left_running_unseen(
    hostile: HostileFake, bu: AsyncBrowserUse, *, stop_on_exit: bool
) -> None:
    """Polls answered with an error the batch cannot wait out end the input's result; its
    task is stopped (unless stop_on_exit=False), and the error says which."""
    hostile.default_scenario = LONG
    hostile.faults.add("GET /tasks/{task_id}/status", Fault(status=400), times=None)
    [result] = [
        r
        async for r in bu.tasks.run_many(
            ["a"], concurrency=1, stop_on_exit=stop_on_exit, poll_interval=0.03
        )
    ]
    assert result.error is not None
    if stop_on_exit:
        assert unfinished(hostile) == []
        assert "The batch stopped the task" in str(result.error)
    else:
        assert len(unfinished(hostile)) == 1
        assert "may still be running" in str(result.error)


async def test_a_task_whose_last_read_fails_gives_its_result_from_the_stop(
    hostile: HostileFake, bu: AsyncBrowserUse
) -> None:
    """The task ended, but reading it failed: the stop's answer is the task as it ended."""
    hostile.faults.add("GET /tasks/{task_id}", Fault(status=400), times=1)
    [result] = [r async for r in bu.tasks.run_many(["a"], concurrency=1, poll_interval=0.03)]
    assert result.ok, result.error
    assert result.task is not None
    assert result.task.status == "finished"


# -- what the batch reads, keeps and shows --------------------------------------------------------

SECRET = "hunter2-do-not-show"


def contents(folder: Path) -> list[bytes]:
    """The bytes of each file in `folder` (the journal and whatever SQLite keeps beside it)."""
    return [path.read_bytes() for path in folder.iterdir()]


async def test_secrets_never_reach_the_journal_logs_reprs_or_errors(
    hostile: HostileFake,
    bu: AsyncBrowserUse,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, "browser_use_async")
    hostile.scenarios["slow"] = LONG
    path = tmp_path / "j.db"
    inputs: list[str | dict[str, Any]] = [
        {"task": "a", "secrets": {"pw": SECRET}},
        {"task": "b", "secrets": {"pw": SECRET, "n": 5}},  # bad: its own result (an iterator)
        {"task": "slow", "secrets": {"pw": SECRET}},
    ]
    shown: list[str] = []
    batch = bu.tasks.run_many(iter(inputs), journal=path, timeout=0.2, poll_interval=0.03)
    async with contextlib.aclosing(batch):
        async for result in batch:
            shown += [repr(result), str(result.error), repr(result.error), repr(result.task)]
    assert len(shown) == 12
    assert SECRET not in "".join(shown)
    assert SECRET not in caplog.text
    files = contents(tmp_path)
    assert files
    assert all(SECRET.encode() not in data for data in files)
    assert any(r.json().get("secrets") == {"pw": SECRET} for r in hostile.requests if r.body)


async def test_a_task_in_a_session_of_its_own_choosing_is_stopped_without_its_session(
    hostile: HostileFake, bu: AsyncBrowserUse
) -> None:
    hostile.default_scenario = LONG
    session = hostile.create_session()
    batch = bu.tasks.run_many(
        [{"task": "in yours", "session_id": session}], concurrency=1, poll_interval=0.03
    )
    await leave_once(batch, lambda: bool(hostile.tasks))
    assert unfinished(hostile) == []
    stops = [r.json() for r in hostile.requests if r.method == "PATCH"]
    assert stops == [{"action": "stop"}]
    assert hostile.sessions[session]["status"] == "active"


async def test_a_consumer_that_stops_taking_results_holds_the_batch_back(
    hostile: HostileFake, bu: AsyncBrowserUse
) -> None:
    """Results are handed over one at a time: a batch whose consumer is busy (or gone) starts
    no more than its concurrency beyond what was taken, and reads its inputs no further."""
    read = 0

    def endless() -> Any:
        nonlocal read
        while True:
            read += 1
            yield f"t{read}"

    batch = bu.tasks.run_many(endless(), concurrency=3, poll_interval=0.03)
    async with contextlib.aclosing(batch):
        first = await anext(batch)
        assert first.ok
        await asyncio.sleep(1.0)  # tasks end within 0.1 s: plenty of time to run ahead
        assert len(hostile.tasks) <= 1 + 1 + 3  # taken, waiting to be taken, in flight
        assert read <= len(hostile.tasks) + 1


async def test_breaking_out_without_closing_still_stops_what_it_started(
    hostile: HostileFake, bu: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    """Without `aclosing`, the generator is closed when it is collected (asyncio's hook):
    the tasks it started are stopped then, and the log says so."""
    caplog.set_level(logging.WARNING, "browser_use_async")
    hostile.default_scenario = LONG
    hostile.scenarios["t0"] = QUICK
    async for result in bu.tasks.run_many(
        [f"t{i}" for i in range(6)], concurrency=3, poll_interval=0.03
    ):
        assert result.key == "0"
        break
    async with asyncio.timeout(15):
        while unfinished(hostile):  # noqa: ASYNC110 (the fake has no event to wait on)
            await asyncio.sleep(0.05)
    assert_nothing_left_billing(hostile, caplog.text)


@pytest.mark.parametrize("n", range(2, 60, 3))
async def test_cancelled_with_lost_answers_then_resumed_each_input_runs_once(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path, n: int
) -> None:
    """Creates whose answers are lost, an interruption at the n-th request, then a resume:
    every input ends once, no input's task is made twice, nothing is left running."""
    prompts = [f"t{i}" for i in range(8)]
    for i, prompt in enumerate(prompts):
        hostile.scenarios[prompt] = TaskScenario(steps=1 + i, start_delay=0.0, step_interval=0.03)
    hostile.lose["POST /api/v2/tasks"] = 2
    slow_down(hostile, 0.01)
    journal = tmp_path / "j.db"
    job: asyncio.Task[None] | None = None

    def trip(count: int) -> None:
        if count == n and job is not None:
            job.cancel()

    async def consume() -> None:
        async for _ in bu.tasks.run_many(
            prompts, journal=journal, concurrency=3, poll_interval=0.03
        ):
            pass

    hostile.on_request = trip
    job = asyncio.ensure_future(consume())
    async with asyncio.timeout(30):
        with contextlib.suppress(asyncio.CancelledError):
            await job
        hostile.on_request = None
        hostile.lose.clear()
        await asyncio.sleep(0.4)  # the lost creates' tasks (unseen, unstopped) end by themselves
        results = [r async for r in bu.tasks.run_many(prompts, journal=journal, poll_interval=0.03)]
    assert sorted(r.index for r in results) == list(range(8))
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    finished = Counter(t["task"] for t in hostile.tasks.values() if t["status"] == "finished")
    assert all(count == 1 for count in finished.values()), finished
    assert unfinished(hostile) == []


async def test_a_resumed_task_the_cloud_no_longer_knows_is_not_called_running(
    hostile: HostileFake, bu: AsyncBrowserUse, tmp_path: Path
) -> None:
    """The journal names a task the cloud answers 404 for: its result is that error, with no
    stop sent and no word of it running."""
    hostile.default_scenario = LONG
    journal = tmp_path / "j.db"
    batch = bu.tasks.run_many(["a"], journal=journal, stop_on_exit=False, poll_interval=0.03)
    await leave_once(batch, lambda: bool(hostile.tasks))
    hostile.tasks.clear()
    hostile.requests.clear()
    [result] = [r async for r in bu.tasks.run_many(["a"], journal=journal, poll_interval=0.03)]
    assert isinstance(result.error, NotFoundError)
    assert "running" not in str(result.error)
    assert not any(r.method == "PATCH" for r in hostile.requests)
