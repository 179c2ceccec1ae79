"""v4 browsers and profiles: v2's rows and routes, answered in v4's shapes.

A browser or profile made through either API is the same row in the other (one account).
v4's browser views leave out what v2 alone has: `metadata`, `extensions` and
`recordingAvailable`.
"""

import json

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, Route, reply
from browser_use_async.testing._routes import browsers, profiles

__all__ = ["ROUTES"]

V2_ONLY = frozenset({"metadata", "extensions", "recordingAvailable"})


def _v4_shape(row: JSON) -> JSON:
    return {key: value for key, value in row.items() if key not in V2_ONLY}


def _in_v4_shape(route: Route) -> Route:
    def answer(call: Call) -> web.Response:
        response = route(call)
        assert isinstance(response.body, bytes)
        body: JSON = json.loads(response.body)
        if "items" in body:
            body["items"] = [_v4_shape(row) for row in body["items"]]
        return reply(_v4_shape(body), status=response.status)

    return answer


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/browsers"): _in_v4_shape(browsers.list_browsers),
    ("POST", "/browsers"): _in_v4_shape(browsers.create_browser),
    ("GET", "/browsers/{session_id}"): _in_v4_shape(browsers.get_browser),
    ("PATCH", "/browsers/{session_id}"): _in_v4_shape(browsers.update_browser),
    ("GET", "/browsers/{session_id}/downloads"): browsers.list_downloads,
    **{key: route for key, route in profiles.ROUTES.items() if key[1].startswith("/profiles")},
}
