"""Skills: wire format, parsed results and argument checks."""

import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from browser_use_async import (
    NOT_GIVEN,
    AsyncBrowserUse,
    ExecuteSkillResponse,
    InvalidArgumentError,
    ParameterSchema,
    ParameterType,
    SkillCategory,
    SkillExecutionView,
    SkillResponse,
    SkillsGenerationStatus,
)
from browser_use_async.models import (
    CreateSkillResponse,
    RefineSkillResponse,
    SkillExecutionListResponse,
    SkillExecutionOutputResponse,
    SkillListResponse,
)
from tests.conftest import CannedServer
from tests.samples import SESSION_ID
from tests.skill_samples import (
    CLONED_FROM,
    EXECUTION_ID,
    SKILL_ID,
    execution,
    full_skill,
    minimal_skill,
    page_bytes,
    skill_bytes,
)

SKILL_PATH = f"/api/v2/skills/{SKILL_ID}"


async def test_get_parses_every_field(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, skill_bytes())
    skill = await canned_client.skills.get(SKILL_ID)
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == SKILL_PATH
    assert isinstance(skill, SkillResponse)
    assert skill.id == uuid.UUID(SKILL_ID)
    assert skill.slug == "flight-prices"
    assert skill.categories == [SkillCategory.TRAVEL, SkillCategory.SEARCH]
    assert all(isinstance(c, SkillCategory) for c in skill.categories)
    assert skill.domains == ["flights.example.com"]
    assert skill.status is SkillsGenerationStatus.FINISHED
    assert skill.parameters == [
        ParameterSchema(
            name="origin", type=ParameterType.STRING, required=True, description="IATA code",
            default="ZRH",
        ),
        ParameterSchema(name="session", type=ParameterType.COOKIE, cookie_domain=".example.com"),
    ]  # fmt: skip
    assert skill.parameters[1].type is ParameterType.COOKIE
    assert skill.output_schema == {"type": "object", "properties": {"price": {"type": "number"}}}
    assert skill.is_enabled is True
    assert skill.is_public is False
    assert skill.icon_url == "https://icons.example.com/plane.png"
    assert skill.first_published_at is None
    assert skill.last_published_at == dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert skill.current_version == 3
    assert skill.current_version_started_at == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert skill.current_version_finished_at == dt.datetime(2025, 2, 28, 23, 5, tzinfo=dt.UTC)
    assert skill.code == "cHJpbnQoMSk="
    assert skill.cloned_from_skill_id == uuid.UUID(CLONED_FROM)
    assert skill.created_at == dt.datetime(2025, 2, 1, 10, 0, 0, 500000, tzinfo=dt.UTC)
    assert skill.goal == "Return the cheapest flight"
    assert skill.agent_prompt == "Search flights.example.com for the cheapest flight"


async def test_get_minimal_and_newer_values(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    body = minimal_skill(status="queued", categories=["travel", "space"], currentVersion=None)
    body["parameters"] = [{"name": "when", "type": "date"}]
    canned.respond(200, json.dumps(body).encode())
    skill = await canned_client.skills.get(uuid.UUID(SKILL_ID))
    assert skill.status == "queued"
    assert not isinstance(skill.status, SkillsGenerationStatus)
    assert skill.categories == [SkillCategory.TRAVEL, "space"]
    assert skill.parameters == [ParameterSchema(name="when", type="date")]
    assert skill.parameters[0].required is True
    assert skill.current_version is None
    assert skill.slug is skill.goal is skill.code is None
    assert skill.cloned_from_skill_id is None


async def test_list_sends_only_given_parameters(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page_bytes([full_skill(), minimal_skill()], 1, 10, 2))
    result = await canned_client.skills.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/skills"
    assert isinstance(result, SkillListResponse)
    assert [type(s) for s in result.items] == [SkillResponse, SkillResponse]
    assert (result.total_items, result.page_number, result.page_size) == (2, 1, 10)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page_bytes([], 2, 5, 0))
    await canned_client.skills.list(
        page_size=5,
        page_number=2,
        is_public=False,
        is_enabled=True,
        category=SkillCategory.E_COMMERCE,
        query="flights & hotels",
        from_date=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        to_date=None,
    )
    assert canned.requests[0].query == {
        "pageSize": "5",
        "pageNumber": "2",
        "isPublic": "false",
        "isEnabled": "true",
        "category": "e_commerce",
        "query": "flights & hotels",
        "fromDate": "2025-01-02T03:04:05+00:00",
    }
    assert "query=flights%20%26%20hotels" in canned.requests[0].raw_path


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_number": 0}, "page_number"),
        ({"is_public": "yes"}, "is_public"),
        ({"is_enabled": 1}, "is_enabled"),
        ({"category": "cooking"}, "category"),
        ({"query": "x" * 101}, "query"),
        ({"query": 5}, "query"),
        ({"from_date": "2025-01-01"}, "from_date"),
        ({"to_date": 1}, "to_date"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.skills.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


def numbered(n: int) -> dict[str, Any]:
    return full_skill(id=str(uuid.UUID(int=n)), title=f"skill {n}")


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page_bytes([numbered(1), numbered(2)], 1, 2, 5))
    canned.then(200, page_bytes([numbered(3), numbered(4)], 2, 2, 5))
    canned.then(200, page_bytes([numbered(5)], 3, 2, 5))
    titles = [
        s.title async for s in canned_client.skills.list(page_size=2, category="travel", query="x")
    ]
    assert titles == ["skill 1", "skill 2", "skill 3", "skill 4", "skill 5"]
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2", "3"]
    assert {(r.query["category"], r.query["query"]) for r in canned.requests} == {("travel", "x")}


