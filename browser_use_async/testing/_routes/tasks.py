"""Tasks: create, list, get, stop, status and logs."""

import uuid

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, page, reply
from browser_use_async.testing._lifecycle import (
    check_capacity,
    check_spend_limit,
    end_task,
    open_session,
    parse_iso,
    running_task,
    start_task,
    stop_session,
    use_profile,
)

__all__ = ["ROUTES", "task_item"]

TASK_NOT_FOUND = "Task not found"
SESSION_STOPPED = "Browser session is stopped. Please start a new session and try again."
SESSION_BUSY = (
    "Agent session already has a running task. Please wait for it to finish or stop it manually."
)
STATUS_FIELDS = ("id", "status", "output", "finishedAt", "isSuccess", "cost")


def task_item(task: JSON) -> JSON:
    """A task as lists show it: without steps and output files."""
    return {k: v for k, v in task.items() if k not in ("steps", "outputFiles")}


def _task(call: Call) -> JSON:
    return lookup(call.store.tasks, call.params["task_id"], TASK_NOT_FOUND)


def create_task(call: Call) -> web.Response:
    store, body = call.store, call.body
    check_spend_limit(store)
    if body.get("sessionId") is not None:
        session = lookup(store.sessions, uuid.UUID(body["sessionId"]), "Session not found")
        if session["status"] != "active":
            raise HTTPProblem(400, SESSION_STOPPED)
        if running_task(store, session["id"]) is not None:
            raise HTTPProblem(400, SESSION_BUSY)
    else:
        settings: JSON = body.get("sessionSettings") or {}
        use_profile(store, settings.get("profileId"))
        check_capacity(store)
        session = open_session(store, keep_alive=False)
    scenario = store.scenarios.get(body["task"], store.default_scenario)
    task = start_task(store, session, body, scenario=scenario)
    return reply({"id": task["id"], "sessionId": task["sessionId"]}, status=202)


def list_tasks(call: Call) -> web.Response:
    p = call.params
    rows = [
        task
        for task in call.store.tasks.values()
        if (p["sessionId"] is None or task["sessionId"] == str(p["sessionId"]))
        and (p["filterBy"] is None or task["status"] == p["filterBy"])
        and (p["after"] is None or parse_iso(task["createdAt"]) >= p["after"])
        and (p["before"] is None or parse_iso(task["createdAt"]) <= p["before"])
    ]
    return page(call, rows, task_item)


def get_task(call: Call) -> web.Response:
    return reply(_task(call))


def update_task(call: Call) -> web.Response:
    """Stop a task; one that has already ended is returned as it is (see README)."""
    task = _task(call)
    now = call.store.now()
    if task["status"] in ("created", "started"):
        end_task(call.store, task, "stopped", now)
    if call.body["action"] == "stop_task_and_session":
        session = call.store.sessions.get(uuid.UUID(task["sessionId"]))
        if session is not None:
            stop_session(call.store, session, now)
    return reply(task)


def task_status(call: Call) -> web.Response:
    task = _task(call)
    return reply({name: task.get(name) for name in STATUS_FIELDS})


def task_logs(call: Call) -> web.Response:
    task = _task(call)
    lines = [f"{task['createdAt']} task {task['id']} {task['status']}: {task['task']}"]
    lines += [
        f"step {step['number']}: {step['nextGoal']} ({step['url']})" for step in task["steps"]
    ]
    token = call.store.add_blob("text/plain", "\n".join(lines).encode(), token=f"log-{task['id']}")
    return reply({"downloadUrl": call.blob_url(token)})


ROUTES = {
    ("POST", "/tasks"): create_task,
    ("GET", "/tasks"): list_tasks,
    ("GET", "/tasks/{task_id}"): get_task,
    ("PATCH", "/tasks/{task_id}"): update_task,
    ("GET", "/tasks/{task_id}/status"): task_status,
    ("GET", "/tasks/{task_id}/logs"): task_logs,
}
