"""A hostile review of v4 runs: bad arguments of every helper, absurd budgets, secrets in
tracebacks, pages of events from a sloppy server, and `runs.run` ended early at each request
it makes (async and blocking), with faults on its cancel."""

import asyncio
import decimal
import json
import logging
import random
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from browser_use_async import (
    APIConnectionError,
    APIResponseValidationError,
    InvalidArgumentError,
    RetryPolicy,
    RunTimeoutError,
)
from browser_use_async._codec import to_json
from browser_use_async._polling import poll
from browser_use_async.cli import main
from browser_use_async.models.sessions import CustomProxy
from browser_use_async.testing import FakeBrowserUseCloud, Fault, RunScenario
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse
from browser_use_async.v4.models.runs import (
    InlineSecretSource,
    OnePasswordSecretSource,
    RunBrowserSettings,
    RunCreateRequest,
    SecretBinding,
)
from tests.conftest import RecordingClock, child_process, error_texts
from tests.soak import LateCreates

V4 = "/api/v4"
RUN_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
FAST = RetryPolicy(initial_delay=0.001, max_delay=0.001)


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == f"{V4}/runs" for r in fake.requests)


def cancels(fake: FakeBrowserUseCloud, run_id: object) -> int:
    return sum(r.method == "POST" and r.path == f"{V4}/runs/{run_id}/cancel" for r in fake.requests)


# --- every helper checks its timeout and poll interval before sending anything ---------------

HELPERS: dict[str, Callable[[AsyncBrowserUse, dict[str, Any]], Awaitable[object]]] = {
    "wait": lambda c, kw: c.runs.wait(RUN_ID, **kw),
    "stream": lambda c, kw: anext(aiter(c.runs.stream(RUN_ID, **kw))),
    "live_url": lambda c, kw: c.runs.live_url(RUN_ID, **kw),
    "run": lambda c, kw: c.runs.run("Find", **kw),
}
BAD_SECONDS: list[object] = ["5", b"5", [5], None, float("nan"), float("inf"), -1, 0, True]


