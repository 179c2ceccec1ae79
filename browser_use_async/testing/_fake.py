"""An in-memory Browser Use Cloud that speaks the v2 wire format on 127.0.0.1.

State is kept as wire-shaped JSON (camelCase dicts) so that the fake never relies on
the SDK's own models to say what the API looks like.
"""

import datetime as dt
import json
import typing
import uuid
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import attrs
from aiohttp import web

from browser_use_async.testing._faults import FaultScript

__all__ = ["FakeBrowserUseCloud", "RecordedRequest"]

JSON = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIX = "/api/v2"
TERMINAL = frozenset({"finished", "failed", "stopped"})
TASK_ACTIONS = ("stop", "stop_task_and_session")


@attrs.frozen
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _HTTPProblem(Exception):
    """Answer with `status` and a FastAPI-shaped `{"detail": ...}` body."""

    def __init__(self, status: int, detail: object) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _iso(moment: dt.datetime) -> str:
    """Naive UTC, as the API documents its timestamps."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


def _validation_problem(loc: list[str | int], msg: str, kind: str, given: object) -> _HTTPProblem:
    return _HTTPProblem(422, [{"type": kind, "loc": loc, "msg": msg, "input": given}])


def _path_uuid(request: web.Request, name: str) -> uuid.UUID:
    raw = request.match_info[name]
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise _validation_problem(
            ["path", name], "Input should be a valid UUID", "uuid_parsing", raw
        ) from None


async def _json_body(request: web.Request) -> JSON:
    raw = await request.read()
    try:
        body = json.loads(raw)
    except ValueError:
        raise _validation_problem(["body", 0], "JSON decode error", "json_invalid", {}) from None
    if not isinstance(body, dict):
        raise _validation_problem(["body"], "Input should be a valid dictionary", "dict_type", body)
    return typing.cast(JSON, body)


class FakeBrowserUseCloud:
    """A fake Browser Use Cloud for tests and demos: `async with FakeBrowserUseCloud() as fake`.

    Point a client at `fake.base_url` with `fake.api_key`. `fake.requests` records
    every request received; `create_task` and `add_steps` shape the state directly;
    `fake.faults.add(...)` scripts errors, delays and dropped connections.
    """

    def __init__(self, *, api_key: str = "bu_fake_key", host: str = "127.0.0.1", port: int = 0):
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.tasks: dict[uuid.UUID, JSON] = {}
        self.sessions: dict[uuid.UUID, JSON] = {}
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.faults = FaultScript()
        self.app = web.Application(
            middlewares=[
                self._record,
                self.faults.middleware(API_PREFIX),
                self._problems,
                self._auth,
            ]
        )
        self.app.router.add_post(f"{API_PREFIX}/tasks", self._create_task)
        self.app.router.add_get(f"{API_PREFIX}/tasks/{{task_id}}", self._get_task)
        self.app.router.add_patch(f"{API_PREFIX}/tasks/{{task_id}}", self._update_task)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the fake cloud is not running: use `async with` or start()")
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{API_PREFIX}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- state helpers for tests -------------------------------------------------------------

    def create_task(self, task: str = "Find the weather in Zurich", *, steps: int = 0) -> uuid.UUID:
        """Start a task in a new session, as `POST /tasks` would, with `steps` done."""
        session_id = uuid.uuid4()
        self.sessions[session_id] = {"id": str(session_id), "status": "active"}
        task_id = uuid.uuid4()
        now = _iso(dt.datetime.now(dt.UTC))
        self.tasks[task_id] = {
            "id": str(task_id),
            "sessionId": str(session_id),
            "llm": "browser-use-2.0",
            "task": task,
            "status": "started",
            "createdAt": now,
            "startedAt": now,
            "finishedAt": None,
            "metadata": {},
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
        self.add_steps(task_id, steps)
        return task_id

    def add_steps(self, task_id: uuid.UUID, count: int = 1) -> None:
        """Append `count` agent steps to a running task."""
        task = self.tasks[task_id]
        for _ in range(count):
            number = len(task["steps"]) + 1
            task["steps"].append(
                {
                    "number": number,
                    "memory": f"Step {number}: working on the task.",
                    "evaluationPreviousGoal": "Success" if number > 1 else "Starting",
                    "nextGoal": f"Carry out part {number + 1} of the task.",
                    "url": f"https://example.com/page/{number}",
                    "actions": [json.dumps({"click_element": {"index": number}})],
                    "screenshotUrl": f"https://screenshots.example.com/{task_id}/{number}.png",
                    "duration": 1.5,
                }
            )
            task["cost"] = str(0.01 * number)

    # -- middleware ----------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                body=await request.read(),
            )
        )
        return await handler(request)

    @web.middleware
    async def _problems(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except _HTTPProblem as problem:
            return web.json_response({"detail": problem.detail}, status=problem.status)
        except web.HTTPNotFound:
            return web.json_response({"detail": "Not Found"}, status=404)
        except web.HTTPMethodNotAllowed:
            return web.json_response({"detail": "Method Not Allowed"}, status=405)

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("X-Browser-Use-API-Key") != self.api_key:
            raise _HTTPProblem(401, "Invalid or missing API key")
        return await handler(request)

    # -- routes --------------------------------------------------------------------------------

    def _task(self, request: web.Request) -> JSON:
        task = self.tasks.get(_path_uuid(request, "task_id"))
        if task is None:
            raise _HTTPProblem(404, "Task not found")
        return task

    async def _create_task(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        prompt = body.get("task")
        if not isinstance(prompt, str) or not 1 <= len(prompt) <= 50000:
            raise _validation_problem(
                ["body", "task"], "Task must be a string of 1 to 50000 characters", "string", prompt
            )
        task_id = self.create_task(prompt)
        task = self.tasks[task_id]
        return web.json_response({"id": task["id"], "sessionId": task["sessionId"]}, status=202)

    async def _get_task(self, request: web.Request) -> web.Response:
        return web.json_response(self._task(request))

    async def _update_task(self, request: web.Request) -> web.Response:
        task = self._task(request)
        body = await _json_body(request)
        action = body.get("action")
        if action not in TASK_ACTIONS:
            raise _validation_problem(
                ["body", "action"],
                "Input should be 'stop' or 'stop_task_and_session'",
                "enum" if "action" in body else "missing",
                action,
            )
        if task["status"] not in TERMINAL:
            task["status"] = "stopped"
            task["finishedAt"] = _iso(dt.datetime.now(dt.UTC))
        if action == "stop_task_and_session":
            self.sessions[uuid.UUID(task["sessionId"])]["status"] = "stopped"
        return web.json_response(task)
