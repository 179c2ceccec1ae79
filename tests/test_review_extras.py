# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Review of the request options and the new v2 fields: what a hostile caller or a real-ish
answer found. Type checkers check this file too: an ignore comment that is not needed fails
`make test` in both checkers (mypy's strict mode; pyright's setting above, under which it
also reports a `type: ignore` it does not need), so each one proves an error."""

import json
import uuid

import pytest

from browser_use_async import AsyncBrowserUse, BrowserUse, InvalidArgumentError, RequestOptions
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer

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
