"""The 402 of a key over its monthly spend limit and the 429 "no capacity" are errors of their
own, over real sockets (the fake cloud, or a canned server for odd shapes); every error is
named by its public path."""

import asyncio
import json
import pickle
import traceback
import typing
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

import browser_use_async
from browser_use_async import (
    APIKeySpendLimitError,
    AsyncBrowserUse,
    BrowserUse,
    InvalidArgumentError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    TooManyConcurrentActiveSessionsError,
    _exceptions,
)
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from browser_use_async.testing._spec import operations, validator
from tests.conftest import CannedServer, RecordingClock
from tests.fakecloud import Api
from tests.test_quirks import quirk

SPEND_LIMIT = quirk("error_402_api_key_spend_limit")
NO_CAPACITY = quirk("error_429_too_many_concurrent_sessions")
NO_RETRIES = RetryPolicy(max_retries=0)


def wire(fixture: dict[str, Any]) -> bytes:
    return json.dumps(fixture["body"]).encode()


def posts(fake: FakeBrowserUseCloud) -> int:
    return sum(1 for r in fake.requests if r.method == "POST")


async def test_the_spend_limit_answer_is_its_own_payment_error(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add("POST /tasks", Fault(status=402, body=wire(SPEND_LIMIT)))
    async with (
        asyncio.timeout(10),
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, clock=clock) as client,
    ):
        with pytest.raises(APIKeySpendLimitError) as info:
            await client.tasks.create("Find flights")
    error = info.value
    assert isinstance(error, PaymentRequiredError)
    assert (error.code, error.cap, error.spent) == (
        "api_key_monthly_spend_limit_reached",
        Decimal("10.0"),
        Decimal("10.0213"),
    )
    assert error.status_code == 402
    message = str(error)
    assert "HTTP 402: API key monthly spend limit reached." in message
    assert "spent $10.0213, cap $10.0" in message
    assert "raise the key's monthly limit in the Browser Use dashboard" in message
    assert "wait for next month" in message
    assert "out of credits" not in message
    assert posts(fake) == 1  # a 402 is never retried
    assert clock.sleeps == []
    assert fake.tasks == {}
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (made here)
    assert type(copy) is APIKeySpendLimitError
    assert (copy.code, copy.cap, copy.spent, str(copy)) == (
        error.code,
        error.cap,
        error.spent,
        message,
    )


DETAIL = {"code": "api_key_monthly_spend_limit_reached", "message": "Spend limit reached"}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            402,
            {"detail": {**DETAIL, "cap": "25", "spent": "25.0006666666666666666666666666667"}},
            (APIKeySpendLimitError, Decimal("25"), Decimal("25.0006666666666666666666666666667")),
        ),
        (402, {"detail": DETAIL}, (APIKeySpendLimitError, None, None)),
        (
            402,
            {"detail": {**DETAIL, "cap": None, "spent": "lots"}},
            (APIKeySpendLimitError, None, None),
        ),
        (
            402,
            {"detail": {**DETAIL, "cap": True, "spent": "Infinity"}},
            (APIKeySpendLimitError, None, None),
        ),
        (402, {"detail": {**DETAIL, "cap": 0, "spent": 0}}, (APIKeySpendLimitError, 0, 0)),
        (
            402,
            {"detail": {**DETAIL, "cap": " 2.5E1 ", "spent": 10.25}},
            (APIKeySpendLimitError, Decimal(25), Decimal("10.25")),
        ),
        # Only JSON's number syntax: not Python's extras (digit groups, other scripts' digits).
        (
            402,
            {"detail": {**DETAIL, "cap": "1_000", "spent": "\u0661\u0662"}},
            (APIKeySpendLimitError, None, None),
        ),
        (
            402,
            {"detail": {**DETAIL, "cap": "0x10", "spent": "-NaN"}},
            (APIKeySpendLimitError, None, None),
        ),
        (402, {"detail": "Insufficient credits"}, (PaymentRequiredError, None, None)),
        (402, {"detail": {**DETAIL, "code": "other"}}, (PaymentRequiredError, None, None)),
        (402, {"detail": [DETAIL]}, (PaymentRequiredError, None, None)),
        (402, {"code": DETAIL["code"]}, (PaymentRequiredError, None, None)),
        (403, {"detail": DETAIL}, (PermissionDeniedError, None, None)),
    ],
)
async def test_only_a_402_with_the_spend_limit_code_is_that_error(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    status: int,
    body: object,
    expected: tuple[type[Exception], Decimal | None, Decimal | None],
) -> None:
    canned.respond(status, json.dumps(body).encode())
    with pytest.raises(PaymentRequiredError if status == 402 else PermissionDeniedError) as info:
        async with asyncio.timeout(10):
            await canned_client.tasks.create("Find flights")
    cls, cap, spent = expected
    assert type(info.value) is cls
    if cls is APIKeySpendLimitError:
        error: Any = info.value
        assert (error.cap, error.spent) == (cap, spent)
        assert isinstance(error.cap, Decimal | None)
        assert isinstance(error.spent, Decimal | None)
        assert "Spend limit reached" in str(error)
        assert ("spent $" in str(error)) is (spent is not None)
        assert "wait for next month" in str(error)
    elif status == 402:
        assert "out of credits" in str(info.value)


