"""The fields spec/amendments-v2.json adds: sent, refused client-side, and served by the fake."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUse,
    InvalidArgumentError,
    ProxyCountryCode,
    ThinkingLevel,
    UnprocessableEntityError,
)
from browser_use_async.models import BrowserExtensionView, BrowserSessionView
from browser_use_async.testing import FakeBrowserUseCloud

EXTENSION = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


async def test_a_browser_keeps_its_labels_and_extensions(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        made = await client.browsers.create(
            metadata={"team": "qa", "run": "7"},
            extension_ids=(uuid.UUID(EXTENSION), EXTENSION.upper()),  # any iterable, any case
            pdf_renderer_enabled=False,
            solve_captchas=False,
            proxy_country_code=ProxyCountryCode.CI,
        )
        sent = fake.requests[-1].json()
        listed = (await client.browsers.list()).items
        got = await client.browsers.get(made.id)
        stopped = await client.browsers.stop(made.id)
        after = await client.browsers.get(made.id)
    assert sent == {
        "proxyCountryCode": "ci",
        "metadata": {"team": "qa", "run": "7"},
        "pdfRendererEnabled": False,
        "solveCaptchas": False,
        "extensionIds": [EXTENSION, EXTENSION],
    }
    extension = BrowserExtensionView(
        id=uuid.UUID(EXTENSION), runtime_id=got.extensions[0].runtime_id, version="1.0.0"
    )
    assert len(extension.runtime_id) == 32
    assert set(extension.runtime_id) <= set("abcdefghijklmnop")
    for view in (made, listed[0], got, stopped, after):
        assert view.metadata == {"team": "qa", "run": "7"}
        assert view.extensions == [extension, extension]
    assert isinstance(got, BrowserSessionView)
    assert got.recording_available is False  # recording was not enabled
    assert after.recording_url is None
    assert fake.browsers[made.id]["recordingAvailable"] is False


async def test_a_recorded_browser_has_its_recording_once_stopped(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        made = await client.browsers.create(enable_recording=True)
        running = await client.browsers.get(made.id)
        stopped = await client.browsers.stop(made.id)
        after = await client.browsers.get(made.id)
    assert made.metadata == {}
    assert made.extensions == []
    assert (running.recording_available, running.recording_url) == (True, None)
    assert stopped.recording_url is None  # never in the stop's answer
    assert after.recording_url is not None
    assert after.recording_url.startswith(fake.base_url.removesuffix("/api/v2") + "/fake/blobs/")


async def test_the_item_views_have_no_recording_available(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    """`recordingAvailable` is in BrowserSessionView only, as in the official models."""
    async with asyncio.timeout(10):
        await client.browsers.create()
        answers = [await fake_get(fake, "/browsers"), await fake_post(fake, "/browsers")]
    [listed] = answers[0]["items"][:1]
    assert "recordingAvailable" not in listed
    assert "recordingAvailable" not in answers[1]
    assert listed["metadata"] == {}
    assert listed["extensions"] == []


async def fake_get(fake: FakeBrowserUseCloud, path: str) -> Any:
    return await _call(fake, "GET", path)


async def fake_post(fake: FakeBrowserUseCloud, path: str) -> Any:
    return await _call(fake, "POST", path, {})


async def _call(fake: FakeBrowserUseCloud, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, fake.base_url + path, json=body, headers={"X-Browser-Use-API-Key": fake.api_key}
        ) as response,
    ):
        assert response.status in (200, 201), await response.text()
        return await response.json()


async def test_the_account_counts_live_sessions_against_the_limit(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        fake.max_active_sessions = 3
        first = await client.billing.account()
        browser = await client.browsers.create()
        await client.sessions.create()
        await client.tasks.create("Find the news")  # runs in a session of its own
        full = await client.billing.account()
        await client.browsers.stop(browser.id)
        after = await client.billing.account()
        fake.max_active_sessions = None
        unlimited = await client.billing.account()
    assert (first.active_session_count, first.concurrent_session_limit) == (0, 3)
    assert (full.active_session_count, after.active_session_count) == (3, 2)
    assert unlimited.concurrent_session_limit == 1000
    assert first.api_key_id is not None
    assert first.api_key_id == unlimited.api_key_id
    assert first.tracing_disabled is False


async def test_thinking_level_is_sent_and_checked(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        await client.tasks.create("a", thinking_level="high")
        await client.tasks.create("b", thinking_level=ThinkingLevel.DISABLED)
        await client.tasks.create("c", thinking_level=None)
        sent = [request.json() for request in fake.requests]
        before = len(fake.requests)
        with pytest.raises(InvalidArgumentError, match="thinking_level must be one of"):
            await client.tasks.create("d", thinking_level="extreme")
        assert len(fake.requests) == before  # nothing was sent
    assert [body["thinkingLevel"] for body in sent] == ["high", "disabled", None]


def test_the_sync_client_takes_the_new_arguments(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        made = client.browsers.create(metadata={"k": "v"}, extension_ids=[EXTENSION])
        task = client.tasks.create("t", thinking_level="low")
        account = client.billing.account()
    assert made.metadata == {"k": "v"}
    assert [e.id for e in made.extensions] == [uuid.UUID(EXTENSION)]
    assert task.id in threaded_fake.tasks
    assert account.active_session_count == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"metadata": [("k", "v")]}, "metadata must be a mapping of str to str, got a list"),
        ({"metadata": "k=v"}, "metadata must be a mapping of str to str, got a str"),
        ({"metadata": {"k": 1}}, "metadata must map str to str; not so for the keys k"),
        ({"metadata": {1: "v"}}, "metadata must map str to str; not so for the keys <class 'int'>"),
        ({"metadata": {f"k{i}": "v" for i in range(11)}}, "metadata may hold at most 10 items"),
        ({"extension_ids": EXTENSION}, "extension_ids must be a list of UUIDs"),
        ({"extension_ids": [EXTENSION] * 4}, "extension_ids may hold at most 3 items, got 4"),
        ({"extension_ids": ["not-a-uuid"]}, "each of extension_ids must be a UUID"),
        ({"extension_ids": [f"{{{EXTENSION}}}"]}, "each of extension_ids must be a UUID"),
        ({"extension_ids": None}, "extension_ids must be a list of UUIDs, got None"),
        ({"pdf_renderer_enabled": "no"}, "pdf_renderer_enabled must be True or False"),
        ({"solve_captchas": 1}, "solve_captchas must be True or False"),
    ],
)
async def test_browser_arguments_are_checked_before_sending(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidArgumentError) as refused:
        await client.browsers.create(**arguments)
    assert message in str(refused.value)
    assert fake.requests == []


async def test_metadata_of_a_task_is_checked_the_same_way(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="metadata must be a mapping of str to str"):
        await client.tasks.create("t", metadata=["k"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="secrets must be a mapping of str to str"):
        await client.tasks.create("t", secrets="pw")  # type: ignore[arg-type]
    assert fake.requests == []


async def test_the_fake_refuses_what_the_spec_refuses(fake: FakeBrowserUseCloud) -> None:
    """Sent past the client's checks (as any HTTP client may), the fake answers 422."""
    bodies = [
        ({"extensionIds": [EXTENSION] * 4}, "too_long"),
        ({"extensionIds": ["nope"]}, "uuid_parsing"),
        ({"metadata": {"k": 1}}, "string_type"),
        ({"solveCaptchas": [True]}, "bool_type"),
    ]
    async with asyncio.timeout(10), aiohttp.ClientSession() as session:
        for body, kind in bodies:
            headers = {"X-Browser-Use-API-Key": fake.api_key}
            async with session.post(f"{fake.base_url}/browsers", json=body, headers=headers) as r:
                assert r.status == 422, body
                detail = (await r.json())["detail"]
            assert [issue["type"] for issue in detail] == [kind], detail
        async with session.post(
            f"{fake.base_url}/tasks",
            json={"task": "t", "thinkingLevel": "extreme"},
            headers={"X-Browser-Use-API-Key": fake.api_key},
        ) as r:
            assert r.status == 422
    assert fake.browsers == {}
    with pytest.raises(UnprocessableEntityError):
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            await client.tasks.create("t", llm="not-a-model")


