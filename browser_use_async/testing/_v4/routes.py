"""Every v4 route of the fake, by (METHOD, path template) as the v4 spec writes them.

v4 browsers and profiles are v2's routes on v2's rows (the schemas are the same): a browser
or profile made through either API is seen by the other (one account).
"""

from browser_use_async.testing._http import Route
from browser_use_async.testing._routes import browsers, profiles
from browser_use_async.testing._v4 import (
    extensions,
    integrations,
    runs,
    session_extras,
    sessions,
    workspaces,
)

__all__ = ["V4_ROUTES"]

V4_ROUTES: dict[tuple[str, str], Route] = {
    **runs.ROUTES,
    **sessions.ROUTES,
    **session_extras.ROUTES,
    **workspaces.ROUTES,
    **extensions.ROUTES,
    **integrations.ROUTES,
    **browsers.ROUTES,
    **{key: route for key, route in profiles.ROUTES.items() if key[1].startswith("/profiles")},
}
