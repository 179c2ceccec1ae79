"""The official v4 client's session operations beyond the upstream spec (spec amendments):
rename, delete, cost, cost cap, public share, and one queued message."""

import decimal
import secrets
import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import Call, HTTPProblem, no_content, reply
from browser_use_async.testing._v4.lifecycle import cancel_run
from browser_use_async.testing._v4.runs import budget
from browser_use_async.testing._v4.sessions import find_message, find_session, session_info

__all__ = ["ROUTES"]

SHARE_NOT_FOUND = "Share not found"
ZERO = "0"


def rename_session(call: Call) -> web.Response:
    """`title` renames the session (None clears the name: its latest run's title shows)."""
    session = find_session(call)
    if "title" in call.body:
        session["title"] = call.body["title"]
    return reply(session_info(call.store.v4, session))


def delete_session(call: Call) -> web.Response:
    """Cancel the active run and the pending messages, then forget the session's runs."""
    find_session(call)
    store = call.store
    v4, session_id = store.v4, call.params["session_id"]
    for message_id in v4.queues.pop(session_id, []):
        if v4.messages[message_id]["status"] == "pending":
            v4.messages[message_id]["status"] = "cancelled"
    for run in v4.runs_of(session_id):
        cancel_run(store, run, store.now())
        del v4.runs[uuid.UUID(run["id"])]
        v4.events.pop(uuid.UUID(run["id"]), None)
    del v4.session_runs[session_id], v4.sessions[session_id]
    v4.shares.pop(session_id, None)
    return no_content()


def session_cost(call: Call) -> web.Response:
    """What the session's runs cost: all of it is LLM time in the fake."""
    session = find_session(call)
    runs = call.store.v4.runs_of(call.params["session_id"])
    spent = sum((decimal.Decimal(run["totalCostUsd"]) for run in runs), decimal.Decimal(0))
    return reply(
        {
            "sessionId": session["sessionId"],
            "numRuns": len(runs),
            "llmCostUsd": str(spent),
            "searchCostUsd": ZERO,
            "browserCostUsd": ZERO,
            "proxyCostUsd": ZERO,
            "proxyUsedMb": ZERO,
            "totalCostUsd": str(spent),
        }
    )


def update_cost_cap(call: Call) -> web.Response:
    session = find_session(call)
    session["maxCostUsd"] = budget(call.body["maxCostUsd"])
    return reply({"sessionId": session["sessionId"], "maxCostUsd": session["maxCostUsd"]})


def get_share(call: Call) -> web.Response:
    """The session's share, or null when it was never shared."""
    find_session(call)
    return reply(call.store.v4.shares.get(call.params["session_id"]))


def create_share(call: Call) -> web.Response:
    """Share the session publicly, reusing its token if it was shared before."""
    session, shares = find_session(call), call.store.v4.shares
    share = shares.get(call.params["session_id"])
    if share is None:
        token = secrets.token_urlsafe(12)
        share = {
            "id": str(uuid.uuid4()),
            "shareToken": token,
            "sessionId": session["sessionId"],
            "isActive": True,
            "viewCount": 0,
            "createdAt": iso(call.store.now()),
            "shareUrl": f"https://cloud.browser-use.com/share/{token}",
        }
        shares[call.params["session_id"]] = share
    share["isActive"] = True
    return reply(share)


def update_share(call: Call) -> web.Response:
    find_session(call)
    share = call.store.v4.shares.get(call.params["session_id"])
    if share is None:
        raise HTTPProblem(404, SHARE_NOT_FOUND)
    share["isActive"] = call.body["isActive"]
    return reply(share)


def get_message(call: Call) -> web.Response:
    return reply(find_message(call))


ROUTES = {
    ("PATCH", "/sessions/{session_id}"): rename_session,
    ("DELETE", "/sessions/{session_id}"): delete_session,
    ("GET", "/sessions/{session_id}/cost"): session_cost,
    ("PATCH", "/sessions/{session_id}/cost-cap"): update_cost_cap,
    ("GET", "/sessions/{session_id}/share"): get_share,
    ("POST", "/sessions/{session_id}/share"): create_share,
    ("PUT", "/sessions/{session_id}/share"): update_share,
    ("GET", "/sessions/{session_id}/queue/{message_id}"): get_message,
}
