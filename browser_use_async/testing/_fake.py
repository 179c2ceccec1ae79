"""An in-memory Browser Use Cloud that speaks the v2 and v4 wire formats on 127.0.0.1.

State is kept as wire-shaped JSON (camelCase dicts) so that the fake never relies on
the SDK's own models to say what the API looks like; requests are checked against the
OpenAPI documents shipped beside this module (`openapi-v2.json`, `openapi-v4.json`).
"""

import collections
import contextlib
import decimal
import json
import uuid
from typing import Any

import attrs
from aiohttp import web
from aiohttp.typedefs import Middleware
from multidict import CIMultiDict, CIMultiDictProxy

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async.testing._clock import FakeClock, iso
from browser_use_async.testing._dispatch import Handler, operation_handler
from browser_use_async.testing._faults import FaultScript
from browser_use_async.testing._http import JSON, HTTPProblem, Route, reply
from browser_use_async.testing._lifecycle import add_step, open_session, refresh, start_task
from browser_use_async.testing._routes import BLOB_PATH, ROUTES, serve_blob
from browser_use_async.testing._routes.browsers import download_token
from browser_use_async.testing._routes.files import UPLOAD_PATH, receive_upload
from browser_use_async.testing._routes.marketplace import seed_marketplace
from browser_use_async.testing._seed import apply_seed
from browser_use_async.testing._server import BackgroundServer
from browser_use_async.testing._spec import Operation, operations
from browser_use_async.testing._state import Store, TaskScenario, UploadedFile
from browser_use_async.testing._v4.helpers import V4Helpers
from browser_use_async.testing._v4.routes import V4_ROUTES
from browser_use_async.testing._v4.workspaces import UPLOAD_PATH as V4_UPLOAD_PATH
from browser_use_async.testing._v4.workspaces import receive_upload as receive_workspace_upload

__all__ = ["API_PREFIX", "STATS_PATH", "V4_PREFIX", "FakeBrowserUseCloud", "RecordedRequest"]

API_PREFIX = "/api/v2"
V4_PREFIX = "/api/v4"
MAX_BODY = 64 * 2**20
STATS_PATH = "/fake/stats"


