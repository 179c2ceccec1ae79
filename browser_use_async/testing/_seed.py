"""Seeding the fake cloud from JSON, so that users of any HTTP client can set up its state.

A seed is an object whose parts (all optional) are rows in the API's own camelCase shapes,
with every field the API would send left out filled in: `account`, `settings`,
`defaultScenario`, `scenarios`, `profiles`, `sessions`, `tasks`, `browsers`, `skills` and
`marketplace` (see the README). Rows are checked against the spec's view schemas and
their references against each other; a bad seed raises `SeedError` naming every place
that is wrong (`tasks[0].status: ...`), and nothing is changed.
"""

import base64
import binascii
import copy
import datetime as dt
import functools
import json
import math
import operator
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from browser_use_async.testing._agent import agent_step
from browser_use_async.testing._clock import iso
from browser_use_async.testing._routes.browsers import download_token
from browser_use_async.testing._schema import Issue
from browser_use_async.testing._spec import load_spec, validator
from browser_use_async.testing._state import Store, TaskScenario

__all__ = ["SeedError", "apply_seed", "read_seed"]

JSON = dict[str, Any]
Loc = tuple[str | int, ...]
TERMINAL = ("finished", "failed", "stopped")

# File contents: UTF-8 text, or {"base64": "..."} for any bytes.
CONTENT: JSON = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"base64": {"type": "string"}},
            "required": ["base64"],
            "additionalProperties": False,
        },
    ]
}
SCENARIO: JSON = {
    "type": "object",
    "properties": {
        "steps": {"type": "integer", "minimum": 0},
        "startDelay": {"type": "number", "minimum": 0},
        "stepInterval": {"type": "number", "minimum": 0},
        "fail": {"type": "boolean"},
        "output": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "error": {"type": "string"},
        "outputFiles": {"type": "object", "additionalProperties": CONTENT},
        "costPerStep": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
    },
    "additionalProperties": False,
}
SETTINGS: JSON = {
    "type": "object",
    "properties": {
        "maxActiveSessions": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
        "skillGenerationSeconds": {"type": "number", "minimum": 0},
    },
    "additionalProperties": False,
}


class SeedError(ValueError):
    """A seed that does not describe a valid state; the message names each bad place."""