def _hostile() -> list[object]:
    """Values of every shape a caller might pass by mistake."""
    return [
        1,
        0,
        1.5,
        float("nan"),
        True,
        "",
        "x",
        b"bytes",
        [],
        [1],
        ["x"],
        [None],
        (EXTENSION,),
        {EXTENSION},
        {"k": "v"},
        {"k": None},
        {1: "v"},
        {"k": ["v"]},
        object(),
        iter(["a"]),
        (x for x in [EXTENSION]),
        range(2),
        uuid.UUID(EXTENSION),
        str,
        ...,
    ]


ARGUMENTS = ("metadata", "extension_ids", "pdf_renderer_enabled", "solve_captchas")


async def test_sweep_of_hostile_arguments(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    """Each new argument with each hostile value: either sent and accepted by the fake, or
    refused with InvalidArgumentError, naming it, before anything is sent; nothing else."""

    def browser(name: str) -> Callable[[Any], Awaitable[object]]:
        async def create(value: Any) -> object:
            return await client.browsers.create(**{name: value})

        return create

    async def task(value: Any) -> object:
        return await client.tasks.create("t", thinking_level=value)

    calls = [*((name, browser(name)) for name in ARGUMENTS), ("thinking_level", task)]
    refused: list[tuple[str, str, bool]] = []
    accepted: list[tuple[str, object]] = []
    async with asyncio.timeout(30):
        for name, call in calls:
            for value in _hostile():
                before = len(fake.requests)
                try:
                    await call(value)
                except InvalidArgumentError as error:
                    refused.append((name, str(error), len(fake.requests) == before))
                else:
                    accepted.append((name, value))
    assert len(refused) + len(accepted) == len(calls) * len(_hostile()) == 125
    assert all(name in message and unsent for name, message, unsent in refused), refused
    # Accepted: {"k": "v"} as metadata; [], a tuple, a set and a generator of UUIDs as
    # extension_ids; True for each flag.
    assert [name for name, _ in accepted] == [
        "metadata",
        *["extension_ids"] * 4,
        "pdf_renderer_enabled",
        "solve_captchas",
    ], accepted


async def test_browsers_are_listed_by_agent_session(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    async with asyncio.timeout(10):
        session = await client.sessions.create()
        mine = await client.browsers.create()
        await client.browsers.create()
        fake.browsers[mine.id]["agentSessionId"] = str(session.id)  # as the agent's browser
        listed = await client.browsers.list(agent_session_id=str(session.id).upper())
        walked = [b.id async for b in client.browsers.list(agent_session_id=session.id)]
        everything = await client.browsers.list()
        with pytest.raises(InvalidArgumentError, match="agent_session_id must be a UUID"):
            await client.browsers.list(agent_session_id="nope")
    assert [b.id for b in listed.items] == walked == [mine.id]
    assert listed.items[0].agent_session_id == session.id
    assert everything.total_items == 2
    assert fake.requests[3].query == {"agentSessionId": str(session.id)}
