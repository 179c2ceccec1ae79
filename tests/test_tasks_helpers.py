"""tasks.wait, tasks.stream, tasks.run and structured output."""

import asyncio
import dataclasses
import datetime as dt
import enum
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

import attrs
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    InvalidArgumentError,
    RetryPolicy,
    TaskFailedError,
    TaskStatus,
    TaskTimeoutError,
    TaskView,
)
from browser_use_async._structured._output import decode_output
from browser_use_async._structured._schema import json_schema
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.conftest import CannedServer, RecordingClock
from tests.samples import SESSION_ID, TASK_ID, full_task

CREATED = json.dumps({"id": TASK_ID, "sessionId": SESSION_ID}).encode()


def status(state: str, cost: str | None = None, output: str | None = None) -> bytes:
    body = {"id": TASK_ID, "status": state, "cost": cost, "output": output}
    return json.dumps(body).encode()


def step(number: int) -> dict[str, Any]:
    return {
        "number": number,
        "memory": "m",
        "evaluationPreviousGoal": "e",
        "nextGoal": f"goal {number}",
        "url": "https://example.com",
        "actions": [],
    }


def task(state: str, steps: int, output: str | None = None) -> bytes:
    body = full_task(status=state, steps=[step(n) for n in range(1, steps + 1)], output=output)
    return json.dumps(body).encode()


@pytest.fixture
async def client(canned: CannedServer, clock: RecordingClock) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(
        api_key="bu_key", base_url=canned.base_url, clock=clock, retry=RetryPolicy(max_retries=0)
    ) as c:
        yield c


def paths(canned: CannedServer) -> list[str]:
    return [f"{r.method} {r.path.removeprefix('/api/v2')}" for r in canned.requests]


