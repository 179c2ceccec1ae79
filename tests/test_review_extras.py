# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Review of the request options and the new v2 fields: what a hostile caller or a real-ish
answer found. Type checkers check this file too: an ignore comment that is not needed fails
`make test` in both checkers (mypy's strict mode; pyright's setting above, under which it
also reports a `type: ignore` it does not need), so each one proves an error."""

import concurrent.futures
import copy
import json
import pickle
import uuid

import pytest

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUse,
    BrowserUseError,
    InvalidArgumentError,
    RequestOptions,
    RetryPolicy,
)
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer, error_texts

SECRET = "hdr-secret-swordfish-0123456789"


async def test_a_query_name_utf8_cannot_carry_is_refused_unsent(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for query in ({"\ud800": "x"}, {"a\udfff": 1}, {"\ud800": None}):
            with pytest.raises(InvalidArgumentError, match="lone surrogate"):
                await client.profiles.list(extra_query=query)
    assert fake.requests == []


async def test_a_header_too_long_for_servers_is_refused_unsent(fake: FakeBrowserUseCloud) -> None:
    """Servers refuse a header line longer than about 8 KiB, and some (aiohttp's, so the
    fake's) quote its start in the answer, which the error would show: the secret."""
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for length in (8190 - len("X-Long: ") + 1, 9000, 100_000):
            value = (SECRET * (length // len(SECRET) + 1))[:length]
            with pytest.raises(InvalidArgumentError, match="too long") as caught:
                await client.profiles.list(extra_headers={"X-Long": value})
            assert SECRET not in str(caught.value)
        assert fake.requests == []
        value = "v" * 8000  # shorter ones are sent as they are
        await client.profiles.list(extra_headers={"X-Long": value})
    (request,) = fake.requests
    assert request.headers["X-Long"] == value


def _browser(**fields: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "status": "active",
        "timeoutAt": "2026-12-01T21:05:17Z",
        "startedAt": "2026-12-01T20:05:17Z",
        **fields,
    }


NULLS = {"metadata": None, "extensions": None}


async def test_null_labels_and_extensions_read_as_none_given(canned: CannedServer) -> None:
    """The official models take null for these (a browser made before labels existed may
    have none stored): a list must not fail over one such browser."""
    items = [_browser(**NULLS), _browser()]
    listed = {"items": items, "totalItems": 2, "pageNumber": 1, "pageSize": 10}
    canned.then(200, json.dumps(listed).encode())
    canned.respond(200, json.dumps(_browser(**NULLS, recordingAvailable=None)).encode())
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        page = await client.browsers.list()
        browser = await client.browsers.get(uuid.uuid4())
    for item in [*page.items, browser]:
        assert (item.metadata, item.extensions) == ({}, [])
    assert browser.recording_available is True  # false only from proof, as the API says


def test_a_misspelt_option_fails_type_checking(threaded_fake: FakeBrowserUseCloud) -> None:
    """Each ignore below is needed (see the module docstring); run time refuses them too."""
    fake = threaded_fake
    with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(InvalidArgumentError, match="extra_hedaers"):
            client.billing.account(extra_hedaers={"X-A": "1"})  # type: ignore[call-arg]
        with pytest.raises(InvalidArgumentError, match="extra_hedaers"):
            client.tasks.create("Find it", extra_hedaers={"X-A": "1"})  # type: ignore[call-arg]
        with pytest.raises(InvalidArgumentError, match="must be a mapping"):
            client.billing.account(extra_query="a=1")  # type: ignore[arg-type]
        options: RequestOptions = {"extra_headers": {"X-A": "1"}}
        client.billing.account(**options)
    assert fake.requests[-1].headers["X-A"] == "1"


class _Lowers(str):
    """A name that says it is another when lowered: the framing check must not ask it."""

    def lower(self) -> str:
        return "x-harmless"


class _Shows(str):
    """A value whose `str()` is not the text that was checked."""

    shown = ""

    def __str__(self) -> str:
        return self.shown


async def test_str_subclasses_are_judged_and_sent_as_their_text(
    fake: FakeBrowserUseCloud,
) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for name in ("X-Browser-Use-API-Key", "Host", "content-length"):
            with pytest.raises(InvalidArgumentError, match="the client sets it itself"):
                await client.billing.account(extra_headers={_Lowers(name): "bu_other"})
        assert fake.requests == []
        for shown in ("ok\r\nX-Injected: 1", "bu_other", ""):
            value = _Shows("fine")
            value.shown = shown
            await client.billing.account(extra_headers={"X-A": value})
    assert [r.headers["X-A"] for r in fake.requests] == ["fine"] * 3
    assert all("X-Injected" not in r.headers for r in fake.requests)


BOOL_FIELDS = {
    "browsers.create": [
        "pdf_renderer_enabled",
        "solve_captchas",
        "allow_resizing",
        "enable_recording",
    ],
    "sessions.create": ["persist_memory", "keep_alive", "enable_recording"],
    "tasks.create": ["highlight_elements", "flash_mode", "thinking", "judge"],
}


async def test_a_true_or_false_field_refuses_none_unsent(fake: FakeBrowserUseCloud) -> None:
    """The spec's booleans there are not nullable: a None sent as null only got a 422."""
    tried = 0
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for operation, fields in BOOL_FIELDS.items():
            resource, name = operation.split(".")
            method = getattr(getattr(client, resource), name)
            task = ("Find it",) if resource == "tasks" else ()
            for field in fields:
                with pytest.raises(InvalidArgumentError, match=f"{field} must be True or False"):
                    await method(*task, **{field: None})
                tried += 1
    assert tried == 11
    assert fake.requests == []


def test_threads_sharing_one_options_dict_each_send_it_whole(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    """One `RequestOptions` dict, used by 16 threads at once through one sync client: every
    request carries all of it, and the dict is left as it was."""
    fake = threaded_fake
    for _ in range(12):
        fake.create_task()
    options: RequestOptions = {"extra_headers": {"X-S": SECRET}, "extra_query": {"probe": 1}}
    before = copy.deepcopy(options)
    with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:

        def call(i: int) -> None:
            if i % 3 == 0:
                client.billing.account(**options)
            elif i % 3 == 1:
                assert len(list(client.tasks.list(page_size=5, **options))) == 12
            else:
                with_body: RequestOptions = {**options, "extra_body": {"n": i}}
                client.profiles.create(name="p", **with_body)

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(call, range(240), timeout=60))
    assert len(fake.requests) == 80 + 80 * 3 + 80
    for request in fake.requests:
        assert (request.headers["X-S"], request.query["probe"]) == (SECRET, "1")
    assert options == before


def _headers(i: int) -> dict[str, str]:
    return [{"X-S": SECRET}, {"X-S": SECRET + "\n"}, {"Host": SECRET}][i]


async def test_errors_pickled_or_shown_hold_no_header_value(canned: CannedServer) -> None:
    canned.respond(500, b'{"detail": "no"}')
    retry = RetryPolicy(max_retries=0)
    errors: list[BrowserUseError] = []
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url, retry=retry) as client:
        for i in range(3):  # no local of this frame, which the traceback shows, holds it
            with pytest.raises(BrowserUseError) as caught:
                await client.profiles.create(name="p", extra_headers=_headers(i))
            errors.append(caught.value)
    assert [type(e).__name__ for e in errors] == [
        "InternalServerError",
        "InvalidArgumentError",
        "InvalidArgumentError",
    ]
    for error in errors:
        assert SECRET.encode() not in pickle.dumps(error)
        assert all(SECRET not in text for text in error_texts(error))


def _refused(i: int) -> RequestOptions:
    """Options refused for a reason each, all holding the secret."""
    refused: list[RequestOptions] = [
        {"extra_headers": {"X-S": SECRET + "\n"}},  # a token read from a file, say
        {"extra_headers": {"Host": SECRET}},
        {"extra_headers": {"X-S": SECRET * 300}},
        {"extra_headers": {"X-S": SECRET, "x-s": SECRET}},
        {"extra_headers": {"X-S": SECRET}, "extra_body": {"a": "\ud800"}},
        {"extra_headers": {"X-S": SECRET}, "extra_query": {"\ud800": 1}},
        {"extra_headers": {"X-S": SECRET}, "extra_body": {"a": float("nan")}},
    ]
    return refused[i]


async def test_a_refused_option_leaves_no_secret_in_traceback_locals(
    fake: FakeBrowserUseCloud,
) -> None:
    """Tracebacks with locals (error trackers capture them) of an `InvalidArgumentError`
    show neither a header value nor the task's secrets."""
    errors: list[BrowserUseError] = []
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for i in range(7):  # no local of this frame holds the secret
            with pytest.raises(InvalidArgumentError) as caught:
                await client.profiles.create(name="p", **_refused(i))
            errors.append(caught.value)
            with pytest.raises(InvalidArgumentError) as caught:
                await client.tasks.create("Log in", secrets={"pw": SECRET}, **_refused(i))
            errors.append(caught.value)
    assert fake.requests == []
    leaks = [i for i, e in enumerate(errors) if any(SECRET in t for t in error_texts(e))]
    assert (len(errors), leaks) == (14, [])