@attrs.frozen
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDictProxy[str]  # names in any case: aiohttp respells those it knows
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeBrowserUseCloud(BackgroundServer, V4Helpers):
    """A fake Browser Use Cloud for tests and demos.

    `async with FakeBrowserUseCloud() as fake:` serves it in the running event loop;
    `with FakeBrowserUseCloud() as fake:` serves it from a background thread. Point a client
    at `fake.base_url` with `fake.api_key`. Its clock runs in real time, as when it runs as
    a process, so tasks start, take steps and finish by themselves within seconds; with
    `manual_time=True` time stands still until `fake.advance(seconds)`, for deterministic
    tests (or pass a `clock` of your own). `fake.faults.add(...)` scripts errors, delays
    and dropped connections per route.

    Every request is kept in `fake.requests`, unless `record_requests=False` (a long run of
    thousands of tasks then keeps no bodies); `fake.stats()`, also served at `fake.stats_url`
    for another process, counts requests by route either way.

    API v4 is served beside v2, at `fake.v4_base_url` (`.../api/v4`), with the same key, clock,
    recording and faults; its state (`fake.runs`, `fake.v4_sessions`, `fake.workspaces`) is
    apart from v2's, but browsers and profiles are the same rows in both. v2 routes are named
    as the v2 spec writes them ("GET /tasks/{task_id}"); v4 routes by their full path
    ("GET /api/v4/runs/{run_id}"), in `stats()` and in `fake.faults.add(...)` alike.
    Runs follow `fake.run_scenarios[task]` or `fake.default_run_scenario` (`RunScenario`).

    v4's two 429 answers (no `Retry-After`):

    - `POST /runs` when `max_active_sessions` are active (v2 sessions and browsers, and v4
      runs not yet ended): `{"detail": {"code": "no_capacity", "message": "Too many
      concurrent active sessions. ...", "activeSessions": 2, "maxActiveSessions": 2}}`.
    - `POST /sessions/{id}/queue` when `v4_queue_limit` messages (default 10) are pending:
      `{"detail": {"code": "queue_full", "message": "The session message queue is full.",
      "sessionId": "...", "limit": 10}}`.
    """

    prefix = API_PREFIX

    def __init__(
        self,
        *,
        api_key: str = "bu_fake_key",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: FakeClock | None = None,
        manual_time: bool = False,
        record_requests: bool = True,
    ) -> None:
        if clock is not None and manual_time:
            raise ValueError("pass clock= or manual_time=True, not both")
        self.api_key = api_key
        self.clock = clock or FakeClock(speed=0.0 if manual_time else 1.0)
        self.store = Store(self.clock)
        self.requests: list[RecordedRequest] = []
        self.record_requests = record_requests
        self._by_route: collections.Counter[str] = collections.Counter()
        self._by_status: collections.Counter[int] = collections.Counter()
        self.faults = FaultScript()
        seed_marketplace(self.store)
        # Bodies up to 64 MiB: v4 workspace files reach 50 MiB (aiohttp's default is 1 MiB).
        app = web.Application(middlewares=self._middlewares(), client_max_size=MAX_BODY)
        super().__init__(app, host, port)
        self._operations: dict[web.AbstractRoute, Operation] = {}
        self._mount(API_PREFIX, operations("v2"), ROUTES)
        self._mount(V4_PREFIX, operations("v4"), V4_ROUTES)

        async def upload(request: web.Request) -> web.Response:
            return await receive_upload(self.store, request)

        async def blob(request: web.Request) -> web.Response:
            return await serve_blob(self.store, request)

        async def stats(request: web.Request) -> web.Response:
            return reply(self.stats())

        async def v4_upload(request: web.Request) -> web.Response:
            return await receive_workspace_upload(self.store, request)

        self.app.router.add_put(V4_UPLOAD_PATH, v4_upload)
        self.app.router.add_post(UPLOAD_PATH, upload)
        self.app.router.add_get(BLOB_PATH, blob)
        self.app.router.add_get(STATS_PATH, stats)

    def _mount(
        self,
        prefix: str,
        spec: dict[tuple[str, str], Operation],
        routes: dict[tuple[str, str], Route],
    ) -> None:
        for (method, path), operation in spec.items():
            handler = operation_handler(operation, routes[method, path], self.store)
            route = self.app.router.add_route(method, prefix + path, handler)
            self._operations[route] = operation

    # -- middleware: outermost first --------------------------------------------------------------

    def _middlewares(self) -> list[Middleware]:
        """Recording sees every request; scripted faults can slot in right after it."""
        return [self._record, self.faults.middleware(API_PREFIX), self._problems, self._auth]

    def operation(self, request: web.Request) -> Operation | None:
        """The spec operation a request was routed to (None for the fake's own file host)."""
        return self._operations.get(request.match_info.route)

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Counts every request but those reading the stats; keeps it if `record_requests`."""
        resource = request.match_info.route.resource
        route = resource.canonical.removeprefix(API_PREFIX) if resource else "(no route)"
        if route == STATS_PATH:
            return await handler(request)
        if self.record_requests:
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query=dict(request.query),
                    headers=CIMultiDictProxy(CIMultiDict(request.headers)),
                    body=await request.read(),
                )
            )
        with self.store.lock:  # stats() may be read from another thread
            self._by_route[f"{request.method} {route}"] += 1
        response = await handler(request)
        with self.store.lock:
            self._by_status[response.status] += 1
        return response

    @web.middleware
    async def _problems(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Errors as FastAPI (Starlette) words them where the spec is silent."""
        try:
            return await handler(request)
        except HTTPProblem as problem:
            return reply({"detail": problem.detail}, status=problem.status)
        except web.HTTPNotFound:
            return await self._slash_redirect(request) or reply({"detail": "Not Found"}, 404)
        except web.HTTPMethodNotAllowed as error:
            answer = reply({"detail": "Method Not Allowed"}, status=405)
            answer.headers["Allow"] = ", ".join(sorted(error.allowed_methods))
            return answer

    async def _slash_redirect(self, request: web.Request) -> web.Response | None:
        """Starlette's `redirect_slashes`: a path that routes once its trailing slash is
        added or removed (with any method) answers 307 to that path, query kept."""
        path = request.rel_url.raw_path
        other = path[:-1] if path.endswith("/") else f"{path}/"
        if not other.strip("/"):
            return None
        from aiohttp.test_utils import make_mocked_request  # noqa: PLC0415 (30 ms, rarely needed)

        # A shell of the request: `clone` refuses one whose body was read (any POST or PATCH).
        probe = make_mocked_request(request.method, other, app=self.app)
        match = await self.app.router.resolve(probe)
        if isinstance(match.http_exception, web.HTTPNotFound):
            return None
        query = request.rel_url.raw_query_string
        location = f"{request.url.origin()}{other}" + (f"?{query}" if query else "")
        return web.Response(status=307, headers={"Location": location})

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        operation = self.operation(request)
        secured = operation is not None and operation.secured
        if secured and request.headers.get("X-Browser-Use-API-Key") != self.api_key:
            raise HTTPProblem(401, "Invalid or missing API key")
        return await handler(request)

    # -- what happened, for tests and benchmarks ------------------------------------------------

    @property
    def v4_base_url(self) -> str:
        """Where API v4 is served: `base_url` with `/api/v4` for `/api/v2`."""
        return self.base_url.removesuffix(API_PREFIX) + V4_PREFIX

    @property
    def stats_url(self) -> str:
        """Where `GET` answers `stats()` as JSON (no API key), outside the API's paths."""
        return self.base_url.removesuffix(API_PREFIX) + STATS_PATH

    def stats(self) -> JSON:
        """Counts since the start: `requestsByRoute` ("POST /tasks", "GET /tasks/{task_id}",
        "GET /api/v4/runs/{run_id}", "GET /fake/blobs/{token}", ...; the stats' own reads are
        not counted), `responsesByStatus` ("202", "429", ...), `tasksByStatus`,
        `runsByStatus` (v4), `activeSessions`, `peakActiveSessions` and `maxActiveSessions`
        (None: unlimited), and `spentUsd`."""
        with self.store.lock:
            store = self._fresh()
            statuses = collections.Counter(task["status"] for task in store.tasks.values())
            runs = collections.Counter(run["status"] for run in store.v4.runs.values())
            return {
                "activeSessions": store.active_sessions(),
                "peakActiveSessions": store.peak_active_sessions,
                "maxActiveSessions": store.max_active_sessions,
                "tasksByStatus": dict(statuses),
                "runsByStatus": dict(runs),
                "requestsByRoute": dict(self._by_route),
                "responsesByStatus": {str(code): n for code, n in sorted(self._by_status.items())},
                "spentUsd": str(store.spent),
            }

    @property
    def peak_active_sessions(self) -> int:
        """The most sessions and browsers that were active at once, since the fake started or
        `reset_peak()`: a test can check that its code never went past `max_active_sessions`."""
        with self.store.lock:
            return self.store.peak_active_sessions

    def reset_peak(self) -> None:
        """Start `peak_active_sessions` again from the sessions active now."""
        with self.store.lock:
            self._fresh().reset_peak()

    # -- the state, brought up to the clock's time ----------------------------------------------

    def _fresh(self) -> Store:
        refresh(self.store)
        return self.store

    @property
    def tasks(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().tasks

    @property
    def sessions(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().sessions

    @property
    def profiles(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().profiles

    @property
    def browsers(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().browsers

    @property
    def skills(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().skills

    @property
    def marketplace(self) -> dict[uuid.UUID, JSON]:
        return self._fresh().marketplace

    @property
    def account(self) -> JSON:
        return self._fresh().account

    @property
    def uploads(self) -> list[UploadedFile]:
        return self.store.uploads

    @property
    def default_scenario(self) -> TaskScenario:
        """How tasks created through `POST /tasks` run, unless `scenarios` names the prompt."""
        return self.store.default_scenario

    @default_scenario.setter
    def default_scenario(self, scenario: TaskScenario) -> None:
        self.store.default_scenario = scenario

    @property
    def scenarios(self) -> dict[str, TaskScenario]:
        """Scenarios for `POST /tasks` by the exact task prompt."""
        return self.store.scenarios

    @property
    def max_active_sessions(self) -> int | None:
        """Beyond this many active sessions and browsers, creating one answers 429."""
        return self.store.max_active_sessions

    @max_active_sessions.setter
    def max_active_sessions(self, limit: int | None) -> None:
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise InvalidArgumentError(
                f"max_active_sessions must be an int >= 0 or None, got {shown(limit)}"
            )
        self.store.max_active_sessions = limit

    @property
    def spend_limit(self) -> decimal.Decimal | None:
        """The API key's monthly spend limit in USD. Once the fake has billed that much (its
        month never ends), creating a task, session or browser answers the 402
        `api_key_monthly_spend_limit_reached` with `cap` and `spent`."""
        return self.store.spend_limit

    @spend_limit.setter
    def spend_limit(self, cap: decimal.Decimal | int | float | str | None) -> None:
        self.store.spend_limit = None if cap is None else _amount("spend_limit", cap)

    @property
    def skill_generation_seconds(self) -> float:
        """How long, in fake time, generating or refining a skill takes."""
        return self.store.skill_generation_seconds

    @skill_generation_seconds.setter
    def skill_generation_seconds(self, seconds: float) -> None:
        self.store.skill_generation_seconds = seconds

    # -- shaping the state from a test ----------------------------------------------------------

    def seed(self, seed: object, *, source: str = "seed") -> None:
        """Add the state a seed describes (parsed JSON; see the README), or raise
        `SeedError` naming each bad place in it (`source` names the seed there)."""
        apply_seed(self.store, seed, source)

    def advance(self, seconds: float) -> None:
        """Move the fake clock forward, and everything that runs on it."""
        self.clock.advance(seconds)
        self._fresh()

    def create_session(self, *, keep_alive: bool = True) -> uuid.UUID:
        """An active agent session, as `POST /sessions` makes it."""
        with self.store.lock:
            return uuid.UUID(open_session(self.store, keep_alive=keep_alive)["id"])

    def create_task(
        self,
        task: str = "Find the weather in Zurich",
        *,
        steps: int = 0,
        scenario: TaskScenario | None = None,
        session_id: uuid.UUID | None = None,
        metadata: dict[str, str] | None = None,
    ) -> uuid.UUID:
        """A task that is already `started` with `steps` steps done, in a new session
        (or `session_id`'s); from there it follows `scenario` on the fake clock."""
        with self.store.lock:
            refresh(self.store)
            if session_id is None:
                session = open_session(self.store, keep_alive=False)
            else:
                session = self.store.sessions[session_id]
            body: JSON = {"task": task, "metadata": metadata or {}}
            chosen = scenario or self.store.default_scenario
            row = start_task(self.store, session, body, scenario=chosen, running=True, done=steps)
            return uuid.UUID(row["id"])

    def add_steps(self, task_id: uuid.UUID, count: int = 1) -> None:
        """Append `count` agent steps to a task now."""
        with self.store.lock:
            plan = self.store.task_plans.get(task_id)
            cost = (
                plan.scenario.cost_per_step if plan else self.store.default_scenario.cost_per_step
            )
            for _ in range(count):
                add_step(self.store.tasks[task_id], cost, plan)

    def add_download(self, browser_id: uuid.UUID, path: str, data: bytes) -> None:
        """A file the browser session downloaded, as `GET /browsers/{id}/downloads` lists it."""
        with self.store.lock:
            files = self.store.downloads.setdefault(browser_id, [])
            self.store.add_blob(
                "application/octet-stream", data, download_token(browser_id, len(files))
            )
            row = {
                "path": path,
                "size": len(data),
                "lastModified": iso(self.clock.now()),
                "url": None,
            }
            files.append(row)


def _amount(name: str, value: object) -> decimal.Decimal:
    """A USD amount given as a Decimal, int, float or decimal string, checked when it is set
    (an amount the fake cannot compare would only fail, as a 500, at the next create)."""
    amount = None
    if isinstance(value, decimal.Decimal | int | float | str) and not isinstance(value, bool):
        with contextlib.suppress(decimal.InvalidOperation):
            amount = decimal.Decimal(str(value))
    if amount is None or not amount.is_finite() or amount < 0:
        raise InvalidArgumentError(
            f"{name} must be a finite amount >= 0 or None, got {shown(value)}"
        )
    return amount
