"""How rows change on their own: tasks run, sessions end, browsers time out, skills build.

Everything is derived from the fake clock when `refresh` runs (before each request and
whenever a test reads the state), so time only matters through `FakeClock`. A running task
is looked at only once the clock reaches its next change (`Store.wakes`), so a refresh costs
what is due, not one look at every running task.
"""

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from browser_use_async.testing._agent import agent_step
from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import HTTPProblem, lookup
from browser_use_async.testing._outputs import sample_output
from browser_use_async.testing._state import Store, TaskPlan, TaskScenario
from browser_use_async.testing._v4.lifecycle import refresh_runs

__all__ = [
    "TERMINAL",
    "TOO_MANY_SESSIONS",
    "check_capacity",
    "check_credits",
    "check_spend_limit",
    "end_task",
    "open_session",
    "parse_iso",
    "refresh",
    "running_task",
    "start_task",
    "stop_session",
    "use_profile",
]

JSON = dict[str, Any]
TERMINAL = frozenset({"finished", "failed", "stopped"})
TOO_MANY_SESSIONS = (
    "Too many concurrent active sessions. Please wait for one to finish, kill one, "
    "or upgrade your plan."
)


SPEND_LIMIT_CODE = "api_key_monthly_spend_limit_reached"
SPEND_LIMIT_REACHED = "API key monthly spend limit reached"


