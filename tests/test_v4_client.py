"""The v4 clients: the v2 clients' options and core, v4's root URL and resources."""

import inspect

import pytest

import browser_use_async
from browser_use_async import AsyncBrowserUse as V2Async
from browser_use_async import BrowserUse as V2Sync
from browser_use_async import InvalidArgumentError, RetryPolicy
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse

KEY = "bu_v4_secret_key"
RESOURCES = {"runs", "sessions", "workspaces", "browsers", "profiles", "extensions", "integrations"}


def test_default_base_url_is_v4() -> None:
    assert AsyncBrowserUse(KEY).base_url == "https://api.browser-use.com/api/v4"


def test_v4_reads_its_own_base_url_variable_and_v2_keeps_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BROWSER_USE_API_KEY", KEY)
    monkeypatch.setenv("BROWSER_USE_BASE_URL", "http://127.0.0.1:9/api/v2")
    monkeypatch.setenv("BROWSER_USE_V4_BASE_URL", "http://127.0.0.1:9/api/v4/")
    assert AsyncBrowserUse().base_url == "http://127.0.0.1:9/api/v4"
    assert V2Async().base_url == "http://127.0.0.1:9/api/v2"
    monkeypatch.delenv("BROWSER_USE_V4_BASE_URL")
    assert AsyncBrowserUse().base_url == "https://api.browser-use.com/api/v4"


def test_same_constructor_options_as_v2() -> None:
    for v4, v2 in [(AsyncBrowserUse, V2Async), (BrowserUse, V2Sync)]:
        assert inspect.signature(v4) == inspect.signature(v2)


def test_same_checks_and_key_handling_as_v2() -> None:
    with pytest.raises(InvalidArgumentError, match="BROWSER_USE_API_KEY"):
        AsyncBrowserUse()
    with pytest.raises(InvalidArgumentError, match="timeout"):
        AsyncBrowserUse(KEY, timeout=0)
    client = AsyncBrowserUse(KEY, retry=RetryPolicy(max_retries=1))
    assert KEY not in repr(client)
    assert client.retry.max_retries == 1


def test_resources_and_their_sync_twins() -> None:
    client = AsyncBrowserUse(KEY)
    assert {name for name in RESOURCES if hasattr(client, name)} == RESOURCES
    assert not hasattr(client, "tasks")
    copy = client.with_options(timeout=5)
    assert copy.timeout == 5
    assert copy.runs is not client.runs
    with BrowserUse(KEY) as sync:
        assert sync.base_url == "https://api.browser-use.com/api/v4"
        assert {name for name in RESOURCES if hasattr(sync, name)} == RESOURCES


def test_the_top_level_import_stays_v2() -> None:
    assert browser_use_async.AsyncBrowserUse is V2Async
    assert V2Async.__module__ == "browser_use_async._client"
    assert AsyncBrowserUse.__module__ == "browser_use_async.v4._client"