def read_seed(path: str | Path) -> Any:
    """The JSON in `path`, or a `SeedError` saying why it cannot be read."""
    try:
        text = Path(path).read_text("utf-8-sig")  # a BOM, as some editors write, is no JSON
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError(f"{path}: cannot read the seed file: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise SeedError(f"{path}: not JSON ({where}): {error.msg}") from None
    except RecursionError:
        raise SeedError(f"{path}: not JSON: nested too deeply") from None


def where(loc: Loc | list[str | int]) -> str:
    """`("tasks", 0, "steps", 1)` as `tasks[0].steps[1]`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "(the whole seed)"


class _Builder:
    """Turns a seed into rows, collecting every problem before anything is stored."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.now = iso(store.now())
        self.problems: list[str] = []
        self.schemas: JSON = load_spec()["components"]["schemas"]
        self.actions: list[Callable[[], object]] = []  # run only once the seed is all valid
        self.ids: set[uuid.UUID] = set()
        self.sessions: set[str] = set()

    def later(self, action: Callable[[], object]) -> None:
        self.actions.append(action)

    def put(self, table: dict[uuid.UUID, JSON], row: JSON, loc: Loc) -> uuid.UUID:
        """Store `row` under its id (later); its id, which must be new."""
        text = str(row.get("id"))
        try:
            key = uuid.UUID(text)
        except ValueError:  # reported by the schema check
            key = uuid.uuid4()
        if key in self.ids:  # in any spelling: upper case, braces, no dashes
            self.problem((*loc, "id"), f"the id {text} is used twice")
        self.ids.add(key)
        self.later(functools.partial(operator.setitem, table, key, row))
        return key

    def blob(self, token: str, data: bytes, kind: str = "application/octet-stream") -> None:
        self.later(functools.partial(self.store.add_blob, kind, data, token))

    def problem(self, loc: Loc, message: str) -> None:
        self.problems.append(f"{where(loc)}: {message}")

    def check(self, schema: JSON, value: object, loc: Loc) -> Any:
        checked, issues = validator().check(schema, value, loc)
        for issue in issues:
            self._report(issue)
        return checked

    def _report(self, issue: Issue) -> None:
        try:
            shown = json.dumps(issue["input"], default=repr)  # Python callers' own objects
        except (ValueError, RecursionError):
            shown = repr(issue["input"])[:60]
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        message = issue["msg"] if issue["type"] == "missing" else f"{issue['msg']} (got {shown})"
        self.problems.append(f"{where(issue['loc'])}: {message}")

    def items(self, seed: JSON, name: str) -> list[tuple[Loc, JSON]]:
        """The objects of the list `seed[name]`, each with its place."""
        rows = seed.get(name, [])
        if not isinstance(rows, list):
            self.problem((name,), "should be a list of objects")
            return []
        found: list[tuple[Loc, JSON]] = []
        for index, row in enumerate(typing.cast(list[object], rows)):
            if isinstance(row, dict):
                found.append(((name, index), typing.cast(JSON, row)))
            else:
                self.problem((name, index), f"should be an object (got {row!r:.40})")
        return found

    def row(self, view: str, given: JSON, loc: Loc, base: JSON, extra: tuple[str, ...]) -> JSON:
        """`given` over `base` over blanks for every field of `view`, checked against it.

        Keys in `extra` are the seed's own (contents, nested rows): the caller reads them.
        """
        schema = self.schemas[view]
        known = schema["properties"]
        for key in given:
            if key not in known and key not in extra:
                self.problem((*loc, key), f"unknown field (a {view} has {', '.join(known)})")
        fields = {key: value for key, value in given.items() if key in known}
        merged = {**_blanks(self.schemas, schema), **base, **fields}
        checked = self.check(schema, merged, loc)
        row = typing.cast(JSON, checked) if isinstance(checked, dict) else merged
        for name in _date_times(self.schemas, schema):
            if isinstance(row.get(name), str):
                row[name] = _utc(row[name])
        return row

    def content(self, value: object, loc: Loc) -> bytes:
        self.check(CONTENT, value, loc)
        if isinstance(value, str):
            return value.encode()
        text = typing.cast(JSON, value).get("base64") if isinstance(value, dict) else None
        if isinstance(text, str):
            try:
                return base64.b64decode(text, validate=True)
            except binascii.Error:
                self.problem((*loc, "base64"), "not valid base64")
        return b""

    def scenario(self, given: object, loc: Loc) -> TaskScenario:
        self.check(SCENARIO, given, loc)
        if not isinstance(given, dict):
            return TaskScenario()
        pairs = typing.cast(JSON, given).items()
        fields = {_snake(key): value for key, value in pairs if key in SCENARIO["properties"]}
        files = fields.pop("output_files", {})
        named = typing.cast(JSON, files) if isinstance(files, dict) else {}
        fields["output_files"] = {
            name: self.content(data, (*loc, "outputFiles", name)) for name, data in named.items()
        }
        try:
            return TaskScenario(**fields)
        except TypeError:  # a wrong type, already reported
            return TaskScenario()


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _options(schemas: JSON, declared: JSON) -> list[JSON]:
    """The alternatives a property allows, `$ref`s resolved."""
    prop = declared
    while "$ref" in prop:
        prop = schemas[prop["$ref"].rsplit("/", 1)[-1]]
    return typing.cast(list[JSON], prop.get("anyOf", [prop]))


def _date_times(schemas: JSON, schema: JSON) -> list[str]:
    properties: JSON = schema["properties"]
    return [
        name
        for name, declared in properties.items()
        if any(option.get("format") == "date-time" for option in _options(schemas, declared))
    ]


def _utc(text: str) -> str:
    """A seeded date-time as the fake writes its own (UTC, with `Z`); naive ones are UTC."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:  # reported by the schema check
        return text
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))


def _non_finite(seed: object) -> list[Loc]:
    """Where `seed` holds NaN or an infinity (Python's json reads them; JSON has neither,
    and the fake's answers must be JSON)."""
    found: list[Loc] = []
    seen: set[int] = set()
    stack: list[tuple[Loc, object]] = [((), seed)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(loc)
            continue
        if id(value) in seen:
            continue  # a container already walked (a cycle, say)
        if isinstance(value, dict):
            seen.add(id(typing.cast(object, value)))
            pairs = typing.cast(dict[object, object], value).items()
            stack.extend(((*loc, str(key)), item) for key, item in pairs)
        elif isinstance(value, list):
            items = typing.cast(list[object], value)
            seen.add(id(items))
            stack.extend(((*loc, index), item) for index, item in enumerate(items))
    return found


def _blanks(schemas: JSON, schema: JSON) -> JSON:
    """A value for the fields a seed may leave out: the default, else null where null is
    allowed, else an empty list, object or false. Required text and numbers stay missing."""
    empty: dict[str, Callable[[], object]] = {"array": list, "object": dict, "boolean": bool}
    blank: JSON = {}
    for name, declared in schema["properties"].items():
        prop = declared
        while "$ref" in prop:
            prop = schemas[prop["$ref"].rsplit("/", 1)[-1]]
        options = prop.get("anyOf", [prop])
        kind = options[0].get("type", "object" if "properties" in options[0] else None)
        if "default" in prop:
            blank[name] = copy.deepcopy(prop["default"])
        elif any(option.get("type") == "null" for option in options):
            blank[name] = None
        elif kind in empty:
            blank[name] = empty[kind]()
    return blank


def apply_seed(store: Store, seed: object, source: str = "seed") -> None:
    """Add what `seed` describes to the fake's state, or raise `SeedError` (nothing added)."""
    if not isinstance(seed, dict):
        raise SeedError(f"{source}: a seed is a JSON object (got {type(seed).__name__})")
    b = _Builder(store)
    given = typing.cast(JSON, seed)
    for key in given:
        if key not in PARTS:
            b.problem((key,), f"unknown part of a seed (the parts are {', '.join(PARTS)})")
    for loc in _non_finite(given):
        b.problem(loc, "not a finite number (JSON has no NaN or Infinity)")
    for stage in (_account, _settings, _scenarios, _profiles, _sessions, _tasks):
        stage(b, given)
    for stage in (_browsers, _skills, _marketplace):
        stage(b, given)
    if b.problems:
        shown = b.problems[:20]
        more = len(b.problems) - len(shown)
        lines = "\n".join(f"  {source}: {line}" for line in shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise SeedError(f"{source}: the seed is not valid:\n{lines}{tail}")
    with store.lock:
        for action in b.actions:
            action()


PARTS = (
    "account",
    "settings",
    "defaultScenario",
    "scenarios",
    "profiles",
    "sessions",
    "tasks",
    "browsers",
    "skills",
    "marketplace",
)


def _account(b: _Builder, seed: JSON) -> None:
    if "account" not in seed:
        return
    given, current = seed["account"], b.store.account
    if not isinstance(given, dict):
        b.problem(("account",), "should be an object")
        return
    fields = typing.cast(JSON, given)
    if isinstance(fields.get("planInfo"), dict):
        fields = {**fields, "planInfo": {**current["planInfo"], **fields["planInfo"]}}
    if "activeSessionCount" in fields:
        b.problem(
            ("account", "activeSessionCount"), "counted from the active sessions and browsers"
        )
    account = b.row("AccountView", fields, ("account",), b.store.account_view(), ())
    limit = account.pop("concurrentSessionLimit")  # the fake's max_active_sessions
    account.pop("activeSessionCount")
    if "concurrentSessionLimit" in fields:
        b.later(functools.partial(setattr, b.store, "max_active_sessions", limit))
    b.later(functools.partial(current.update, account))


def _settings(b: _Builder, seed: JSON) -> None:
    checked = b.check(SETTINGS, seed.get("settings", {}), ("settings",))
    if not isinstance(checked, dict):
        return
    settings = typing.cast(JSON, checked)
    if "maxActiveSessions" in settings:
        limit = settings["maxActiveSessions"]
        b.later(functools.partial(setattr, b.store, "max_active_sessions", limit))
    if "skillGenerationSeconds" in settings:
        seconds = settings["skillGenerationSeconds"]
        b.later(functools.partial(setattr, b.store, "skill_generation_seconds", seconds))


def _scenarios(b: _Builder, seed: JSON) -> None:
    if "defaultScenario" in seed:
        default = b.scenario(seed["defaultScenario"], ("defaultScenario",))
        b.later(functools.partial(setattr, b.store, "default_scenario", default))
    scenarios = seed.get("scenarios", {})
    if not isinstance(scenarios, dict):
        b.problem(("scenarios",), "should be an object: task prompt -> scenario")
        return
    pairs = typing.cast(JSON, scenarios).items()
    chosen = {prompt: b.scenario(given, ("scenarios", prompt)) for prompt, given in pairs}
    b.later(functools.partial(b.store.scenarios.update, chosen))


def _profiles(b: _Builder, seed: JSON) -> None:
    for loc, given in b.items(seed, "profiles"):
        base: JSON = {"id": str(uuid.uuid4()), "createdAt": b.now, "updatedAt": b.now}
        base["cookieDomains"] = []
        profile = b.row("ProfileView", given, loc, base, ())
        b.put(b.store.profiles, profile, loc)


def _sessions(b: _Builder, seed: JSON) -> None:
    for loc, given in b.items(seed, "sessions"):
        session_id = str(given.get("id") or uuid.uuid4())
        active = given.get("status", "active") == "active"
        base = {
            "id": session_id,
            "status": "active",
            "liveUrl": f"https://live.example.com/sessions/{session_id}" if active else None,
            "startedAt": b.now,
            "finishedAt": None if active else b.now,
            "persistMemory": True,
            "keepAlive": True,
        }
        session = b.row("SessionItemView", given, loc, base, ("publicShare",))
        key = b.put(b.store.sessions, session, loc)
        session["publicShareUrl"] = None
        if "publicShare" in given:
            token = f"share-{key.hex[:12]}"
            share_base = {
                "shareToken": token,
                "shareUrl": f"https://share.example.com/{token}",
                "viewCount": 0,
            }
            share = b.row("ShareView", given["publicShare"], (*loc, "publicShare"), share_base, ())
            session["publicShareUrl"] = share["shareUrl"]
            b.later(functools.partial(operator.setitem, b.store.shares, key, share))
        b.sessions.add(session["id"])


def _own_session(b: _Builder, task: JSON) -> str:
    """A session for a seeded task that names none, ended if the task has ended."""
    session_id = str(uuid.uuid4())
    ended = task.get("status", "finished") in TERMINAL
    live = f"https://live.example.com/sessions/{session_id}"
    row: JSON = {
        "id": session_id,
        "status": "stopped" if ended else "active",
        "liveUrl": None if ended else live,
        "recordingUrl": None,
        "startedAt": task.get("createdAt", b.now),
        "finishedAt": task.get("finishedAt", b.now) if ended else None,
        "persistMemory": True,
        "keepAlive": False,
        "proxyUsedMb": "0",
        "proxyCost": "0",
        "publicShareUrl": None,
    }
    b.later(functools.partial(operator.setitem, b.store.sessions, uuid.UUID(session_id), row))
    return session_id


def _output_files(b: _Builder, given: object, loc: Loc) -> object:
    """Output files as a task lists them; their contents become downloadable blobs."""
    if not isinstance(given, list):
        return given
    rows: list[object] = []
    for index, file in enumerate(typing.cast(list[object], given)):
        if not isinstance(file, dict):
            rows.append(file)
            continue
        row: JSON = {"id": str(uuid.uuid4()), **typing.cast(JSON, file)}
        if "content" not in row:
            b.problem((*loc, index), "an output file needs its `content`")
        data = b.content(row.pop("content", ""), (*loc, index, "content"))
        b.blob(str(row["id"]), data)
        rows.append(row)
    return rows


def _tasks(b: _Builder, seed: JSON) -> None:
    for loc, given in b.items(seed, "tasks"):
        task_id = str(given.get("id") or uuid.uuid4())
        status = given.get("status", "finished")
        session_id = given.get("sessionId")
        if session_id is None:
            session_id = _own_session(b, given)
        elif str(session_id) not in b.sessions:
            b.problem((*loc, "sessionId"), f"no session {session_id} in the seed's sessions")
        steps: object = given.get("steps", [])
        if isinstance(steps, list):
            steps = [
                {**_step(task_id, str(given.get("task", "")), number), **typing.cast(JSON, step)}
                if isinstance(step, dict)
                else step
                for number, step in enumerate(typing.cast(list[object], steps), 1)
            ]
        files = _output_files(b, given.get("outputFiles", []), (*loc, "outputFiles"))
        ended = status in TERMINAL
        base = {
            "id": task_id,
            "sessionId": str(session_id),
            "llm": "browser-use-2.0",
            "status": status,
            "createdAt": b.now,
            "startedAt": None if status == "created" else given.get("createdAt", b.now),
            "finishedAt": b.now if ended else None,
            "browserUseVersion": "0.9.0",
            "isSuccess": {"finished": True, "failed": False}.get(str(status)),
            "cost": "0",
        }
        task = b.row("TaskView", {**given, "steps": steps, "outputFiles": files}, loc, base, ())
        b.put(b.store.tasks, task, loc)


def _browsers(b: _Builder, seed: JSON) -> None:
    for loc, given in b.items(seed, "browsers"):
        browser_id = str(given.get("id") or uuid.uuid4())
        active = given.get("status", "active") == "active"
        base = {
            "id": browser_id,
            "status": "active",
            "liveUrl": f"https://live.example.com/browsers/{browser_id}" if active else None,
            "cdpUrl": f"wss://cdp.example.com/browsers/{browser_id}" if active else None,
            "timeoutAt": iso(b.store.now() + dt.timedelta(hours=1)),
            "startedAt": b.now,
            "finishedAt": None if active else b.now,
            "recordingAvailable": False,  # as `POST /browsers` without enableRecording
        }
        browser = b.row("BrowserSessionView", given, loc, base, ("downloads",))
        key = b.put(b.store.browsers, browser, loc)
        files: list[JSON] = []
        b.later(functools.partial(operator.setitem, b.store.downloads, key, files))
        for index, (place, file) in enumerate(b.items(given, "downloads")):
            file_loc = (*loc, *place)
            if "content" not in file:
                b.problem(file_loc, "a download needs its `content`")
            data = b.content(file.get("content", ""), (*file_loc, "content"))
            shown = {k: v for k, v in file.items() if k != "content"}
            known: JSON = {"size": len(data), "lastModified": b.now}
            files.append({**b.row("BrowserDownloadFile", shown, file_loc, known, ()), "url": None})
            b.blob(download_token(key, index), data)


def _skills(b: _Builder, seed: JSON) -> None:
    for loc, given in b.items(seed, "skills"):
        base = {
            "id": str(given.get("id") or uuid.uuid4()),
            "title": "A seeded skill",
            "status": "finished",
            "isEnabled": True,
            "currentVersion": 1,
            "createdAt": b.now,
            "updatedAt": b.now,
        }
        skill = b.row("SkillResponse", given, loc, base, ("executions",))
        key = b.put(b.store.skills, skill, loc)
        b.later(functools.partial(operator.setitem, b.store.skill_versions, key, [dict(skill)]))
        for place, run in b.items(given, "executions"):
            run_loc = (*loc, *place)
            run_base = {
                "id": str(run.get("id") or uuid.uuid4()),
                "skillId": skill["id"],
                "status": "completed",
                "success": True,
                "startedAt": b.now,
                "finishedAt": b.now,
                "latencyMs": 1200,
                "hasOutput": "output" in run,
            }
            shown = {k: v for k, v in run.items() if k != "output"}
            execution = b.row("SkillExecutionView", shown, run_loc, run_base, ())
            if execution["skillId"] != skill["id"]:
                b.problem((*run_loc, "skillId"), "an execution belongs to the skill it is under")
            run_key = b.put(b.store.executions, execution, run_loc)
            if "output" in run:
                output = json.dumps(run["output"]).encode()
                b.blob(f"execution-{run_key}", output, "application/json")


def _marketplace(b: _Builder, seed: JSON) -> None:
    if "marketplace" not in seed:
        return
    b.later(b.store.marketplace.clear)  # the two skills the fake starts with are replaced
    for loc, given in b.items(seed, "marketplace"):
        slug = str(given.get("slug", f"skill-{loc[1]}"))
        base = {
            "id": str(given.get("id") or uuid.uuid4()),
            "slug": slug,
            "title": slug,
            "currentVersion": 1,
            "isOfficial": True,
            "cloneCount": 0,
            "firstPublishedAt": b.now,
            "lastPublishedAt": b.now,
            "createdAt": b.now,
            "updatedAt": b.now,
        }
        b.put(b.store.marketplace, b.row("MarketplaceSkillResponse", given, loc, base, ()), loc)


def _step(task_id: str, prompt: str, number: int) -> JSON:
    return {
        **agent_step(prompt, number),
        "screenshotUrl": f"https://screenshots.example.com/{task_id}/{number}.png",
        "duration": 1.5,
    }