def parse_iso(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def use_profile(store: Store, profile_id: str | None) -> None:
    """Check that a profile exists and mark it used now."""
    if profile_id is not None:
        profile = lookup(store.profiles, uuid.UUID(profile_id), "Profile not found")
        profile["lastUsedAt"] = iso(store.now())


def check_capacity(store: Store) -> None:
    limit = store.max_active_sessions
    if limit is not None and store.active_sessions() >= limit:
        raise HTTPProblem(429, TOO_MANY_SESSIONS)


def check_spend_limit(store: Store) -> None:
    """The 402 of a key over its monthly spend limit, in the official SDK's shape
    (`APIKeySpendLimitDetail`: code, message, cap and spent as numbers)."""
    cap = store.spend_limit
    if cap is not None and store.spent >= cap:
        detail = {"code": SPEND_LIMIT_CODE, "message": SPEND_LIMIT_REACHED}
        raise HTTPProblem(402, {**detail, "cap": float(cap), "spent": float(store.spent)})


def check_credits(store: Store) -> None:
    if store.balance() <= 0:
        raise HTTPProblem(402, "Insufficient credits")


def open_session(store: Store, *, keep_alive: bool = True, persist_memory: bool = True) -> JSON:
    """A new active agent session."""
    session_id = uuid.uuid4()
    row: JSON = {
        "id": str(session_id),
        "status": "active",
        "liveUrl": f"https://live.example.com/sessions/{session_id}",
        "recordingUrl": None,
        "startedAt": iso(store.now()),
        "finishedAt": None,
        "persistMemory": persist_memory,
        "keepAlive": keep_alive,
        "proxyUsedMb": "0",
        "proxyCost": "0",
        "publicShareUrl": None,
    }
    store.add_session(row)
    return row


def running_task(store: Store, session_id: str) -> JSON | None:
    for task_id in store.tasks_of(session_id):
        task = store.tasks[task_id]
        if task["status"] not in TERMINAL:
            return task
    return None


def stop_session(store: Store, session: JSON, at: dt.datetime) -> None:
    """Stop a session and the task running in it; a stopped session stays as it is."""
    if session["status"] == "stopped":
        return
    session.update(status="stopped", finishedAt=iso(at), liveUrl=None)
    task = running_task(store, session["id"])
    if task is not None:
        end_task(store, task, "stopped", at)


def start_task(
    store: Store,
    session: JSON,
    body: JSON,
    *,
    scenario: TaskScenario,
    running: bool = False,
    done: int = 0,
) -> JSON:
    """A task in `session`, created now; or `running` already, `done` steps along."""
    now = store.now()
    if running:
        started = now - dt.timedelta(seconds=done * scenario.step_interval)
        created = started
    else:
        started = now + dt.timedelta(seconds=scenario.start_delay)
        created = now
    task_id = uuid.uuid4()
    task: JSON = {
        "id": str(task_id),
        "sessionId": session["id"],
        "llm": body.get("llm", "browser-use-2.0"),
        "task": body["task"],
        "status": "created",
        "createdAt": iso(created),
        "startedAt": None,
        "finishedAt": None,
        "metadata": dict(body.get("metadata") or {}),
        "steps": [],
        "output": None,
        "outputFiles": [],
        "browserUseVersion": "0.9.0",
        "isSuccess": None,
        "judgement": None,
        "judgeVerdict": None,
        "cost": "0",
        "suggestions": None,
    }
    store.add_task(task)
    steps = max(scenario.steps, done)
    plan = TaskPlan(
        scenario,
        started,
        steps,
        bool(body.get("judge")),
        body.get("startUrl"),
        body.get("structuredOutput"),
    )
    store.task_plans[task_id] = plan
    _wake(store, task_id, now)
    while task["status"] not in TERMINAL and len(task["steps"]) < done:
        add_step(task, scenario.cost_per_step, plan)
    return task


def _outcome(task: JSON, plan: TaskPlan) -> tuple[bool, str]:
    """How a task that runs to its end ends: success and its output (the scenario's, else one
    that fits the task's structured output schema, else a sentence)."""
    scenario = plan.scenario
    if scenario.fail:
        return False, scenario.error
    output = scenario.output or (plan.output_schema and sample_output(plan.output_schema))
    return True, output or f"Done: {task['task']}"


def add_step(task: JSON, cost_per_step: str, plan: TaskPlan | None = None) -> None:
    """The task's next step; the last of its plan is the agent's `done` with the outcome."""
    number = len(task["steps"]) + 1
    last = plan is not None and number == plan.steps
    step = agent_step(
        task["task"],
        number,
        start_url=plan.start_url if plan else None,
        done=_outcome(task, plan) if plan and last else None,
    )
    screenshot = f"https://screenshots.example.com/{task['id']}/{number}.png"
    task["steps"].append({**step, "screenshotUrl": screenshot, "duration": 1.5})
    task["cost"] = str(decimal.Decimal(cost_per_step) * number)


def _wake(store: Store, task_id: uuid.UUID, now: dt.datetime) -> None:
    """Bring a planned task up to `now` and look again when it next changes, if it still runs."""
    store.wakes.schedule(task_id, now, lambda key, moment: _advance_task(store, key, moment))


def _advance_task(store: Store, task_id: uuid.UUID, now: dt.datetime) -> dt.datetime | None:
    """Bring a planned task up to `now`; when it next changes, or None once it has ended."""
    task, plan = store.tasks.get(task_id), store.task_plans[task_id]
    if task is None or task["status"] in TERMINAL:
        del store.task_plans[task_id]
        return None
    if now < plan.started:
        return plan.started
    task.update(status="started", startedAt=task["startedAt"] or iso(plan.started))
    interval = plan.scenario.step_interval
    elapsed = (now - plan.started).total_seconds()
    due = plan.steps if interval <= 0 else min(plan.steps, int(elapsed // interval))
    while len(task["steps"]) < due:
        add_step(task, plan.scenario.cost_per_step, plan)
    end = plan.started + dt.timedelta(seconds=(plan.steps + 1) * interval)
    if now >= end:
        end_task(store, task, "failed" if plan.scenario.fail else "finished", end)
        return None
    return plan.started + dt.timedelta(seconds=(int(elapsed // interval) + 1) * interval)


def end_task(store: Store, task: JSON, status: str, at: dt.datetime) -> None:
    """Move a task to a terminal status and bill it.

    A session that is not kept alive ends with its task's work (finished or failed); a
    task stopped with the `stop` action leaves its session up, as the API's actions say.
    """
    task_id = uuid.UUID(task["id"])
    plan = store.task_plans.pop(task_id, None)
    task.update(status=status, finishedAt=iso(at))
    if plan is not None and status == "finished":
        task.update(output=_outcome(task, plan)[1], isSuccess=True)
        for name, data in plan.scenario.output_files.items():
            file_id = str(uuid.uuid4())
            store.add_blob("application/octet-stream", data, token=file_id)
            task["outputFiles"].append({"id": file_id, "fileName": name})
        if plan.judge:
            verdict = {"verdict": True, "reasoning": "The output answers the task."}
            task.update(judgement=json.dumps(verdict), judgeVerdict=True)
    elif plan is not None and status == "failed":
        task.update(output=plan.scenario.error, isSuccess=False)
    store.charge(task["cost"] or "0")
    session = store.sessions.get(uuid.UUID(task["sessionId"]))
    if session is not None and not session["keepAlive"] and status != "stopped":
        stop_session(store, session, at)


def _finish_skill(store: Store, skill_id: uuid.UUID, at: dt.datetime) -> None:
    skill = store.skills.get(skill_id)
    if skill is None or skill["status"] != "generating":
        return
    version = (skill["currentVersion"] or 0) + 1
    skill.update(
        status="finished",
        title=skill["title"] or (skill["goal"] or "Skill")[:60],
        currentVersion=version,
        currentVersionFinishedAt=iso(at),
        code=f"# version {version}\nasync def run(query: str) -> dict:\n    return {{}}\n",
        parameters=[{"name": "query", "type": "string", "required": True}],
        outputSchema={"type": "object", "properties": {"items": {"type": "array"}}},
        updatedAt=iso(at),
    )
    store.skill_versions.setdefault(skill_id, []).append(dict(skill))


def refresh(store: Store) -> None:
    """Bring every row, v2's and v4's, up to the clock's current time."""
    with store.lock:
        now = store.now()
        for task_id in store.wakes.due(now):
            if task_id in store.task_plans:  # else it ended early: stopped
                _wake(store, task_id, now)
        for skill_id, done in list(store.skill_jobs.items()):
            if now >= done:
                del store.skill_jobs[skill_id]
                _finish_skill(store, skill_id, done)
        for browser in store.active_browsers():
            timeout = parse_iso(browser["timeoutAt"])
            if now >= timeout:
                browser.update(status="stopped", finishedAt=iso(timeout), liveUrl=None)
        refresh_runs(store)
