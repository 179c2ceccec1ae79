"""The fake cloud's in-memory store: wire-shaped rows, the clock, and what tests can tune."""

import datetime as dt
import decimal
import secrets
import threading
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from browser_use_async.testing._clock import FakeClock
from browser_use_async.testing._v4.state import V4State
from browser_use_async.testing._wakes import Wakes

__all__ = ["Blob", "Presigned", "Store", "TaskPlan", "TaskScenario", "UploadedFile"]

JSON = dict[str, Any]
UNLIMITED_SESSIONS = 1000


@attrs.frozen
class TaskScenario:
    """How a task runs on the fake clock.

    It is `created`, `started` after `start_delay` seconds, gains a step every
    `step_interval` seconds, and ends one interval after its last of `steps` steps:
    `finished` with `output` (by default a value that fits the task's structured output
    schema, or else "Done: <task>"), `isSuccess` true and `output_files` (name -> bytes), or, with
    `fail=True`, `failed` with `error` as its output. Each step costs `cost_per_step` USD.
    """

    steps: int = 3
    start_delay: float = 0.5
    step_interval: float = 1.0
    fail: bool = False
    output: str | None = None
    error: str = "The agent could not complete the task."
    output_files: Mapping[str, bytes] = attrs.field(factory=dict[str, bytes])
    cost_per_step: str = "0.01"


@attrs.frozen
class TaskPlan:
    """A task's timeline: it starts at `started` and runs `steps` steps of `scenario`, from
    the `start_url` it was created with, if any; `output_schema` is the structured output it
    was created with, if any."""

    scenario: TaskScenario
    started: dt.datetime
    steps: int
    judge: bool = False
    start_url: str | None = None
    output_schema: str | None = None


@attrs.frozen
class UploadedFile:
    """A file uploaded through a presigned URL: `kind` is "sessions" or "browsers"."""

    kind: str
    session_id: uuid.UUID
    file_name: str
    content_type: str
    data: bytes


@attrs.frozen
class Presigned:
    kind: str
    session_id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    expires: dt.datetime


@attrs.frozen
class Blob:
    content_type: str
    data: bytes


def _account() -> JSON:
    return {
        "name": "Fake Cloud Account",
        "totalCreditsBalanceUsd": 100.0,
        "monthlyCreditsBalanceUsd": 20.0,
        "additionalCreditsBalanceUsd": 80.0,
        "rateLimit": 10,
        "planInfo": {
            "planName": "Fake",
            "subscriptionStatus": "active",
            "subscriptionId": None,
            "subscriptionCurrentPeriodEnd": None,
            "subscriptionCanceledAt": None,
        },
        "isFreeTier": False,
        "projectId": str(uuid.uuid4()),
        "apiKeyId": str(uuid.uuid4()),
        "tracingDisabled": False,
    }


def _still_active(live: dict[uuid.UUID, JSON]) -> dict[uuid.UUID, JSON]:
    """`live`, less the rows that are no longer active."""
    for key in [key for key, row in live.items() if row["status"] != "active"]:
        del live[key]
    return live


def _active_rows(table: dict[uuid.UUID, JSON]) -> dict[uuid.UUID, JSON]:
    return {key: row for key, row in table.items() if row["status"] == "active"}


