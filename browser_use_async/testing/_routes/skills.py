"""Skills: generate, list, get, update, delete, cancel, roll back, run and refine."""

import datetime as dt
import json
import uuid
from typing import Any

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, no_content, page, reply
from browser_use_async.testing._lifecycle import check_credits, parse_iso
from browser_use_async.testing._state import Store

__all__ = ["ROUTES", "execute", "matches"]

NOT_FINISHED = "Skill is not finished"
CONCURRENT = (
    "Concurrent skill creations are not allowed. Please wait for the current skill creation "
    "to finish or cancel it."
)
VERSION_FIELDS = ("currentVersion", "code", "parameters", "outputSchema", "title")


def _skill(call: Call) -> JSON:
    return lookup(call.store.skills, call.params["skill_id"], "Skill not found")


def matches(call: Call, skill: JSON) -> bool:
    """The filters that skill lists share: category, query and a createdAt window."""
    p, created = call.params, parse_iso(skill["createdAt"])
    text = f"{skill['title']}\n{skill['description']}\n{skill.get('goal') or ''}".lower()
    return (
        (p["category"] is None or p["category"] in skill["categories"])
        and (p["query"] is None or p["query"].lower() in text)
        and (p["fromDate"] is None or created >= p["fromDate"])
        and (p["toDate"] is None or created <= p["toDate"])
    )


def list_skills(call: Call) -> web.Response:
    p = call.params
    rows = [
        skill
        for skill in call.store.skills.values()
        if matches(call, skill)
        and p["isPublic"] in (None, skill["isPublic"])
        and p["isEnabled"] in (None, skill["isEnabled"])
    ]
    return page(call, rows)


def _generate(store: Store, skill: JSON) -> None:
    now = store.now()
    skill.update(status="generating", currentVersionStartedAt=iso(now), updatedAt=iso(now))
    done = now + dt.timedelta(seconds=store.skill_generation_seconds)
    store.skill_jobs[uuid.UUID(skill["id"])] = done


def create_skill(call: Call) -> web.Response:
    store = call.store
    check_credits(store)
    if any(skill["status"] == "generating" for skill in store.skills.values()):
        raise HTTPProblem(400, CONCURRENT)
    now, skill_id = iso(store.now()), uuid.uuid4()
    goal, prompt = call.body["goal"], call.body["agentPrompt"]
    skill: JSON = {
        "id": str(skill_id),
        "slug": None,
        "title": goal[:60],
        "description": prompt[:200],
        "categories": [],
        "domains": [],
        "goal": goal,
        "agentPrompt": prompt,
        "status": "generating",
        "parameters": [],
        "outputSchema": {},
        "isEnabled": True,
        "isPublic": False,
        "iconUrl": None,
        "firstPublishedAt": None,
        "lastPublishedAt": None,
        "currentVersion": None,
        "currentVersionStartedAt": now,
        "currentVersionFinishedAt": None,
        "code": None,
        "clonedFromSkillId": None,
        "createdAt": now,
        "updatedAt": now,
    }
    store.skills[skill_id] = skill
    _generate(store, skill)
    return reply({"id": str(skill_id)}, status=202)


def get_skill(call: Call) -> web.Response:
    return reply(_skill(call))


def delete_skill(call: Call) -> web.Response:
    if _skill(call)["status"] == "generating":
        raise HTTPProblem(400, "Cannot delete skill while it is still generating")
    del call.store.skills[call.params["skill_id"]]
    return no_content()


def update_skill(call: Call) -> web.Response:
    skill = _skill(call)
    changes = {key: value for key, value in call.body.items() if value is not None}
    skill.update(changes, updatedAt=iso(call.store.now()))
    return reply(skill)


def cancel_skill(call: Call) -> web.Response:
    """Cancel a generation: a refinement falls back to the version the skill had."""
    skill = _skill(call)
    if skill["status"] != "generating":
        raise HTTPProblem(400, "Generation is not cancellable")
    call.store.skill_jobs.pop(call.params["skill_id"], None)
    status = "cancelled" if skill["currentVersion"] is None else "finished"
    skill.update(status=status, updatedAt=iso(call.store.now()))
    return reply(skill)


