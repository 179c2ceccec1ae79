"""How v4 runs go on the fake clock, with their events and their sessions' queues.

A run goes `queued -> dispatching -> running -> completed | failed | cancelled` (see
`RunScenario`), emitting `RunEvent`s with ids 1, 2, 3, ... per run:

- `run.created` (data: task, model) when queued, `run.dispatching` when dispatching;
- once running, first `browser.ready` with `data.liveUrl`, or `browser.reattached` (same
  data) for a follow-up run in a session that already had one (its browser is reused);
- `agent.step` per step (data: step, goal, url, totalCostUsd);
- last `run.completed` (data: result), `run.failed` (data: error) or `run.cancelled`.

A session's budget (`maxCostUsd`, default 25 USD) covers all its runs: a step that would take
the session's spend past it is not taken, and the run ends `failed` with an error naming the
budget (the gateway refuses the model call, as the API's cancel docs say it does once a run
may not spend more). When a run ends, the oldest pending message on its session's queue
becomes the session's next run, at that moment.
"""

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from browser_use_async.testing._agent import agent_step
from browser_use_async.testing._clock import iso
from browser_use_async.testing._outputs import sample_output
from browser_use_async.testing._state import Store
from browser_use_async.testing._v4.state import RunPlan, RunScenario, V4State

__all__ = [
    "DEFAULT_BUDGET",
    "TERMINAL",
    "cancel_run",
    "drop_file",
    "emit",
    "open_session",
    "open_workspace",
    "refresh_runs",
    "run_is_active",
    "run_message",
    "start_run",
    "write_file",
]

JSON = dict[str, Any]
TERMINAL = frozenset({"completed", "failed", "cancelled"})
DEFAULT_BUDGET = "25"
CONTEXT_LIMIT = 200_000


def run_is_active(run: JSON | None) -> bool:
    return run is not None and run["status"] not in TERMINAL


def emit(v4: V4State, run: JSON, kind: str, at: dt.datetime, data: JSON | None = None) -> JSON:
    """Append the run's next event (its id one more than the last) and mark the run updated."""
    events = v4.events.setdefault(uuid.UUID(run["id"]), [])
    number = events[-1]["id"] + 1 if events else 1
    event: JSON = {"runId": run["id"], "id": number, "ts": iso(at), "type": kind}
    event["data"] = data or {}
    events.append(event)
    run["updatedAt"] = iso(at)
    return event


def open_workspace(store: Store, name: str | None = None) -> JSON:
    now = iso(store.now())
    workspace_id = uuid.uuid4()
    row: JSON = {
        "id": str(workspace_id),
        "name": name,
        "archived": False,
        "createdAt": now,
        "updatedAt": now,
    }
    store.v4.workspaces[workspace_id] = row
    store.v4.files[workspace_id] = {}
    return row


def write_file(store: Store, workspace_id: uuid.UUID, path: str, data: bytes, kind: str) -> None:
    """Store a workspace file (replacing one at the same path) and its bytes for download;
    a deleted workspace keeps nothing."""
    workspace = store.v4.workspaces.get(workspace_id)
    if workspace is None:
        return
    drop_file(store, workspace_id, path)
    token = f"ws-{uuid.uuid4().hex}"
    store.add_blob(kind, data, token)
    store.v4.file_blobs[workspace_id, path] = token
    row = {"path": path, "size": len(data), "lastModified": iso(store.now())}
    store.v4.files[workspace_id][path] = row
    workspace["updatedAt"] = iso(store.now())


def drop_file(store: Store, workspace_id: uuid.UUID, path: str) -> None:
    """Forget a workspace file and its bytes, if it is there."""
    store.v4.files.get(workspace_id, {}).pop(path, None)
    token = store.v4.file_blobs.pop((workspace_id, path), None)
    if token is not None:
        store.blobs.pop(token, None)


def open_session(store: Store, workspace_id: uuid.UUID) -> JSON:
    session_id = uuid.uuid4()
    row: JSON = {
        "sessionId": str(session_id),
        "workspaceId": str(workspace_id),
        "title": None,
        "createdAt": iso(store.now()),
        "maxCostUsd": DEFAULT_BUDGET,
    }
    store.v4.sessions[session_id] = row
    store.v4.session_runs[session_id] = []
    store.v4.queues[session_id] = []
    return row


