"""Pytest fixtures for the fake Browser Use Cloud, registered as the `browser_use_async` plugin.

- `browser_use_fake`: a started `FakeBrowserUseCloud` in the test's event loop (an async
  fixture: it needs pytest-asyncio, or anyio with the test marked `@pytest.mark.anyio`).
- `browser_use_fake_thread`: the same fake served from a background thread, for sync tests.
- `browser_use_fake_options`: keyword arguments for both; override it to change them.
"""

import typing
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import pytest

from browser_use_async.testing._fake import FakeBrowserUseCloud

__all__ = ["browser_use_fake", "browser_use_fake_options", "browser_use_fake_thread"]

F = TypeVar("F", bound=Callable[..., Any])


def _async_fixture(function: F) -> F:
    """pytest-asyncio's fixture decorator when it is installed, else pytest's own (anyio)."""
    try:
        import pytest_asyncio  # noqa: PLC0415
    except ImportError:
        return typing.cast(F, pytest.fixture(function))
    return typing.cast(F, pytest_asyncio.fixture(function))


@pytest.fixture
def browser_use_fake_options() -> dict[str, Any]:
    """Keyword arguments for `FakeBrowserUseCloud` (e.g. `{"api_key": "bu_test"}`)."""
    return {}


@_async_fixture
async def browser_use_fake(
    browser_use_fake_options: dict[str, Any],
) -> AsyncIterator[FakeBrowserUseCloud]:
    """A fake cloud listening on 127.0.0.1 in the test's event loop."""
    async with FakeBrowserUseCloud(**browser_use_fake_options) as fake:
        yield fake


@pytest.fixture
def browser_use_fake_thread(
    browser_use_fake_options: dict[str, Any],
) -> Iterator[FakeBrowserUseCloud]:
    """A fake cloud served from a background thread, for synchronous code."""
    with FakeBrowserUseCloud(**browser_use_fake_options) as fake:
        yield fake
