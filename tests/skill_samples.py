"""Wire-format samples of skills, executions and marketplace skills."""

import json
from typing import Any

SKILL_ID = "5b6a7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
EXECUTION_ID = "0e1f2a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b"
CLONED_FROM = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"


def full_skill(**overrides: Any) -> dict[str, Any]:
    """A SkillResponse as the API sends it, with every field set."""
    skill: dict[str, Any] = {
        "id": SKILL_ID,
        "slug": "flight-prices",
        "title": "Flight prices",
        "description": "Finds the cheapest flight between two cities.",
        "categories": ["travel", "search"],
        "domains": ["flights.example.com"],
        "goal": "Return the cheapest flight",
        "agentPrompt": "Search flights.example.com for the cheapest flight",
        "status": "finished",
        "parameters": [
            {
                "name": "origin",
                "type": "string",
                "required": True,
                "description": "IATA code",
                "default": "ZRH",
                "cookieDomain": None,
            },
            {"name": "session", "type": "cookie", "cookieDomain": ".example.com"},
        ],
        "outputSchema": {"type": "object", "properties": {"price": {"type": "number"}}},
        "isEnabled": True,
        "isPublic": False,
        "iconUrl": "https://icons.example.com/plane.png",
        "firstPublishedAt": None,
        "lastPublishedAt": "2025-03-04T05:06:07Z",
        "currentVersion": 3,
        "currentVersionStartedAt": "2025-03-01T00:00:00",
        "currentVersionFinishedAt": "2025-03-01T00:05:00+01:00",
        "code": "cHJpbnQoMSk=",
        "clonedFromSkillId": CLONED_FROM,
        "createdAt": "2025-02-01T10:00:00.5Z",
        "updatedAt": "2025-03-04T05:06:07Z",
    }
    skill.update(overrides)
    return skill


def minimal_skill(**overrides: Any) -> dict[str, Any]:
    """A SkillResponse with only the required fields."""
    skill = {
        key: value
        for key, value in full_skill().items()
        if key
        in {
            "id",
            "title",
            "description",
            "categories",
            "domains",
            "status",
            "parameters",
            "outputSchema",
            "isEnabled",
            "isPublic",
            "currentVersion",
            "createdAt",
            "updatedAt",
        }
    }
    skill.update(overrides)
    return skill


def skill_bytes(**overrides: Any) -> bytes:
    return json.dumps(full_skill(**overrides)).encode()


def page_bytes(items: list[dict[str, Any]], page_number: int, page_size: int, total: int) -> bytes:
    body = {"items": items, "totalItems": total, "pageNumber": page_number, "pageSize": page_size}
    return json.dumps(body).encode()


def execution(number: int, **overrides: Any) -> dict[str, Any]:
    """A SkillExecutionView as the API sends it."""
    view: dict[str, Any] = {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "skillId": SKILL_ID,
        "status": "completed",
        "success": True,
        "startedAt": "2025-03-05T10:00:00Z",
        "finishedAt": "2025-03-05T10:00:02Z",
        "latencyMs": 2000,
        "hasOutput": True,
    }
    view.update(overrides)
    return view


def marketplace_skill(**overrides: Any) -> dict[str, Any]:
    """A MarketplaceSkillResponse as the API sends it, with every field set."""
    skill: dict[str, Any] = {
        "id": SKILL_ID,
        "slug": "flight-prices",
        "title": "Flight prices",
        "description": "Finds the cheapest flight between two cities.",
        "categories": ["travel"],
        "domains": ["flights.example.com"],
        "parameters": [{"name": "origin", "type": "string"}],
        "outputSchema": {},
        "currentVersion": None,
        "isOfficial": True,
        "cloneCount": 42,
        "iconUrl": None,
        "firstPublishedAt": "2025-01-01T00:00:00Z",
        "lastPublishedAt": "2025-03-04T05:06:07Z",
        "createdAt": "2024-12-31T23:00:00Z",
        "updatedAt": "2025-03-04T05:06:07Z",
    }
    skill.update(overrides)
    return skill
