"""The Browser Use Cloud API v4 (runs, events, sessions as conversations, workspaces).

    from browser_use_async.v4 import AsyncBrowserUse, BrowserUse

The clients take the v2 clients' options and API key, raise the same errors (importable from
`browser_use_async`) and share the same core; their models are in `browser_use_async.v4.models`.
"""

from typing import TYPE_CHECKING

from browser_use_async.v4 import models

if TYPE_CHECKING:
    from browser_use_async.v4._client import AsyncBrowserUse
    from browser_use_async.v4._sync import BrowserUse
else:  # imported on first use, as the top-level package does
    from browser_use_async._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "browser_use_async.v4._client": ("AsyncBrowserUse",),
            "browser_use_async.v4._sync": ("BrowserUse",),
        },
    )

__all__ = ["AsyncBrowserUse", "BrowserUse", "models"]
