"""What a test reads and shapes of the fake's API v4 state (mixed into `FakeBrowserUseCloud`)."""

import datetime as dt
import uuid
from typing import Any

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async.testing._lifecycle import refresh
from browser_use_async.testing._state import Store
from browser_use_async.testing._v4.integrations import CATALOGUE
from browser_use_async.testing._v4.lifecycle import (
    emit,
    open_session,
    open_workspace,
    run_is_active,
    start_run,
)
from browser_use_async.testing._v4.sessions import session_info
from browser_use_async.testing._v4.state import RunScenario, V4State

__all__ = ["V4Helpers"]

JSON = dict[str, Any]


class V4Helpers:
    """The v4 half of the fake's test helpers; every read brings the state up to the clock."""

    store: Store

    def _v4(self) -> V4State:
        refresh(self.store)
        return self.store.v4

    @property
    def runs(self) -> dict[uuid.UUID, JSON]:
        """v4 runs by id, as `GET /runs/{id}` answers them (`RunSummary`)."""
        return self._v4().runs

    def run_events(self, run_id: uuid.UUID) -> list[JSON]:
        """A run's events so far (`RunEvent`s), oldest first."""
        return self._v4().events.get(run_id, [])

    @property
    def v4_sessions(self) -> dict[uuid.UUID, JSON]:
        """v4 sessions by id, as `GET /sessions/{id}` answers them (`SessionInfo`, a copy
        derived from each session's latest run)."""
        v4 = self._v4()
        return {
            key: session_info(v4, row) for key, row in v4.sessions.items() if v4.latest_run(key)
        }

    def queued_messages(self, session_id: uuid.UUID) -> list[JSON]:
        """Every message sent to a session's queue (`QueuedMessage`s, any status), oldest first."""
        v4 = self._v4()
        return [row for row in v4.messages.values() if row["sessionId"] == str(session_id)]

    @property
    def workspaces(self) -> dict[uuid.UUID, JSON]:
        """v4 workspaces by id (`WorkspaceInfo`)."""
        return self._v4().workspaces

    @property
    def run_scenarios(self) -> dict[str, RunScenario]:
        """Scenarios for v4 runs by the exact task text (also for queued follow-ups)."""
        return self.store.v4.scenarios

    @property
    def default_run_scenario(self) -> RunScenario:
        """How v4 runs go unless `run_scenarios` names their task."""
        return self.store.v4.default_scenario

    @default_run_scenario.setter
    def default_run_scenario(self, scenario: RunScenario) -> None:
        self.store.v4.default_scenario = scenario

    @property
    def v4_queue_limit(self) -> int:
        """How many pending messages a session's queue holds before `POST .../queue` answers 429."""
        return self.store.v4.queue_limit

    @v4_queue_limit.setter
    def v4_queue_limit(self, limit: int) -> None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise InvalidArgumentError(f"v4_queue_limit must be an int >= 0, got {shown(limit)}")
        self.store.v4.queue_limit = limit

    def create_run(
        self,
        task: str = "Find the weather in Zurich",
        *,
        scenario: RunScenario | None = None,
        session_id: uuid.UUID | None = None,
        steps: int = 0,
        model: str = "minimax-m3",
    ) -> uuid.UUID:
        """A v4 run, as `POST /runs` makes it (in a new session and workspace, or as a
        follow-up in `session_id`'s, which must be idle); with `steps`, one made earlier that
        is `running` with `steps` steps taken. From there it follows `scenario` (default: as
        `POST /runs` chooses) on the fake clock."""
        with self.store.lock:
            v4 = self._v4()
            if session_id is None:
                session = open_session(self.store, uuid.UUID(open_workspace(self.store)["id"]))
            elif session_id not in v4.sessions:
                raise InvalidArgumentError(f"no v4 session {session_id}")
            elif run_is_active(v4.latest_run(session_id)):
                raise InvalidArgumentError(f"v4 session {session_id} has a run not yet ended")
            else:
                session = v4.sessions[session_id]
            chosen = scenario or v4.scenarios.get(task, v4.default_scenario)
            at, count = self.store.now(), chosen.steps
            if steps:
                count = max(count, steps)
                run_for = chosen.queue_delay + chosen.dispatch_delay + steps * chosen.step_interval
                at -= dt.timedelta(seconds=run_for)
            body = {"task": task, "model": model}
            run = start_run(self.store, session, body, chosen, at, steps=count)
            return uuid.UUID(run["id"])

    def connect_integration(self, provider: str) -> None:
        """Connect an integration, as finishing its OAuth flow at `authorize`'s URL would."""
        with self.store.lock:
            if provider not in CATALOGUE:
                raise InvalidArgumentError(f"the fake has no integration {provider!r}")
            self.store.v4.connected.add(provider)

    def add_run_event(self, run_id: uuid.UUID, kind: str, data: JSON | None = None) -> JSON:
        """Append an event to a run now (e.g. one the fake never emits), and return it."""
        with self.store.lock:
            run = self._v4().runs[run_id]
            return emit(self.store.v4, run, kind, self.store.now(), data)
