"""Every operation of the spec, called on the fake with valid input, answers as documented."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._spec import operations
from tests.fakecloud import JSON, Api, assert_answers_as_documented, build_world

# (METHOD, path) -> (path parameter names to world keys, query, body)
UPLOAD = {"fileName": "notes.txt", "contentType": "text/plain", "sizeBytes": 5}
CASES: dict[tuple[str, str], tuple[dict[str, str], dict[str, str], Any]] = {
    ("GET", "/billing/account"): ({}, {}, None),
    ("GET", "/tasks"): ({}, {"pageSize": "5"}, None),
    ("POST", "/tasks"): ({}, {}, {"task": "Find the news", "metadata": {"k": "v"}}),
    ("GET", "/tasks/{task_id}"): ({"task_id": "task_id"}, {}, None),
    ("PATCH", "/tasks/{task_id}"): ({"task_id": "task_id"}, {}, {"action": "stop"}),
    ("GET", "/tasks/{task_id}/status"): ({"task_id": "task_id"}, {}, None),
    ("GET", "/tasks/{task_id}/logs"): ({"task_id": "task_id"}, {}, None),
    ("GET", "/sessions"): ({}, {"filterBy": "active"}, None),
    ("POST", "/sessions"): ({}, {}, {"keepAlive": False}),
    ("GET", "/sessions/{session_id}"): ({"session_id": "session_id"}, {}, None),
    ("PATCH", "/sessions/{session_id}"): ({"session_id": "session_id"}, {}, {"action": "stop"}),
    ("DELETE", "/sessions/{session_id}"): ({"session_id": "session_id"}, {}, None),
    ("POST", "/sessions/{session_id}/purge"): ({"session_id": "session_id"}, {}, None),
    ("GET", "/sessions/{session_id}/public-share"): ({"session_id": "session_id"}, {}, None),
    ("POST", "/sessions/{session_id}/public-share"): ({"session_id": "session_id"}, {}, None),
    ("DELETE", "/sessions/{session_id}/public-share"): ({"session_id": "session_id"}, {}, None),
    ("POST", "/files/sessions/{session_id}/presigned-url"): (
        {"session_id": "session_id"},
        {},
        UPLOAD,
    ),
    ("POST", "/files/browsers/{session_id}/presigned-url"): (
        {"session_id": "browser_id"},
        {},
        UPLOAD,
    ),
    ("GET", "/files/tasks/{task_id}/output-files/{file_id}"): (
        {"task_id": "task_id", "file_id": "file_id"},
        {},
        None,
    ),
    ("GET", "/profiles"): ({}, {"query": "wor"}, None),
    ("POST", "/profiles"): ({}, {}, {"name": "Shopping", "userId": "u-1"}),
    ("GET", "/profiles/{profile_id}"): ({"profile_id": "profile_id"}, {}, None),
    ("PATCH", "/profiles/{profile_id}"): ({"profile_id": "profile_id"}, {}, {"name": "Home"}),
    ("DELETE", "/profiles/{profile_id}"): ({"profile_id": "profile_id"}, {}, None),
    ("GET", "/browsers"): ({}, {"pageNumber": "1"}, None),
    ("POST", "/browsers"): ({}, {}, {"timeout": 30, "profileId": None}),
    ("GET", "/browsers/{session_id}"): ({"session_id": "browser_id"}, {}, None),
    ("PATCH", "/browsers/{session_id}"): ({"session_id": "browser_id"}, {}, {"action": "stop"}),
    ("GET", "/browsers/{session_id}/downloads"): (
        {"session_id": "browser_id"},
        {"includeUrls": "true"},
        None,
    ),
    ("GET", "/skills"): ({}, {"isEnabled": "true"}, None),
    ("POST", "/skills"): ({}, {}, {"goal": "Weather", "agentPrompt": "Get the forecast."}),
    ("GET", "/skills/{skill_id}"): ({"skill_id": "skill_id"}, {}, None),
    ("DELETE", "/skills/{skill_id}"): ({"skill_id": "skill_id"}, {}, None),
    ("PATCH", "/skills/{skill_id}"): ({"skill_id": "skill_id"}, {}, {"categories": ["travel"]}),
    ("POST", "/skills/{skill_id}/cancel"): ({"skill_id": "generating_id"}, {}, None),
    ("POST", "/skills/{skill_id}/rollback"): ({"skill_id": "skill_id"}, {}, None),
    ("POST", "/skills/{skill_id}/execute"): (
        {"skill_id": "skill_id"},
        {},
        {"parameters": {"query": "x"}},
    ),
    ("POST", "/skills/{skill_id}/refine"): (
        {"skill_id": "skill_id"},
        {},
        {"feedback": "Also list the sizes."},
    ),
    ("GET", "/skills/{skill_id}/executions"): ({"skill_id": "skill_id"}, {}, None),
    ("GET", "/skills/{skill_id}/executions/{execution_id}/output"): (
        {"skill_id": "skill_id", "execution_id": "execution_id"},
        {},
        None,
    ),
    ("GET", "/marketplace/skills"): ({}, {"category": "travel"}, None),
    ("GET", "/marketplace/skills/{skill_slug}"): ({"skill_slug": "slug"}, {}, None),
    ("POST", "/marketplace/skills/{skill_id}/clone"): ({"skill_id": "market_id"}, {}, None),
    ("POST", "/marketplace/skills/{skill_id}/execute"): (
        {"skill_id": "market_id"},
        {},
        {"parameters": {"query": "Lisbon"}},
    ),
}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with FakeBrowserUseCloud(manual_time=True) as cloud, aiohttp.ClientSession() as session:
        yield Api(cloud, session)


def test_every_operation_has_a_case() -> None:
    assert set(CASES) == set(operations())
    assert len(CASES) == 44


@pytest.mark.parametrize(("method", "path"), sorted(CASES))
async def test_operation_answers_as_the_spec_says(api: Api, method: str, path: str) -> None:
    world: JSON = await build_world(api)
    if path.endswith("/cancel"):
        created = await api.ok("POST", "/skills", body={"goal": "G", "agentPrompt": "Do it now."})
        world["generating_id"] = created["id"]
    names, query, body = CASES[method, path]
    url = path
    for name, key in names.items():
        url = url.replace("{" + name + "}", str(world[key]))
    answer = await api.call(method, url, body=body, params=query)
    assert_answers_as_documented(answer, operations()[method, path])