def rollback_skill(call: Call) -> web.Response:
    skill = _skill(call)
    if skill["isPublic"]:
        raise HTTPProblem(
            400, "Cannot rollback a public skill. Please make the skill private first."
        )
    versions = call.store.skill_versions.get(call.params["skill_id"], [])
    if skill["status"] != "finished" or len(versions) < 2:
        raise HTTPProblem(400, "There is no previous version to roll back to")
    versions.pop()
    skill.update(
        {key: versions[-1][key] for key in VERSION_FIELDS}, updatedAt=iso(call.store.now())
    )
    return reply(skill)


def execute(store: Store, skill: JSON, body: JSON) -> tuple[JSON, str]:
    """Run a finished skill: the response, and the execution's status."""
    if skill["status"] != "finished":
        raise HTTPProblem(400, NOT_FINISHED)
    check_credits(store)
    if body.get("sessionId") is not None:
        lookup(store.sessions, uuid.UUID(body["sessionId"]), "Session not found")
    given: dict[str, Any] = body.get("parameters", {})
    missing = [
        p["name"] for p in skill["parameters"] if p.get("required", True) and p["name"] not in given
    ]
    store.charge("0.02")
    if missing:
        error = f"Missing required parameters: {', '.join(missing)}"
        return {
            "success": False,
            "result": None,
            "error": error,
            "stderr": None,
            "latencyMs": 5,
        }, "failed"
    result: JSON = {"skill": skill["slug"] or skill["id"], "parameters": given, "items": []}
    return {
        "success": True,
        "result": result,
        "error": None,
        "stderr": None,
        "latencyMs": 1200,
    }, "completed"


def execute_skill(call: Call) -> web.Response:
    skill = _skill(call)
    answer, status = execute(call.store, skill, call.body)
    execution_id, now = uuid.uuid4(), call.store.now()
    call.store.executions[execution_id] = {
        "id": str(execution_id),
        "skillId": skill["id"],
        "status": status,
        "success": answer["success"],
        "startedAt": iso(now),
        "finishedAt": iso(now + dt.timedelta(milliseconds=answer["latencyMs"])),
        "latencyMs": answer["latencyMs"],
        "hasOutput": answer["success"],
    }
    if answer["success"]:
        call.store.add_blob(
            "application/json",
            json.dumps(answer["result"]).encode(),
            token=f"execution-{execution_id}",
        )
    return reply(answer)


def refine_skill(call: Call) -> web.Response:
    skill = _skill(call)
    if skill["status"] != "finished":
        raise HTTPProblem(400, NOT_FINISHED)
    _generate(call.store, skill)
    return reply({"id": skill["id"]}, status=202)


def list_executions(call: Call) -> web.Response:
    skill = _skill(call)
    rows = [row for row in call.store.executions.values() if row["skillId"] == skill["id"]]
    return page(call, rows, newest="startedAt")


def execution_output(call: Call) -> web.Response:
    skill = _skill(call)
    row = call.store.executions.get(call.params["execution_id"])
    token = f"execution-{call.params['execution_id']}"
    if row is None or row["skillId"] != skill["id"] or token not in call.store.blobs:
        raise HTTPProblem(404, "Skill execution output not found")
    return reply({"downloadUrl": call.blob_url(token)})


ROUTES = {
    ("GET", "/skills"): list_skills,
    ("POST", "/skills"): create_skill,
    ("GET", "/skills/{skill_id}"): get_skill,
    ("DELETE", "/skills/{skill_id}"): delete_skill,
    ("PATCH", "/skills/{skill_id}"): update_skill,
    ("POST", "/skills/{skill_id}/cancel"): cancel_skill,
    ("POST", "/skills/{skill_id}/rollback"): rollback_skill,
    ("POST", "/skills/{skill_id}/execute"): execute_skill,
    ("POST", "/skills/{skill_id}/refine"): refine_skill,
    ("GET", "/skills/{skill_id}/executions"): list_executions,
    ("GET", "/skills/{skill_id}/executions/{execution_id}/output"): execution_output,
}
