"""The seed call's path: `await client.tasks.stop(task_id)` goes resource -> client request
loop -> transport -> codec, each crossed once; besides, only pure helpers are called (those
of `_protocol`, which calls the codec's encoder for the body, and the clock)."""

import asyncio
import sys
import types
from typing import Any

from browser_use_async import AsyncBrowserUse
from browser_use_async.testing import FakeBrowserUseCloud

PACKAGE = "browser_use_async"
ON_THE_PATH = {
    f"{PACKAGE}.resources.tasks",
    f"{PACKAGE}._core",
    f"{PACKAGE}._transport",
    f"{PACKAGE}._codec",
    f"{PACKAGE}._protocol",  # pure helpers: request building, classifying
    f"{PACKAGE}._validation",  # below `_protocol`: the id check
    f"{PACKAGE}._clock",  # the retry loop's clock
}


def _layer(frame: types.FrameType | None) -> str | None:
    """The package's module a frame runs in, the codec's modules counted as one."""
    name = frame.f_globals.get("__name__", "") if frame is not None else ""
    if not name.startswith(f"{PACKAGE}.") or name.startswith(f"{PACKAGE}.testing"):
        return None
    return f"{PACKAGE}._codec" if name.startswith(f"{PACKAGE}._codec.") else name


async def _crossings(client: AsyncBrowserUse, task_id: str) -> list[tuple[str, str, str]]:
    """(caller's module, callee's module, callee) for each call from one module of the
    package into another during one stop, in order (a coroutine resumed is not a new call)."""
    found: list[tuple[str, str, str]] = []
    seen: list[types.FrameType] = []  # kept alive, so that no two calls share a frame

    def profile(frame: types.FrameType, event: str, _: Any) -> None:
        if event == "call" and not any(frame is other for other in seen):
            seen.append(frame)
            callee, caller = _layer(frame), _layer(frame.f_back)
            if callee and caller and callee != caller:
                found.append((caller, callee, frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        await asyncio.wait_for(client.tasks.stop(task_id), 10)
    finally:
        sys.setprofile(None)
    return found


async def test_a_stop_crosses_each_layer_once(fake: FakeBrowserUseCloud) -> None:
    task = fake.create_task()
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        await client.tasks.stop(task)  # first use: fast path compiled, session opened
        crossings = await _crossings(client, str(task))
    assert {module for call in crossings for module in call[:2]} <= ON_THE_PATH
    helpers = {f"{PACKAGE}._protocol", f"{PACKAGE}._validation", f"{PACKAGE}._clock"}
    layers = [call for call in crossings if not helpers & set(call[:2])]
    assert layers == [
        (f"{PACKAGE}.resources.tasks", f"{PACKAGE}._core", "_request"),
        (f"{PACKAGE}._core", f"{PACKAGE}._transport", "send"),
        (f"{PACKAGE}._core", f"{PACKAGE}._codec", "decode"),
    ]