def start_run(
    store: Store,
    session: JSON,
    body: JSON,
    scenario: RunScenario,
    at: dt.datetime,
    *,
    steps: int | None = None,
) -> JSON:
    """A run in `session` made at `at` (now, or earlier) from a `RunCreateRequest`-shaped
    body, brought up to now; it takes `steps` steps (default: its scenario's)."""
    v4 = store.v4
    session_id = uuid.UUID(session["sessionId"])
    reattached = v4.latest_run(session_id) is not None
    count = scenario.steps if steps is None else steps
    plan = RunPlan(scenario, at, count, reattached, body.get("judge") is not None)
    run_id = uuid.uuid4()
    made = iso(plan.start)
    run: JSON = {
        "id": str(run_id),
        "task": body["task"],
        "title": None,
        "model": body.get("model") or "minimax-m3",
        "contextLimit": CONTEXT_LIMIT,
        "status": "queued",
        "result": None,
        "error": None,
        "sessionId": str(session_id),
        "workspaceId": session["workspaceId"],
        "attachedFileIds": body.get("attachedFileIds"),
        "judgement": None,
        "outputSchema": body.get("outputSchema"),
        "modelParams": body.get("modelParams"),
        "output": None,
        "totalInputTokens": 0,
        "totalOutputTokens": 0,
        "totalCostUsd": "0",
        "createdAt": made,
        "updatedAt": made,
    }
    v4.runs[run_id] = run
    v4.session_runs[session_id].append(run_id)
    v4.order[run_id] = len(v4.order)
    v4.plans[run_id] = plan
    emit(v4, run, "run.created", plan.start, {"task": run["task"], "model": run["model"]})
    store.opened()
    _wake(store, run_id, store.now())
    return run


def _wake(store: Store, run_id: uuid.UUID, now: dt.datetime) -> None:
    store.v4.wakes.schedule(run_id, now, lambda key, moment: _advance(store, key, moment))


