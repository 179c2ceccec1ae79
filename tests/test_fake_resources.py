"""Profiles, browsers, files, skills, the marketplace and billing on the fake."""

import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud, UploadedFile
from tests.fakecloud import JSON, Api


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


async def test_profiles_crud_and_use(api: Api) -> None:
    profile = await api.ok("POST", "/profiles", body={"name": "Work", "userId": "u1"})
    path = f"/profiles/{profile['id']}"
    assert profile["lastUsedAt"] is None
    await api.ok("POST", "/sessions", body={"profileId": profile["id"]})
    assert (await api.ok("GET", path))["lastUsedAt"] is not None
    updated = await api.ok("PATCH", path, body={"name": "Home"})
    assert (updated["name"], updated["userId"]) == ("Home", "u1")
    await api.ok("POST", "/profiles", body={"name": "Other"})
    found = await api.ok("GET", "/profiles", params={"query": "hom"})
    assert [item["id"] for item in found["items"]] == [profile["id"]]
    assert (await api.call("DELETE", path)).status == 204
    assert (await api.call("GET", path)).status == 404
    assert (await api.call("DELETE", path)).status == 204
    unknown = await api.call("POST", "/sessions", body={"profileId": profile["id"]})
    assert (unknown.status, unknown.body) == (404, {"detail": "Profile not found"})


async def test_browsers_stop_and_time_out(api: Api) -> None:
    browser = await api.ok("POST", "/browsers", body={"timeout": 2})
    assert (browser["status"], browser["finishedAt"]) == ("active", None)
    assert browser["cdpUrl"].startswith("wss://")
    api.fake.advance(119)
    assert (await api.ok("GET", f"/browsers/{browser['id']}"))["status"] == "active"
    api.fake.advance(1)
    timed_out = await api.ok("GET", f"/browsers/{browser['id']}")
    assert (timed_out["status"], timed_out["finishedAt"]) == ("stopped", browser["timeoutAt"])
    other = await api.ok("POST", "/browsers", body={})
    stopped = await api.ok("PATCH", f"/browsers/{other['id']}", body={"action": "stop"})
    assert (stopped["status"], stopped["cdpUrl"]) == ("stopped", None)
    active = await api.ok("GET", "/browsers", params={"filterBy": "active"})
    assert active["totalItems"] == 0


async def test_browser_timeout_limits(api: Api) -> None:
    too_long = await api.call("POST", "/browsers", body={"timeout": 241})
    assert (too_long.status, too_long.body) == (
        403,
        {"detail": "Maximum session timeout is 4 hours (240 minutes)."},
    )
    too_short = await api.call("POST", "/browsers", body={"timeout": 0})
    assert too_short.status == 422
    assert too_short.body["detail"][0]["loc"] == ["body", "timeout"]


async def test_downloads_page_with_a_cursor(api: Api) -> None:
    browser = await api.ok("POST", "/browsers", body={})
    for n in range(5):
        api.fake.add_download(uuid.UUID(browser["id"]), f"downloads/{n}.txt", b"x" * n)
    path = f"/browsers/{browser['id']}/downloads"
    seen: list[str] = []
    params = {"limit": "2"}
    while True:
        page = await api.ok("GET", path, params=params)
        seen += [file["path"] for file in page["files"]]
        assert all(file["url"] is None for file in page["files"])
        if not page["hasMore"]:
            assert page["nextCursor"] is None
            break
        params = {"limit": "2", "cursor": page["nextCursor"]}
    assert seen == [f"downloads/{n}.txt" for n in range(5)]
    with_urls = await api.ok("GET", path, params={"includeUrls": "true", "limit": "100"})
    async with api.session.get(with_urls["files"][3]["url"]) as response:
        assert await response.read() == b"xxx"
    bad = await api.call("GET", path, params={"cursor": "garbage"})
    assert (bad.status, bad.body["detail"][0]["loc"]) == (422, ["query", "cursor"])


async def _upload(api: Api, ticket: JSON, data: bytes, **changes: str) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    for name, value in {**ticket["fields"], **changes}.items():
        form.add_field(name, value)
    form.add_field("file", data, filename=ticket["fileName"], content_type="text/plain")
    async with api.session.post(ticket["url"], data=form) as response:
        await response.read()
        return response


async def test_presigned_upload_is_accepted_by_the_fake(api: Api) -> None:
    session_id = api.fake.create_session()
    body = {"fileName": "notes.txt", "contentType": "text/plain", "sizeBytes": 5}
    ticket = await api.ok("POST", f"/files/sessions/{session_id}/presigned-url", body=body)
    assert ticket["method"] == "POST"
    assert ticket["url"].startswith(api.fake.base_url.removesuffix("/api/v2"))
    assert (await _upload(api, ticket, b"hello")).status == 204
    assert api.fake.uploads == [
        UploadedFile("sessions", session_id, "notes.txt", "text/plain", b"hello")
    ]
    assert (await _upload(api, ticket, b"too long")).status == 400
    assert (await _upload(api, ticket, b"hi", key="elsewhere")).status == 403
    api.fake.advance(ticket["expiresIn"] + 1)
    assert (await _upload(api, ticket, b"hello")).status == 403
    assert len(api.fake.uploads) == 1


