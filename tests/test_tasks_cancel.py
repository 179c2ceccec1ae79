"""tasks.run ending early: the stop it sends, how long it may take, and what it reports."""

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from browser_use_async import (
    APIConnectionError,
    AsyncBrowserUse,
    InvalidArgumentError,
    RetryPolicy,
    TaskTimeoutError,
    _launch,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from tests.conftest import CannedServer
from tests.soak import LateCreates

STATUS = json.dumps({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "status": "started"}).encode()
CREATED = json.dumps(
    {
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "sessionId": "6c0d1bd2-5e77-4e0b-a2d4-3c1c3d2a1e7e",
    }
).encode()


@pytest.fixture
async def late() -> AsyncIterator[tuple[FakeBrowserUseCloud, LateCreates]]:
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake)
    async with fake:
        yield fake, late


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never came true")


def sent(fake: FakeBrowserUseCloud) -> list[str]:
    return [f"{r.method} {r.path.removeprefix('/api/v2')}" for r in fake.requests]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": float("inf")}, "poll_interval"),
        ({"poll_interval": "5"}, "poll_interval"),
        ({"stop_on_exit": "no"}, "stop_on_exit"),
        ({"output_type": 5}, "output_type"),
        ({"output_type": '{"type": "object"}'}, "output_type"),
        ({"max_steps": 0}, "max_steps"),
        ({"session_id": "nope"}, "UUID"),
    ],
)
async def test_run_checks_every_argument_before_the_create(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await client.tasks.run("Find a flight", **arguments)
    assert fake.requests == []
    assert fake.tasks == {}


async def test_cancelled_while_the_create_is_in_flight_stops_the_task(
    late: tuple[FakeBrowserUseCloud, LateCreates], caplog: pytest.LogCaptureFixture
) -> None:
    fake, delay = late
    delay.seconds = 0.3
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        run = asyncio.create_task(client.tasks.run("Find a flight"))
        async with asyncio.timeout(10):
            await until(lambda: bool(fake.tasks))  # committed on the server, not yet answered
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
    [task] = fake.tasks.values()
    assert task["status"] == "stopped"
    assert sent(fake) == ["POST /tasks", f"PATCH /tasks/{task['id']}"]
    assert f"task {task['id']} was stopped" in caplog.text
    assert caplog.records[-1].levelno == logging.WARNING


async def test_cancelled_again_during_the_clean_up_still_stops_the_task(
    late: tuple[FakeBrowserUseCloud, LateCreates], caplog: pytest.LogCaptureFixture
) -> None:
    fake, delay = late
    delay.seconds = 0.2
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        run = asyncio.create_task(client.tasks.run("Find a flight"))
        async with asyncio.timeout(10):
            await until(lambda: bool(fake.tasks))
            for _ in range(20):  # cancelled over and over while it waits for the answer
                run.cancel()
                await asyncio.sleep(0.02)
            with pytest.raises(asyncio.CancelledError):
                await run
    [task] = fake.tasks.values()
    assert task["status"] == "stopped"
    assert f"task {task['id']} was stopped" in caplog.text


async def test_timeout_says_the_task_was_stopped(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    with pytest.raises(TaskTimeoutError, match="was stopped") as info:
        await client.tasks.run("Long job", timeout=0.05, poll_interval=0.01)
    assert info.value.stopped is True
    [task] = fake.tasks.values()
    assert task["status"] == "stopped"
    assert "keeps running" not in str(info.value)


async def test_timeout_without_stop_says_how_to_stop_it(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    with pytest.raises(TaskTimeoutError, match=r"keeps running.*tasks\.stop\(") as info:
        await client.tasks.run("Long job", timeout=0.05, poll_interval=0.01, stop_on_exit=False)
    assert info.value.stopped is None
    [task] = fake.tasks.values()
    assert task["status"] != "stopped"


async def test_a_failed_stop_is_reported_with_its_error(fake: FakeBrowserUseCloud) -> None:
    fake.faults.add("PATCH /tasks/{task_id}", Fault(status=500), times=None)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=RetryPolicy(max_retries=0)
    ) as client:
        with pytest.raises(TaskTimeoutError, match=r"stopping task .* failed") as info:
            await client.tasks.run("Long job", timeout=0.05, poll_interval=0.01)
    assert info.value.stopped is False
    assert info.value.__cause__ is not None
    assert "500" in str(info.value.__cause__)


async def test_a_hanging_stop_is_given_up_in_bounded_time(
    canned: CannedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_launch, "STOP_WAIT_SECONDS", 0.3)
    canned.then(202, CREATED)
    canned.then(200, STATUS)
    canned.respond(200, STATUS)
    canned.canned.delay = 30  # the stop (and any later poll) hangs
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        run = asyncio.create_task(client.tasks.run("Find a flight", poll_interval=10))
        async with asyncio.timeout(5):
            await until(lambda: len(canned.requests) >= 2)
            run.cancel()
            started = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await run
    assert time.monotonic() - started < 1.5
    assert canned.requests[-1].method == "PATCH"
    assert (
        "stopping task 3c90c3cc-0d44-4b50-8888-8dd25736052a failed (no answer within 0.3 s)"
        in caplog.text
    )
    assert "tasks.stop(" in caplog.text


async def test_a_create_that_never_answers_is_given_up_in_bounded_time(
    canned: CannedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_launch, "STOP_WAIT_SECONDS", 0.3)
    canned.respond(202, CREATED)
    canned.canned.delay = 30  # the create reached the server, its answer never comes
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        run = asyncio.create_task(client.tasks.run("Find a flight"))
        async with asyncio.timeout(5):
            await until(lambda: len(canned.requests) == 1)
            run.cancel()
            started = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await run
    assert time.monotonic() - started < 1.5
    assert len(canned.requests) == 1
    assert "no answer to the create came back" in caplog.text
    assert "tasks.list" in caplog.text


async def test_a_create_whose_answer_is_lost_says_a_task_may_be_running(
    late: tuple[FakeBrowserUseCloud, LateCreates], caplog: pytest.LogCaptureFixture
) -> None:
    fake, delay = late
    delay.drop = True
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(APIConnectionError):
            await client.tasks.run("Find a flight")
    assert len(fake.tasks) == 1
    assert "a task it made may be running: look for it with tasks.list" in caplog.text
