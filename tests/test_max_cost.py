"""`tasks.run(max_cost=...)`: a running task that costs more is stopped and the error says so."""

import asyncio
import decimal
import json
import math
import pickle
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import attrs
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUse,
    CostLimitExceededError,
    InvalidArgumentError,
    TaskFailedError,
    TaskView,
)
from browser_use_async._validation import usd_amount
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from tests.conftest import RecordingClock

# Steps at 1.5 s, 2.5 s, ... after the create; with poll_interval=1 the polls at 2.25 s, 3.25 s,
# ... each see one more step, and the last (the 6th) before the task ends at 7.5 s.
SCENARIO = TaskScenario(steps=6, start_delay=0.5, step_interval=1.0, cost_per_step="0.01")
POLL = 1.0

# Each refused with InvalidArgumentError naming the argument.
BAD_AMOUNTS: list[object] = [
    True,
    -1,
    "-0.01",
    "nan",
    "Infinity",
    float("nan"),
    float("inf"),
    Decimal("sNaN"),
    "$1",
    b"1",
    "",
    [1],
    None,
]


class Polled:
    """A fake cloud that records the cost each status poll answered, and a client whose waits
    move the fake's clock by as much."""

    def __init__(self, fake: FakeBrowserUseCloud) -> None:
        self.fake = fake
        self.costs: list[Decimal] = []
        self.clock = RecordingClock()

        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            response = await handler(request)
            if request.path.endswith("/status") and isinstance(response, web.Response):
                assert isinstance(response.body, bytes)
                self.costs.append(Decimal(json.loads(response.body)["cost"]))
            return response

        async def advance() -> None:
            fake.advance(self.clock.sleeps[-1])

        fake.app.middlewares.append(record)
        self.clock.on_sleep.append(advance)

    def sent(self) -> list[str]:
        return [f"{r.method} {r.path.removeprefix('/api/v2')}" for r in self.fake.requests]

    def patches(self) -> list[str]:
        return [json.loads(r.body)["action"] for r in self.fake.requests if r.method == "PATCH"]


@pytest.fixture
async def polled() -> AsyncIterator[Polled]:
    fake = FakeBrowserUseCloud(manual_time=True)
    fake.default_scenario = SCENARIO
    cloud = Polled(fake)
    async with fake:
        yield cloud


@pytest.fixture
async def client(polled: Polled) -> AsyncIterator[AsyncBrowserUse]:
    """A client of `polled`'s fake, on its clock."""
    fake = polled.fake
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, clock=polled.clock
    ) as c:
        yield c


async def run_over(
    client: AsyncBrowserUse,
    max_cost: Decimal | float | str,
    *,
    stop_on_exit: bool = True,
) -> CostLimitExceededError:
    async with asyncio.timeout(10):
        with pytest.raises(CostLimitExceededError) as info:
            await client.tasks.run(
                "Find a flight",
                poll_interval=POLL,
                max_cost=max_cost,
                stop_on_exit=stop_on_exit,
            )
    return info.value


