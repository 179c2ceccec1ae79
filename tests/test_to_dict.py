"""`to_dict` / `to_json`: a model as the API's JSON, for web frameworks, logs and other
processes; models pickle; a long task's repr stays short."""

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import decimal
import json
import pickle
import typing
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import aiohttp
import attrs
import fastapi
import httpx
import pytest
from aiohttp import web

from browser_use_async import (
    AccountView,
    AsyncBrowserUse,
    CreateTaskRequest,
    InvalidArgumentError,
    TaskStatus,
    TaskStepView,
    TaskView,
    WebhookEvent,
    to_dict,
    to_json,
)
from browser_use_async._codec import decode, parse_datetime
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario

pytestmark = pytest.mark.timeout(60)

_QUICK = TaskScenario(steps=4, start_delay=0, step_interval=0.01, output="done")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBrowserUseCloud]:
    async with FakeBrowserUseCloud() as cloud:  # real time: tasks end within 0.1 s
        cloud.default_scenario = _QUICK
        yield cloud


async def _models(client: AsyncBrowserUse, fake: FakeBrowserUseCloud) -> dict[str, Any]:
    """One model of each kind the fake serves, keyed by the path that answers it."""
    fake.default_scenario = attrs.evolve(_QUICK, output_files={"report.csv": b"a,b"})
    task = await client.tasks.run("Find it", metadata={"k": "v"}, poll_interval=0.01)
    session = await client.sessions.get(task.session_id)
    profile = await client.profiles.create(name="p")
    browser = await client.browsers.create()
    return {
        f"/tasks/{task.id}": task,
        "/tasks": await client.tasks.list(),
        f"/tasks/{task.id}/status": await client.tasks.status(task.id),
        f"/sessions/{session.id}": session,
        "/sessions": await client.sessions.list(),
        f"/profiles/{profile.id}": profile,
        "/profiles": await client.profiles.list(),
        f"/browsers/{browser.id}": await client.browsers.get(browser.id),
        "/browsers": await client.browsers.list(),
        "/billing/account": await client.billing.account(),
        "/skills": await client.skills.list(),
        "/marketplace/skills": await client.marketplace.list(),
    }


def _json_values_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_values_only(v) for k, v in value.items())  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list):
        return all(_json_values_only(v) for v in value)  # pyright: ignore[reportUnknownVariableType]
    return value is None or isinstance(value, str | int | float | bool)


def _same_json(ours: Any, wire: Any) -> bool:
    """Our JSON equals the wire's, reading timestamps and money as values, not spellings."""
    if isinstance(ours, dict) and isinstance(wire, dict):
        # The wire may carry fields this SDK does not model, and leave out optional ones
        # (we write null); every other field we write it has, with the same value.
        return all(
            _same_json(ours[key], wire[key]) if key in wire else ours[key] is None  # pyright: ignore[reportUnknownArgumentType]
            for key in ours  # pyright: ignore[reportUnknownVariableType]
        )
    if isinstance(ours, list) and isinstance(wire, list):
        return len(ours) == len(wire) and all(map(_same_json, ours, wire))  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(ours, str) and isinstance(wire, str) and ours != wire:
        try:
            return parse_datetime(ours) == parse_datetime(wire)
        except ValueError:
            return decimal.Decimal(ours) == decimal.Decimal(wire)
    return bool(ours == wire)


async def test_to_dict_is_the_wire_shape_for_every_model(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud
) -> None:
    models = await _models(client, fake)
    headers = {"X-Browser-Use-API-Key": fake.api_key}
    async with aiohttp.ClientSession(headers=headers) as http:
        for path, model in models.items():
            async with http.get(fake.base_url + path) as answer:
                wire = await answer.json()
            as_dict = to_dict(model)
            assert _json_values_only(as_dict), path
            assert json.loads(to_json(model)) == as_dict, path
            assert _same_json(as_dict, wire), (path, as_dict, wire)
            # ... and reading our JSON back gives the same model.
            assert decode(to_json(model), type(model)) == model, path  # pyright: ignore[reportUnknownArgumentType]
            assert pickle.loads(pickle.dumps(model)) == model, path  # noqa: S301 (made here)
    assert len(models) == 12


