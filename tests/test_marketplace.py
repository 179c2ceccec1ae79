"""The skills marketplace: wire format, parsed results, slug escaping and argument checks."""

import datetime as dt
import json
import uuid
from typing import Any
from urllib.parse import unquote

import pytest

from browser_use_async import (
    AsyncBrowserUse,
    ExecuteSkillResponse,
    InvalidArgumentError,
    MarketplaceSkillResponse,
    ParameterSchema,
    ParameterType,
    SkillCategory,
    SkillResponse,
)
from browser_use_async.models import MarketplaceSkillListResponse
from tests.conftest import CannedServer
from tests.samples import SESSION_ID
from tests.skill_samples import SKILL_ID, marketplace_skill, page_bytes, skill_bytes

BASE = "/api/v2/marketplace/skills"


def numbered(n: int) -> dict[str, Any]:
    return marketplace_skill(id=str(uuid.UUID(int=n)), slug=f"skill-{n}")


async def test_list_sends_only_given_parameters(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, page_bytes([marketplace_skill()], 1, 10, 1))
    result = await canned_client.marketplace.list()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == BASE
    assert isinstance(result, MarketplaceSkillListResponse)
    skill = result.items[0]
    assert isinstance(skill, MarketplaceSkillResponse)
    assert skill.id == uuid.UUID(SKILL_ID)
    assert skill.slug == "flight-prices"
    assert skill.categories == [SkillCategory.TRAVEL]
    assert skill.parameters == [ParameterSchema(name="origin", type=ParameterType.STRING)]
    assert skill.output_schema == {}
    assert skill.current_version is None
    assert skill.is_official is True
    assert skill.clone_count == 42
    assert skill.icon_url is None
    assert skill.first_published_at == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert skill.created_at == dt.datetime(2024, 12, 31, 23, tzinfo=dt.UTC)


async def test_list_query_parameters(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, page_bytes([], 4, 20, 0))
    await canned_client.marketplace.list(
        page_size=20,
        page_number=4,
        query="flights",
        category="lead_generation",
        from_date=None,
        to_date=dt.datetime(2025, 6, 1, 12, 30),
    )
    assert canned.requests[0].query == {
        "pageSize": "20",
        "pageNumber": "4",
        "query": "flights",
        "category": "lead_generation",
        "toDate": "2025-06-01T12:30:00",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": True}, "page_size"),
        ({"page_number": -1}, "page_number"),
        ({"query": "q" * 101}, "query"),
        ({"category": "TRAVEL"}, "category"),
        ({"from_date": dt.date(2025, 1, 1)}, "from_date"),
    ],
)
async def test_list_checks_arguments_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.marketplace.list(**kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_iter_walks_every_page(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.then(200, page_bytes([numbered(1), numbered(2)], 1, 2, 3))
    canned.then(200, page_bytes([numbered(3)], 2, 2, 3))
    slugs = [s.slug async for s in canned_client.marketplace.list(page_size=2, query="x")]
    assert slugs == ["skill-1", "skill-2", "skill-3"]
    assert [r.query["pageNumber"] for r in canned.requests] == ["1", "2"]
    assert {r.query["query"] for r in canned.requests} == {"x"}
    assert {r.path for r in canned.requests} == {BASE}


async def test_get_by_slug(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, json.dumps(marketplace_skill()).encode())
    skill = await canned_client.marketplace.get("flight-prices")
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].raw_path == f"{BASE}/flight-prices"
    assert skill.title == "Flight prices"


@pytest.mark.parametrize(
    ("slug", "segment"),
    [
        ("a/b c", "a%2Fb%20c"),
        ("../../tasks", "..%2F..%2Ftasks"),
        ("a?b#c", "a%3Fb%23c"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("...", "..."),
        ("münchen", "m%C3%BCnchen"),
    ],
)
async def test_a_slug_stays_one_path_segment(
    canned: CannedServer, canned_client: AsyncBrowserUse, slug: str, segment: str
) -> None:
    canned.respond(200, json.dumps(marketplace_skill()).encode())
    await canned_client.marketplace.get(slug)
    raw_path = canned.requests[0].raw_path
    assert raw_path == f"{BASE}/{segment}"
    assert unquote(raw_path.rsplit("/", 1)[1]) == slug
    assert canned.requests[0].query_string == ""


@pytest.mark.parametrize("slug", ["", ".", "..", "  ", None, 7, uuid.UUID(SKILL_ID)])
async def test_get_refuses_slugs_that_are_not_one_segment(
    canned: CannedServer, canned_client: AsyncBrowserUse, slug: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="skill_slug"):
        await canned_client.marketplace.get(slug)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_clone(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, skill_bytes())
    skill = await canned_client.marketplace.clone(uuid.UUID(SKILL_ID))
    assert isinstance(skill, SkillResponse)
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == f"{BASE}/{SKILL_ID}/clone"
    assert canned.bodies == [b""]


async def test_execute(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, b'{"success": true, "result": [1, "two"], "latencyMs": 5}')
    result = await canned_client.marketplace.execute(
        SKILL_ID, parameters={"origin": "ZRH"}, session_id=None
    )
    assert result == ExecuteSkillResponse(success=True, result=[1, "two"], latency_ms=5)
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path_qs == f"{BASE}/{SKILL_ID}/execute"
    assert json.loads(canned.bodies[0]) == {"parameters": {"origin": "ZRH"}, "sessionId": None}


async def test_execute_in_a_session(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, b'{"success": false, "error": "blocked"}')
    result = await canned_client.marketplace.execute(SKILL_ID, session_id=SESSION_ID)
    assert (result.success, result.error, result.result) == (False, "blocked", None)
    assert json.loads(canned.bodies[0]) == {"sessionId": SESSION_ID}


@pytest.mark.parametrize("method", ["clone", "execute"])
@pytest.mark.parametrize("skill_id", ["flight-prices", "../skills", "", 5, None])
async def test_skill_ids_are_checked_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str, skill_id: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="skill_id must be a UUID"):
        await getattr(canned_client.marketplace, method)(skill_id)
    assert canned.requests == []


async def test_execute_checks_parameters_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError, match="parameters must be a mapping"):
        await canned_client.marketplace.execute(SKILL_ID, parameters="origin=ZRH")  # type: ignore[arg-type]
    assert canned.requests == []