@pytest.mark.parametrize(
    "amount",
    ["9" * 100_000, "0." + "1" * 50_000, "1e999999999", "-" + "7" * 5_000 + ".5"],
)
async def test_a_huge_amount_is_kept_exactly_but_the_message_stays_short(
    canned: CannedServer, canned_client: AsyncBrowserUse, amount: str
) -> None:
    canned.respond(402, json.dumps({"detail": {**DETAIL, "cap": amount, "spent": amount}}).encode())
    with pytest.raises(APIKeySpendLimitError) as info:
        async with asyncio.timeout(10):
            await canned_client.tasks.create("Find flights")
    error = info.value
    assert (error.cap, error.spent) == (Decimal(amount), Decimal(amount))
    assert len(str(error)) < 600, len(str(error))
    assert "wait for next month" in str(error)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (made here)
    assert (copy.cap, str(copy)) == (error.cap, str(error))


Create = Callable[[AsyncBrowserUse], Awaitable[object]]
CREATES: dict[str, Create] = {
    "POST /tasks": lambda client: client.tasks.create("Find flights"),
    "POST /sessions": lambda client: client.sessions.create(),
    "POST /browsers": lambda client: client.browsers.create(),
}


def rows(fake: FakeBrowserUseCloud) -> tuple[int, int, int]:
    return len(fake.tasks), len(fake.sessions), len(fake.browsers)


@pytest.mark.parametrize("retries", [0, 3])
@pytest.mark.parametrize("route", sorted(CREATES))
async def test_no_capacity_creates_nothing_says_so_and_is_retried(
    fake: FakeBrowserUseCloud, clock: RecordingClock, route: str, retries: int
) -> None:
    fake.max_active_sessions = 1
    fake.create_session()
    before = rows(fake)
    policy = RetryPolicy(max_retries=retries, jitter=0)
    async with (
        asyncio.timeout(10),
        AsyncBrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, retry=policy, clock=clock
        ) as client,
    ):
        with pytest.raises(TooManyConcurrentActiveSessionsError) as info:
            await CREATES[route](client)
    error = info.value
    assert isinstance(error, RateLimitError)
    assert error.created is False
    assert error.safe_to_retry is True
    assert error.attempts == retries + 1
    method, path = route.split()
    assert str(error).startswith(f"{method} {fake.base_url}{path} failed with HTTP 429: ")
    assert "Too many concurrent active sessions" in str(error)
    assert "Nothing was created, so sending it again is safe" in str(error)
    assert ".." not in str(error)  # the detail's own period is not doubled
    assert rows(fake) == before
    assert posts(fake) == retries + 1
    assert clock.sleeps == [0.5, 1.0, 2.0][:retries]
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (made here)
    assert type(copy) is TooManyConcurrentActiveSessionsError
    assert copy.safe_to_retry is True