async def test_to_dict_keeps_camel_case_and_json_values(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud
) -> None:
    task = await client.tasks.run("Find it", poll_interval=0.01)
    as_dict = to_dict(task)
    assert as_dict["sessionId"] == str(task.session_id)
    assert as_dict["status"] == "finished"
    assert as_dict["cost"] == str(task.cost)
    assert as_dict["createdAt"].startswith(task.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert as_dict["steps"][0]["nextGoal"] == task.steps[0].next_goal
    assert "session_id" not in as_dict


async def test_to_dict_shares_nothing_with_the_model(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud
) -> None:
    task = await client.tasks.run("Find it", metadata={"k": "v"}, poll_interval=0.01)
    as_dict = to_dict(task)
    as_dict["metadata"]["k"] = "changed"
    as_dict["steps"].clear()
    assert task.metadata == {"k": "v"}
    assert len(task.steps) == 4


def test_request_models_leave_out_what_was_not_given() -> None:
    request = CreateTaskRequest(task="Find it", max_steps=5, start_url=None)
    assert to_dict(request) == {"task": "Find it", "maxSteps": 5, "startUrl": None}


@attrs.frozen
class Mine:
    name: str


@pytest.mark.parametrize(
    "value",
    [1, "text", None, {"id": "x"}, [1], Mine("x"), TaskView, object(), b"{}"],
    ids=lambda v: type(v).__name__,
)
def test_anything_but_a_model_is_refused_clearly(value: object) -> None:
    for convert in (to_dict, to_json):
        with pytest.raises(InvalidArgumentError, match="take a model of browser_use_async"):
            convert(value)


def _task(steps: int, output: str) -> TaskView:
    step = TaskStepView(
        number=1, memory="m", evaluation_previous_goal="e", next_goal="n", url="u", actions=[]
    )
    return TaskView(
        id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        llm="browser-use-2.0",
        task="Find " * 1000,
        status=TaskStatus.FINISHED,
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        output=output,
        cost=decimal.Decimal("0.01"),
        steps=[step] * steps,
        output_files=[],
    )


def test_a_long_task_has_a_short_repr() -> None:
    task = _task(steps=100, output="x" * 20_000)
    text = repr(task)
    assert len(text) < 1000, text
    assert "steps=<100 steps>" in text
    assert "output_files=<0 files>" in text
    assert "(20000 characters)" in text
    assert "(5000 characters)" in text  # the prompt
    short = _task(steps=1, output="short")
    assert "output='short'" in repr(short)
    assert "steps=<1 step>" in repr(short)
    # The judge's suggestions, a list of objects, are counted too.
    advice = {"issue": "the login page timed out " * 10, "fix": "raise max_steps " * 10}
    advised = attrs.evolve(task, suggestions=[advice] * 30)
    assert len(repr(advised)) < 1000
    assert "suggestions=<30 suggestions>" in repr(advised)
    assert "suggestions=None" in repr(task)


def _round_trip(task: TaskView) -> TaskView:
    return typing.cast(TaskView, pickle.loads(pickle.dumps(task)))  # noqa: S301 (made here)


def test_models_cross_process_boundaries() -> None:
    task = _task(steps=3, output="done")
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        assert pool.submit(_round_trip, task).result(timeout=30) == task
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(task, protocol)) == task  # noqa: S301 (made here)


