"""Thin groups of API operations; `AsyncBrowserUse` does the sending."""

from browser_use_async.resources.billing import AsyncBilling
from browser_use_async.resources.marketplace import AsyncMarketplace
from browser_use_async.resources.skills import AsyncSkills
from browser_use_async.resources.tasks import AsyncTasks

__all__ = ["AsyncBilling", "AsyncMarketplace", "AsyncSkills", "AsyncTasks"]