async def test_another_429_is_a_plain_rate_limit(
    fake: FakeBrowserUseCloud, clock: RecordingClock
) -> None:
    fake.faults.add("POST /sessions", Fault(status=429, body=b'{"detail": "Rate limit exceeded"}'))
    async with (
        asyncio.timeout(10),
        AsyncBrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, clock=clock, retry=NO_RETRIES
        ) as client,
    ):
        with pytest.raises(RateLimitError) as info:
            await client.sessions.create()
    assert type(info.value) is RateLimitError
    assert not hasattr(info.value, "safe_to_retry")
    assert "Nothing was created" not in str(info.value)
    assert posts(fake) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("body", "no_capacity"),
    [
        (wire(NO_CAPACITY), True),
        (b'{"detail": "too many concurrent active sessions (3 of 3)"}', True),
        (b"Too many concurrent active sessions", True),  # not JSON: the text is the detail
        (b'{"detail": {"message": "Too many concurrent active sessions"}}', True),
        (b'{"detail": "Too many requests"}', False),
        (b'{"detail": "Too many concurrent skill creations"}', False),
        (b'{"message": "Too many concurrent active sessions"}', True),
        (b"{}", False),
    ],
)
async def test_no_capacity_is_recognised_by_its_detail(
    canned: CannedServer, canned_client: AsyncBrowserUse, body: bytes, no_capacity: bool
) -> None:
    canned.respond(429, body)
    with pytest.raises(RateLimitError) as info:
        async with asyncio.timeout(10):
            await canned_client.browsers.create()
    assert isinstance(info.value, TooManyConcurrentActiveSessionsError) is no_capacity


def test_the_sync_client_raises_the_same(threaded_fake: FakeBrowserUseCloud) -> None:
    threaded_fake.max_active_sessions = 0
    with (
        BrowserUse(
            api_key=threaded_fake.api_key,
            base_url=threaded_fake.base_url,
            retry=NO_RETRIES,
            timeout=5,
        ) as client,
        pytest.raises(TooManyConcurrentActiveSessionsError) as info,
    ):
        client.browsers.create()
    assert info.value.created is False
    assert threaded_fake.browsers == {}


async def test_the_fake_refuses_creates_once_the_key_spent_its_limit(
    fake: FakeBrowserUseCloud,
) -> None:
    fake.spend_limit = Decimal("0.02")
    fake.create_task(scenario=TaskScenario(steps=2, cost_per_step="0.01"))
    fake.advance(60)  # the task ends and is billed $0.02
    before = rows(fake)
    async with (
        asyncio.timeout(10),
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, retry=NO_RETRIES) as client,
    ):
        for route, create in CREATES.items():
            with pytest.raises(APIKeySpendLimitError) as info:
                await create(client)
            assert (info.value.cap, info.value.spent) == (Decimal("0.02"), Decimal("0.02")), route
            assert "spent $0.02, cap $0.02" in str(info.value)
        assert rows(fake) == before
        fake.spend_limit = Decimal("5")  # raised in the dashboard
        created = await client.tasks.create("Find flights")
    assert created.id in fake.tasks


