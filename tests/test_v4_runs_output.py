"""v4 `runs.run(output_type=...)`: the type's JSON schema goes as the run's `outputSchema`,
and the result text comes back validated into the type, or raises `RunFailedError`."""

import dataclasses
from typing import Any, TypedDict

import attrs
import pydantic
import pytest

from browser_use_async import InvalidArgumentError, RunFailedError, TaskFailedError
from browser_use_async._structured._schema import json_schema
from browser_use_async.testing import FakeBrowserUseCloud, RunScenario
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models.runs import RunSummary
from tests.conftest import RecordingClock, link


@attrs.frozen
class Flight:
    airline: str
    price: float


@dataclasses.dataclass
class Seat:
    row: int


class Fare(TypedDict):
    code: str


class Gate(pydantic.BaseModel):
    name: str


@pytest.mark.parametrize(
    ("output_type", "result", "expected"),
    [
        (Flight, '{"airline": "Swiss", "price": 120.5}', Flight("Swiss", 120.5)),
        (Seat, '{"row": 12}', Seat(12)),
        (Fare, '{"code": "Y", "extra": 1}', {"code": "Y"}),
        (Gate, '{"name": "A12"}', Gate(name="A12")),
        (list[Flight], '{"items": [{"airline": "LX", "price": 1}]}', [Flight("LX", 1)]),
        (list[int], '{"items": [1, 2]}', [1, 2]),
    ],
)
async def test_run_with_an_output_type_sends_its_schema_and_reads_the_result(
    fake: FakeBrowserUseCloud,
    linked_runs: AsyncBrowserUse,
    output_type: Any,
    result: str,
    expected: object,
) -> None:
    fake.run_scenarios["Find"] = RunScenario(steps=1, result=result)
    got = await linked_runs.runs.run("Find", output_type=output_type)
    assert got == expected
    assert fake.requests[0].json() == {"task": "Find", "outputSchema": json_schema(output_type)}


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (RunScenario(steps=1, result="not json"), "its result is not a Flight: the output is not"),
        (
            RunScenario(steps=1, result='{"airline": "Swiss"}'),
            r"its result is not a Flight: required field missing @ \$.price",
        ),
        (
            RunScenario(steps=1, fail=True, error="Blocked"),
            "ended failed without a result to read as Flight: Blocked",
        ),
    ],
)
async def test_run_whose_result_is_not_the_output_type_raises(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, scenario: RunScenario, message: str
) -> None:
    fake.run_scenarios["Find"] = scenario
    with pytest.raises(RunFailedError, match=message) as info:
        await linked_runs.runs.run("Find", output_type=Flight)
    assert isinstance(info.value, TaskFailedError)
    run = info.value.run
    assert isinstance(run, RunSummary)
    assert info.value.task is run
    assert fake.runs[run.id]["status"] in ("completed", "failed")


async def test_output_type_and_output_schema_together_are_refused(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="pass output_type or output_schema, not both"):
        await runs_client.runs.run("Find", output_type=Flight, output_schema={"type": "object"})
    assert fake.requests == []


async def test_the_runs_structured_output_is_read_before_its_text(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.run_scenarios["Find"] = RunScenario(steps=1, result="I found Swiss at 120.50 CHF.")

    async def structure() -> None:
        for run in fake.runs.values():  # the API's structured output, beside the prose
            run["output"] = {"airline": "Swiss", "price": 120.5}

    link(fake, clock).on_sleep.append(structure)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock) as c:
        assert await c.runs.run("Find", output_type=Flight) == Flight("Swiss", 120.5)
