"""A blocking `BrowserUse` call to a fake served by the calling thread's own event loop is
refused at once (it could only wait for itself until its timeout)."""

import asyncio
import inspect
import threading
import time
import typing
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from browser_use_async import (
    APIConnectionError,
    AsyncBrowserUse,
    BrowserUse,
    Pager,
    ReentrantCallError,
    RetryPolicy,
    _loop_thread,
)
from browser_use_async.testing import FakeBrowserUseCloud

NO_RETRY = RetryPolicy(max_retries=0)  # without the guard, a call times out after 1 s
PLACEHOLDERS: dict[str, object] = {"inputs": ["Find it"]}  # checked before the loop is asked
RESOURCES = ("tasks", "sessions", "profiles", "browsers", "files", "skills", "marketplace")


def _calls(client: BrowserUse) -> list[tuple[str, Any]]:
    """Every blocking operation of the client, with placeholder arguments."""
    found: list[tuple[str, Any]] = [("billing.account", client.billing.account)]
    for name in RESOURCES:
        resource = getattr(client, name)
        for attr, method in inspect.getmembers(resource, inspect.ismethod):
            if not attr.startswith("_"):
                found.append((f"{name}.{attr}", method))
    return found


def _call(method: Any) -> Any:
    """`method` with a placeholder for each required argument (never checked: refused first)."""
    params = inspect.signature(method).parameters.values()
    needed = [
        p
        for p in params
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    return method(**{p.name: PLACEHOLDERS.get(p.name, str(uuid.uuid4())) for p in needed})


def _refused(call: Any) -> ReentrantCallError:
    started = time.monotonic()

    def first_step() -> object:
        result: object = call()
        if isinstance(result, Pager):  # a list: on its one page, and on the walk's first step
            with pytest.raises(ReentrantCallError):
                next(iter(typing.cast(Pager[object, object], result)))
            return typing.cast(Pager[object, object], result).page()
        if isinstance(result, Iterator):
            return next(typing.cast(Iterator[object], result))  # iterators: on the first step
        return result

    with pytest.raises(ReentrantCallError) as caught:
        first_step()
    assert time.monotonic() - started < 0.5
    return caught.value


async def test_every_blocking_call_on_the_serving_loop_is_refused_at_once() -> None:
    points = 0
    async with asyncio.timeout(20), FakeBrowserUseCloud(manual_time=True) as fake:
        with BrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, timeout=1, retry=NO_RETRY
        ) as client:
            for name, method in _calls(client):
                error = _refused(lambda m=method: _call(m))
                assert "browser_use_fake_thread" in str(error), name
                assert "FakeBrowserUseCloud() as fake" in str(error)
                points += 1
        localhost = fake.base_url.replace("127.0.0.1", "localhost")
        with BrowserUse(
            api_key=fake.api_key, base_url=localhost, timeout=1, retry=NO_RETRY
        ) as client:
            _refused(client.billing.account)
        assert fake.requests == []  # nothing was sent
    assert points > 50  # every operation (a list once: its page and its walk are checked)


def test_refused_from_the_loop_thread_while_the_loop_is_not_running() -> None:
    loop = asyncio.new_event_loop()
    fake = FakeBrowserUseCloud(manual_time=True)
    try:
        loop.run_until_complete(fake.start())
        with BrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, timeout=1, retry=NO_RETRY
        ) as client:
            _refused(client.billing.account)
    finally:
        loop.run_until_complete(fake.close())
        loop.close()


async def test_other_threads_and_thread_mode_still_work() -> None:
    async with asyncio.timeout(20), FakeBrowserUseCloud(manual_time=True) as fake:

        def blocking() -> str | None:
            with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
                return client.billing.account().name

        assert await asyncio.to_thread(blocking) == "Fake Cloud Account"
    with (
        FakeBrowserUseCloud(manual_time=True) as threaded,
        BrowserUse(api_key=threaded.api_key, base_url=threaded.base_url) as client,
    ):
        assert client.billing.account().name == "Fake Cloud Account"


async def test_a_closed_fake_no_longer_counts() -> None:
    async with asyncio.timeout(20):
        async with FakeBrowserUseCloud(manual_time=True) as fake:
            url = fake.base_url
        with (
            BrowserUse(api_key="bu_x", base_url=url, retry=NO_RETRY) as client,
            pytest.raises(APIConnectionError),
        ):
            client.billing.account()


async def test_an_ipv6_fake_serves_clients_and_is_refused_on_its_own_loop() -> None:
    fake = FakeBrowserUseCloud(manual_time=True, host="::1")
    try:
        await fake.start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        async with asyncio.timeout(20):
            assert fake.base_url.startswith("http://[::1]:")
            async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
                assert (await client.billing.account()).name == "Fake Cloud Account"
            with BrowserUse(
                api_key=fake.api_key, base_url=fake.base_url, timeout=1, retry=NO_RETRY
            ) as blocking:
                _refused(blocking.billing.account)
    finally:
        await fake.close()


def test_a_fake_started_here_but_served_by_another_thread_is_not_refused() -> None:
    loop = asyncio.new_event_loop()
    fake = FakeBrowserUseCloud(manual_time=True)
    loop.run_until_complete(fake.start())
    server = threading.Thread(target=loop.run_forever, name="serves-the-fake")
    server.start()
    try:
        with BrowserUse(
            api_key=fake.api_key, base_url=fake.base_url, timeout=5, retry=NO_RETRY
        ) as client:
            assert client.billing.account().name == "Fake Cloud Account"
    finally:
        asyncio.run_coroutine_threadsafe(fake.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        server.join(10)
        loop.close()


async def test_a_thread_served_fake_is_not_refused_from_another_fakes_loop() -> None:
    async with asyncio.timeout(20), FakeBrowserUseCloud(manual_time=True) as here:
        with (
            FakeBrowserUseCloud(manual_time=True) as threaded,
            BrowserUse(api_key=threaded.api_key, base_url=threaded.base_url) as client,
        ):
            assert client.billing.account().name == "Fake Cloud Account"
        assert here.requests == []


def _registered() -> int:
    return len(_loop_thread._served)  # pyright: ignore[reportPrivateUsage]


def test_the_registry_forgets_every_closed_fake_across_threads() -> None:
    before = _registered()

    def churn() -> None:
        async def cycle() -> None:
            for _ in range(25):
                async with FakeBrowserUseCloud(manual_time=True):
                    pass

        asyncio.run(cycle())

    workers = [threading.Thread(target=churn) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not any(worker.is_alive() for worker in workers)
    assert _registered() == before  # 200 fakes, none left behind