async def test_bad_timeouts_and_intervals_are_refused_before_sending(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    refused: list[str] = []
    for helper, call in HELPERS.items():
        for name in ("timeout", "poll_interval"):
            for value in BAD_SECONDS:
                if value is None and name == "timeout":
                    continue  # None: no limit
                with pytest.raises(InvalidArgumentError, match=f"^{name} must be a positive"):
                    await call(linked_runs, {name: value})
                refused.append(f"{helper}({name}={value!r})")
    assert fake.requests == []
    assert len(refused) == 4 * (2 * len(BAD_SECONDS) - 1)


# --- budgets: what cannot be sent as a reasonable amount is refused ---------------------------


@pytest.mark.parametrize(
    "amount",
    [
        "1e999999999999",
        "1e999999",
        "1e-999999",
        10**41,
        decimal.Decimal("1E+50"),
        "0." + "0" * 40 + "1",
    ],
)
async def test_an_amount_too_long_to_write_out_is_refused_before_sending(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, amount: Any
) -> None:
    for send in (linked_runs.runs.create, linked_runs.runs.run):
        with pytest.raises(InvalidArgumentError, match="of at most 40 digits written out"):
            await send("Find", max_cost_usd=amount)
    with pytest.raises(InvalidArgumentError, match="of at most 40 digits written out"):
        await linked_runs.sessions.update_cost_cap(RUN_ID, max_cost_usd=amount)
    assert fake.requests == []


async def test_a_large_but_writable_amount_is_sent_in_full(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    await linked_runs.runs.create("Find", max_cost_usd="1e30")
    await linked_runs.runs.create("Find", max_cost_usd="1e-30")
    assert [r.json()["maxCostUsd"] for r in fake.requests] == [
        "1" + "0" * 30,
        "0." + "0" * 29 + "1",
    ]


@pytest.mark.parametrize("cost", ["1e999999999999", "1e-999999", "1e-5000"])
async def test_an_answer_with_an_amount_no_memory_can_write_out_is_refused(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, cost: object
) -> None:
    run_id = fake.create_run("Find")
    run = {**fake.runs[run_id], "totalCostUsd": cost}
    fake.faults.add(f"GET {V4}/runs/{{run_id}}", Fault(body=json.dumps(run).encode()))
    with pytest.raises(APIResponseValidationError, match=r"\$\.totalCostUsd"):
        await linked_runs.runs.get(run_id)
    big = {**run, "totalCostUsd": "1e4299"}  # long, but it can be written back
    fake.faults.add(f"GET {V4}/runs/{{run_id}}", Fault(body=json.dumps(big).encode()))
    assert len(to_json(await linked_runs.runs.get(run_id))) > 4300


# --- secrets ---------------------------------------------------------------------------------

SECRET = "hunter2-inline-secret"
VAULT = "vault-7f3e-secret"
PASSWORD = "proxy-pass-secret"


def _secret_options() -> dict[str, Any]:
    return {
        "secret_bindings": [
            SecretBinding(
                alias="github",
                source=InlineSecretSource(value=SECRET),
                allowed_domains=["github.com"],
            ),
            SecretBinding(
                alias="bank",
                source=OnePasswordSecretSource(
                    integration_id=uuid.uuid4(), vault_id=VAULT, item_id="item", field_id="pw"
                ),
                allowed_domains=["bank.example"],
            ),
        ],
        "op_vault_id": VAULT,
        "browser_settings": RunBrowserSettings(
            custom_proxy=CustomProxy(
                host="proxy.example", port=8080, username="u", password=PASSWORD
            )
        ),
    }


def _shows_a_secret(error: BaseException) -> list[str]:
    """The secrets any way of showing `error` (its traceback's locals too, from the SDK's
    frames on) gives away."""
    error.__traceback__ = error.__traceback__.tb_next if error.__traceback__ else None
    texts = error_texts(error)
    return [s for s in (SECRET, VAULT, PASSWORD) if any(s in text for text in texts)]


def test_no_secret_of_a_create_shows_in_its_repr() -> None:
    body = RunCreateRequest(task="Log in", **_secret_options())
    assert [s for s in (SECRET, VAULT, PASSWORD) if s in repr(body)] == []
    assert "op_vault_id='<redacted>'" in repr(body)


@pytest.mark.parametrize(
    "fault",
    [Fault(status=503), Fault(disconnect="before_response"), Fault(disconnect="during_body")],
    ids=["503", "dropped", "cut"],
)
@pytest.mark.parametrize("operation", ["create", "run"])
async def test_no_secret_shows_in_the_error_of_a_failed_create(
    fake: FakeBrowserUseCloud,
    linked_runs: AsyncBrowserUse,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    operation: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="browser_use_async")
    fake.faults.add(f"POST {V4}/runs", fault, times=None)
    with pytest.raises(APIConnectionError if fault.disconnect else Exception) as info:
        await getattr(linked_runs.runs, operation)("Log in", **_secret_options())
    assert _shows_a_secret(info.value) == []
    assert [s for s in (SECRET, VAULT, PASSWORD) if s in caplog.text] == []


@pytest.mark.parametrize("value", ["x" * 4097, "é" * 2049, "\U0001f512" * 1025])
async def test_an_inline_secret_over_4096_bytes_is_refused_without_showing_it(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse, value: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="at most 4096 bytes as UTF-8") as info:
        await linked_runs.runs.run(
            "Log in",
            secret_bindings=[
                SecretBinding(
                    alias="a", source=InlineSecretSource(value=value), allowed_domains=["a.com"]
                )
            ],
        )
    error = info.value  # (the caller's frames hold the value: it is theirs)
    assert all(value[:64] not in text for text in (str(error), repr(error), repr(vars(error))))
    assert fake.requests == []


async def test_an_inline_secret_of_4096_bytes_is_sent(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    value = "é" * 2048
    source = InlineSecretSource(value=value)
    binding = SecretBinding(alias="a", source=source, allowed_domains=["a.com"])
    await linked_runs.runs.create("Log in", secret_bindings=[binding])
    [request] = fake.requests
    assert request.json()["secretBindings"][0]["source"]["value"] == value


# --- stream: each event once, whatever the pages look like -----------------------------------


@attrs.define
class SloppyPages:
    """Makes the fake's event pages sloppy, at random: shorter (more to come), with events
    repeated, events from before the cursor, in any order, `nextAfter` null or wrong, and
    (while the run goes on) empty pages that say there is more; the run may take a step
    between two pages. What a page holds past the cursor is still a prefix of what is there."""

    fake: FakeBrowserUseCloud
    rng: random.Random = attrs.field(factory=lambda: random.Random(0))  # noqa: S311
    pages: int = 0
    lies: int = 0

    def install(self) -> None:
        self.fake.app.middlewares.append(self._sloppy)

    @web.middleware
    async def _sloppy(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if not (request.method == "GET" and request.path.endswith("/events")):
            return response
        assert isinstance(response, web.Response)
        assert isinstance(response.body, bytes)
        self.pages += 1
        rng, page = self.rng, json.loads(response.body)
        run_id = uuid.UUID(request.match_info["run_id"])
        after = int(request.query.get("after", "0"))
        if rng.random() < 0.3:
            self.fake.advance(1.0)  # events arrive while the client pages
        events = page["events"]
        running = self.fake.runs[run_id]["status"] not in ("completed", "failed", "cancelled")
        if running and rng.random() < 0.2:
            self.lies += 1
            return web.json_response({"events": [], "nextAfter": None, "hasMore": True})
        if len(events) > 1 and rng.random() < 0.5:
            events, page["hasMore"] = events[: rng.randint(1, len(events) - 1)], True
        old = [e for e in self.fake.run_events(run_id) if e["id"] <= after]
        events = events + rng.sample(events, k=min(len(events), rng.randint(0, 3)))
        events = events + rng.sample(old, k=min(len(old), rng.randint(0, 2)))
        rng.shuffle(events)
        page["events"] = events
        page["nextAfter"] = rng.choice([None, page["nextAfter"], 0, 10**6])
        return web.json_response(page)


@pytest.fixture
async def sloppy() -> AsyncIterator[tuple[FakeBrowserUseCloud, SloppyPages]]:
    fake = FakeBrowserUseCloud(manual_time=True)
    pages = SloppyPages(fake)
    pages.install()
    async with fake:
        yield fake, pages


def _linked(fake: FakeBrowserUseCloud, **options: Any) -> AsyncBrowserUse:
    clock = RecordingClock()

    async def advance() -> None:
        fake.advance(clock.sleeps[-1])

    clock.on_sleep.append(advance)
    return AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock, **options)


async def test_stream_from_sloppy_pages_gives_each_event_once_in_order(
    sloppy: tuple[FakeBrowserUseCloud, SloppyPages],
) -> None:
    fake, pages = sloppy
    streams = 0
    async with _linked(fake) as client:
        for seed in range(60):
            pages.rng.seed(seed)
            steps = seed % 7
            run_id = fake.create_run(
                f"s{seed}", scenario=RunScenario(steps=steps, step_interval=0.7)
            )
            after = seed % 5
            got = [e.id async for e in client.runs.stream(run_id, after=after, poll_interval=1.0)]
            total = len(fake.run_events(run_id))
            assert got == list(range(after + 1, total + 1)), f"seed {seed}"
            streams += 1
    assert streams == 60
    assert pages.pages >= 300
    assert pages.lies >= 20


async def test_a_cancelled_or_closed_stream_leaves_nothing_running(
    fake: FakeBrowserUseCloud,
) -> None:
    run_id = fake.create_run("Long", scenario=RunScenario(steps=50, step_interval=0.01))
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as client:
        for stop in ("break", "aclose", "cancel"):
            events = client.runs.stream(run_id, poll_interval=0.01)

            async def consume(events: AsyncIterator[object] = events) -> None:
                async for _ in events:
                    fake.advance(0.05)

            if stop == "cancel":
                task = asyncio.create_task(consume())
                await asyncio.sleep(0.05)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            else:
                assert await anext(events)
                if stop == "aclose":
                    await events.aclose()  # type: ignore[attr-defined]
                else:
                    del events
            await asyncio.sleep(0.05)
            before = len(fake.requests)
            await asyncio.sleep(0.2)
            assert len(fake.requests) == before, stop
            assert _client_tasks() == [], stop


def _client_tasks() -> list[asyncio.Task[Any]]:
    """The tasks running besides this one, but for the fake's own connection handlers."""
    return [
        task
        for task in asyncio.all_tasks()
        if task is not asyncio.current_task()
        and getattr(task.get_coro(), "__qualname__", "") != "RequestHandler.start"
    ]


# --- runs.run ended early at each request it makes -------------------------------------------


@attrs.define
class CancelAt:
    """Cancels `target` when the fake gets its `number`-th request since `arm` ("before" the
    fake acts on it) or has acted on it ("after", before the answer goes out); with `again`,
    once more at the next request (the clean-up's)."""

    fake: FakeBrowserUseCloud
    target: "asyncio.Task[Any] | None" = None
    number: int = 0
    phase: str = "before"
    again: bool = False
    seen: int = 0
    fired: list[str] = attrs.field(factory=lambda: [])

    def arm(self, target: "asyncio.Task[Any]", number: int, phase: str, *, again: bool) -> None:
        self.target, self.number, self.phase, self.again = target, number, phase, again
        self.seen, self.fired = 0, []

    @web.middleware
    async def _hook(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.target is None or not request.path.startswith(V4):
            return await handler(request)
        self.seen += 1
        seen, route = self.seen, f"{request.method} {request.path.removeprefix(V4)}"
        hit = seen == self.number or (self.again and seen == self.number + 1)
        if hit and self.phase == "before":
            self.fired.append(f"before {route}")
            self.target.cancel()
        response = await handler(request)
        if hit and self.phase == "after":
            self.fired.append(f"after {route}")
            self.target.cancel()
        return response


@pytest.fixture
async def hooked() -> AsyncIterator[tuple[FakeBrowserUseCloud, CancelAt]]:
    fake = FakeBrowserUseCloud(manual_time=True)
    hook = CancelAt(fake)
    fake.app.middlewares.append(hook._hook)  # pyright: ignore[reportPrivateUsage]
    async with fake:
        yield fake, hook


SWEPT = RunScenario(steps=6, queue_delay=0.25, dispatch_delay=0.25, step_interval=1.0)
"""About a dozen requests from create to the final GET."""


@pytest.mark.parametrize("cancel_on_exit", [True, False])
async def test_run_cancelled_at_each_request_creates_once_and_cancels_once(
    hooked: tuple[FakeBrowserUseCloud, CancelAt],
    caplog: pytest.LogCaptureFixture,
    cancel_on_exit: bool,
) -> None:
    fake, hook = hooked
    fake.default_run_scenario = SWEPT
    points: list[str] = []
    returned = 0
    async with _linked(fake) as client:
        for number in range(1, 40):
            for phase in ("before", "after"):
                for again in (False, True):
                    caplog.clear()
                    made_before = set(fake.runs)
                    creates_before = creates(fake)
                    run = asyncio.create_task(
                        client.runs.run("Find", poll_interval=1.0, cancel_on_exit=cancel_on_exit)
                    )
                    hook.arm(run, number, phase, again=again)
                    try:
                        async with asyncio.timeout(20):
                            await run
                    except asyncio.CancelledError:
                        pass
                    else:
                        returned += 1
                    hook.target = None
                    point = f"{number} {phase} again={again}: {hook.fired}"
                    [run_id] = set(fake.runs) - made_before
                    assert creates(fake) - creates_before == 1, point
                    status = fake.runs[run_id]["status"]
                    if not hook.fired:  # it had returned before the request numbered
                        assert run.done()
                        assert not run.cancelled()
                        assert (status, cancels(fake, run_id)) == ("completed", 0), point
                        continue
                    points.append(point)
                    if cancel_on_exit:
                        assert cancels(fake, run_id) == 1, point
                        assert status in ("cancelled", "completed"), point
                        said = "was cancelled" if status == "cancelled" else "had already ended"
                    else:
                        assert cancels(fake, run_id) == 0, point
                        said = f"Cancel it with runs.cancel('{run_id}')"
                    assert said in caplog.text, point
            if not hook.fired:
                break
    assert _client_tasks() == []
    assert len(points) >= 40
    assert returned >= 1
    print(f"run cancelled at {len(points)} points (cancel_on_exit={cancel_on_exit})")  # noqa: T201


CANCEL_FAULTS = {
    "500": Fault(status=500),
    "502": Fault(status=502),
    "503": Fault(status=503),
    "504": Fault(status=504),
    "dropped": Fault(disconnect="before_response"),
    "cut": Fault(disconnect="during_body"),
}


async def test_a_failing_cancel_is_retried_a_bounded_number_of_times(
    fake: FakeBrowserUseCloud,
) -> None:
    fake.default_run_scenario = SWEPT
    tried = 0
    async with _linked(fake, retry=FAST) as client:
        for name, fault in CANCEL_FAULTS.items():
            for failures in range(5):
                fake.faults.clear()
                if failures:
                    fake.faults.add(f"POST {V4}/runs/{{run_id}}/cancel", fault, times=failures)
                with pytest.raises(RunTimeoutError) as info:
                    await client.runs.run("Find", timeout=1.0)
                run_id = uuid.UUID(str(info.value.run_id))
                point = f"{name} x{failures}"
                tried += 1
                if failures <= FAST.max_retries:  # each failure retried, the last one answered
                    assert cancels(fake, run_id) == failures + 1, point
                    assert info.value.stopped is True, point
                    assert fake.runs[run_id]["status"] == "cancelled", point
                else:  # given up after the retries: said, with how to cancel it
                    assert cancels(fake, run_id) == FAST.max_retries + 1, point
                    assert info.value.stopped is False, point
                    assert f"cancel it with runs.cancel('{run_id}')" in str(info.value), point
                    assert fake.runs[run_id]["status"] == "running", point
    assert tried == 30
    assert creates(fake) == 30


async def test_a_create_dropped_after_the_server_made_the_run_is_sent_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake, f"{V4}/runs")
    late.drop = True
    async with fake, _linked(fake, retry=FAST) as client:
        for operation in ("create", "run"):
            with pytest.raises(APIConnectionError):
                await getattr(client.runs, operation)("Find")
        assert creates(fake) == 2
        assert len(fake.runs) == 2  # made, but no answer named them: nothing to cancel
        assert [r.method for r in fake.requests] == ["POST", "POST"]
    assert "a run it made may be running: look for it with runs.list and cancel it" in caplog.text


async def test_run_that_ends_failed_is_returned_without_a_cancel(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    fake.run_scenarios["Find"] = RunScenario(steps=2, fail=True, error="Blocked")
    run = await linked_runs.runs.run("Find")
    assert (run.status, run.error) == ("failed", "Blocked")
    assert cancels(fake, run.id) == 0


async def test_run_cancelled_by_someone_else_is_returned_without_another_cancel(
    fake: FakeBrowserUseCloud,
) -> None:
    fake.run_scenarios["Find"] = SWEPT
    clock = RecordingClock()
    async with (
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock) as client,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as other,
    ):

        async def advance() -> None:
            fake.advance(clock.sleeps[-1])
            if len(clock.sleeps) == 3:  # while it runs, another client cancels it
                [run_id] = fake.runs
                await other.runs.cancel(run_id)

        clock.on_sleep.append(advance)
        run = await client.runs.run("Find")
    assert run.status == "cancelled"
    assert cancels(fake, run.id) == 1  # the other client's


# --- the blocking client: Ctrl-C at random moments --------------------------------------------


def _pressed_while_running(presser: threading.Timer, client: BrowserUse, task: str) -> None:
    """`runs.run(task)` with Ctrl-C on its way (pressed so soon, it may come before it)."""
    presser.start()
    client.runs.run(task, poll_interval=0.01)


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_at_random_moments_of_a_blocking_run(threaded_fake: FakeBrowserUseCloud) -> None:
    rng = random.Random(17)  # noqa: S311 (moments, not secrets)
    main = threading.main_thread().ident
    assert main is not None
    points = {"before the create": 0, "after it": 0}
    with BrowserUse(
        api_key=threaded_fake.api_key, base_url=threaded_fake.v4_base_url, retry=FAST
    ) as client:
        for attempt in range(30):
            delay = rng.uniform(0, 0.2) if attempt % 3 else rng.uniform(0, 0.01)
            before = set(threaded_fake.runs)
            presser = threading.Timer(delay, signal.pthread_kill, (main, signal.SIGINT))
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                _pressed_while_running(presser, client, f"Never ends {attempt}")
            presser.join()
            assert time.monotonic() - started < 10
            made = set(threaded_fake.runs) - before
            posts = [r for r in threaded_fake.requests if r.path == f"{V4}/runs"]
            assert len(posts) == len(threaded_fake.runs), attempt  # never twice
            if not made:
                points["before the create"] += 1
                continue
            points["after it"] += 1
            [run_id] = made
            assert threaded_fake.runs[run_id]["status"] == "cancelled", attempt
            assert cancels(threaded_fake, run_id) == 1, attempt
        assert client.runs.list(limit=1).page().runs  # still usable
    assert points["after it"] >= 15
    assert sum(points.values()) == 30
    print(f"Ctrl-C during a blocking run: {points}")  # noqa: T201


def test_a_blocking_stream_closed_early_stops_polling(threaded_fake: FakeBrowserUseCloud) -> None:
    run_id = threaded_fake.create_run("Long", steps=5)
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.v4_base_url) as client:
        for stop in ("close", "break"):
            events = client.runs.stream(run_id, poll_interval=0.01)
            if stop == "close":
                assert next(events).id == 1
                events.close()  # type: ignore[attr-defined]
            else:
                for event in events:
                    assert event.id == 1
                    break
                del events
            time.sleep(0.05)
            before = len(threaded_fake.requests)
            time.sleep(0.3)
            assert len(threaded_fake.requests) == before, stop
        assert client.runs.status(run_id).status == "running"  # still usable


# --- the command line -------------------------------------------------------------------------


def _v4_argv(fake: FakeBrowserUseCloud, *argv: str) -> list[str]:
    on = ["--api-key", fake.api_key, "--base-url", fake.v4_base_url, "--max-retries", "0"]
    return ["--api", "v4", *argv[:2], *on, *argv[2:]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["runs", "create", "Find", "--max-cost-usd", "1e999999999999"], "max_cost_usd"),
        (["runs", "create", "Find", "--max-cost-usd", "1e-999999"], "max_cost_usd"),
        (["runs", "create", "Find", "--max-cost-usd", "nan"], "max_cost_usd"),
        (["runs", "create", "Find", "--max-cost-usd", "inf"], "max_cost_usd"),
        (["runs", "create", "Find", "--wait", "--wait-timeout", "nan"], "--wait-timeout"),
        (["runs", "create", "Find", "--wait", "--wait-timeout", "inf"], "--wait-timeout"),
        (["runs", "create", "Find", "--wait", "--wait-timeout", "-1"], "--wait-timeout"),
        (["runs", "cancel", "../../runs"], "run_id must be a UUID"),
        (["runs", "events", f"{RUN_ID}/../x"], "run_id must be a UUID"),
    ],
)
def test_bad_input_on_the_command_line_exits_2_sending_nothing(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code = main(_v4_argv(fake, *argv))
        assert fake.requests == []
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert message in err


@pytest.mark.parametrize("wait", [True, False])
async def test_ctrl_c_while_the_create_is_in_flight_cancels_once_with_wait(wait: bool) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake, f"{V4}/runs")
    late.seconds = 1.0
    async with fake:
        argv = _v4_argv(fake, "runs", "create", "Find", *(["--wait"] if wait else []))
        async with child_process("-m", "browser_use_async", *argv) as child:
            async with asyncio.timeout(60):
                while not fake.runs:  # noqa: ASYNC110 (the server's state, not an event)
                    await asyncio.sleep(0.005)
                child.send_signal(signal.SIGINT)  # made, its answer not yet sent
                out, err = await child.communicate()
        [(run_id, run)] = fake.runs.items()
        assert creates(fake) == 1
        assert child.returncode == 130
        if wait:
            assert cancels(fake, run_id) == 1
            assert run["status"] == "cancelled"
            assert err.decode().splitlines() == ["interrupted", f"cancelled run {run_id}"]
        else:
            assert cancels(fake, run_id) == 0
            assert err.decode().splitlines() == [
                "interrupted",
                f"run {run_id} keeps running; cancel it with: browser-use-async --api v4 runs "
                f"cancel {run_id}",
            ]
    assert out == b""


