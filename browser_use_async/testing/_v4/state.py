"""The fake cloud's API v4 state: runs, their events, sessions and their queues, workspaces.

Rows are wire-shaped camelCase dicts (a run is a `RunSummary`, an event a `RunEvent`, a queued
message a `QueuedMessage`, a workspace a `WorkspaceInfo`); what drives them on the clock
(`RunPlan`) and the indexes between them are kept beside the rows, never sent on the wire.
v4 browsers and profiles are v2's rows (`Store.browsers`, `Store.profiles`), not kept here.
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from browser_use_async.testing._wakes import Wakes

__all__ = ["DEFAULT_QUEUE_LIMIT", "PendingUpload", "RunPlan", "RunScenario", "V4State"]

JSON = dict[str, Any]
DEFAULT_QUEUE_LIMIT = 10


@attrs.frozen
class RunScenario:
    """How a v4 run goes on the fake clock (v2's `TaskScenario`, in v4's words).

    A run is `queued` when made, `dispatching` `queue_delay` seconds later, `running`
    `dispatch_delay` seconds after that (its browser is then ready), takes a step every
    `step_interval` seconds, and ends one interval after its last of `steps` steps:
    `completed` with `result` (default "Done: <task>") and `output_files` (name -> bytes,
    written to its workspace under `outputs/`), or with `fail=True` `failed` with `error`.
    Each step costs `cost_per_step` USD and `input_tokens_per_step` / `output_tokens_per_step`.
    """

    steps: int = 3
    queue_delay: float = 0.25
    dispatch_delay: float = 0.25
    step_interval: float = 1.0
    fail: bool = False
    result: str | None = None
    error: str = "The agent could not complete the task."
    cost_per_step: str = "0.01"
    input_tokens_per_step: int = 1200
    output_tokens_per_step: int = 150
    output_files: Mapping[str, bytes] = attrs.field(factory=dict[str, bytes])


@attrs.define
class RunPlan:
    """A run's timeline: made (or taken off its session's queue) at `start`, it follows
    `scenario` for `steps` steps, `done` of them so far; `reattached` when its session's
    browser was already up (a follow-up run)."""

    scenario: RunScenario
    start: dt.datetime
    steps: int
    reattached: bool
    judge: bool
    done: int = 0

    def dispatching(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.scenario.queue_delay)

    def running(self) -> dt.datetime:
        return self.dispatching() + dt.timedelta(seconds=self.scenario.dispatch_delay)

    def step_at(self, number: int) -> dt.datetime:
        """When step `number` (from 1) is taken; step `steps + 1` is the run's end."""
        return self.running() + dt.timedelta(seconds=number * self.scenario.step_interval)


@attrs.frozen
class PendingUpload:
    """A presigned workspace upload: the PUT must bring `size` bytes of `content_type`."""

    upload_id: uuid.UUID
    workspace_id: uuid.UUID
    path: str
    content_type: str
    size: int
    expires: dt.datetime


class V4State:
    """Every v4 row, by id; `Store.v4` holds one, under the store's lock."""

    def __init__(self) -> None:
        self.runs: dict[uuid.UUID, JSON] = {}
        self.events: dict[uuid.UUID, list[JSON]] = {}  # by run id, ids 1, 2, 3, ...
        # sessionId, workspaceId, title (None unless renamed), createdAt, maxCostUsd
        self.sessions: dict[uuid.UUID, JSON] = {}
        self.session_runs: dict[uuid.UUID, list[uuid.UUID]] = {}  # oldest first
        self.messages: dict[int, JSON] = {}  # every queued message ever, by its integer id
        self.queues: dict[uuid.UUID, list[int]] = {}  # by session: pending message ids, in order
        self.workspaces: dict[uuid.UUID, JSON] = {}
        self.files: dict[uuid.UUID, dict[str, JSON]] = {}  # by workspace, then path: file rows
        self.file_blobs: dict[tuple[uuid.UUID, str], str] = {}  # (workspace, path) -> blob token
        self.uploads: dict[str, PendingUpload] = {}  # by the token in the upload URL
        # Upload id -> its RunAttachment row, plus the workspaceId it was made for.
        self.attachments: dict[uuid.UUID, JSON] = {}
        self.shares: dict[uuid.UUID, JSON] = {}  # by session: SessionShareInfo
        self.extensions: dict[uuid.UUID, JSON] = {}  # ExtensionView
        self.connected: set[str] = set()  # integration providers connected
        self.default_scenario = RunScenario()
        self.scenarios: dict[str, RunScenario] = {}
        self.queue_limit = DEFAULT_QUEUE_LIMIT
        # Timelines that drive runs on the clock, and when each next changes (a heap).
        self.plans: dict[uuid.UUID, RunPlan] = {}
        self.wakes: Wakes[uuid.UUID] = Wakes()
        self.order: dict[uuid.UUID, int] = {}  # run id -> creation rank, for keyset cursors
        self.next_message_id = 1

    def active_runs(self) -> int:
        """Runs not yet ended: each holds a session of the account's concurrency."""
        return len(self.plans)

    def runs_of(self, session_id: uuid.UUID) -> list[JSON]:
        return [self.runs[key] for key in self.session_runs.get(session_id, ()) if key in self.runs]

    def latest_run(self, session_id: uuid.UUID) -> JSON | None:
        runs = self.runs_of(session_id)
        return runs[-1] if runs else None
