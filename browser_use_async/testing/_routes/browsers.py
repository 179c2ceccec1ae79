"""Browser sessions: create, list, get, stop, and the files they downloaded."""

import datetime as dt
import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import (
    JSON,
    Call,
    HTTPProblem,
    encode_cursor,
    invalid,
    lookup,
    page,
    read_cursor,
    reply,
)
from browser_use_async.testing._lifecycle import check_capacity, check_spend_limit, use_profile

__all__ = ["ROUTES", "download_token"]

MAX_TIMEOUT = "Maximum session timeout is 4 hours (240 minutes)."


def download_token(browser_id: uuid.UUID, index: int) -> str:
    return f"download-{browser_id}-{index}"


def _browser(call: Call) -> JSON:
    return lookup(call.store.browsers, call.params["session_id"], "Session not found")


def browser_item(row: JSON) -> JSON:
    """A browser as lists and `POST /browsers` show it: without `recordingAvailable`."""
    return {k: v for k, v in row.items() if k != "recordingAvailable"}


def _extension(extension_id: str) -> JSON:
    """An installed extension: its Chromium id is 32 letters a-p, derived here from its id."""
    runtime = "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.UUID(extension_id).hex)
    return {"id": extension_id, "runtimeId": runtime, "version": "1.0.0"}


def _labelled(row: JSON, terms: list[str]) -> bool:
    """Whether a browser has every label term: `key` (set) or `key=value`."""
    labels: dict[str, str] = row["metadata"]
    for term in terms:
        key, equals, value = term.partition("=")
        if key not in labels or (equals and labels[key] != value):
            return False
    return True


def list_browsers(call: Call) -> web.Response:
    """v4's list also filters by `metadata` label terms (v2's has no such parameter)."""
    wanted, agent = call.params["filterBy"], call.params["agentSessionId"]
    terms: list[str] = call.params.get("metadata") or []
    rows = [
        row
        for row in call.store.browsers.values()
        if wanted in (None, row["status"])
        and (agent is None or row["agentSessionId"] == str(agent))
        and _labelled(row, terms)
    ]
    return page(call, rows, browser_item, newest="startedAt")


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
    check_spend_limit(call.store)
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
        "recordingAvailable": call.body["enableRecording"],
        "metadata": call.body.get("metadata") or {},
        "extensions": [_extension(extension) for extension in call.body["extensionIds"]],
    }
    call.store.add_browser(row)
    return reply(browser_item(row), status=201)


def get_browser(call: Call) -> web.Response:
    """A stopped browser that recorded has its recording: only here, never in the stop's
    answer (the upload starts when the browser stops)."""
    row = _browser(call)
    if row["status"] == "stopped" and row["recordingAvailable"] and row["recordingUrl"] is None:
        token = call.store.add_blob("video/mp4", b"fake recording", f"recording-{row['id']}")
        row["recordingUrl"] = call.blob_url(token)
    return reply(row)


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
    return encode_cursor("offset", offset)


def _read_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    offset = read_cursor("offset", cursor)
    if offset is not None and offset.isascii() and offset.isdigit():
        return int(offset)
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
