"""Hostile answers from a real server: each call ends in a model or a BrowserUseError, in time."""

import asyncio
import json
from collections.abc import Iterator

import attrs
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_use_async import AsyncBrowserUse, BrowserUseError, RetryPolicy, TaskView
from browser_use_async._loop_thread import LoopThread
from tests.samples import TASK_ID, full_task, task_bytes


@attrs.define
class Answer:
    status: int = 200
    headers: dict[str, str] = attrs.field(factory=lambda: {})
    body: bytes = b""


class ThreadedServer:
    """An aiohttp server on a loop thread of its own, answering with `self.answer`."""

    def __init__(self) -> None:
        self.answer = Answer()
        self.loop_thread = LoopThread(name="fuzz-server")
        self.base_url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(
            status=self.answer.status, headers=self.answer.headers, body=self.answer.body
        )

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        host, port = self.runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/api/v2"

    def __enter__(self) -> "ThreadedServer":
        self.loop_thread.run(asyncio.wait_for(self._start(), 10))
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop_thread.run(asyncio.wait_for(self.runner.cleanup(), 10))
        self.loop_thread.close(join_timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def task_with(key: str, value: object) -> bytes:
    """A full task with one field replaced by any JSON value."""
    return json.dumps({**full_task(), key: value}).encode()


task_like = st.builds(task_with, st.sampled_from(sorted(full_task())), json_values)


def huge_cost(digits: int) -> bytes:
    """A task whose cost has more digits than Python parses by default."""
    return task_bytes().replace(b'"cost": "0.0123"', b'"cost": ' + b"9" * digits)


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    task_like,
    st.integers(0, len(task_bytes())).map(lambda n: task_bytes()[:n]),
    st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 6000).map(
        lambda n: (
            json.dumps({**full_task(), "cost": None})
            .encode()
            .replace(b'"cost": null', b'"cost": ' + b"9" * n)
        )
    ),
    st.just(b"\xff\xfe{\x00}"),
    st.just(task_bytes().decode().encode("utf-16")),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(
            ["application/json", "text/html", "application/json; charset=latin-1", "x/y"]
        ),
        "Retry-After": st.text(
            alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30
        ),
        "retry-after-ms": st.sampled_from(["0", "-1", "1e9", "abc", "10"]),
    },
)
answers = st.builds(
    Answer,
    status=st.sampled_from([200, 201, 202, 204, 301, 400, 401, 404, 409, 418, 422, 429, 500, 503])
    | st.integers(200, 599),
    headers=headers,
    body=bodies,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=answers)
def test_any_answer_gives_a_model_or_a_browser_use_error(
    server: ThreadedServer, answer: Answer
) -> None:
    server.answer = answer
    policy = RetryPolicy(max_retries=1, initial_delay=0, max_retry_after=0.01)

    async def call() -> object:
        async with AsyncBrowserUse(
            api_key="bu_key", base_url=server.base_url, timeout=2, retry=policy
        ) as client:
            async with asyncio.timeout(10):
                try:
                    return await client.tasks.stop(TASK_ID)
                except BrowserUseError as error:
                    return error

    outcome = asyncio.run(call())
    assert isinstance(outcome, TaskView | BrowserUseError), repr(outcome)
    if 200 <= answer.status < 300 and isinstance(outcome, TaskView):
        assert outcome.id is not None
