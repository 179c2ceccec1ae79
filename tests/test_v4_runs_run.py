"""v4 `runs.run`: create, wait, read the result; and ending early at any point, which must
leave exactly one create on the server and, once made, a cancel of it."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import attrs
import pytest

from browser_use_async import (
    APIConnectionError,
    InternalServerError,
    RetryPolicy,
    RunTimeoutError,
    _launch,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault, RunScenario
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models.runs import RunStatus, RunSummary
from tests.conftest import RecordingClock, link
from tests.soak import LateCreates

V4 = "/api/v4"
QUICK = RunScenario(steps=3, queue_delay=0.25, dispatch_delay=0.25, step_interval=1.0)


def sent(fake: FakeBrowserUseCloud) -> list[str]:
    return [f"{r.method} {r.path.removeprefix(V4)}" for r in fake.requests]


def creates(fake: FakeBrowserUseCloud, task: str) -> int:
    return sum(
        r.method == "POST" and r.path == f"{V4}/runs" and r.json()["task"] == task
        for r in fake.requests
    )


def cancels(fake: FakeBrowserUseCloud, run_id: object) -> int:
    return sent(fake).count(f"POST /runs/{run_id}/cancel")


@pytest.fixture
async def late() -> AsyncIterator[tuple[FakeBrowserUseCloud, LateCreates]]:
    """A fake (manual time) whose creates are answered late, as `LateCreates` says."""
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake, f"{V4}/runs")
    async with fake:
        yield fake, late


async def test_run_creates_waits_and_returns_the_run(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = QUICK
    run = await linked_runs.runs.run("Find", max_cost_usd="1.5", poll_interval=2.0)
    assert isinstance(run, RunSummary)
    assert (run.status, run.result) == (RunStatus.COMPLETED, "Done: Find")
    assert sent(fake) == [
        "POST /runs",
        *[f"GET /runs/{run.id}/status"] * 6,
        f"GET /runs/{run.id}",
    ]
    assert fake.requests[0].json() == {"task": "Find", "maxCostUsd": "1.5"}


async def test_run_returns_a_failed_run_without_an_output_type(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = RunScenario(steps=1, fail=True, error="Blocked by a captcha")
    run = await linked_runs.runs.run("Find")
    assert (run.status, run.error) == (RunStatus.FAILED, "Blocked by a captcha")


async def test_timeout_cancels_the_run_and_says_so(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = QUICK
    with pytest.raises(RunTimeoutError) as info:
        await linked_runs.runs.run("Find", timeout=2.0)
    [run_id] = fake.runs
    error = info.value
    assert (error.run_id, error.status, error.stopped) == (run_id, "running", True)
    assert str(error) == (
        f"Run {run_id} is still running after 2.0 s (timeout 2 s); run {run_id} was cancelled."
    )
    assert fake.runs[run_id]["status"] == "cancelled"
    assert cancels(fake, run_id) == 1
    assert creates(fake, "Find") == 1


async def test_timeout_without_cancel_says_how_to_cancel(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = QUICK
    with pytest.raises(RunTimeoutError) as info:
        await linked_runs.runs.run("Find", timeout=2.0, cancel_on_exit=False)
    [run_id] = fake.runs
    assert info.value.stopped is None
    assert str(info.value).endswith(
        f"; it keeps running on the server. Cancel it with runs.cancel('{run_id}')."
    )
    assert fake.runs[run_id]["status"] == "running"
    assert cancels(fake, run_id) == 0


async def test_a_cancel_that_fails_once_is_retried(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    link(fake, clock)
    fake.run_scenarios["Find"] = QUICK
    fake.faults.add(f"POST {V4}/runs/{{run_id}}/cancel", Fault(status=503))
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock) as c:
        with pytest.raises(RunTimeoutError) as info:
            await c.runs.run("Find", timeout=1.0)
    [run_id] = fake.runs
    assert info.value.stopped is True
    assert cancels(fake, run_id) == 2
    assert fake.runs[run_id]["status"] == "cancelled"


async def test_a_cancel_that_keeps_failing_is_reported(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = QUICK
    fake.faults.add(f"POST {V4}/runs/{{run_id}}/cancel", Fault(status=404), times=None)
    with pytest.raises(RunTimeoutError) as info:
        await linked_runs.runs.run("Find", timeout=1.0)
    [run_id] = fake.runs
    assert info.value.stopped is False
    assert f"cancelling run {run_id} failed" in str(info.value)
    assert f"cancel it with runs.cancel('{run_id}')" in str(info.value)
    assert fake.runs[run_id]["status"] == "running"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(status=503), InternalServerError),
        (Fault(disconnect="before_response"), APIConnectionError),
    ],
)
async def test_run_never_sends_the_create_twice(
    fake: FakeBrowserUseCloud,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    error: type[Exception],
) -> None:
    fake.faults.add(f"POST {V4}/runs", fault, times=None)
    retries = RetryPolicy(initial_delay=0.001, max_delay=0.001)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, retry=retries
    ) as client:
        with pytest.raises(error):
            await client.runs.run("Find")
    assert sent(fake) == ["POST /runs"]
    assert "a run it made may be running: look for it with runs.list and cancel it" in caplog.text


async def cancelled_once_created(fake: FakeBrowserUseCloud, *, times: int) -> float:
    """`runs.run("Find")` cancelled `times` times, 20 ms apart, once the fake holds its run;
    the seconds from the first cancel until it ended."""
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as client:
        run = asyncio.create_task(client.runs.run("Find"))
        async with asyncio.timeout(10):
            while not fake.runs:  # noqa: ASYNC110 (the server's state, not an event)
                await asyncio.sleep(0.005)
            started = time.monotonic()
            for _ in range(times):
                run.cancel()
                await asyncio.sleep(0.02)
            with pytest.raises(asyncio.CancelledError):
                await run
    return time.monotonic() - started


async def test_a_create_answered_after_a_cancellation_is_cancelled(
    late: tuple[FakeBrowserUseCloud, LateCreates], caplog: pytest.LogCaptureFixture
) -> None:
    fake, slow = late
    slow.seconds = 0.3
    await cancelled_once_created(fake, times=1)
    [run_id] = fake.runs
    assert fake.runs[run_id]["status"] == "cancelled"
    assert sent(fake) == ["POST /runs", f"POST /runs/{run_id}/cancel"]
    assert f"Gave up on a run (CancelledError); run {run_id} was cancelled." in caplog.text


async def test_cancelled_again_during_the_clean_up_still_cancels(
    late: tuple[FakeBrowserUseCloud, LateCreates],
) -> None:
    fake, slow = late
    slow.seconds = 0.3
    await cancelled_once_created(fake, times=3)
    [run_id] = fake.runs
    assert fake.runs[run_id]["status"] == "cancelled"
    assert creates(fake, "Find") == 1


async def test_a_hanging_create_is_given_up_in_bounded_time(
    late: tuple[FakeBrowserUseCloud, LateCreates],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(_launch, "STOP_WAIT_SECONDS", 0.3)
    fake, slow = late
    slow.seconds = 30
    assert await cancelled_once_created(fake, times=1) < 2
    assert "no answer to the create came back that names the run" in caplog.text


@attrs.define
class Sweep:
    """What cancelling `runs.run` at many points left behind."""

    before_create: int = 0
    cancelled_after_create: int = 0
    ended_before_cancel: int = 0
    returned: int = 0
    problems: list[str] = attrs.field(factory=lambda: [])


async def _cancelled_at(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, task: str, steps: int, again: int
) -> tuple[str, object]:
    """`runs.run(task)` cancelled after `steps` loop iterations (and again `again`
    iterations later, during its clean-up if still going); how it ended."""
    run = asyncio.create_task(client.runs.run(task, poll_interval=1.0))
    for _ in range(steps):
        await asyncio.sleep(0)
    run.cancel()
    for _ in range(again):
        await asyncio.sleep(0)
    if again:
        run.cancel()
    try:
        async with asyncio.timeout(10):
            return "returned", await run
    except asyncio.CancelledError:
        return "cancelled", None


async def test_cancelled_at_every_point_leaves_one_create_and_cancels_what_it_made(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)  # the warnings of hundreds of runs
    fake.default_run_scenario = RunScenario(steps=20, step_interval=1.0)  # ~25 polls
    sweep = Sweep()
    for steps in range(2000):
        task = f"sweep {steps}"
        how, _ = await _cancelled_at(fake, linked_runs, task, steps, again=steps % 3 * 7)
        made = [run_id for run_id, run in fake.runs.items() if run["task"] == task]
        if creates(fake, task) > 1 or len(made) > 1:
            sweep.problems.append(f"{task}: created {creates(fake, task)} times")
        if how == "returned":
            sweep.returned += 1
            if sweep.returned >= 3:
                break
            continue
        if not made:
            sweep.before_create += 1
            if creates(fake, task):
                sweep.problems.append(f"{task}: a create reached the server, no run")
            continue
        [run_id] = made
        status = fake.runs[run_id]["status"]
        if status == "cancelled":
            sweep.cancelled_after_create += 1
        else:  # cancelled during the final get: the cancel found it ended
            sweep.ended_before_cancel += 1
        if cancels(fake, run_id) != 1 or status not in ("cancelled", "completed"):
            sweep.problems.append(f"{task}: {cancels(fake, run_id)} cancels, {status}")
    assert sweep.problems == []
    assert sweep.returned == 3  # the sweep went all the way to the run's end
    assert sweep.before_create >= 1
    assert sweep.cancelled_after_create >= 100
    assert sweep.ended_before_cancel >= 1
    print(  # noqa: T201 (the counts, for the report: pytest -s)
        f"cancel sweep: {sweep.before_create} before the create, "
        f"{sweep.cancelled_after_create} cancelled after it, {sweep.ended_before_cancel} "
        f"ended before the cancel, {sweep.returned} returned"
    )


@pytest.mark.parametrize("seconds", [0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2])
async def test_an_asyncio_timeout_around_run_cancels_the_run(
    late: tuple[FakeBrowserUseCloud, LateCreates], seconds: float
) -> None:
    fake, slow = late
    fake.default_run_scenario = RunScenario(steps=100)
    slow.seconds = 0.05
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as client:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(seconds):
                await client.runs.run("Find", poll_interval=0.01)
    assert creates(fake, "Find") <= 1
    for run_id, run in fake.runs.items():
        assert run["status"] == "cancelled"
        assert cancels(fake, run_id) == 1
