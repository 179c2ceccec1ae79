"""v4 `runs.wait`, `runs.stream` and `runs.live_url`: the requests they make, the waits between
them, each event once, resuming from a cursor, and how they end."""

import json
import uuid

import pytest

from browser_use_async import (
    NotFoundError,
    RunFailedError,
    RunTimeoutError,
    TaskFailedError,
    TaskTimeoutError,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault, RunScenario
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models.runs import RunEvent, RunStatus, RunSummary
from tests.conftest import CannedServer, RecordingClock

V4 = "/api/v4"
STATUS_ROUTE = f"GET {V4}/runs/{{run_id}}/status"
QUICK = RunScenario(steps=3, queue_delay=0.25, dispatch_delay=0.25, step_interval=1.0)
"""Ends 4.5 s after it is made: running at 0.5 s, a step a second, the end a step later."""


def sent(fake: FakeBrowserUseCloud) -> list[str]:
    return [f"{r.method} {r.path.removeprefix(V4)}" for r in fake.requests]


async def test_wait_polls_the_status_with_growing_waits_then_gets_the_run_once(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)
    run = await linked_runs.runs.wait(run_id, poll_interval=2.0)
    assert isinstance(run, RunSummary)
    assert run.status is RunStatus.COMPLETED
    assert clock.sleeps == [0.5, 0.75, 1.125, 1.6875, 2.0]
    assert sent(fake) == [f"GET /runs/{run_id}/status"] * 6 + [f"GET /runs/{run_id}"]


async def test_wait_returns_a_failed_or_cancelled_run_as_it_is(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    failed = fake.create_run("Find", scenario=RunScenario(steps=1, fail=True, error="Blocked"))
    cancelled = fake.create_run("Other")
    await linked_runs.runs.cancel(cancelled)
    assert (await linked_runs.runs.wait(failed)).error == "Blocked"
    assert (await linked_runs.runs.wait(cancelled)).status is RunStatus.CANCELLED


async def test_wait_times_out_naming_the_run_and_its_status(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)
    with pytest.raises(RunTimeoutError) as info:
        await linked_runs.runs.wait(run_id, timeout=2.0)
    error = info.value
    assert isinstance(error, TaskTimeoutError)
    assert isinstance(error, TimeoutError)
    assert (error.run_id, error.task_id, error.status) == (run_id, run_id, "running")
    assert error.stopped is None
    assert str(error) == (
        f"Run {run_id} is still running after 2.0 s (timeout 2 s); it keeps running on the server."
    )
    assert sum(clock.sleeps) == 2.0
    assert fake.runs[run_id]["status"] == "running"
    assert not any(r.path.endswith("/cancel") for r in fake.requests)


async def test_wait_takes_a_404_for_a_run_not_yet_visible_for_5_s(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)
    fake.faults.add(STATUS_ROUTE, Fault(status=404), times=3)
    run = await linked_runs.runs.wait(run_id)
    assert run.status is RunStatus.COMPLETED
    assert clock.sleeps[:3] == [0.5, 0.5, 0.5]
    statuses = sent(fake).count(f"GET /runs/{run_id}/status")
    assert statuses == 3 + 5  # the three 404s, then the polls of a run 1.5 s old


async def test_wait_gives_up_on_a_run_never_seen_after_5_s(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    with pytest.raises(NotFoundError, match="Run not found"):
        await linked_runs.runs.wait(uuid.uuid4())
    assert clock.sleeps == [0.5] * 10
    assert len(fake.requests) == 11


async def test_wait_within_a_short_timeout_gives_up_on_a_404_within_it(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    with pytest.raises(NotFoundError):
        await linked_runs.runs.wait(uuid.uuid4(), timeout=1.2)
    assert clock.sleeps == [0.5, 0.5, pytest.approx(0.2)]


async def test_a_404_after_a_status_was_seen_is_raised_at_once(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, clock: RecordingClock
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)

    async def vanish() -> None:
        fake.faults.add(STATUS_ROUTE, Fault(status=404), times=None)

    clock.on_sleep.append(vanish)
    with pytest.raises(NotFoundError):
        await linked_runs.runs.wait(run_id)
    assert sent(fake) == [f"GET /runs/{run_id}/status"] * 2
    assert clock.sleeps == [0.5]


async def test_stream_yields_every_event_once_in_order_until_the_end(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(steps=6, step_interval=0.7))
    events = [event async for event in linked_runs.runs.stream(run_id, poll_interval=1.0)]
    assert all(isinstance(event, RunEvent) for event in events)
    assert [e.id for e in events] == [e["id"] for e in fake.run_events(run_id)]
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    assert [e.type for e in events] == [
        "run.created",
        "run.dispatching",
        "browser.ready",
        *["agent.step"] * 6,
        "run.completed",
    ]
    assert events[-1].data["result"] == "Done: Find"


async def test_stream_resumes_after_any_cursor(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(steps=8))
    fake.advance(60)
    total = len(fake.run_events(run_id))
    assert total == 12
    for last in range(total + 3):
        got = [e.id async for e in runs_client.runs.stream(run_id, after=last)]
        assert got == list(range(last + 1, total + 1)), last


async def test_stream_resumed_while_the_run_goes_on_misses_nothing(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(steps=10, step_interval=0.3))
    seen: list[int] = []
    for stop_after in (2, 5, 9):  # a consumer that restarts, from the last id it kept
        async for event in linked_runs.runs.stream(run_id, after=seen[-1] if seen else 0):
            seen.append(event.id)
            if len(seen) == stop_after:
                break
    seen += [e.id async for e in linked_runs.runs.stream(run_id, after=seen[-1])]
    assert seen == list(range(1, len(fake.run_events(run_id)) + 1))


async def test_stream_pages_through_a_long_history(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(steps=1))
    for n in range(450):
        fake.add_run_event(run_id, "agent.note", {"n": n})
    fake.advance(60)
    total = len(fake.run_events(run_id))
    got = [e.id async for e in runs_client.runs.stream(run_id, after=3)]
    assert got == list(range(4, total + 1))
    pages = [r.query for r in fake.requests if r.path.endswith("/events")]
    assert pages == [
        {"after": "3", "limit": "200"},
        {"after": "203", "limit": "200"},
        {"after": "403", "limit": "200"},
    ]


async def test_live_url_is_the_browser_ready_events(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)
    url = await linked_runs.runs.live_url(run_id)
    [ready] = [e for e in fake.run_events(run_id) if e["type"] == "browser.ready"]
    assert url == ready["data"]["liveUrl"]
    assert url.startswith("https://")
    assert fake.runs[run_id]["status"] == "running"  # it did not wait for the end


async def test_live_url_of_a_follow_up_is_the_reattached_browsers(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    first = fake.create_run("Find", scenario=QUICK)
    fake.advance(60)
    session = uuid.UUID(fake.runs[first]["sessionId"])
    follow_up = fake.create_run("And then", scenario=QUICK, session_id=session)
    url = await linked_runs.runs.live_url(follow_up)
    [event] = [e for e in fake.run_events(follow_up) if e["type"].startswith("browser.")]
    assert event["type"] == "browser.reattached"
    assert url == event["data"]["liveUrl"]


async def test_live_url_of_a_run_that_ended_first_says_so(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=QUICK)
    await linked_runs.runs.cancel(run_id)  # still queued: its browser never came up
    with pytest.raises(RunFailedError, match="before its browser was ready") as info:
        await linked_runs.runs.live_url(run_id)
    assert isinstance(info.value, TaskFailedError)
    run = info.value.run
    assert isinstance(run, RunSummary)
    assert run.status is RunStatus.CANCELLED


async def test_live_url_times_out(fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(queue_delay=30))
    with pytest.raises(RunTimeoutError, match=r"still queued with no live view yet after 3\.0 s"):
        await linked_runs.runs.live_url(run_id, timeout=3)


def event(run_id: uuid.UUID, number: int) -> dict[str, object]:
    return {
        "runId": str(run_id),
        "id": number,
        "ts": "2026-12-03T10:00:00Z",
        "type": "x",
        "data": {},
    }


async def test_stream_from_a_server_that_ignores_after_gives_each_event_once(
    canned: CannedServer,
) -> None:
    run_id = uuid.uuid4()
    page = {"events": [event(run_id, n) for n in (3, 1, 2)], "nextAfter": 3, "hasMore": True}
    canned.then(200, json.dumps({"status": "completed"}).encode())
    canned.respond(200, json.dumps(page).encode())  # whatever `after` says
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        got = [e.id async for e in client.runs.stream(run_id, after=1)]
    assert got == [2, 3]
    assert [r.path.rsplit("/", 1)[-1] for r in canned.requests] == ["status", "events", "events"]
    assert [r.query.get("after") for r in canned.requests[1:]] == ["1", "3"]
