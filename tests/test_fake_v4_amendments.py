"""The fake's v4 amendment operations: what the official v4 client calls beyond the spec."""

import json
import uuid

import aiohttp
import pytest

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async.testing import RunScenario
from tests.fakecloud import JSON, Api
from tests.test_fake_v4_spec import extension_zip

LONG = RunScenario(steps=10)


async def _session(v4: Api, task: str = "Plan a trip") -> JSON:
    created: JSON = await v4.ok("POST", "/runs", body={"task": task})
    return created


async def test_a_renamed_session_shows_its_title_until_cleared(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1)
    run = await _session(v4)
    v4.fake.advance(10)
    path = f"/sessions/{run['sessionId']}"
    assert (await v4.ok("PATCH", path, body={"title": "Holidays"}))["title"] == "Holidays"
    assert (await v4.ok("PATCH", path, body={}))["title"] == "Holidays"
    assert (await v4.ok("PATCH", path, body={"title": None}))["title"] == "Plan a trip"
    answer = await v4.call("PATCH", path, body={"title": "x" * 256})
    assert answer.status == 422


async def test_deleting_a_session_cancels_its_run_and_messages(v4: Api) -> None:
    v4.fake.default_run_scenario = LONG
    run = await _session(v4)
    session = run["sessionId"]
    message = await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Later"})
    assert (await v4.call("DELETE", f"/sessions/{session}")).status == 204
    assert (await v4.call("GET", f"/sessions/{session}")).status == 404
    assert (await v4.call("GET", f"/runs/{run['id']}")).status == 404
    assert v4.fake.queued_messages(uuid.UUID(session))[0] == {**message, "status": "cancelled"}
    assert v4.fake.stats()["activeSessions"] == 0
    v4.fake.advance(100)
    assert v4.fake.runs == {}  # the message never ran


async def test_cost_and_cost_cap(v4: Api) -> None:
    fake = v4.fake
    fake.default_run_scenario = RunScenario(steps=10, cost_per_step="0.10")
    run = await _session(v4)
    session = run["sessionId"]
    fake.advance(0.5 + 3)
    cost = await v4.ok("GET", f"/sessions/{session}/cost")
    assert (cost["numRuns"], cost["llmCostUsd"], cost["totalCostUsd"]) == (1, "0.30", "0.30")
    capped = await v4.ok("PATCH", f"/sessions/{session}/cost-cap", body={"maxCostUsd": "0.45"})
    assert capped == {"sessionId": session, "maxCostUsd": "0.45"}
    fake.advance(100)
    ended = await v4.ok("GET", f"/runs/{run['id']}")
    assert (ended["status"], ended["totalCostUsd"]) == ("failed", "0.40")
    bad = await v4.call("PATCH", f"/sessions/{session}/cost-cap", body={"maxCostUsd": "0"})
    assert bad.status == 422


async def test_a_share_is_made_once_and_turned_off_and_on(v4: Api) -> None:
    session = (await _session(v4))["sessionId"]
    path = f"/sessions/{session}/share"
    assert (await v4.call("GET", path)).body is None
    missing = await v4.call("PUT", path, body={"isActive": True})
    assert (missing.status, missing.body) == (404, {"detail": "Share not found"})
    share = await v4.ok("POST", path)
    assert (share["isActive"], share["sessionId"]) == (True, session)
    off = await v4.ok("PUT", path, body={"isActive": False})
    assert off == {**share, "isActive": False}
    assert await v4.ok("POST", path) == share  # the same token again
    assert await v4.ok("GET", path) == share


async def test_one_queued_message_is_read_in_any_state(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1)
    session = (await _session(v4))["sessionId"]
    sent = await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Next"})
    path = f"/sessions/{session}/queue/{sent['id']}"
    assert (await v4.ok("GET", path))["status"] == "pending"
    v4.fake.advance(10)
    consumed = await v4.ok("GET", path)
    assert consumed["status"] == "consumed"
    assert v4.fake.runs[uuid.UUID(consumed["runId"])]["task"] == "Next"
    assert (await v4.call("GET", f"/sessions/{session}/queue/12345")).status == 404


async def _upload(v4: Api, workspace: str, name: str, data: bytes) -> JSON:
    body = {"files": [{"name": name, "contentType": "text/plain", "size": len(data)}]}
    [item] = (await v4.ok("POST", f"/workspaces/{workspace}/files/upload", body=body))["files"]
    headers = {"Content-Type": "text/plain"}
    async with v4.session.put(item["uploadUrl"], data=data, headers=headers) as answer:
        assert answer.status == 200
    uploaded: JSON = item
    return uploaded


async def test_workspace_rename_size_file_delete_and_delete(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={"name": "Old"}))["id"]
    renamed = await v4.ok("PATCH", f"/workspaces/{workspace}", body={"name": "New"})
    assert renamed["name"] == "New"
    await _upload(v4, workspace, "a.txt", b"12345")
    await _upload(v4, workspace, "b.txt", b"123")
    size = await v4.ok("GET", f"/workspaces/{workspace}/size")
    assert size == {"usedBytes": 8, "maxBytes": 5 * 2**30}
    for _ in range(2):  # idempotent
        gone = await v4.call("DELETE", f"/workspaces/{workspace}/files?path=uploads/a.txt")
        assert gone.status == 204
    assert (await v4.ok("GET", f"/workspaces/{workspace}/size"))["usedBytes"] == 3
    assert (await v4.call("DELETE", f"/workspaces/{workspace}/files")).status == 422
    assert (await v4.call("DELETE", f"/workspaces/{workspace}")).status == 204
    assert (await v4.call("GET", f"/workspaces/{workspace}")).status == 404


