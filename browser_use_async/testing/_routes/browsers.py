"""Browser sessions: create, list, get, stop, and the files they downloaded."""

import base64
import binascii
import datetime as dt
import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, invalid, lookup, page, reply
from browser_use_async.testing._lifecycle import check_capacity, use_profile

__all__ = ["ROUTES", "download_token"]

MAX_TIMEOUT = "Maximum session timeout is 4 hours (240 minutes)."


def download_token(browser_id: uuid.UUID, index: int) -> str:
    return f"download-{browser_id}-{index}"


def _browser(call: Call) -> JSON:
    return lookup(call.store.browsers, call.params["session_id"], "Session not found")


def list_browsers(call: Call) -> web.Response:
    wanted = call.params["filterBy"]
    rows = [row for row in call.store.browsers.values() if wanted in (None, row["status"])]
    return page(call, rows, newest="startedAt")


def create_browser(call: Call) -> web.Response:
    timeout = call.body["timeout"]
    if timeout < 1:  # the spec's `ge: 1`; its `le: 240` is the documented 403 below
        raise invalid(
            ["body", "timeout"],
            "greater_than_equal",
            "Input should be greater than or equal to 1",
            timeout,
        )
    if timeout > 240:
        raise HTTPProblem(403, MAX_TIMEOUT)
    use_profile(call.store, call.body.get("profileId"))
    check_capacity(call.store)
    now = call.store.now()
    browser_id = uuid.uuid4()
    row: JSON = {
        "id": str(browser_id),
        "status": "active",
        "liveUrl": f"https://live.example.com/browsers/{browser_id}",
        "cdpUrl": f"wss://cdp.example.com/browsers/{browser_id}",
        "timeoutAt": iso(now + dt.timedelta(minutes=timeout)),
        "startedAt": iso(now),
        "finishedAt": None,
        "proxyUsedMb": "0",
        "proxyCost": "0",
        "browserCost": "0",
        "agentSessionId": None,
        "recordingUrl": None,
    }
    call.store.browsers[browser_id] = row
    return reply(row, status=201)


def get_browser(call: Call) -> web.Response:
    return reply(_browser(call))


def update_browser(call: Call) -> web.Response:
    row = _browser(call)
    if row["status"] == "active":
        row.update(status="stopped", finishedAt=iso(call.store.now()), liveUrl=None, cdpUrl=None)
    return reply(row)


def list_downloads(call: Call) -> web.Response:
    """Cursor pages: the cursor is an opaque token naming where the next page starts."""
    start = _read_cursor(call.params["cursor"])  # a parameter: checked before the lookup
    _browser(call)
    files = call.store.downloads.get(call.params["session_id"], [])
    end = start + call.params["limit"]
    chunk: list[JSON] = []
    for index, row in enumerate(files[start:end], start):
        url = call.blob_url(download_token(call.params["session_id"], index))
        chunk.append({**row, "url": url if call.params["includeUrls"] else None})
    more = end < len(files)
    return reply({"files": chunk, "nextCursor": _cursor(end) if more else None, "hasMore": more})


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _read_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        word, offset = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if word == "offset" and int(offset) >= 0:
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    # What a pydantic validator raising ValueError gives through FastAPI.
    msg = "Value error, Invalid cursor"
    raise invalid(["query", "cursor"], "value_error", msg, cursor, ctx={"error": {}})


ROUTES = {
    ("GET", "/browsers"): list_browsers,
    ("POST", "/browsers"): create_browser,
    ("GET", "/browsers/{session_id}"): get_browser,
    ("PATCH", "/browsers/{session_id}"): update_browser,
    ("GET", "/browsers/{session_id}/downloads"): list_downloads,
}
