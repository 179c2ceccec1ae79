"""`AsyncBrowserUse` for API v4: the shared core (options, pool, retries), v4's resources."""

from browser_use_async._core import ClientCore
from browser_use_async.v4.resources.browsers import AsyncBrowsers
from browser_use_async.v4.resources.extensions import AsyncExtensions
from browser_use_async.v4.resources.integrations import AsyncIntegrations
from browser_use_async.v4.resources.profiles import AsyncProfiles
from browser_use_async.v4.resources.runs import AsyncRuns
from browser_use_async.v4.resources.sessions import AsyncSessions
from browser_use_async.v4.resources.workspaces import AsyncWorkspaces

__all__ = ["DEFAULT_BASE_URL", "AsyncBrowserUse"]

DEFAULT_BASE_URL = "https://api.browser-use.com/api/v4"


class AsyncBrowserUse(ClientCore):
    """Asynchronous client for the Browser Use Cloud API v4 (runs, events, sessions as
    conversations, workspaces).

    `base_url` defaults to the environment variable BROWSER_USE_V4_BASE_URL, then to
    `https://api.browser-use.com/api/v4`; the other options, the API key included, are
    the v2 client's, described at `__init__`.
    """

    _default_base_url = DEFAULT_BASE_URL
    _base_url_env = "BROWSER_USE_V4_BASE_URL"

    runs: AsyncRuns
    sessions: AsyncSessions
    workspaces: AsyncWorkspaces
    browsers: AsyncBrowsers
    profiles: AsyncProfiles
    extensions: AsyncExtensions
    integrations: AsyncIntegrations

    def _bind_resources(self) -> None:
        self.runs = AsyncRuns(self._request, self._clock)
        self.sessions = AsyncSessions(self._request)
        self.workspaces = AsyncWorkspaces(self._request, self._storage())
        self.browsers = AsyncBrowsers(self._request)
        self.profiles = AsyncProfiles(self._request)
        self.extensions = AsyncExtensions(self._request)
        self.integrations = AsyncIntegrations(self._request)
