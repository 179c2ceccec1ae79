"""v4 `client.runs`, one request per operation: what goes on the wire, what comes back, what is
refused before anything is sent, and which requests are retried."""

import decimal
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import pytest

import browser_use_async
from browser_use_async import (
    APIConnectionError,
    InternalServerError,
    InvalidArgumentError,
    NoCapacityError,
    NotFoundError,
    QueueFullError,
    RateLimitError,
    RetryPolicy,
    TooManyConcurrentActiveSessionsError,
)
from browser_use_async import AsyncBrowserUse as V2AsyncBrowserUse
from browser_use_async._messages import status_error
from browser_use_async._protocol import Request, Response
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models.runs import (
    InlineSecretSource,
    RunAttachmentsResponse,
    RunBrowserSettings,
    RunCreateRequest,
    RunCreateResponse,
    RunEvent,
    RunEventsResponse,
    RunJudgeSettings,
    RunListResponse,
    RunStatus,
    RunStatusResponse,
    RunSummary,
    SecretBinding,
)
from browser_use_async.v4.resources.runs import RunOptions
from tests.conftest import error_texts

V4 = "/api/v4"
NO_RETRIES = RetryPolicy(max_retries=0)
QUICK_RETRIES = RetryPolicy(initial_delay=0.001, max_delay=0.001)


def sent(fake: FakeBrowserUseCloud) -> list[str]:
    return [f"{r.method} {r.path.removeprefix(V4)}" for r in fake.requests]


