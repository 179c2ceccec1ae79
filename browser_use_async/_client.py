"""`AsyncBrowserUse`: the v2 API's client, on the shared `ClientCore`."""

from browser_use_async._core import ClientCore
from browser_use_async.resources.billing import AsyncBilling
from browser_use_async.resources.browsers import AsyncBrowsers
from browser_use_async.resources.files import AsyncFiles
from browser_use_async.resources.marketplace import AsyncMarketplace
from browser_use_async.resources.profiles import AsyncProfiles
from browser_use_async.resources.sessions import AsyncSessions
from browser_use_async.resources.skills import AsyncSkills
from browser_use_async.resources.tasks import AsyncTasks

__all__ = ["AsyncBrowserUse"]


class AsyncBrowserUse(ClientCore):
    """Asynchronous client for the Browser Use Cloud API v2 (tasks, sessions, skills, ...).

    `base_url` defaults to the environment variable BROWSER_USE_BASE_URL, then to
    `https://api.browser-use.com/api/v2`; the other options are described at `__init__`.
    """

    tasks: AsyncTasks
    sessions: AsyncSessions
    profiles: AsyncProfiles
    browsers: AsyncBrowsers
    files: AsyncFiles
    skills: AsyncSkills
    marketplace: AsyncMarketplace
    billing: AsyncBilling

    def _bind_resources(self) -> None:
        self.tasks = AsyncTasks(self._request, self._clock)
        self.skills = AsyncSkills(self._request)
        self.marketplace = AsyncMarketplace(self._request)
        self.billing = AsyncBilling(self._request)
        self.sessions = AsyncSessions(self._request)
        self.profiles = AsyncProfiles(self._request)
        self.browsers = AsyncBrowsers(self._request)
        self.files = AsyncFiles(self._request, self._storage())
