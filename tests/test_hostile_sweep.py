"""A sweep over every resource method and argument with hostile values: whatever is passed,
the call returns or raises a `BrowserUseError`, within a bound, against the fake cloud."""

import asyncio
import inspect
import io
import reprlib
import typing
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse, BrowserUseError, RetryPolicy, webhooks
from browser_use_async.testing import FakeBrowserUseCloud

RESOURCES = ["tasks", "sessions", "profiles", "browsers", "files", "skills", "marketplace"]
SKIPPED = {"run", "wait", "stream"}  # they poll until a task ends: swept by their own tests

REQUIRED: dict[str, object] = {
    "task": "Find it",
    "goal": "Find the cheapest flight",
    "agent_prompt": "Search flights and compare the prices",
    "name": "Work",
    "action": "stop",
    "skill_slug": "some-skill",
    "file": b"a,b\n",
    "destination": io.BytesIO(),
    "file_name": "a.csv",
    "content_type": "text/csv",
    "size_bytes": 4,
    "feedback": "Make it faster",
    "inputs": ["Find it"],
}


def _self_referencing_dict() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["a"] = loop
    return loop


def _self_referencing_list() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def _hostile() -> list[object]:
    return [
        "\ud800",
        "x\udfffy",
        {"k": "\ud800"},
        ["\ud800"],
        object(),
        {1, 2},
        frozenset({"a"}),
        b"\xff\xfe",
        bytearray(b"x"),
        float("nan"),
        float("inf"),
        -1,
        0,
        2**70,
        True,
        "",
        " ",
        "\x00",
        "a\r\nb",
        "x" * 100_000,
        _deep(10_000),
        _self_referencing_dict(),
        _self_referencing_list(),
        (item for item in ["a", "b"]),
        map(str, [1, 2]),
        lambda: None,
        "https://h:99999",
        "https://[::1",
        f"{{{uuid.uuid4()}}}",
        str(uuid.uuid4()).replace("-", "_"),
        {"k": object()},
        {object(): "v"},
        None,
        ...,
    ]


def _points() -> Iterator[tuple[str, str, str]]:
    client = AsyncBrowserUse("bu_key")
    for resource in RESOURCES:
        for name, method in inspect.getmembers(getattr(client, resource), callable):
            if name.startswith("_") or name in SKIPPED:
                continue
            for param in inspect.signature(method).parameters.values():
                if param.kind is param.VAR_KEYWORD:  # **extra or **options: Unpack[a TypedDict]
                    (keywords,) = typing.get_args(typing.get_type_hints(method)[param.name])
                    for option in keywords.__annotations__:
                        yield resource, name, option
                else:
                    yield resource, name, param.name


POINTS = list(_points())


def _arguments(method: Any, target: str, value: object) -> dict[str, object]:
    arguments: dict[str, object] = {}
    for param in inspect.signature(method).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            continue
        if param.default is param.empty:
            arguments[param.name] = (
                uuid.uuid4() if param.name.endswith("_id") else REQUIRED[param.name]
            )
    arguments[target] = value
    return arguments


async def _call(method: Any, arguments: dict[str, object]) -> None:
    if inspect.isasyncgenfunction(method):
        iterator: AsyncIterator[object] = method(**arguments)
        for _ in range(2):
            await anext(iterator, None)
        return
    answer = method(**arguments)
    if inspect.isasyncgen(answer):  # run_many checks its arguments at the call; its tasks
        await answer.aclose()  # would never end on this fake's stopped clock
    else:
        await answer


@pytest.fixture
async def hostile_client(fake: FakeBrowserUseCloud) -> AsyncIterator[AsyncBrowserUse]:
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=RetryPolicy(max_retries=0), timeout=5
    ) as client:
        yield client


@pytest.mark.parametrize(("resource", "method", "argument"), POINTS)
async def test_hostile_arguments_raise_only_browser_use_errors(
    hostile_client: AsyncBrowserUse, resource: str, method: str, argument: str
) -> None:
    bound = getattr(getattr(hostile_client, resource), method)
    escaped: list[str] = []
    for value in _hostile():
        try:
            async with asyncio.timeout(10):
                await _call(bound, _arguments(bound, argument, value))
        except BrowserUseError:
            pass
        except Exception as error:  # collected and reported below
            escaped.append(f"{reprlib.repr(value)}: {reprlib.repr(error)}")
    assert escaped == []


def test_the_sweep_covers_every_method() -> None:
    assert len(POINTS) >= 150
    assert len(POINTS) * len(_hostile()) >= 5000


WEBHOOK_ARGUMENTS: dict[str, dict[str, object]] = {
    "verify_webhook": {
        "body": '{"type": "t", "timestamp": "2026-09-09T12:00:00Z", "payload": {}}',
        "headers": {"X-Browser-Use-Signature": "00", "X-Browser-Use-Timestamp": "1"},
        "secret": "whsec",
        "tolerance": 300,
        "now": None,
    },
    "sign_webhook": {"body": "{}", "secret": "whsec", "timestamp": 1},
}


@pytest.mark.parametrize(
    ("function", "argument"),
    [(function, argument) for function, args in WEBHOOK_ARGUMENTS.items() for argument in args],
)
def test_hostile_webhook_arguments_raise_only_browser_use_errors(
    function: str, argument: str
) -> None:
    call = getattr(webhooks, function)
    escaped: list[str] = []
    for value in _hostile():
        arguments = {**WEBHOOK_ARGUMENTS[function], argument: value}
        try:
            call(**arguments)
        except BrowserUseError:
            pass
        except Exception as error:  # collected and reported below
            escaped.append(f"{reprlib.repr(value)}: {reprlib.repr(error)}")
    assert escaped == []