# --- wait: the timeout on an injected clock ---------------------------------------------------


def _expected_polls(timeout: float, cap: float) -> int:
    """Status reads of a wait that times out: one, then one after each wait (growing from
    0.5 s by half, up to `cap`) until the waits add up to `timeout`."""
    polls, slept, wait = 1, 0.0, min(0.5, cap)
    while slept < timeout - 1e-9:
        slept, polls, wait = slept + min(wait, timeout - slept), polls + 1, min(wait * 1.5, cap)
    return polls


@pytest.mark.parametrize(("start", "timeout"), [(1014.1, 10.0), (1017.6, 10.0), (1e6 + 0.3, 7.0)])
async def test_wait_times_out_on_a_clock_of_large_floats(
    fake: FakeBrowserUseCloud, start: float, timeout: float
) -> None:
    run_id = fake.create_run("Never", scenario=RunScenario(queue_delay=10**6))
    clock = RecordingClock()
    clock.now = start  # its sleeps add up to a hair short of the timeout
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock) as c:
        with pytest.raises(RunTimeoutError, match=f"still queued after {timeout:.1f} s"):
            async with asyncio.timeout(10):
                await c.runs.wait(run_id, timeout=timeout, poll_interval=5.0)
    assert len(fake.requests) == _expected_polls(timeout, 5.0)
    assert sum(clock.sleeps) == pytest.approx(timeout)