def _advance(store: Store, run_id: uuid.UUID, now: dt.datetime) -> dt.datetime | None:
    """Bring a planned run up to `now`; when it next changes, or None once it has ended."""
    v4 = store.v4
    run, plan = v4.runs.get(run_id), v4.plans.get(run_id)
    if plan is None or not run_is_active(run):
        v4.plans.pop(run_id, None)
        return None
    assert run is not None
    if now < plan.dispatching():
        return plan.dispatching()
    if run["status"] == "queued":
        run["status"] = "dispatching"
        emit(v4, run, "run.dispatching", plan.dispatching())
    if now < plan.running():
        return plan.running()
    if run["status"] == "dispatching":
        _begin(v4, run, plan)
    interval = plan.scenario.step_interval
    elapsed = (now - plan.running()).total_seconds()
    due = plan.steps if interval <= 0 else min(plan.steps, int(elapsed // interval))
    while plan.done < due:
        if not _step(store, run, plan):
            return None
    end = plan.step_at(plan.steps + 1)
    if now >= end:
        _end(store, run, "failed" if plan.scenario.fail else "completed", end)
        return None
    return plan.step_at(int(elapsed // interval) + 1)


def _begin(v4: V4State, run: JSON, plan: RunPlan) -> None:
    at = plan.running()
    run.update(status="running", title=run["task"][:60])
    live = {"liveUrl": f"https://live.example.com/v4/sessions/{run['sessionId']}"}
    emit(v4, run, "browser.reattached" if plan.reattached else "browser.ready", at, live)


def _step(store: Store, run: JSON, plan: RunPlan) -> bool:
    """Take the run's next step; False when the session's budget forbids it (the run ends)."""
    number, scenario = plan.done + 1, plan.scenario
    at = plan.step_at(number)
    cost = decimal.Decimal(scenario.cost_per_step) * number
    session = store.v4.sessions[uuid.UUID(run["sessionId"])]
    budget = decimal.Decimal(session["maxCostUsd"])
    if _spent_by_others(store.v4, run) + cost > budget:
        error = f"The session's spend budget of ${budget} (maxCostUsd) is used up."
        _end(store, run, "failed", at, error)
        return False
    plan.done = number
    step = agent_step(run["task"], number)
    run.update(
        totalCostUsd=str(cost),
        totalInputTokens=scenario.input_tokens_per_step * number,
        totalOutputTokens=scenario.output_tokens_per_step * number,
    )
    data = {"step": number, "goal": step["nextGoal"], "url": step["url"], "totalCostUsd": str(cost)}
    emit(store.v4, run, "agent.step", at, data)
    return True


def _spent_by_others(v4: V4State, run: JSON) -> decimal.Decimal:
    others = v4.runs_of(uuid.UUID(run["sessionId"]))
    return sum(
        (decimal.Decimal(r["totalCostUsd"]) for r in others if r["id"] != run["id"]),
        decimal.Decimal(0),
    )


def cancel_run(store: Store, run: JSON, at: dt.datetime) -> None:
    """Cancel a run that has not ended; one that has ended stays as it is."""
    if run_is_active(run):
        _end(store, run, "cancelled", at)


def _end(store: Store, run: JSON, status: str, at: dt.datetime, error: str | None = None) -> None:
    """Move a run to a terminal status, bill it, then start its session's next queued message."""
    v4 = store.v4
    plan = v4.plans.pop(uuid.UUID(run["id"]), None)
    run["status"] = status
    if status == "completed" and plan is not None:
        result = _result(run, plan.scenario)
        run["result"] = result
        if run["outputSchema"] is not None:
            run["output"] = _parsed(result)
        workspace_id = uuid.UUID(run["workspaceId"])
        for name, data in plan.scenario.output_files.items():
            write_file(store, workspace_id, f"outputs/{name}", data, "application/octet-stream")
        if plan.judge:
            run["judgement"] = {"verdict": True, "reasoning": "The result answers the task."}
        emit(v4, run, "run.completed", at, {"result": result})
    elif status == "failed":
        run["error"] = error or (plan.scenario.error if plan else "The run failed.")
        emit(v4, run, "run.failed", at, {"error": run["error"]})
    else:
        emit(v4, run, "run.cancelled", at)
    store.charge(run["totalCostUsd"])
    _drain(store, uuid.UUID(run["sessionId"]), at)


def _result(run: JSON, scenario: RunScenario) -> str:
    """The scenario's result, else JSON fitting the run's output schema, else a sentence."""
    schema = run["outputSchema"]
    fitting = sample_output(json.dumps(schema)) if schema is not None else None
    return scenario.result or fitting or f"Done: {run['task']}"


def _parsed(text: str) -> object:
    """The structured `output` of a run made with an output schema: its result as JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _drain(store: Store, session_id: uuid.UUID, at: dt.datetime) -> None:
    """The session's oldest pending message, if any, becomes its next run at `at`."""
    v4 = store.v4
    queue = v4.queues.get(session_id, [])
    while queue:
        message = v4.messages[queue.pop(0)]
        if message["status"] == "pending":
            run_message(store, message, at)
            return


def run_message(store: Store, message: JSON, at: dt.datetime) -> None:
    """A queued message becomes its session's next run (with the model of the one before)."""
    v4 = store.v4
    session_id = uuid.UUID(message["sessionId"])
    latest = v4.latest_run(session_id)
    body: JSON = {
        "task": message["text"],
        "model": latest["model"] if latest else None,
        "attachedFileIds": message["attachedFileIds"],
    }
    scenario = v4.scenarios.get(message["text"], v4.default_scenario)
    run = start_run(store, v4.sessions[session_id], body, scenario, at)
    message.update(status="consumed", runId=run["id"])


def refresh_runs(store: Store) -> None:
    """Bring every running v4 run up to the clock's time."""
    now = store.now()
    for run_id in store.v4.wakes.due(now):
        if run_id in store.v4.plans:  # else it ended early: cancelled
            _wake(store, run_id, now)
