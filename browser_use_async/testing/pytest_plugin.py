"""Pytest fixtures for the fake Browser Use Cloud, registered as the `browser_use_async` plugin.

- `browser_use_fake`: a started `FakeBrowserUseCloud`, served from a background thread: API v2
  at `fake.base_url`, API v4 at `fake.v4_base_url` (same key, clock and faults).
- `browser_use_fake_thread`: the same fixture under its older name.
- `browser_use_fake_options`: keyword arguments for both; override it to change them.

The fixtures are plain (synchronous) fixtures, so they need no asyncio mode: the same fake
serves sync tests, async tests under pytest-asyncio in strict or auto mode, and tests run by
anyio's plugin (`@pytest.mark.anyio`), whichever loop the test runs in. Its methods (such as
`create_task`) may be called from any of them.

Loading this plugin costs nothing: it imports only pytest here, and the fake when a fixture
is first used (every pytest run of a project that installs us loads it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from browser_use_async.testing._fake import FakeBrowserUseCloud

__all__ = ["browser_use_fake", "browser_use_fake_options", "browser_use_fake_thread"]


@pytest.fixture
def browser_use_fake_options() -> dict[str, Any]:
    """Keyword arguments for `FakeBrowserUseCloud` (e.g. `{"api_key": "bu_test"}`)."""
    return {}


@pytest.fixture
def browser_use_fake(browser_use_fake_options: dict[str, Any]) -> Iterator[FakeBrowserUseCloud]:
    """A fake cloud listening on 127.0.0.1, for sync and async tests alike.

    It runs in a thread of its own rather than in the test's event loop: an async fixture
    would need one particular async plugin and mode, and a fake in the test's loop could not
    answer a blocking `BrowserUse` client."""
    from browser_use_async.testing._fake import FakeBrowserUseCloud  # noqa: PLC0415

    with FakeBrowserUseCloud(**browser_use_fake_options) as fake:
        yield fake


@pytest.fixture
def browser_use_fake_thread(browser_use_fake: FakeBrowserUseCloud) -> FakeBrowserUseCloud:
    """`browser_use_fake`, under the name that said it runs in a thread."""
    return browser_use_fake