async def test_waits_time_out_after_as_many_polls_whatever_the_clock_reads() -> None:
    swept = 0
    for start in (0.0, 1000.0, 1014.1, 123456.789, 1e9 + 0.1):
        for step in range(200):
            for timeout, cap in ((0.7, 5.0), (1.0, 0.3), (3.0, 2.0), (10.0, 5.0), (59.9, 7.5)):
                clock = RecordingClock()
                clock.now = start + step * 0.1
                fetched = 0

                async def fetch() -> str:
                    nonlocal fetched
                    fetched += 1
                    assert fetched <= 1000, "polls without end"
                    return "running"

                polls = poll(
                    fetch,
                    lambda state: False,
                    clock=clock,
                    poll_interval=cap,
                    timeout=timeout,
                    timed_out=lambda state, waited, limit: RunTimeoutError(
                        "late", run_id=RUN_ID, status=state
                    ),
                )
                with pytest.raises(RunTimeoutError):
                    async for _ in polls:
                        pass
                assert fetched == _expected_polls(timeout, cap), (clock.now, timeout)
                swept += 1
    assert swept == 5000


# --- ids: a refusal names the argument, nothing is sent ----------------------------------------

ID_ARGUMENTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "session_id": lambda bad: {"session_id": bad},
    "workspace_id": lambda bad: {"workspace_id": bad},
    "agentcard_wallet_id": lambda bad: {"agentcard_wallet_id": bad},
    "stripe_link_connection_id": lambda bad: {"stripe_link_connection_id": bad},
    "profile_id": lambda bad: {"browser_settings": RunBrowserSettings(profile_id=bad)},
    "attached_file_ids": lambda bad: {"attached_file_ids": iter([RUN_ID, bad])},
}