async def test_a_task_over_budget_is_stopped_with_its_own_session(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    error = await run_over(client, Decimal("0.025"))
    [task] = polled.fake.tasks.values()
    session = polled.fake.sessions[uuid.UUID(task["sessionId"])]
    assert task["status"] == "stopped"
    assert session["status"] == "stopped"  # its own session would stay up, billed
    assert len(task["steps"]) == 3  # stopped at the first poll over the limit
    assert polled.patches() == ["stop_task_and_session"]
    assert polled.sent() == ["POST /tasks"] + [f"GET /tasks/{task['id']}/status"] * 6 + [
        f"PATCH /tasks/{task['id']}"
    ]
    assert isinstance(error, TaskFailedError)
    assert (error.cost, error.max_cost, error.stopped) == (Decimal("0.03"), Decimal("0.025"), True)
    assert isinstance(error.task, TaskView)
    assert error.task.status == "stopped"
    assert str(error.task.id) == task["id"]
    assert str(error) == (
        f"Task {task['id']} has cost $0.03, more than max_cost $0.025; task {task['id']} was "
        "stopped."
    )
    assert polled.fake.api_key not in str(error)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (made here)
    assert (type(copy), str(copy), copy.cost, copy.stopped) == (
        CostLimitExceededError,
        str(error),
        error.cost,
        True,
    )


async def test_a_task_in_a_given_session_is_stopped_and_the_session_kept(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    session_id = polled.fake.create_session(keep_alive=True)
    async with asyncio.timeout(10):
        with pytest.raises(CostLimitExceededError) as info:
            await client.tasks.run(
                "Find", poll_interval=POLL, max_cost="0.01", session_id=session_id
            )
    error = info.value
    [task] = polled.fake.tasks.values()
    assert task["status"] == "stopped"
    assert polled.fake.sessions[session_id]["status"] == "active"
    assert polled.patches() == ["stop"]
    assert (error.cost, error.stopped) == (Decimal("0.02"), True)


async def test_the_guard_stops_the_task_even_with_stop_on_exit_false(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    error = await run_over(client, 0, stop_on_exit=False)
    [task] = polled.fake.tasks.values()
    assert task["status"] == "stopped"
    assert (error.cost, error.stopped) == (Decimal("0.01"), True)


async def test_a_failed_stop_is_told_and_chained(
    polled: Polled, client: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    polled.fake.faults.add("PATCH /tasks/{task_id}", Fault(status=500), times=None)
    error = await run_over(client, "0.015")
    [task] = polled.fake.tasks.values()
    assert task["status"] == "started"
    assert (error.stopped, error.task) == (False, None)
    assert error.__cause__ is not None
    assert f"stopping task {task['id']} failed" in str(error)
    assert f"tasks.stop('{task['id']}')" in str(error)
    assert "Gave up on a task" not in caplog.text  # the error says it itself


async def test_under_budget_the_result_is_as_without_a_limit(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        view = await client.tasks.run("Find a flight", poll_interval=POLL, max_cost=1)
    assert view.status == "finished"
    assert view.cost == Decimal("0.06")
    assert polled.patches() == []


async def test_a_cost_equal_to_the_limit_is_within_it(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        view = await client.tasks.run("Find a flight", poll_interval=POLL, max_cost="0.06")
    assert view.status == "finished"
    assert max(polled.costs) == view.cost == Decimal("0.06")
    assert polled.patches() == []


async def test_a_task_that_ends_over_budget_between_polls_is_not_stopped(
    polled: Polled, client: AsyncBrowserUse
) -> None:
    polled.fake.default_scenario = TaskScenario(steps=3, step_interval=0.1, cost_per_step="0.01")
    error = await run_over(client, "0.02")  # polls at 0 s, 0.5 s (no step yet), 1.25 s (ended)
    [task] = polled.fake.tasks.values()
    assert polled.costs == [0, 0, Decimal("0.03")]
    assert polled.patches() == []
    assert task["status"] == "finished"
    assert (error.cost, error.stopped) == (Decimal("0.03"), None)
    assert isinstance(error.task, TaskView)
    assert error.task.output == "Done: Find a flight"  # what was paid for is still there
    assert str(error) == (
        f"Task {task['id']} has cost $0.03, more than max_cost $0.02; it had already ended "
        "(finished) when seen."
    )


# One poll per step; or several steps between polls, so some tasks end over the limit unseen.
@pytest.mark.parametrize("timing", [(POLL, 1.0), (2.5, 0.4)], ids=["poll-per-step", "sparse"])
@pytest.mark.parametrize("per_step", ["0.01", "0.07", "1"])
@pytest.mark.parametrize("steps_allowed", [0, 0.5, 1, 2.5, 5, 5.99])
async def test_sweep_the_stop_comes_at_the_first_poll_over_the_limit(
    polled: Polled,
    client: AsyncBrowserUse,
    timing: tuple[float, float],
    per_step: str,
    steps_allowed: float,
) -> None:
    poll_interval, step_interval = timing
    scenario = attrs.evolve(SCENARIO, step_interval=step_interval, cost_per_step=per_step)
    polled.fake.default_scenario = scenario
    max_cost = Decimal(per_step) * Decimal(str(steps_allowed))
    async with asyncio.timeout(10):
        with pytest.raises(CostLimitExceededError) as info:
            await client.tasks.run("Find", poll_interval=poll_interval, max_cost=max_cost)
    error = info.value
    [task] = polled.fake.tasks.values()
    first_over = next(i for i, cost in enumerate(polled.costs) if cost > max_cost)
    assert polled.costs[first_over:] == [error.cost]  # no poll after it
    assert error.max_cost == max_cost
    if error.stopped is None:  # it ended between two polls, the second one over the limit
        assert task["status"] == "finished"
        assert polled.patches() == []
        assert poll_interval > POLL
    else:
        assert task["status"] == "stopped"
        assert Decimal(task["cost"]) == error.cost  # no step after the stop
        assert polled.patches() == ["stop_task_and_session"]
        assert polled.sent()[-1] == f"PATCH /tasks/{task['id']}"
    if poll_interval == POLL:  # each poll sees one more step: the stop is at the first too many
        assert len(task["steps"]) == math.floor(steps_allowed) + 1


@pytest.mark.parametrize("value", [v for v in BAD_AMOUNTS if v is not None], ids=repr)
async def test_a_bad_max_cost_is_refused_before_anything_is_sent(
    polled: Polled, client: AsyncBrowserUse, value: object
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^max_cost must be an amount of US dollars"):
        await client.tasks.run("Find a flight", max_cost=value)  # type: ignore[call-overload]
    assert polled.fake.requests == []


@pytest.mark.parametrize("value", BAD_AMOUNTS, ids=repr)
def test_usd_amount_refuses_what_is_not_an_amount(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^max_total_cost must be an amount of US"):
        usd_amount(value, "max_total_cost")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Decimal("0.50"), Decimal("0.50")),
        (0, Decimal(0)),
        (3, Decimal(3)),
        ("0.5", Decimal("0.5")),
        ("1e-2", Decimal("0.01")),
        (0.1, Decimal("0.1")),  # the number written, not the binary fraction nearest it
        (10**400, Decimal(10**400)),
    ],
)
def test_usd_amount_reads_decimals_ints_strings_and_floats(value: object, amount: Decimal) -> None:
    read = usd_amount(value, "max_cost")
    assert isinstance(read, Decimal)
    assert read == amount


def test_usd_amount_holds_when_invalid_operations_are_not_trapped() -> None:
    with decimal.localcontext() as context:
        context.traps[decimal.InvalidOperation] = False
        with pytest.raises(InvalidArgumentError, match="got 'abc'"):
            usd_amount("abc", "max_total_cost")


def test_the_blocking_client_stops_a_task_over_budget(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    threaded_fake.default_scenario = SCENARIO
    clock = RecordingClock()

    async def advance() -> None:
        threaded_fake.advance(clock.sleeps[-1])

    clock.on_sleep.append(advance)
    key, url = threaded_fake.api_key, threaded_fake.base_url
    with BrowserUse(api_key=key, base_url=url, clock=clock) as client:
        with pytest.raises(CostLimitExceededError) as info:
            client.tasks.run("Find a flight", poll_interval=POLL, max_cost=Decimal("0.02"))
        [task] = threaded_fake.tasks.values()
        assert task["status"] == "stopped"
        assert (info.value.cost, info.value.stopped) == (Decimal("0.03"), True)
        assert client.tasks.run("Find", poll_interval=POLL, max_cost="0.06").cost == Decimal("0.06")