async def test_iter_stops_on_an_empty_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.then(200, page_bytes([numbered(1)], 1, 1, 50))
    canned.then(200, page_bytes([], 2, 1, 50))
    assert len([s async for s in canned_client.skills.list(page_size=1)]) == 1
    assert len(canned.requests) == 2


async def test_create(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(202, json.dumps({"id": SKILL_ID}).encode())
    created = await canned_client.skills.create(
        goal="Return the cheapest flight", agent_prompt="Search flights.example.com", title=None
    )
    assert created == CreateSkillResponse(id=uuid.UUID(SKILL_ID))
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == "/api/v2/skills"
    assert json.loads(canned.bodies[0]) == {
        "goal": "Return the cheapest flight",
        "agentPrompt": "Search flights.example.com",
        "title": None,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"goal": "x" * 1001}, "goal"),
        ({"goal": None}, "goal is required"),
        ({"agent_prompt": NOT_GIVEN}, "agent_prompt is required"),
        ({"agent_prompt": "too short"}, "agent_prompt"),
        ({"title": "x" * 101}, "title"),
        ({"description": "x" * 1001}, "description"),
    ],
)
async def test_create_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, Any] = {"goal": "g", "agent_prompt": "a prompt long enough"} | kwargs
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.skills.create(**arguments)
    assert canned.requests == []