async def test_create_sends_its_fields_in_camel_case(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    created = await runs_client.runs.create(
        "Find a flight",
        model="claude-sonnet-5",
        browser_settings=RunBrowserSettings(screen_width=1280, proxy_country_code=None),
        judge=RunJudgeSettings(context="the cheapest"),
        max_cost_usd=decimal.Decimal("2.50"),
    )
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", f"{V4}/runs")
    assert request.json() == {
        "task": "Find a flight",
        "model": "claude-sonnet-5",
        "browserSettings": {"screenWidth": 1280, "proxyCountryCode": None},
        "judge": {"context": "the cheapest"},
        "maxCostUsd": "2.50",
    }
    assert request.headers["X-Browser-Use-API-Key"] == fake.api_key
    assert isinstance(created, RunCreateResponse)
    assert created.status == RunStatus.QUEUED
    assert created.id in fake.runs
    assert fake.runs[created.id]["task"] == "Find a flight"


@pytest.mark.parametrize(
    ("amount", "wire"),
    [(decimal.Decimal("0.5"), "0.5"), (0.1, "0.1"), (3, "3"), ("12.25", "12.25")],
)
async def test_max_cost_usd_goes_as_the_amount_written(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse, amount: Any, wire: str
) -> None:
    created = await runs_client.runs.create("Find", max_cost_usd=amount)
    assert fake.requests[0].json() == {"task": "Find", "maxCostUsd": wire}
    assert created.id in fake.runs


async def test_create_sends_the_amended_fields(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    wallet = uuid.uuid4()
    secret = SecretBinding(
        alias="github_password",
        source=InlineSecretSource(value="hunter2-secret"),
        allowed_domains=["github.com"],
    )
    await runs_client.runs.create(
        "Log in",
        output_schema={"type": "object", "properties": {"ok": {"type": "boolean"}}},
        model_params={"reasoning": {"effort": "high"}},
        keep_alive=600,
        agentmail=True,
        agentcard_wallet_id=str(wallet),
        secret_bindings=[secret],
        op_vault_id="vault-1",
        op_vault_allowed_domains=("amazon.com",),
    )
    assert fake.requests[0].json() == {
        "task": "Log in",
        "outputSchema": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        "modelParams": {"reasoning": {"effort": "high"}},
        "keepAlive": 600,
        "agentmail": True,
        "agentcardWalletId": str(wallet),
        "secretBindings": [
            {
                "alias": "github_password",
                "source": {"type": "inline", "value": "hunter2-secret"},
                "allowedDomains": ["github.com"],
            }
        ],
        "opVaultId": "vault-1",
        "opVaultAllowedDomains": ["amazon.com"],
    }


async def test_a_refused_secret_binding_shows_no_secret(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    secret = SecretBinding(
        alias="pin", source=InlineSecretSource(value="hunter2-secret"), allowed_domains=["a.com"]
    )
    with pytest.raises(InvalidArgumentError, match="keep_alive") as info:
        await runs_client.runs.create("Log in", secret_bindings=[secret], keep_alive=5)
    assert not [text for text in error_texts(info.value) if "hunter2-secret" in text]
    assert fake.requests == []


def test_the_options_are_the_create_requests_fields() -> None:
    fields = {field.name for field in attrs.fields(RunCreateRequest)} - {"task"}
    assert set(RunOptions.__annotations__) == fields


Call = Callable[[Any], Awaitable[object]]
"""An operation of `client.runs` (typed Any: the calls pass what the annotations forbid)."""

REFUSED: list[tuple[Call, str]] = [
    (lambda r: r.create(""), "task"),
    (lambda r: r.create(5), "task"),
    (lambda r: r.create("Find", model=5), "model"),
    (lambda r: r.create("Find", session_id="nope"), "UUID"),
    (lambda r: r.create("Find", max_cost_usd=0), "max_cost_usd"),
    (lambda r: r.create("Find", max_cost_usd=-1), "max_cost_usd"),
    (lambda r: r.create("Find", max_cost_usd="lots"), "max_cost_usd"),
    (lambda r: r.create("Find", max_cost_usd=float("nan")), "max_cost_usd"),
    (lambda r: r.create("Find", max_cost_usd=True), "max_cost_usd"),
    (lambda r: r.create("Find", attached_file_ids=[uuid.uuid4()] * 21), "attached_file_ids"),
    (lambda r: r.create("Find", browser_settings={"screenWidth": 1}), "browser_settings"),
    (lambda r: r.create("Find", max_steps=3), "max_steps"),
    (lambda r: r.create("Find", extra_headers={"X-Browser-Use-API-Key": "k"}), "extra_headers"),
    (lambda r: r.list(limit=0).page(), "limit"),
    (lambda r: r.list(limit=True).page(), "limit"),
    (lambda r: r.list(cursor=5).page(), "cursor"),
    (lambda r: r.list(session_id="x").page(), "session_id"),
    (lambda r: r.get("nope"), "run_id"),
    (lambda r: r.status(3), "run_id"),
    (lambda r: r.cancel("x"), "run_id"),
    (lambda r: r.cancel(uuid.uuid4(), extra_query=[1]), "extra_query"),
    (lambda r: r.events(uuid.uuid4(), after=-1), "after"),
    (lambda r: r.events(uuid.uuid4(), after=1.5), "after"),
    (lambda r: r.events(uuid.uuid4(), limit=0), "limit"),
    (lambda r: r.attachments(None), "run_id"),
    (lambda r: r.wait(uuid.uuid4(), timeout=0), "timeout"),
    (lambda r: r.wait(uuid.uuid4(), timeout="5"), "timeout"),
    (lambda r: r.live_url(uuid.uuid4(), timeout=float("nan")), "timeout"),
    (lambda r: r.run("Find", timeout="5"), "timeout"),
    (lambda r: r.wait(uuid.uuid4(), poll_interval=float("inf")), "poll_interval"),
    (lambda r: r.wait("nope"), "run_id"),
    (lambda r: r.live_url(uuid.uuid4(), timeout=-1), "timeout"),
    (lambda r: r.run("Find", timeout=0), "timeout"),
    (lambda r: r.run("Find", poll_interval="5"), "poll_interval"),
    (lambda r: r.run("Find", cancel_on_exit="no"), "cancel_on_exit"),
    (lambda r: r.run("Find", output_type=5), "output_type"),
    (lambda r: r.run("Find", output_type='{"type": "object"}'), "output_type"),
    (lambda r: r.run("Find", session_id="nope"), "UUID"),
    (lambda r: r.run("Find", max_cost_usd=0), "max_cost_usd"),
]


@pytest.mark.parametrize(("call", "message"), REFUSED)
async def test_every_argument_is_checked_before_anything_is_sent(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse, call: Call, message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await call(runs_client.runs)
    assert fake.requests == []
    assert fake.runs == {}


STREAMS: list[Callable[[Any], AsyncIterator[object]]] = [
    lambda r: r.stream(uuid.uuid4(), after=-1),
    lambda r: r.stream(uuid.uuid4(), after="3"),
    lambda r: r.stream(uuid.uuid4(), poll_interval=0),
    lambda r: r.stream("nope"),
]


@pytest.mark.parametrize("stream", STREAMS)
async def test_stream_checks_its_arguments_before_anything_is_sent(
    fake: FakeBrowserUseCloud,
    runs_client: AsyncBrowserUse,
    stream: Callable[[Any], AsyncIterator[object]],
) -> None:
    with pytest.raises(InvalidArgumentError):
        async for _ in stream(runs_client.runs):
            pass
    assert fake.requests == []


async def test_list_walks_the_cursor_pages(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    made = [fake.create_run(f"run {n}") for n in range(5)]
    seen = [run.id async for run in runs_client.runs.list(limit=2)]
    assert seen == made[::-1]  # most recent first
    queries = [r.query for r in fake.requests]
    assert [q["limit"] for q in queries] == ["2", "2", "2"]
    assert "cursor" not in queries[0]
    assert queries[1]["cursor"]
    assert queries[2]["cursor"] != queries[1]["cursor"]
    page = await runs_client.runs.list(limit=2)
    assert isinstance(page, RunListResponse)
    assert page.has_more
    assert all(isinstance(run, RunSummary) for run in page.runs)
    rest = await runs_client.runs.list(limit=10, cursor=page.next_cursor)
    assert [run.id for run in rest.runs] == made[2::-1]


async def test_list_of_one_session(fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse) -> None:
    first = fake.create_run("first")
    fake.create_run("other")
    session = uuid.UUID(fake.runs[first]["sessionId"])
    page = await runs_client.runs.list(session_id=str(session).upper())
    assert [run.id for run in page.runs] == [first]
    assert fake.requests[0].query == {"sessionId": str(session)}


async def test_get_status_attachments_answer_their_models(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find")
    fake.advance(60)
    run = await runs_client.runs.get(run_id)
    status = await runs_client.runs.status(str(run_id))
    attachments = await runs_client.runs.attachments(run_id)
    assert sent(fake) == [
        f"GET /runs/{run_id}",
        f"GET /runs/{run_id}/status",
        f"GET /runs/{run_id}/attachments",
    ]
    assert isinstance(run, RunSummary)
    assert (run.status, run.result) == (RunStatus.COMPLETED, "Done: Find")
    assert isinstance(run.total_cost_usd, decimal.Decimal)
    assert isinstance(status, RunStatusResponse)
    assert status.status is RunStatus.COMPLETED
    assert attachments == RunAttachmentsResponse(attachments=[])


async def test_events_sends_after_and_limit_only_when_given(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find")
    fake.advance(60)
    everything = await runs_client.runs.events(run_id)
    page = await runs_client.runs.events(run_id, after=2, limit=3)
    assert [r.query for r in fake.requests] == [{}, {"after": "2", "limit": "3"}]
    assert isinstance(everything, RunEventsResponse)
    assert all(isinstance(event, RunEvent) for event in everything.events)
    assert [e.id for e in page.events] == [3, 4, 5]
    assert page.has_more
    assert page.next_after == 5
    assert everything.events[-1].type == "run.completed"


async def test_cancel_posts_without_a_body_and_answers_the_run(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find")
    run = await runs_client.runs.cancel(run_id)
    again = await runs_client.runs.cancel(run_id)
    assert sent(fake) == [f"POST /runs/{run_id}/cancel"] * 2
    assert fake.requests[0].body == b""
    assert isinstance(run, RunSummary)
    assert run.status is RunStatus.CANCELLED
    assert again.status is RunStatus.CANCELLED
    assert fake.runs[run_id]["status"] == "cancelled"


@pytest.mark.parametrize(
    "fault", [Fault(status=503), Fault(status=500), Fault(disconnect="before_response")]
)
async def test_cancel_is_retried_as_a_get_is(fake: FakeBrowserUseCloud, fault: Fault) -> None:
    run_id = fake.create_run("Find")
    fake.faults.add(f"POST {V4}/runs/{{run_id}}/cancel", fault, times=2)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, retry=QUICK_RETRIES
    ) as client:
        run = await client.runs.cancel(run_id)
    assert run.status is RunStatus.CANCELLED
    assert sent(fake) == [f"POST /runs/{run_id}/cancel"] * 3


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(status=503), InternalServerError),
        (Fault(status=500), InternalServerError),
        (Fault(disconnect="before_response"), APIConnectionError),
    ],
)
async def test_create_is_not_retried_once_it_may_have_reached_the_server(
    fake: FakeBrowserUseCloud, fault: Fault, error: type[Exception]
) -> None:
    fake.faults.add(f"POST {V4}/runs", fault, times=None)
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, retry=QUICK_RETRIES
    ) as client:
        with pytest.raises(error):
            await client.runs.create("Find")
    assert sent(fake) == ["POST /runs"]


async def test_raw_twins_answer_the_response(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find")
    raw = await runs_client.runs.with_raw_response.cancel(run_id)
    assert raw.status_code == 200
    assert raw.parse().status is RunStatus.CANCELLED
    created = await runs_client.runs.with_raw_response.create("Find", max_cost_usd=1)
    assert json.loads(created.content)["id"] == str(created.parse().id)
    events = await runs_client.runs.with_raw_response.events(run_id, after=1)
    assert isinstance(events.parse(), RunEventsResponse)
    listed = await runs_client.runs.with_raw_response.list(limit=1)
    assert len(listed.parse().runs) == 1


async def test_no_capacity_is_named_and_nothing_was_created(fake: FakeBrowserUseCloud) -> None:
    fake.max_active_sessions = 0
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, retry=NO_RETRIES
    ) as client:
        with pytest.raises(NoCapacityError) as info:
            await client.runs.create("Find")
    error = info.value
    assert isinstance(error, TooManyConcurrentActiveSessionsError)
    assert isinstance(error, RateLimitError)
    assert error.status_code == 429
    assert error.created is False
    assert "Too many concurrent active sessions" in str(error)
    assert "sending it again is safe" in str(error)
    assert fake.runs == {}


async def test_a_create_refused_for_capacity_is_sent_again(fake: FakeBrowserUseCloud) -> None:
    fake.max_active_sessions = 0
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, retry=QUICK_RETRIES
    ) as client:
        with pytest.raises(NoCapacityError) as info:
            await client.runs.create("Find")
    assert info.value.attempts == 4
    assert sent(fake) == ["POST /runs"] * 4


def a_request() -> Request:
    return Request(method="POST", url="https://api.test/api/v4/sessions/x/queue", headers={})


@pytest.mark.parametrize(
    ("detail", "error"),
    [
        ({"code": "queue_full", "message": "The session message queue is full."}, QueueFullError),
        ({"code": "no_capacity", "message": "Too many concurrent"}, NoCapacityError),
        (
            "Too many concurrent active sessions. Please wait for one to finish.",
            TooManyConcurrentActiveSessionsError,
        ),
        ({"code": "something_else", "message": "Slow down"}, RateLimitError),
        ("Slow down", RateLimitError),
    ],
)
def test_429s_are_told_apart_by_their_body(detail: object, error: type[Exception]) -> None:
    body = json.dumps({"detail": detail}).encode()
    found = status_error(a_request(), Response(status=429, headers={}, body=body))
    assert type(found) is error
    assert isinstance(found, RateLimitError)


def test_the_429_errors_are_exported_from_the_package() -> None:
    assert browser_use_async.QueueFullError is QueueFullError
    assert browser_use_async.NoCapacityError is NoCapacityError
    assert QueueFullError.__module__ == "browser_use_async"
    assert "QueueFullError" in browser_use_async.__all__
    assert "NoCapacityError" in browser_use_async.__all__


async def test_a_missing_route_names_the_v4_root(fake: FakeBrowserUseCloud) -> None:
    wrong = fake.v4_base_url + "/v4"
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=wrong) as client:
        with pytest.raises(NotFoundError, match=r"the API's ends in /api/v4\)") as info:
            await client.runs.get(uuid.uuid4())
    assert "/api/v2" not in str(info.value)
    async with V2AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url + "/v2") as v2:
        with pytest.raises(NotFoundError, match=r"the API's ends in /api/v2\)"):
            await v2.tasks.get(uuid.uuid4())


async def test_an_unknown_run_is_not_found(
    fake: FakeBrowserUseCloud, runs_client: AsyncBrowserUse
) -> None:
    with pytest.raises(NotFoundError, match="Run not found"):
        await runs_client.runs.cancel(uuid.uuid4())
    assert len(fake.requests) == 1
