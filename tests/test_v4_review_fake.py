"""A hostile review of the fake cloud's v4 side: the official v4 client works against it,
resource by resource; a sweep of valid and broken requests never gets a 5xx, and every
documented answer fits the spec with timezone-aware timestamps."""

import datetime as dt
import importlib
import random
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._spec import Operation, operations, validator
from browser_use_async.v4 import BrowserUse
from tests.fakecloud import Answer, Api
from tests.test_fake_v4_spec import CASES, FORM, extension_zip
from tests.test_fake_v4_spec import _world as world_of  # pyright: ignore[reportPrivateUsage]

JSON = dict[str, Any]
official_v4: Any = importlib.import_module("browser_use_sdk.v4")
official_models: Any = importlib.import_module("browser_use_sdk.generated.v4.models")


@pytest.fixture
async def official(fake: FakeBrowserUseCloud) -> AsyncIterator[Any]:
    client = official_v4.AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.v4_base_url, max_retries=0
    )
    yield client
    await client.close()


async def test_the_official_v4_client_works_against_the_fake(
    fake: FakeBrowserUseCloud, official: Any
) -> None:
    """Every method of the official v4 client's resources but `runs` (the runs helper's),
    called as its docstrings show: any failure is the fake's or the spec's."""
    o = official
    called: list[str] = []

    async def call(name: str, made: Awaitable[Any]) -> Any:
        called.append(name)
        return await made

    run = await o.runs.create(task="Find the news")
    sid = run.session_id
    await call("sessions.list", o.sessions.list(limit=5))
    await call("sessions.get", o.sessions.get(sid))
    await call("sessions.update", o.sessions.update(sid, title="News"))
    await call("sessions.cost", o.sessions.cost(sid))
    await call("sessions.update_cost_cap", o.sessions.update_cost_cap(sid, max_cost_usd=5))
    assert await call("sessions.get_share", o.sessions.get_share(sid)) is None
    await call("sessions.create_share", o.sessions.create_share(sid))
    await call("sessions.update_share", o.sessions.update_share(sid, is_active=False))
    sent = o.sessions.send_message(sid, "And then?", deduplicate="exact-text-v1")
    message = await call("sessions.send_message", sent)
    await call(
        "sessions.send_message(interrupt)", o.sessions.send_message(sid, "Now", interrupt=True)
    )
    await call("sessions.queue", o.sessions.queue(sid))
    await call("sessions.get_message", o.sessions.get_message(sid, message.id))
    removed = await call("sessions.remove_message", o.sessions.remove_message(sid, message.id))
    assert removed.status.value == "cancelled"

    workspace = await call("workspaces.create", o.workspaces.create(name="Data"))
    await call("workspaces.get", o.workspaces.get(workspace.id))
    await call("workspaces.update", o.workspaces.update(workspace.id, name="Data 2"))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "table.csv"
        source.write_text("a,b\n1,2\n")
        uploaded = await call("workspaces.upload", o.workspaces.upload(workspace.id, source))
    assert [f.path for f in uploaded] == ["uploads/table.csv"]
    item = official_models.WorkspaceFileUploadItem(name="x.txt", size=3)
    await call("workspaces.upload_files", o.workspaces.upload_files(workspace.id, [item]))
    listing = o.workspaces.files(workspace.id, include_urls=True, content_disposition="attachment")
    files = await call("workspaces.files", listing)
    assert any(f.url for f in files.files)
    assert (await call("workspaces.size", o.workspaces.size(workspace.id))).used_bytes == 8
    delete = o.workspaces.delete_file(workspace.id, path="uploads/table.csv")
    await call("workspaces.delete_file", delete)

    extension = await call("extensions.create", o.extensions.create(extension_zip()))
    await call("extensions.list", o.extensions.list())
    await call("extensions.get", o.extensions.get(extension.id))
    profile = await call("profiles.create", o.profiles.create(name="Work"))
    await call("profiles.list", o.profiles.list())
    await call("profiles.get", o.profiles.get(profile.id))
    await call("profiles.update", o.profiles.update(profile.id, name="Home"))
    made = o.browsers.create(metadata={"team": "qa"}, extension_ids=[extension.id])
    browser = await call("browsers.create", made)
    listed = await call("browsers.list", o.browsers.list(metadata=["team=qa"]))
    assert [b.id for b in listed.items] == [browser.id]
    await call("browsers.get", o.browsers.get(browser.id))
    await call("browsers.downloads", o.browsers.downloads(browser.id))
    await call("browsers.stop", o.browsers.stop(browser.id))
    await call("integrations.list", o.integrations.list(search="g", popular_only=True))
    await call("integrations.categories", o.integrations.categories())
    await call("integrations.authorize", o.integrations.authorize("gmail"))
    fake.connect_integration("gmail")
    assert (await call("integrations.status", o.integrations.status("gmail"))).is_connected
    await call("integrations.disconnect", o.integrations.disconnect("gmail"))
    await call("extensions.delete", o.extensions.delete(extension.id))
    await call("profiles.delete", o.profiles.delete(profile.id))
    await call("workspaces.delete", o.workspaces.delete(workspace.id))
    await call("sessions.purge", o.sessions.purge(sid))
    await call("sessions.delete", o.sessions.delete(sid))
    assert len(called) == 43


