"""v4 runs: create, list, get, status, cancel, events and attachments."""

import decimal
import uuid

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, invalid, lookup, reply
from browser_use_async.testing._lifecycle import TOO_MANY_SESSIONS, check_spend_limit, use_profile
from browser_use_async.testing._state import Store
from browser_use_async.testing._v4.lifecycle import (
    cancel_run,
    open_session,
    open_workspace,
    run_is_active,
    start_run,
)
from browser_use_async.testing._v4.paging import keyset_page, newest_first

__all__ = ["MAX_PAGE", "NO_CAPACITY", "ROUTES", "budget", "check_run_capacity"]

RUN_NOT_FOUND = "Run not found"
SESSION_NOT_FOUND = "Session not found"
SESSION_BUSY = "The session already has an active run."
NOT_THIS_WORKSPACE = "Invalid request: the session runs in another workspace."
NO_CAPACITY = "no_capacity"
MAX_PAGE = 100
MAX_EVENTS = 1000


def check_run_capacity(store: Store) -> None:
    """The 429 of an account whose concurrency is used up (see `fake-v4-429` in the README)."""
    limit, active = store.max_active_sessions, store.active_sessions()
    if limit is not None and active >= limit:
        detail = {"code": NO_CAPACITY, "message": TOO_MANY_SESSIONS}
        raise HTTPProblem(429, {**detail, "activeSessions": active, "maxActiveSessions": limit})


def budget(amount: float | str) -> str:
    """A session's `maxCostUsd` as it is kept: the spec lets any decimal string through, the
    API (pydantic, gt=0) takes only amounts above 0."""
    try:
        value = decimal.Decimal(str(amount))
    except decimal.InvalidOperation:
        value = decimal.Decimal(0)
    if not value.is_finite() or value <= 0:
        msg = "Input should be greater than 0"
        raise invalid(["body", "maxCostUsd"], "greater_than", msg, amount, {"gt": 0})
    return str(value)


def _run(call: Call) -> JSON:
    return lookup(call.store.v4.runs, call.params["run_id"], RUN_NOT_FOUND)


def _session_for(call: Call) -> JSON:
    """The session a new run goes to: the one named (idle, in the same workspace), or a new
    one in the workspace named, or in a new workspace."""
    v4, body = call.store.v4, call.body
    workspace = body.get("workspaceId")
    if body.get("sessionId") is not None:
        session_id = uuid.UUID(body["sessionId"])
        session = lookup(v4.sessions, session_id, SESSION_NOT_FOUND)
        if run_is_active(v4.latest_run(session_id)):
            raise HTTPProblem(409, SESSION_BUSY)
        if workspace is not None and workspace != session["workspaceId"]:
            raise HTTPProblem(400, NOT_THIS_WORKSPACE)
        check_run_capacity(call.store)
        return session
    check_run_capacity(call.store)
    if workspace is None:
        workspace = open_workspace(call.store)["id"]
    else:
        lookup(v4.workspaces, uuid.UUID(workspace), "Workspace not found")
    return open_session(call.store, uuid.UUID(workspace))


def create_run(call: Call) -> web.Response:
    store, body = call.store, call.body
    check_spend_limit(store)
    settings: JSON = body.get("browserSettings") or {}
    cap = None if body.get("maxCostUsd") is None else budget(body["maxCostUsd"])
    use_profile(store, settings.get("profileId"))
    session = _session_for(call)
    if cap is not None:
        session["maxCostUsd"] = cap
    attachments = store.v4.attachments
    missing = [
        file_id
        for file_id in body.get("attachedFileIds") or ()
        if attachments.get(uuid.UUID(file_id), {}).get("workspaceId") != session["workspaceId"]
    ]
    scenario = store.v4.scenarios.get(body["task"], store.v4.default_scenario)
    run = start_run(store, session, body, scenario, store.now())
    answer = {name: run[name] for name in ("id", "status", "model", "sessionId", "workspaceId")}
    answer["eventsUrl"] = f"{call.origin}{call.request.path}/{run['id']}/events"
    answer["missingFileIds"] = missing
    if body.get("opVaultId") is not None:  # the fake's vaults hold no credential-only items
        answer["skippedVaultItems"] = []
    return reply(answer)


def list_runs(call: Call) -> web.Response:
    v4, wanted = call.store.v4, call.params["sessionId"]
    rows = list(v4.runs.values()) if wanted is None else v4.runs_of(wanted)
    chunk, cursor, more = keyset_page(
        rows,
        lambda run: newest_first(v4.order[uuid.UUID(run["id"])]),
        call.params["cursor"],
        min(call.params["limit"], MAX_PAGE),
        "run",
    )
    return reply({"runs": chunk, "nextCursor": cursor, "hasMore": more})


def get_run(call: Call) -> web.Response:
    return reply(_run(call))


def run_status(call: Call) -> web.Response:
    return reply({"status": _run(call)["status"]})


def cancel(call: Call) -> web.Response:
    """Idempotent: a run that has ended is answered as it is."""
    run = _run(call)
    cancel_run(call.store, run, call.store.now())
    return reply(run)


def run_events(call: Call) -> web.Response:
    """Events with ids above `after`, oldest first; `nextAfter` is the last id given (None
    for an empty page: poll again with the same `after`)."""
    run = _run(call)
    after, limit = call.params["after"], min(max(call.params["limit"], 1), MAX_EVENTS)
    newer = [
        event for event in call.store.v4.events.get(uuid.UUID(run["id"]), ()) if event["id"] > after
    ]
    chunk = newer[:limit]
    last = chunk[-1]["id"] if chunk else None
    return reply({"events": chunk, "nextAfter": last, "hasMore": len(newer) > len(chunk)})


def run_attachments(call: Call) -> web.Response:
    run, attachments = _run(call), call.store.v4.attachments
    rows = [attachments.get(uuid.UUID(file_id)) for file_id in run["attachedFileIds"] or ()]
    shown = [{k: v for k, v in row.items() if k != "workspaceId"} for row in rows if row]
    return reply({"attachments": shown})


ROUTES = {
    ("POST", "/runs"): create_run,
    ("GET", "/runs"): list_runs,
    ("GET", "/runs/{run_id}"): get_run,
    ("GET", "/runs/{run_id}/status"): run_status,
    ("POST", "/runs/{run_id}/cancel"): cancel,
    ("GET", "/runs/{run_id}/events"): run_events,
    ("GET", "/runs/{run_id}/attachments"): run_attachments,
}