async def test_a_bad_id_is_refused_by_its_own_name_before_sending(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    tried = 0
    for name, options in ID_ARGUMENTS.items():
        for bad in ("nope", "../../runs", f"{RUN_ID}/cancel", RUN_ID[:-1], " " + RUN_ID + "x"):
            with pytest.raises(InvalidArgumentError, match=rf"^(each of )?{name} must be a UUID"):
                await linked_runs.runs.run("Find", **options(bad))
            tried += 1
    assert tried == 30
    assert fake.requests == []


# --- statuses this SDK does not know ------------------------------------------------------------


async def test_wait_polls_on_through_statuses_it_does_not_know(
    fake: FakeBrowserUseCloud, linked_runs: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find", scenario=RunScenario(steps=1))
    fake.advance(100)  # completed, but first some statuses newer than this SDK
    for status in ("paused", "", "COMPLETED", "waiting_for_human"):
        body = json.dumps({"status": status}).encode()
        fake.faults.add(f"GET {V4}/runs/{{run_id}}/status", Fault(body=body))
    run = await linked_runs.runs.wait(run_id)
    assert run.status == "completed"
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests] == ["status"] * 5 + [str(run_id)]
    paused = Fault(body=b'{"status": "paused"}')
    fake.faults.add(f"GET {V4}/runs/{{run_id}}/status", paused, times=None)
    with pytest.raises(RunTimeoutError, match="still paused after"):
        await linked_runs.runs.wait(run_id, timeout=3.0)


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_during_a_blocking_stream_stops_it(threaded_fake: FakeBrowserUseCloud) -> None:
    run_id = threaded_fake.create_run("Long", steps=5)
    main = threading.main_thread().ident
    assert main is not None
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.v4_base_url) as client:
        for delay in (0.0, 0.05, 0.2):
            presser = threading.Timer(delay, signal.pthread_kill, (main, signal.SIGINT))
            with pytest.raises(KeyboardInterrupt):
                _pressed_while_streaming(presser, client, run_id)
            presser.join()
            time.sleep(0.05)
            before = len(threaded_fake.requests)
            time.sleep(0.3)
            assert len(threaded_fake.requests) == before, delay
        assert client.runs.status(run_id).status == "running"  # still usable


def _pressed_while_streaming(presser: threading.Timer, client: BrowserUse, run_id: object) -> None:
    presser.start()
    for _ in client.runs.stream(str(run_id), poll_interval=0.01):
        pass
