"""Agent sessions: create, list, get, stop, delete, purge and public shares."""

import secrets

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, no_content, page, reply
from browser_use_async.testing._lifecycle import (
    check_capacity,
    check_credits,
    check_spend_limit,
    open_session,
    stop_session,
    use_profile,
)
from browser_use_async.testing._routes.tasks import task_item

__all__ = ["ROUTES"]

SESSION_NOT_FOUND = "Session not found"


def session_item(session: JSON) -> JSON:
    return {k: v for k, v in session.items() if k != "publicShareUrl"}


def _session(call: Call) -> JSON:
    return lookup(call.store.sessions, call.params["session_id"], SESSION_NOT_FOUND)


def _view(call: Call, session: JSON) -> web.Response:
    tasks = [call.store.tasks[key] for key in call.store.tasks_of(session["id"])]
    tasks.sort(key=lambda task: task["createdAt"])
    return reply({**session, "tasks": [task_item(task) for task in tasks]})


def list_sessions(call: Call) -> web.Response:
    wanted = call.params["filterBy"]
    rows = [s for s in call.store.sessions.values() if wanted in (None, s["status"])]
    return page(call, rows, session_item, newest="startedAt")


def create_session(call: Call) -> web.Response:
    check_spend_limit(call.store)
    check_credits(call.store)
    use_profile(call.store, call.body.get("profileId"))
    check_capacity(call.store)
    session = open_session(
        call.store, keep_alive=call.body["keepAlive"], persist_memory=call.body["persistMemory"]
    )
    return reply(session_item(session), status=201)


def get_session(call: Call) -> web.Response:
    return _view(call, _session(call))


def update_session(call: Call) -> web.Response:
    session = _session(call)
    stop_session(call.store, session, call.store.now())
    return _view(call, session)


def delete_session(call: Call) -> web.Response:
    """Delete a session with all its tasks (stopping it first if it is still active)."""
    session = _session(call)
    stop_session(call.store, session, call.store.now())
    for task_id in call.store.tasks_of(session["id"]):
        del call.store.tasks[task_id]
    call.store.shares.pop(call.params["session_id"], None)
    del call.store.sessions[call.params["session_id"]]
    return no_content()


def purge_session(call: Call) -> web.Response:
    """Drop the session's files: uploads, output files, logs and screenshots."""
    session, store = _session(call), call.store
    store.uploads[:] = [u for u in store.uploads if u.session_id != call.params["session_id"]]
    for task_id in store.tasks_of(session["id"]):
        task = store.tasks[task_id]
        for file in task["outputFiles"]:
            store.blobs.pop(file["id"], None)
        store.blobs.pop(f"log-{task['id']}", None)
        task["outputFiles"] = []
        for step in task["steps"]:
            step["screenshotUrl"] = None
    return no_content()


def get_share(call: Call) -> web.Response:
    _session(call)
    share = call.store.shares.get(call.params["session_id"])
    if share is None:
        raise HTTPProblem(404, "Public share not found")
    return reply(share)


def create_share(call: Call) -> web.Response:
    session = _session(call)
    share = call.store.shares.get(call.params["session_id"])
    if share is None:
        token = secrets.token_urlsafe(12)
        share = {
            "shareToken": token,
            "shareUrl": f"https://share.example.com/{token}",
            "viewCount": 0,
            "lastViewedAt": None,
        }
        call.store.shares[call.params["session_id"]] = share
        session["publicShareUrl"] = share["shareUrl"]
    return reply(share, status=201)


def delete_share(call: Call) -> web.Response:
    session = _session(call)
    call.store.shares.pop(call.params["session_id"], None)
    session["publicShareUrl"] = None
    return no_content()


ROUTES = {
    ("GET", "/sessions"): list_sessions,
    ("POST", "/sessions"): create_session,
    ("GET", "/sessions/{session_id}"): get_session,
    ("PATCH", "/sessions/{session_id}"): update_session,
    ("DELETE", "/sessions/{session_id}"): delete_session,
    ("POST", "/sessions/{session_id}/purge"): purge_session,
    ("GET", "/sessions/{session_id}/public-share"): get_share,
    ("POST", "/sessions/{session_id}/public-share"): create_share,
    ("DELETE", "/sessions/{session_id}/public-share"): delete_share,
}