ODD: list[object] = [
    None,
    True,
    0,
    -5,
    10**30,
    1.5,
    "",
    "x" * 300,
    "../runs",
    [],
    {},
    {"a": 1},
    "\u0000",
]
ODD_QUERY = ["-1", "abc", "", "true", "0", "1000000", "%2e%2e"]


def _mutated(body: object, rnd: random.Random) -> object:
    if not isinstance(body, dict) or not body:
        return rnd.choice([{}, [], "text", 5, {"unknownField": 1}])
    changed: JSON = dict(cast(JSON, body))
    key = rnd.choice(sorted(changed))
    match rnd.randrange(3):
        case 0:
            del changed[key]
        case 1:
            changed[key] = rnd.choice(ODD)
        case _:
            changed["unknownField"] = rnd.choice(ODD)
    return changed


def _timestamps(value: object) -> list[str]:
    """Every string in `value` that reads as a date and time."""
    if isinstance(value, dict):
        return [t for v in cast(JSON, value).values() for t in _timestamps(v)]
    if isinstance(value, list):
        return [t for v in cast(list[object], value) for t in _timestamps(v)]
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return []
        return [value]
    return []


@pytest.fixture
async def v4(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session, version="v4")


def _conforms(operation: Operation, answer: Answer, sent: object) -> int:
    """Check `answer` as the spec documents it (a success's body, FastAPI's 422, another
    error's `detail`); the number of timestamps it holds, each timezone-aware."""
    where = (sent, answer.status, answer.body)
    assert answer.status < 500, where
    if answer.status >= 300:
        details = answer.body["detail"]
        if answer.status == 422:
            assert details, where
            assert all({"loc", "msg", "type"} <= set(d) for d in details), where
        else:
            assert isinstance(details, str), where
        return 0
    schema = operation.responses[answer.status]
    if schema is None:
        assert answer.body == b"", where
        return 0
    assert validator("v4").check(schema, answer.body)[1] == [], where
    stamps = _timestamps(answer.body)
    assert all(dt.datetime.fromisoformat(s).tzinfo is not None for s in stamps), where
    return len(stamps)


async def test_a_sweep_of_valid_and_broken_requests_is_answered_as_the_spec_says(
    v4: Api,
) -> None:
    rnd = random.Random(17)  # noqa: S311 (test input, not cryptography)
    world = await world_of(v4)
    answered: dict[int, int] = {}
    stamps = 0
    for (method, path), (names, query, body) in sorted(CASES.items()):
        if body is FORM:
            continue
        operation = operations("v4")[method, path]
        for trial in range(12):
            url = path
            for name, key in names.items():
                value = str(world[key])
                if trial == 1:  # an unknown id
                    value = "999999" if name == "message_id" else str(uuid.uuid4())
                elif trial == 2:  # not an id
                    value = "not-an-id"
                url = url.replace("{" + name + "}", value)
            params, sent = dict(query), body
            if 3 <= trial < 7 and query:
                params[rnd.choice(sorted(query))] = rnd.choice(ODD_QUERY)
            if trial >= 7 and body is not None:
                sent = _mutated(body, rnd)
            answer = await v4.call(method, url, body=sent, params=params)
            answered[answer.status] = answered.get(answer.status, 0) + 1
            stamps += _conforms(operation, answer, (method, url, params, sent))
            if method == "DELETE" and answer.status < 300:
                world = await world_of(v4)  # what was deleted, made again
    assert sum(answered.values()) == 12 * (len(CASES) - 1)
    assert {200, 404, 422} <= set(answered)
    assert stamps > 100


def test_the_plugin_fixture_serves_v4_files_and_queues_to_the_blocking_client(
    browser_use_fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    fake = browser_use_fake
    with BrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url) as client:
        workspace = client.workspaces.create(name="Plugin")
        answer = client.workspaces.upload(workspace.id, ("notes.md", b"# Notes\n"))
        target = client.workspaces.download(workspace.id, answer.files[0].path, to=tmp_path)
        assert target.read_bytes() == b"# Notes\n"
        run = client.runs.create("Read the notes", workspace_id=workspace.id)
        queued = client.sessions.queue(run.session_id, "Then summarize them")
        assert client.sessions.get_queued(run.session_id, queued.id).text == queued.text
    storage = [r for r in fake.requests if r.path.startswith("/fake/")]
    assert [r.method for r in storage] == ["PUT", "GET"]
    assert all(fake.api_key not in str(dict(r.headers)) for r in storage)
