"""The skills marketplace: browse, read, clone into your skills, and run."""

import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, page, reply
from browser_use_async.testing._routes.skills import execute, matches
from browser_use_async.testing._state import Store

__all__ = ["ROUTES", "seed_marketplace"]

_SEEDS = (
    ("flight-prices", "Flight prices", "Cheapest flights between two airports.", "travel"),
    ("job-listings", "Job listings", "Open positions matching a search on job boards.", "jobs"),
)


def seed_marketplace(store: Store) -> None:
    """Two official skills, so that the marketplace is not empty."""
    now = iso(store.now())
    for slug, title, description, category in _SEEDS:
        skill_id = uuid.uuid4()
        store.marketplace[skill_id] = {
            "id": str(skill_id),
            "slug": slug,
            "title": title,
            "description": description,
            "categories": [category],
            "domains": ["example.com"],
            "parameters": [{"name": "query", "type": "string", "required": True}],
            "outputSchema": {"type": "object", "properties": {"items": {"type": "array"}}},
            "currentVersion": 1,
            "isOfficial": True,
            "cloneCount": 0,
            "iconUrl": None,
            "firstPublishedAt": now,
            "lastPublishedAt": now,
            "createdAt": now,
            "updatedAt": now,
        }


def _listed(call: Call) -> JSON:
    return lookup(call.store.marketplace, call.params["skill_id"], "Skill not found")


def list_marketplace(call: Call) -> web.Response:
    rows = [skill for skill in call.store.marketplace.values() if matches(call, skill)]
    return page(call, rows)


def get_marketplace_skill(call: Call) -> web.Response:
    for skill in call.store.marketplace.values():
        if skill["slug"] == call.params["skill_slug"]:
            return reply(skill)
    raise HTTPProblem(404, "Skill not found")


def clone_skill(call: Call) -> web.Response:
    listed, store = _listed(call), call.store
    listed["cloneCount"] += 1
    now, skill_id = iso(store.now()), uuid.uuid4()
    skill: JSON = {
        "id": str(skill_id),
        "slug": None,
        "title": listed["title"],
        "description": listed["description"],
        "categories": list(listed["categories"]),
        "domains": list(listed["domains"]),
        "goal": None,
        "agentPrompt": None,
        "status": "finished",
        "parameters": [dict(p) for p in listed["parameters"]],
        "outputSchema": dict(listed["outputSchema"]),
        "isEnabled": True,
        "isPublic": False,
        "iconUrl": listed["iconUrl"],
        "firstPublishedAt": None,
        "lastPublishedAt": None,
        "currentVersion": 1,
        "currentVersionStartedAt": now,
        "currentVersionFinishedAt": now,
        "code": f"# cloned from {listed['slug']}\n",
        "clonedFromSkillId": listed["id"],
        "createdAt": now,
        "updatedAt": now,
    }
    store.skills[skill_id] = skill
    store.skill_versions[skill_id] = [dict(skill)]
    return reply(skill)


def execute_marketplace_skill(call: Call) -> web.Response:
    listed = {**_listed(call), "status": "finished"}
    answer, _ = execute(call.store, listed, call.body)
    return reply(answer)


ROUTES = {
    ("GET", "/marketplace/skills"): list_marketplace,
    ("GET", "/marketplace/skills/{skill_slug}"): get_marketplace_skill,
    ("POST", "/marketplace/skills/{skill_id}/clone"): clone_skill,
    ("POST", "/marketplace/skills/{skill_id}/execute"): execute_marketplace_skill,
}
