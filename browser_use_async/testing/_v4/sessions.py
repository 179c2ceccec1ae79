"""v4 sessions (conversations: the runs made with one sessionId) and their follow-up queues."""

import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, no_content, reply
from browser_use_async.testing._lifecycle import check_spend_limit
from browser_use_async.testing._v4.lifecycle import (
    cancel_run,
    drop_file,
    run_is_active,
    run_message,
)
from browser_use_async.testing._v4.paging import keyset_page, newest_first
from browser_use_async.testing._v4.state import V4State

__all__ = ["QUEUE_FULL", "ROUTES", "find_message", "find_session", "session_info"]

SESSION_NOT_FOUND = "Session not found"
MESSAGE_NOT_FOUND = "Message not found"
NOT_PENDING = "The message is no longer pending and cannot be cancelled."
QUEUE_FULL = "queue_full"
QUEUE_FULL_MESSAGE = "The session message queue is full."
DEDUPLICATE = "exact-text-v1"


def session_info(v4: V4State, session: JSON) -> JSON:
    """`SessionInfo`: the session as its latest run shows it (its title, once renamed)."""
    session_id = uuid.UUID(session["sessionId"])
    latest = v4.latest_run(session_id)
    assert latest is not None, "a v4 session is made with its first run"
    return {
        "sessionId": session["sessionId"],
        "workspaceId": session["workspaceId"],
        "latestRunId": latest["id"],
        "task": latest["task"],
        "title": session["title"] if session["title"] is not None else latest["title"],
        "status": latest["status"],
        "createdAt": session["createdAt"],
        "updatedAt": latest["updatedAt"],
    }


def find_session(call: Call) -> JSON:
    return lookup(call.store.v4.sessions, call.params["session_id"], SESSION_NOT_FOUND)


def list_sessions(call: Call) -> web.Response:
    v4 = call.store.v4

    def latest_first(session: JSON) -> str:
        latest = v4.latest_run(uuid.UUID(session["sessionId"]))
        return newest_first(v4.order[uuid.UUID(latest["id"])] if latest else -1)

    rows = [s for s in v4.sessions.values() if v4.latest_run(uuid.UUID(s["sessionId"]))]
    chunk, cursor, more = keyset_page(
        rows, latest_first, call.params["cursor"], call.params["limit"], "session"
    )
    sessions = [session_info(v4, session) for session in chunk]
    return reply({"sessions": sessions, "nextCursor": cursor, "hasMore": more})


def get_session(call: Call) -> web.Response:
    return reply(session_info(call.store.v4, find_session(call)))


def purge_session(call: Call) -> web.Response:
    """Drop what the session's runs left: its workspace's files and its runs' event data."""
    session, v4 = find_session(call), call.store.v4
    workspace_id = uuid.UUID(session["workspaceId"])
    for path in list(v4.files.get(workspace_id, ())):
        drop_file(call.store, workspace_id, path)
    for run in v4.runs_of(uuid.UUID(session["sessionId"])):
        for event in v4.events.get(uuid.UUID(run["id"]), ()):
            event["data"] = {}
    return no_content()


def _pending(v4: V4State, session_id: uuid.UUID) -> list[JSON]:
    messages = (v4.messages[key] for key in v4.queues.get(session_id, ()))
    return [message for message in messages if message["status"] == "pending"]


def queue_message(call: Call) -> web.Response:
    """Runs now when the session is idle; else waits on the queue, or with `interrupt`
    cancels the active run and runs straight after it."""
    session, store, body = find_session(call), call.store, call.body
    check_spend_limit(store)
    v4, session_id = store.v4, uuid.UUID(session["sessionId"])
    pending = _pending(v4, session_id)
    if call.request.headers.get("X-V4-Queue-Deduplicate") == DEDUPLICATE:
        for equal in pending:
            if equal["text"] == body["text"]:
                return reply(equal)
    if len(pending) >= v4.queue_limit:
        detail = {"code": QUEUE_FULL, "message": QUEUE_FULL_MESSAGE}
        raise HTTPProblem(429, {**detail, "sessionId": str(session_id), "limit": v4.queue_limit})
    message: JSON = {
        "id": v4.next_message_id,
        "sessionId": str(session_id),
        "runId": None,
        "mode": "interrupt" if body["interrupt"] else "queue",
        "status": "pending",
        "text": body["text"],
        "attachedFileIds": body.get("attachedFileIds"),
        "createdAt": iso(store.now()),
    }
    v4.next_message_id += 1
    v4.messages[message["id"]] = message
    latest = v4.latest_run(session_id)
    if not run_is_active(latest):
        run_message(store, message, store.now())
    elif body["interrupt"]:
        v4.queues[session_id].insert(0, message["id"])
        assert latest is not None
        cancel_run(store, latest, store.now())  # the queue drains: this message runs next
    else:
        v4.queues[session_id].append(message["id"])
    return reply(message)


def list_queue(call: Call) -> web.Response:
    session = find_session(call)
    return reply({"queue": _pending(call.store.v4, uuid.UUID(session["sessionId"]))})


def find_message(call: Call) -> JSON:
    session = find_session(call)
    message = call.store.v4.messages.get(call.params["message_id"])
    if message is None or message["sessionId"] != session["sessionId"]:
        raise HTTPProblem(404, MESSAGE_NOT_FOUND)
    return message


def cancel_message(call: Call) -> web.Response:
    message = find_message(call)
    if message["status"] != "pending":
        raise HTTPProblem(409, NOT_PENDING)
    message["status"] = "cancelled"
    return reply(message)


ROUTES = {
    ("GET", "/sessions"): list_sessions,
    ("GET", "/sessions/{session_id}"): get_session,
    ("POST", "/sessions/{session_id}/purge"): purge_session,
    ("POST", "/sessions/{session_id}/queue"): queue_message,
    ("GET", "/sessions/{session_id}/queue"): list_queue,
    ("DELETE", "/sessions/{session_id}/queue/{message_id}"): cancel_message,
}