async def test_uploads_that_may_not_override_answer_409(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    await _upload(v4, workspace, "a.txt", b"1")
    files = [{"name": "a.txt", "size": 1}]
    body = {"files": files, "allowOverrides": False}
    answer = await v4.call("POST", f"/workspaces/{workspace}/files/upload", body=body)
    assert answer.status == 409
    assert "uploads/a.txt" in answer.body["detail"]
    ok = await v4.ok("POST", f"/workspaces/{workspace}/files/upload", body={"files": files})
    assert ok["files"][0]["willOverride"] is True


async def _post_extension(v4: Api, data: bytes | None) -> tuple[int, JSON]:
    form = aiohttp.FormData()
    if data is not None:
        form.add_field("file", data, filename="ext.zip", content_type="application/zip")
    else:
        form.add_field("other", "x")
    url, key = v4.fake.v4_base_url + "/extensions", {"X-Browser-Use-API-Key": v4.fake.api_key}
    async with v4.session.post(url, data=form, headers=key) as answer:
        body: JSON = await answer.json()
        return answer.status, body


async def test_extensions_are_uploaded_listed_and_deleted(v4: Api) -> None:
    status, made = await _post_extension(v4, extension_zip("Dark Mode", "2.0"))
    assert (status, made["name"], made["version"]) == (200, "Dark Mode", "2.0")
    status, bad = await _post_extension(v4, b"not a zip")
    assert (status, "manifest.json" in bad["detail"]) == (400, True)
    status, missing = await _post_extension(v4, None)
    assert (status, missing["detail"][0]["loc"]) == (422, ["body", "file"])
    await _post_extension(v4, extension_zip("Second", "1.0"))
    page = await v4.ok("GET", "/extensions", params={"pageSize": "1"})
    assert ([row["name"] for row in page["items"]], page["totalItems"]) == (["Second"], 2)
    assert await v4.ok("GET", f"/extensions/{made['id']}") == made
    assert (await v4.call("DELETE", f"/extensions/{made['id']}")).status == 204
    gone = await v4.call("GET", f"/extensions/{made['id']}")
    assert (gone.status, gone.body) == (404, {"detail": "Extension not found"})


async def test_integrations_list_search_connect_and_disconnect(v4: Api) -> None:
    fake = v4.fake
    listed = await v4.ok("GET", "/integrations")
    assert listed["total"] == len(listed["integrations"]) == 5
    found = await v4.ok("GET", "/integrations", params={"search": "EMAIL"})
    assert [row["provider"] for row in found["integrations"]] == ["gmail"]
    popular = await v4.ok("GET", "/integrations", params={"popular_only": "true", "limit": "2"})
    assert (len(popular["integrations"]), popular["total"]) == (2, 3)
    categories = await v4.ok("GET", "/integrations/categories")
    assert categories == {"categories": ["communication", "developer", "productivity"]}
    authorized = await v4.ok("POST", "/integrations/slack/authorize")
    assert authorized["redirect_url"].startswith("https://")
    assert (await v4.ok("GET", "/integrations/slack/status"))["is_connected"] is False
    fake.connect_integration("slack")
    assert (await v4.ok("GET", "/integrations/slack/status"))["is_connected"] is True
    connected = await v4.ok("GET", "/integrations", params={"connected_only": "true"})
    assert [row["provider"] for row in connected["integrations"]] == ["slack"]
    assert await v4.ok("DELETE", "/integrations/slack") == {"success": True, "provider": "slack"}
    assert (await v4.ok("GET", "/integrations/slack/status"))["is_connected"] is False
    assert (await v4.call("GET", "/integrations/myspace/status")).status == 404
    with pytest.raises(InvalidArgumentError, match="myspace"):
        fake.connect_integration("myspace")


async def test_a_run_with_an_output_schema_answers_fitting_json(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1)
    schema = {
        "type": "object",
        "properties": {"price": {"type": "number"}, "shop": {"type": "string"}},
        "required": ["price", "shop"],
    }
    body: JSON = {"task": "Cheapest", "outputSchema": schema, "modelParams": {"reasoning": {}}}
    created = await v4.ok("POST", "/runs", body=body)
    v4.fake.advance(10)
    run = await v4.ok("GET", f"/runs/{created['id']}")
    assert set(json.loads(run["result"])) == {"price", "shop"}
    assert run["output"] == json.loads(run["result"])
    assert (run["outputSchema"], run["modelParams"]) == (schema, {"reasoning": {}})


async def test_secret_bindings_are_used_and_never_answered(v4: Api) -> None:
    binding = {
        "alias": "github_password",
        "source": {"type": "inline", "value": "hunter2-secret"},
        "allowedDomains": ["github.com"],
    }
    body = {"task": "Log in", "secretBindings": [binding], "opVaultId": "vault-1"}
    created = await v4.ok("POST", "/runs", body=body)
    assert created["skippedVaultItems"] == []
    v4.fake.advance(10)
    answers = [
        await v4.ok("GET", f"/runs/{created['id']}"),
        await v4.ok("GET", f"/runs/{created['id']}/events"),
        await v4.ok("GET", "/runs"),
    ]
    assert "hunter2-secret" not in json.dumps([created, *answers])
