"""Thin groups of API operations; `AsyncBrowserUse` does the sending."""

from browser_use_async.resources.billing import AsyncBilling
from browser_use_async.resources.browsers import AsyncBrowsers
from browser_use_async.resources.files import AsyncFiles
from browser_use_async.resources.marketplace import AsyncMarketplace
from browser_use_async.resources.profiles import AsyncProfiles
from browser_use_async.resources.sessions import AsyncSessions
from browser_use_async.resources.skills import AsyncSkills
from browser_use_async.resources.tasks import AsyncTasks

__all__ = [
    "AsyncBilling",
    "AsyncBrowsers",
    "AsyncFiles",
    "AsyncMarketplace",
    "AsyncProfiles",
    "AsyncSessions",
    "AsyncSkills",
    "AsyncTasks",
]