async def test_wait_polls_status_with_growing_waits_then_gets_the_task(
    canned: CannedServer, client: AsyncBrowserUse, clock: RecordingClock
) -> None:
    for state in ["created", "started", "started", "started", "started"]:
        canned.then(200, status(state))
    canned.then(200, status("finished"))
    canned.then(200, task("finished", 3, output="done"))
    result = await client.tasks.wait(TASK_ID, poll_interval=1.0)
    assert isinstance(result, TaskView)
    assert result.output == "done"
    assert paths(canned) == [f"GET /tasks/{TASK_ID}/status"] * 6 + [f"GET /tasks/{TASK_ID}"]
    assert clock.sleeps == [0.5, 0.75, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("final", ["finished", "failed", "stopped"])
async def test_wait_ends_on_every_final_status(
    canned: CannedServer, client: AsyncBrowserUse, final: str
) -> None:
    canned.then(200, status(final))
    canned.then(200, task(final, 1))
    assert (await client.tasks.wait(TASK_ID)).status == final


async def test_wait_times_out_on_the_clock(
    canned: CannedServer, client: AsyncBrowserUse, clock: RecordingClock
) -> None:
    canned.respond(200, status("started"))
    with pytest.raises(TaskTimeoutError) as info:
        await client.tasks.wait(TASK_ID, timeout=3.0, poll_interval=1.0)
    assert info.value.status == "started"
    assert "still started" in str(info.value)
    assert clock.sleeps == [0.5, 0.75, 1.0, 0.75]
    assert sum(clock.sleeps) == 3.0
    assert len(canned.requests) == 5


async def test_wait_checks_arguments(canned: CannedServer, client: AsyncBrowserUse) -> None:
    with pytest.raises(InvalidArgumentError, match="poll_interval"):
        await client.tasks.wait(TASK_ID, poll_interval=0)
    with pytest.raises(InvalidArgumentError, match="task_id"):
        await client.tasks.wait("nope")
    assert canned.requests == []


async def test_stream_yields_each_step_once_and_status_changes(
    canned: CannedServer, client: AsyncBrowserUse
) -> None:
    canned.then(200, status("started", cost="0.01"))
    canned.then(200, task("started", 1))
    canned.then(200, status("started", cost="0.01"))
    canned.then(200, status("started", cost="0.03"))
    canned.then(200, task("started", 3))
    canned.then(200, status("finished", cost="0.03", output="ok"))
    canned.then(200, task("finished", 3, output="ok"))
    events = [event async for event in client.tasks.stream(TASK_ID)]
    described = [(e.kind, e.step.number if e.step else None, str(e.status)) for e in events]
    assert described == [
        ("status", None, "started"),
        ("step", 1, "started"),
        ("step", 2, "started"),
        ("step", 3, "started"),
        ("status", None, "finished"),
    ]
    assert events[-1].task.output == "ok"
    gets = [p for p in paths(canned) if not p.endswith("/status")]
    assert len(gets) == 3


@attrs.frozen
class Flight:
    airline: str
    price: float
    stops: int = 0


class Cabin(enum.Enum):
    ECONOMY = "economy"
    BUSINESS = "business"


@dataclasses.dataclass
class Itinerary:
    flights: list[Flight]
    cabin: Cabin
    note: str | None = None
    kind: Literal["one-way", "return"] = "return"


def test_schema_from_attrs_and_dataclasses() -> None:
    schema = json_schema(Itinerary)
    assert schema["required"] == ["flights", "cabin"]
    assert schema["properties"]["cabin"] == {"enum": ["economy", "business"]}
    assert schema["properties"]["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert schema["properties"]["kind"] == {"enum": ["one-way", "return"]}
    flight = schema["properties"]["flights"]["items"]
    assert flight["properties"] == {
        "airline": {"type": "string"},
        "price": {"type": "number"},
        "stops": {"type": "integer"},
    }
    assert flight["required"] == ["airline", "price"]


@attrs.frozen
class Departure:
    day: dt.date
    at: dt.datetime


def test_dates_and_datetimes_round_trip_through_the_schema() -> None:
    schema = json_schema(Departure)
    assert schema["properties"]["day"] == {"type": "string", "format": "date"}
    output = '{"day": "2025-03-04", "at": "2025-03-04T05:06:07Z"}'
    assert decode_output(output, Departure) == Departure(
        day=dt.date(2025, 3, 4), at=dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    )


def test_schema_refuses_what_it_cannot_describe() -> None:
    with pytest.raises(InvalidArgumentError, match="attrs class, dataclass, TypedDict"):
        json_schema(dict)

    @attrs.frozen
    class Odd:
        value: complex

    with pytest.raises(InvalidArgumentError, match="complex"):
        json_schema(Odd)


async def test_run_with_output_type(
    canned: CannedServer, client: AsyncBrowserUse, clock: RecordingClock
) -> None:
    output = json.dumps({"airline": "Swiss", "price": 129.5})
    canned.then(202, CREATED)
    canned.then(200, status("started"))
    canned.then(200, status("finished", output=output))
    canned.then(200, task("finished", 2, output=output))
    flight = await client.tasks.run("Find a flight", output_type=Flight, max_steps=10)
    assert flight == Flight(airline="Swiss", price=129.5)
    sent = json.loads(canned.bodies[0])
    assert sent["task"] == "Find a flight"
    assert sent["maxSteps"] == 10
    assert json.loads(sent["structuredOutput"]) == json_schema(Flight)
    assert paths(canned)[0] == "POST /tasks"


async def test_run_without_output_type_returns_the_task(
    canned: CannedServer, client: AsyncBrowserUse
) -> None:
    canned.then(202, CREATED)
    canned.then(200, status("failed"))
    canned.then(200, task("failed", 1))
    result = await client.tasks.run("Find a flight")
    assert result.status is TaskStatus.FAILED
    assert "structuredOutput" not in json.loads(canned.bodies[0])


@pytest.mark.parametrize(
    ("final", "output", "message"),
    [
        ("failed", None, "ended failed"),
        ("finished", "not json", "not a Flight"),
        ("finished", '{"airline": 7, "price": 1}', "not a Flight"),
    ],
)
async def test_run_raises_when_the_output_is_missing_or_wrong(
    canned: CannedServer, client: AsyncBrowserUse, final: str, output: str | None, message: str
) -> None:
    canned.then(202, CREATED)
    canned.then(200, status(final, output=output))
    canned.then(200, task(final, 1, output=output))
    with pytest.raises(TaskFailedError, match=message) as info:
        await client.tasks.run("Find a flight", output_type=Flight)
    assert isinstance(info.value.task, TaskView)


async def test_run_timeout_stops_the_task(canned: CannedServer, client: AsyncBrowserUse) -> None:
    canned.then(202, CREATED)
    canned.respond(200, status("started"))
    with pytest.raises(TaskTimeoutError):
        await client.tasks.run("Find a flight", timeout=2.0, poll_interval=1.0)
    assert paths(canned)[0] == "POST /tasks"
    assert paths(canned)[-1] == f"PATCH /tasks/{TASK_ID}"
    assert json.loads(canned.bodies[-1]) == {"action": "stop"}
    assert paths(canned).count("POST /tasks") == 1


async def test_cancelling_run_stops_the_task(canned: CannedServer, clock: RecordingClock) -> None:
    canned.then(202, CREATED)
    canned.respond(200, status("started"))
    canned.canned.delay = 0.01
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        pending = asyncio.create_task(client.tasks.run("Find a flight", poll_interval=0.01))
        for _ in range(200):
            if len(canned.requests) >= 3:
                break
            await asyncio.sleep(0.01)
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending
    assert paths(canned)[-1] == f"PATCH /tasks/{TASK_ID}"
    assert paths(canned).count("POST /tasks") == 1


async def test_run_can_leave_the_task_running(
    canned: CannedServer, client: AsyncBrowserUse
) -> None:
    canned.then(202, CREATED)
    canned.respond(200, status("started"))
    with pytest.raises(TaskTimeoutError):
        await client.tasks.run("Find", timeout=1.0, stop_on_exit=False)
    assert not any(p.startswith("PATCH") for p in paths(canned))


async def test_create_accepts_a_schema_dict_or_text(
    canned: CannedServer, client: AsyncBrowserUse
) -> None:
    canned.respond(202, CREATED)
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    await client.tasks.create("x", structured_output=schema)
    await client.tasks.create("x", structured_output=json.dumps(schema))
    sent = [json.loads(json.loads(b)["structuredOutput"]) for b in canned.bodies]
    assert sent == [schema, schema]
    with pytest.raises(InvalidArgumentError, match="structured_output"):
        await client.tasks.create("x", structured_output="{not json")
    assert len(canned.requests) == 2


async def test_run_follows_the_fake_lifecycle(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock
) -> None:
    scenario = TaskScenario(steps=4, output='{"airline": "Swiss", "price": 99}')
    fake.default_scenario = scenario
    flight = await linked.tasks.run("Find a flight", output_type=Flight)
    assert flight == Flight(airline="Swiss", price=99.0)
    assert sum(clock.sleeps) >= scenario.start_delay + (scenario.steps + 1) * scenario.step_interval


async def test_stream_on_the_fake_yields_every_step_once(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    created = await linked.tasks.create("Find a flight")
    events = [event async for event in linked.tasks.stream(created.id, poll_interval=1.0)]
    steps = [e.step.number for e in events if e.step is not None]
    statuses = [str(e.status) for e in events if e.kind == "status"]
    assert steps == [1, 2, 3]
    assert statuses[0] in ("created", "started")
    assert statuses[-1] == "finished"
    assert len(statuses) == len(set(statuses))


async def test_wait_times_out_then_run_stops_on_the_fake(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    fake.default_scenario = TaskScenario(steps=100)
    with pytest.raises(TaskTimeoutError):
        await linked.tasks.run("Long job", timeout=10.0)
    [task] = fake.tasks.values()
    assert task["status"] == "stopped"
    assert fake.requests[-1].method == "PATCH"
