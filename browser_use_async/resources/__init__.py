"""Thin groups of API operations; `AsyncBrowserUse` does the sending."""

from browser_use_async.resources.browsers import AsyncBrowsers
from browser_use_async.resources.files import AsyncFiles
from browser_use_async.resources.profiles import AsyncProfiles
from browser_use_async.resources.sessions import AsyncSessions
from browser_use_async.resources.tasks import AsyncTasks

__all__ = ["AsyncBrowsers", "AsyncFiles", "AsyncProfiles", "AsyncSessions", "AsyncTasks"]