async def test_presigning_checks_the_session_and_the_file(api: Api) -> None:
    body = {"fileName": "a.exe", "contentType": "application/x-msdownload", "sizeBytes": 1}
    bad = await api.call(
        "POST", f"/files/sessions/{api.fake.create_session()}/presigned-url", body=body
    )
    assert bad.status == 422
    assert bad.body["detail"][0]["loc"] == ["body", "contentType"]
    body = {"fileName": "a.txt", "contentType": "text/plain", "sizeBytes": 1}
    missing = await api.call("POST", f"/files/browsers/{uuid.uuid4()}/presigned-url", body=body)
    assert (missing.status, missing.body) == (404, {"detail": "Session not found"})


async def _finished_skill(api: Api) -> str:
    skill = await api.ok("POST", "/skills", body={"goal": "Prices", "agentPrompt": "Find prices."})
    api.fake.advance(api.fake.skill_generation_seconds)
    skill_id: str = skill["id"]
    return skill_id


async def test_skills_generate_refine_and_roll_back(api: Api) -> None:
    skill = await api.ok("POST", "/skills", body={"goal": "Prices", "agentPrompt": "Find prices."})
    path = f"/skills/{skill['id']}"
    assert (await api.ok("GET", path))["status"] == "generating"
    second = await api.call("POST", "/skills", body={"goal": "B", "agentPrompt": "Another one."})
    assert second.status == 400
    refused = await api.call("POST", f"{path}/execute", body={})
    assert (refused.status, refused.body) == (400, {"detail": "Skill is not finished"})
    assert (await api.call("DELETE", path)).status == 400
    api.fake.advance(api.fake.skill_generation_seconds)
    done = await api.ok("GET", path)
    assert (done["status"], done["currentVersion"]) == ("finished", 1)
    assert (await api.call("POST", f"{path}/rollback")).status == 400
    await api.ok("POST", f"{path}/refine", body={"feedback": "Add the currency."})
    assert (
        await api.call("POST", f"{path}/refine", body={"feedback": "Again, please."})
    ).status == 400
    api.fake.advance(api.fake.skill_generation_seconds)
    assert (await api.ok("GET", path))["currentVersion"] == 2
    rolled = await api.ok("POST", f"{path}/rollback")
    assert (rolled["currentVersion"], rolled["code"]) == (1, done["code"])
    updated = await api.ok("PATCH", path, body={"isEnabled": False, "categories": ["travel"]})
    assert (updated["isEnabled"], updated["categories"]) == (False, ["travel"])
    listed = await api.ok("GET", "/skills", params={"isEnabled": "false", "category": "travel"})
    assert listed["totalItems"] == 1
    assert (await api.call("DELETE", path)).status == 204
    assert (await api.call("GET", path)).status == 404


async def test_cancelling_a_generation(api: Api) -> None:
    skill = await api.ok("POST", "/skills", body={"goal": "G", "agentPrompt": "Do it now."})
    cancelled = await api.ok("POST", f"/skills/{skill['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    again = await api.call("POST", f"/skills/{skill['id']}/cancel")
    assert (again.status, again.body) == (400, {"detail": "Generation is not cancellable"})
    api.fake.advance(3600)
    assert (await api.ok("GET", f"/skills/{skill['id']}"))["status"] == "cancelled"


async def test_skill_executions_are_recorded_with_their_output(api: Api) -> None:
    skill_id = await _finished_skill(api)
    result = await api.ok(
        "POST", f"/skills/{skill_id}/execute", body={"parameters": {"query": "x"}}
    )
    assert result["success"] is True
    failed = await api.ok("POST", f"/skills/{skill_id}/execute", body={})
    assert (failed["success"], failed["error"]) == (False, "Missing required parameters: query")
    executions = await api.ok("GET", f"/skills/{skill_id}/executions")
    assert executions["totalItems"] == 2
    ok = next(row for row in executions["items"] if row["success"])
    output = await api.ok("GET", f"/skills/{skill_id}/executions/{ok['id']}/output")
    async with api.session.get(output["downloadUrl"]) as response:
        assert (await response.json())["parameters"] == {"query": "x"}
    bad = next(row for row in executions["items"] if not row["success"])
    assert (
        await api.call("GET", f"/skills/{skill_id}/executions/{bad['id']}/output")
    ).status == 404


async def test_marketplace_clone_and_execute(api: Api) -> None:
    listed = await api.ok("GET", "/marketplace/skills", params={"query": "flight"})
    [skill] = listed["items"]
    assert (await api.ok("GET", f"/marketplace/skills/{skill['slug']}"))["id"] == skill["id"]
    clone = await api.ok("POST", f"/marketplace/skills/{skill['id']}/clone")
    assert (clone["clonedFromSkillId"], clone["status"]) == (skill["id"], "finished")
    assert (await api.ok("GET", f"/skills/{clone['id']}"))["title"] == skill["title"]
    again = await api.ok("GET", f"/marketplace/skills/{skill['slug']}")
    assert again["cloneCount"] == 1
    body = {"parameters": {"query": "ZRH-LIS"}}
    result = await api.ok("POST", f"/marketplace/skills/{skill['id']}/execute", body=body)
    assert result["success"] is True


async def test_without_credits_paid_operations_are_402(api: Api) -> None:
    api.fake.store.charge("100")
    assert (await api.ok("GET", "/billing/account"))["totalCreditsBalanceUsd"] == 0
    for path, body in [
        ("/sessions", {}),
        ("/profiles", {}),
        ("/skills", {"goal": "g", "agentPrompt": "0123456789"}),
    ]:
        answer = await api.call("POST", path, body=body)
        assert (answer.status, answer.body) == (402, {"detail": "Insufficient credits"})