class Store:
    """Every row the fake serves, keyed by UUID, in the API's own camelCase shapes.

    Handlers run under `lock`, so tests in another thread may read and change rows too.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.tasks: dict[uuid.UUID, JSON] = {}
        self.sessions: dict[uuid.UUID, JSON] = {}
        self.shares: dict[uuid.UUID, JSON] = {}
        self.profiles: dict[uuid.UUID, JSON] = {}
        self.browsers: dict[uuid.UUID, JSON] = {}
        self.downloads: dict[uuid.UUID, list[JSON]] = {}
        self.skills: dict[uuid.UUID, JSON] = {}
        self.skill_versions: dict[uuid.UUID, list[JSON]] = {}
        self.executions: dict[uuid.UUID, JSON] = {}
        self.marketplace: dict[uuid.UUID, JSON] = {}
        self.account: JSON = _account()
        self.uploads: list[UploadedFile] = []
        self.presigned: dict[str, Presigned] = {}
        self.blobs: dict[str, Blob] = {}
        self.default_scenario = TaskScenario()
        self.scenarios: dict[str, TaskScenario] = {}
        self.max_active_sessions: int | None = None
        self.spend_limit: decimal.Decimal | None = None
        self.spent = decimal.Decimal(0)  # billed so far: the fake's month never ends
        self.skill_generation_seconds = 30.0
        # Timelines that drive rows on the clock; never sent on the wire.
        self.task_plans: dict[uuid.UUID, TaskPlan] = {}
        self.wakes: Wakes[uuid.UUID] = Wakes()  # when a planned task next changes
        self.skill_jobs: dict[uuid.UUID, dt.datetime] = {}
        # Indexes, so that a request costs the same after 10 tasks or 10,000: the sessions and
        # browsers that were active when last looked at (dropped once seen stopped), and the
        # ids of each session's tasks, by the session id as rows spell it. Rows stored or
        # deleted other than through `add_*` (a seed, a test writing `fake.sessions`) change
        # the tables' sizes, and the indexes are then rebuilt.
        self.live_sessions: dict[uuid.UUID, JSON] = {}
        self.live_browsers: dict[uuid.UUID, JSON] = {}
        self.session_tasks: dict[str, list[uuid.UUID]] = {}
        self._indexed = (0, 0, 0)
        self._peak = 0
        self.v4 = V4State()

    def now(self) -> dt.datetime:
        return self.clock.now()

    def add_blob(self, content_type: str, data: bytes, token: str | None = None) -> str:
        token = token or secrets.token_urlsafe(16)
        self.blobs[token] = Blob(content_type, data)
        return token

    def active_sessions(self) -> int:
        """Active sessions and browsers, and v4 runs not yet ended: a look at those that were
        active, not at every row."""
        self._check_indexes()
        live = len(_still_active(self.live_sessions)) + len(_still_active(self.live_browsers))
        return live + self.v4.active_runs()

    def active_browsers(self) -> list[JSON]:
        self._check_indexes()
        return list(_still_active(self.live_browsers).values())

    @property
    def peak_active_sessions(self) -> int:
        """The most sessions and browsers active at once since the start or `reset_peak`."""
        self._check_indexes()
        return self._peak

    def reset_peak(self) -> None:
        self._peak = self.active_sessions()

    def add_session(self, row: JSON) -> None:
        key = uuid.UUID(row["id"])
        self._check_indexes()
        self.sessions[key] = self.live_sessions[key] = row
        self._opened()

    def add_browser(self, row: JSON) -> None:
        key = uuid.UUID(row["id"])
        self._check_indexes()
        self.browsers[key] = self.live_browsers[key] = row
        self._opened()

    def add_task(self, row: JSON) -> None:
        key = uuid.UUID(row["id"])
        self._check_indexes()
        self.tasks[key] = row
        self.session_tasks.setdefault(row["sessionId"], []).append(key)
        self._stored()

    def tasks_of(self, session_id: str) -> list[uuid.UUID]:
        """The ids of a session's tasks, oldest made first."""
        self._check_indexes()
        return [key for key in self.session_tasks.get(session_id, ()) if key in self.tasks]

    def _stored(self) -> None:
        """A row was stored through `add_*`: the indexes still match the tables."""
        self._indexed = (len(self.sessions), len(self.browsers), len(self.tasks))

    def _opened(self) -> None:
        """Sessions only become active here (or in a rebuild): the peak is always current."""
        self._stored()
        self.opened()

    def opened(self) -> None:
        """Something active was added (a session, a browser, a v4 run): keep the peak."""
        self._peak = max(self._peak, self.active_sessions())

    def _check_indexes(self) -> None:
        if self._indexed != (len(self.sessions), len(self.browsers), len(self.tasks)):
            self.live_sessions = _active_rows(self.sessions)
            self.live_browsers = _active_rows(self.browsers)
            self.session_tasks = {}
            for key, task in self.tasks.items():
                self.session_tasks.setdefault(task["sessionId"], []).append(key)
            self._opened()

    def account_view(self) -> JSON:
        """`GET /billing/account`: the account with its live session count and limit (with
        no `max_active_sessions`, the fake limits nothing and reports UNLIMITED_SESSIONS)."""
        limit = self.max_active_sessions
        return {
            **self.account,
            "concurrentSessionLimit": UNLIMITED_SESSIONS if limit is None else limit,
            "activeSessionCount": self.active_sessions(),
        }

    def balance(self) -> float:
        return float(self.account["totalCreditsBalanceUsd"])

    def charge(self, usd: decimal.Decimal | str) -> None:
        """Take `usd` from the monthly credits first, then from the additional ones."""
        self.spent += decimal.Decimal(usd)
        amount = float(usd)
        monthly = float(self.account["monthlyCreditsBalanceUsd"])
        from_monthly = min(max(monthly, 0.0), amount)
        self.account["monthlyCreditsBalanceUsd"] = round(monthly - from_monthly, 6)
        additional = float(self.account["additionalCreditsBalanceUsd"]) - (amount - from_monthly)
        self.account["additionalCreditsBalanceUsd"] = round(additional, 6)
        total = self.account["monthlyCreditsBalanceUsd"] + additional
        self.account["totalCreditsBalanceUsd"] = round(total, 6)