async def test_delete_returns_none(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(204, b"", headers={})
    result = await canned_client.skills.delete(SKILL_ID)  # type: ignore[func-returns-value]
    assert result is None
    assert canned.requests[0].method == "DELETE"
    assert canned.requests[0].path_qs == SKILL_PATH
    assert canned.bodies == [b""]


async def test_update_sends_only_what_was_given(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, skill_bytes(isEnabled=False))
    skill = await canned_client.skills.update(
        SKILL_ID,
        description=None,
        categories=("travel", SkillCategory.SEARCH),
        domains=["a.example.com"],
        is_enabled=False,
    )
    assert skill.is_enabled is False
    assert canned.requests[0].method == "PATCH"
    assert canned.requests[0].path_qs == SKILL_PATH
    assert json.loads(canned.bodies[0]) == {
        "description": None,
        "categories": ["travel", "search"],
        "domains": ["a.example.com"],
        "isEnabled": False,
    }


async def test_update_with_nothing_sends_an_empty_object(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, skill_bytes())
    await canned_client.skills.update(SKILL_ID)
    assert canned.bodies == [b"{}"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "x" * 101}, "title"),
        ({"description": "x" * 1001}, "description"),
        ({"categories": "travel"}, "categories must be a list"),
        ({"categories": ["travel", "cooking"]}, "categories must be one of"),
        ({"categories": [1]}, "categories"),
        ({"domains": "example.com"}, "domains must be a list"),
        ({"domains": [None]}, "domains"),
    ],
)
async def test_update_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.skills.update(SKILL_ID, **kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


@pytest.mark.parametrize("action", ["cancel", "rollback"])
async def test_cancel_and_rollback_post_without_a_body(
    canned: CannedServer, canned_client: AsyncBrowserUse, action: str
) -> None:
    canned.respond(200, skill_bytes(status="cancelled"))
    skill = await getattr(canned_client.skills, action)(SKILL_ID)
    assert isinstance(skill, SkillResponse)
    assert skill.status is SkillsGenerationStatus.CANCELLED
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == f"{SKILL_PATH}/{action}"
    assert canned.bodies == [b""]


async def test_execute(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    answer = {"success": True, "result": {"price": 99.5, "legs": [1, 2]}, "latencyMs": 812}
    canned.respond(200, json.dumps(answer).encode())
    result = await canned_client.skills.execute(
        SKILL_ID, parameters={"origin": "ZRH", "passengers": 2}, session_id=uuid.UUID(SESSION_ID)
    )
    assert result == ExecuteSkillResponse(
        success=True, result={"price": 99.5, "legs": [1, 2]}, latency_ms=812
    )
    assert result.error is result.stderr is None
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == f"{SKILL_PATH}/execute"
    assert json.loads(canned.bodies[0]) == {
        "parameters": {"origin": "ZRH", "passengers": 2},
        "sessionId": SESSION_ID,
    }


async def test_execute_failure_and_defaults(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    answer = {"success": False, "result": None, "error": "timeout", "stderr": "Traceback ..."}
    canned.respond(200, json.dumps(answer).encode())
    result = await canned_client.skills.execute(SKILL_ID)
    assert canned.bodies == [b"{}"]
    assert (result.success, result.error, result.stderr) == (False, "timeout", "Traceback ...")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parameters": ["origin"]}, "parameters"),
        ({"parameters": {1: "x"}}, "parameters"),
        ({"parameters": None}, "parameters"),
        ({"session_id": "not-a-uuid"}, "UUID"),
    ],
)
async def test_execute_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.skills.execute(SKILL_ID, **kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_refine(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(202, json.dumps({"id": SKILL_ID}).encode())
    result = await canned_client.skills.refine(
        SKILL_ID, feedback="Also return the airline", test_logs=None
    )
    assert result == RefineSkillResponse(id=uuid.UUID(SKILL_ID))
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == f"{SKILL_PATH}/refine"
    assert json.loads(canned.bodies[0]) == {"feedback": "Also return the airline", "testLogs": None}


async def test_refine_checks_feedback(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    with pytest.raises(InvalidArgumentError, match="feedback must have at least 10 characters"):
        await canned_client.skills.refine(SKILL_ID, feedback="better")
    with pytest.raises(InvalidArgumentError, match="feedback is required"):
        await canned_client.skills.refine(SKILL_ID, feedback=None)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_executions(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    items = [execution(1), execution(2, status="running", finishedAt=None, latencyMs=None)]
    canned.respond(200, page_bytes(items, 3, 2, 6))
    result = await canned_client.skills.executions(SKILL_ID, page_size=2, page_number=3)
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == f"{SKILL_PATH}/executions"
    assert canned.requests[0].query == {"pageSize": "2", "pageNumber": "3"}
    assert isinstance(result, SkillExecutionListResponse)
    first, second = result.items
    assert first == SkillExecutionView(
        id=uuid.UUID("00000000-0000-4000-8000-000000000001"),
        skill_id=uuid.UUID(SKILL_ID),
        status="completed",
        success=True,
        started_at=dt.datetime(2025, 3, 5, 10, tzinfo=dt.UTC),
        finished_at=dt.datetime(2025, 3, 5, 10, 0, 2, tzinfo=dt.UTC),
        latency_ms=2000,
        has_output=True,
    )
    assert (second.status, second.finished_at, second.latency_ms) == ("running", None, None)


async def test_executions_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="page_size"):
        await canned_client.skills.executions(SKILL_ID, page_size=500)
    assert canned.requests == []


async def test_executions_pager_walks_every_page(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.then(200, page_bytes([execution(1), execution(2)], 1, 2, 3))
    canned.then(200, page_bytes([execution(3)], 2, 2, 3))
    ids = [
        int(str(e.id)[-12:]) async for e in canned_client.skills.executions(SKILL_ID, page_size=2)
    ]
    assert ids == [1, 2, 3]
    assert [r.path for r in canned.requests] == [f"{SKILL_PATH}/executions"] * 2
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2"]


async def test_execution_output(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, b'{"downloadUrl": "https://out.example.com/1.json"}')
    output = await canned_client.skills.execution_output(SKILL_ID, uuid.UUID(EXECUTION_ID))
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == f"{SKILL_PATH}/executions/{EXECUTION_ID}/output"
    assert output == SkillExecutionOutputResponse(download_url="https://out.example.com/1.json")


Call = Callable[[AsyncBrowserUse, Any], Awaitable[object]]
CALLS: dict[str, Call] = {
    "get": lambda c, i: c.skills.get(i),
    "delete": lambda c, i: c.skills.delete(i),
    "update": lambda c, i: c.skills.update(i, title="t"),
    "cancel": lambda c, i: c.skills.cancel(i),
    "rollback": lambda c, i: c.skills.rollback(i),
    "execute": lambda c, i: c.skills.execute(i),
    "refine": lambda c, i: c.skills.refine(i, feedback="long enough feedback"),
    "executions": lambda c, i: c.skills.executions(i),
    "executions (iterated)": lambda c, i: anext(aiter(c.skills.executions(i))),
    "execution_output": lambda c, i: c.skills.execution_output(i, EXECUTION_ID),
    "execution_output (execution_id)": lambda c, i: c.skills.execution_output(SKILL_ID, i),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("bad_id", ["", "../tasks", "5b6a7c8d", 42, None])
async def test_ids_are_checked_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, call: Call, bad_id: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="_id must be a UUID"):
        await call(canned_client, bad_id)
    assert canned.requests == []
