"""Helpers for tests of the fake cloud: a tiny raw HTTP client and a populated world."""

import json
import uuid
from typing import Any

import aiohttp
import attrs

from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from browser_use_async.testing._spec import Operation, validator

JSON = dict[str, Any]


@attrs.frozen
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """Raw calls to a fake, so that tests see exactly what the wire carries."""

    def __init__(
        self, fake: FakeBrowserUseCloud, session: aiohttp.ClientSession, *, version: str = "v2"
    ) -> None:
        self.fake = fake
        self.session = session
        self.version = version

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        params: dict[str, str] | None = None,
        key: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        key = self.fake.api_key if key is None else key
        sent = {"X-Browser-Use-API-Key": key} if key else {}  # "" sends no key at all
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        url = (self.fake.v4_base_url if self.version == "v4" else self.fake.base_url) + path
        async with self.session.request(method, url, data=data, params=params, headers=sent) as r:
            data = await r.read()
            is_json = data and r.content_type == "application/json"
            parsed: Any = json.loads(data) if is_json else data
            return Answer(r.status, parsed, dict(r.headers))

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.call(method, path, **kwargs)
        assert answer.status < 300, (answer.status, answer.body)
        return answer.body


def assert_answers_as_documented(answer: Answer, operation: Operation) -> None:
    """A success status the operation documents, with a body its schema accepts."""
    success = [status for status in operation.responses if status < 300]
    assert answer.status in success, answer.body
    schema = operation.responses[answer.status]
    if schema is None:
        assert answer.body == b""
    else:
        _, issues = validator(operation.version).check(schema, answer.body)
        assert issues == []


async def build_world(api: Api) -> JSON:
    """One of everything: ids by name, for calling every operation with valid input."""
    fake = api.fake
    world: JSON = {}
    session = await api.ok("POST", "/sessions", body={})
    world["session_id"] = session["id"]
    scenario = TaskScenario(steps=2, output_files={"report.csv": b"a,b\n1,2\n"})
    task_id = fake.create_task("Write a report", scenario=scenario)
    world["task_id"] = str(task_id)
    world["profile_id"] = (await api.ok("POST", "/profiles", body={"name": "Work"}))["id"]
    browser = await api.ok("POST", "/browsers", body={})
    world["browser_id"] = browser["id"]
    fake.add_download(uuid.UUID(browser["id"]), "downloads/a.pdf", b"%PDF-1.4")
    skill = await api.ok("POST", "/skills", body={"goal": "Prices", "agentPrompt": "Find prices."})
    world["skill_id"] = skill["id"]
    fake.advance(fake.skill_generation_seconds)
    await api.ok("POST", f"/skills/{skill['id']}/refine", body={"feedback": "Add currencies."})
    fake.advance(fake.skill_generation_seconds + 10)
    execute_body = {"parameters": {"query": "shoes"}}
    await api.ok("POST", f"/skills/{skill['id']}/execute", body=execute_body)
    executions = await api.ok("GET", f"/skills/{skill['id']}/executions")
    world["execution_id"] = executions["items"][0]["id"]
    world["file_id"] = fake.tasks[task_id]["outputFiles"][0]["id"]
    listed = next(iter(fake.marketplace.values()))
    world["market_id"], world["slug"] = listed["id"], listed["slug"]
    await api.ok("POST", f"/sessions/{session['id']}/public-share")
    return world