async def test_a_fastapi_handler_returns_a_task(fake: FakeBrowserUseCloud) -> None:
    # README's example: the client lives in the app's lifespan, a handler returns to_dict.
    @contextlib.asynccontextmanager
    async def lifespan(app: fastapi.FastAPI) -> AsyncGenerator[dict[str, AsyncBrowserUse]]:
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as bu:
            yield {"browser_use": bu}

    app = fastapi.FastAPI(lifespan=lifespan)

    @app.post("/tasks")
    async def start(request: fastapi.Request, prompt: str) -> dict[str, Any]:  # pyright: ignore[reportUnusedFunction]
        bu: AsyncBrowserUse = request.state.browser_use
        created = await bu.tasks.create(prompt)
        return to_dict(await bu.tasks.get(created.id))

    async with app.router.lifespan_context(app) as state:
        assert state is not None
        transport = httpx.ASGITransport(app=_with_state(app, state))
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            answer = await http.post("/tasks", params={"prompt": "Find it"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["task"] == "Find it"
    assert uuid.UUID(body["sessionId"])
    assert body["status"] in {"created", "started"}
    assert decode(answer.content, TaskView).task == "Find it"


def _with_state(app: Any, state: Mapping[str, object]) -> Any:
    """The ASGI app with the lifespan's state in every request's scope, as a server puts it."""

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    return serve


async def test_an_aiohttp_handler_returns_a_task(
    fake: FakeBrowserUseCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README's example: an AppKey, the client made and closed in a cleanup context.
    monkeypatch.setenv("BROWSER_USE_API_KEY", fake.api_key)
    monkeypatch.setenv("BROWSER_USE_BASE_URL", fake.base_url)
    browser_use = web.AppKey("browser_use", AsyncBrowserUse)

    async def browser_use_client(app: web.Application) -> AsyncIterator[None]:
        async with AsyncBrowserUse() as client:
            app[browser_use] = client
            yield

    async def get_task(request: web.Request) -> web.Response:
        task = await request.app[browser_use].tasks.get(request.match_info["task_id"])
        return web.Response(body=to_json(task), content_type="application/json")

    app = web.Application()
    app.cleanup_ctx.append(browser_use_client)
    app.router.add_get("/tasks/{task_id}", get_task)
    task_id = fake.create_task(
        "Find it", steps=2, scenario=TaskScenario(steps=2, step_interval=3600)
    )  # no third step while the test runs, however slow the machine
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/tasks/{task_id}"
        async with asyncio.timeout(10), aiohttp.ClientSession() as http, http.get(url) as answer:
            assert answer.status == 200
            assert answer.content_type == "application/json"
            body = await answer.json()
        assert body["task"] == "Find it"
        assert len(decode(json.dumps(body).encode(), TaskView).steps) == 2
    finally:
        await runner.cleanup()


def test_numbers_keep_every_digit() -> None:
    """Integers beyond 64 bits and long amounts come out as they came in (orjson alone would
    refuse the integer, and read it back as a float)."""
    big = 10**30 + 7
    account = decode(
        b'{"totalCreditsBalanceUsd":1,'
        b'"monthlyCreditsBalanceUsd":0.1,"additionalCreditsBalanceUsd":80.0,'
        b'"rateLimit":'
        + str(big).encode()
        + b',"concurrentSessionLimit":-'
        + str(big).encode()
        + b',"activeSessionCount":0,"planInfo":{"planName":"x","subscriptionStatus":null,'
        b'"subscriptionId":null,"subscriptionCurrentPeriodEnd":null,"subscriptionCanceledAt":null},'
        b'"projectId":"d96dde66-3d69-453c-a944-47a337a5b3a9"}',
        AccountView,
    )
    exact = decimal.Decimal("123456789012345678901234567890.5")
    account = attrs.evolve(account, total_credits_balance_usd=exact)
    text = to_json(account)
    assert b'"totalCreditsBalanceUsd":123456789012345678901234567890.5,' in text
    assert b'"additionalCreditsBalanceUsd":80.0,' in text
    # Balances are read by the float's shortest form (models/billing.py); integers exactly.
    assert decode(text, AccountView).rate_limit == big
    as_dict = to_dict(account)
    assert as_dict["rateLimit"] == big
    assert as_dict["concurrentSessionLimit"] == -big
    assert as_dict["monthlyCreditsBalanceUsd"] == 0.1


def _nested(depth: int, leaf: object) -> object:
    for level in range(depth):
        leaf = {"a": leaf} if level % 2 else [leaf]
    return leaf


def test_what_orjson_cannot_write_is_an_invalid_argument_error() -> None:
    """Only a model made with such values holds them (a webhook's payload, a schema); the
    error is the SDK's, not orjson's TypeError nor a RecursionError."""
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    now = dt.datetime.now(dt.UTC)
    hostile: list[object] = [{1, 2}, {1: "a"}, object(), cyclic, b"bytes", "\ud800"]
    hostile += [_nested(depth, 1) for depth in range(255, 2000, 45)] + [_nested(10**5, 1)]
    refused = 0
    for value in hostile:
        event = WebhookEvent(type="t", timestamp=now, payload={"p": value})
        for write in (to_dict, to_json):
            with pytest.raises(InvalidArgumentError, match="cannot be written as JSON"):
                write(event)
            refused += 1
    assert refused == 2 * len(hostile) == 2 * 46
    shallow = WebhookEvent(type="t", timestamp=now, payload={"p": _nested(250, 10**30)})
    assert decode(to_json(shallow), WebhookEvent) == shallow


def test_a_subclass_of_a_model_is_a_model() -> None:
    @attrs.frozen(kw_only=True)
    class MyStep(TaskStepView):
        seen_by: str = "me"

    step = MyStep(
        number=1, memory="m", evaluation_previous_goal="e", next_goal="n", url="u", actions=["a"]
    )
    as_dict = to_dict(step)
    assert (as_dict["nextGoal"], as_dict["seenBy"]) == ("n", "me")
    plain = decode(to_json(step), TaskStepView)
    assert attrs.asdict(plain) == {k: v for k, v in attrs.asdict(step).items() if k != "seen_by"}