def test_the_official_sdk_reads_the_fakes_spend_limit_answer(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    official = pytest.importorskip("browser_use_sdk.v2")
    threaded_fake.spend_limit = Decimal(0)
    with (
        official.BrowserUse(
            api_key=threaded_fake.api_key, base_url=threaded_fake.base_url, max_retries=0
        ) as client,
        pytest.raises(official.APIKeySpendLimitError) as info,
    ):
        client.sessions.create()
    assert (info.value.code, info.value.cap, info.value.spent) == (
        "api_key_monthly_spend_limit_reached",
        0.0,
        0.0,
    )


@pytest.mark.parametrize("client_type", [AsyncBrowserUse, BrowserUse])
@pytest.mark.parametrize("resource", ["tasks", "sessions", "browsers"])
def test_create_docstrings_say_a_429_is_retried(client_type: type[Any], resource: str) -> None:
    """A POST is retried on any 429 (nothing was made): the docs may not promise otherwise."""
    resources = typing.get_type_hints(client_type)
    doc = " ".join((resources[resource].create.__doc__ or "").split())
    assert "never retried" not in doc
    assert "retried only on a 429" in doc


def _exhaust_credits(fake: FakeBrowserUseCloud) -> None:
    fake.store.account["totalCreditsBalanceUsd"] = 0.0


REFUSALS: dict[str, Callable[[FakeBrowserUseCloud], None]] = {
    "spend limit": lambda fake: setattr(fake, "spend_limit", Decimal(0)),
    "no capacity": lambda fake: setattr(fake, "max_active_sessions", 0),
    "no credits": _exhaust_credits,
}
BODIES = {"/tasks": {"task": "Find flights"}, "/sessions": {}, "/browsers": {}}


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
@pytest.mark.parametrize("path", sorted(BODIES))
async def test_the_spec_documents_each_refusal_of_a_create_the_fake_sends(
    path: str, refusal: str
) -> None:
    """A spec-driven client (or schemathesis) must accept what the fake answers: the status is
    listed for the operation, with a schema the body validates against."""
    async with (
        asyncio.timeout(10),
        FakeBrowserUseCloud() as fake,
        aiohttp.ClientSession() as http,
    ):
        REFUSALS[refusal](fake)
        answer = await Api(fake, http).call("POST", path, body=BODIES[path])
    if answer.status < 300:  # this route does not check this (no credits: tasks, browsers)
        return
    documented = operations()["POST", path].responses
    assert answer.status in documented, (answer.status, answer.body)
    schema = documented[answer.status]
    assert schema is not None, f"POST {path} {answer.status} has no body schema"
    _, issues = validator().check(schema, answer.body)
    assert issues == [], answer.body


@pytest.mark.parametrize("cap", ["0", "0.00", 0, Decimal(0), 0.0])
async def test_the_fakes_spend_limit_takes_any_form_of_an_amount(cap: object) -> None:
    async with (
        asyncio.timeout(10),
        FakeBrowserUseCloud() as fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, retry=NO_RETRIES) as client,
    ):
        fake.spend_limit = cap  # type: ignore[assignment]
        assert fake.spend_limit == 0
        assert isinstance(fake.spend_limit, Decimal)
        with pytest.raises(APIKeySpendLimitError) as info:
            await client.sessions.create()
    assert info.value.cap == 0


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("spend_limit", "five"),
        ("spend_limit", Decimal("NaN")),
        ("spend_limit", float("inf")),
        ("spend_limit", True),
        ("spend_limit", -1),
        ("spend_limit", [5]),
        ("max_active_sessions", "2"),
        ("max_active_sessions", True),
        ("max_active_sessions", -1),
        ("max_active_sessions", 1.5),
    ],
)
async def test_the_fake_refuses_a_limit_it_could_not_apply(setting: str, value: object) -> None:
    """Refused when set, not answered as a 500 (or read as 1) at the next create."""
    async with (
        asyncio.timeout(10),
        FakeBrowserUseCloud() as fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, retry=NO_RETRIES) as client,
    ):
        with pytest.raises(InvalidArgumentError, match=setting):
            setattr(fake, setting, value)
        assert getattr(fake, setting) is None
        await client.sessions.create()
    assert len(fake.sessions) == 1


@pytest.mark.parametrize("name", _exceptions.__all__)
def test_errors_are_named_by_the_path_users_import(name: str) -> None:
    cls = getattr(browser_use_async, name)
    assert cls is getattr(_exceptions, name)
    assert f"{cls.__module__}.{cls.__qualname__}" == f"browser_use_async.{name}"


async def test_a_traceback_names_the_public_class(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud
) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.tasks.get("00000000-0000-4000-8000-000000000000")
    last = traceback.format_exception(caught.value)[-1]
    assert last.startswith("browser_use_async.NotFoundError: GET "), last
    assert "_exceptions" not in "".join(traceback.format_exception_only(caught.value))
