"""Every v4 route of the fake, by (METHOD, path template) as the v4 spec writes them."""

from browser_use_async.testing._http import Route
from browser_use_async.testing._v4 import browsers, runs, sessions, workspaces

__all__ = ["V4_ROUTES"]

V4_ROUTES: dict[tuple[str, str], Route] = {
    **runs.ROUTES,
    **sessions.ROUTES,
    **workspaces.ROUTES,
    **browsers.ROUTES,
}
