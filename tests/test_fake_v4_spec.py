"""Every operation of the v4 spec, called on the fake with valid input, answers as documented."""

import io
import json
import uuid
import zipfile
from typing import Any

import aiohttp
import pytest

from browser_use_async.testing import RunScenario
from browser_use_async.testing._spec import operations, validator
from browser_use_async.testing._v4.routes import V4_ROUTES
from tests.fakecloud import JSON, Answer, Api, assert_answers_as_documented

RUN = {"run_id": "run_id"}
SESSION = {"session_id": "session_id"}
WORKSPACE = {"workspace_id": "workspace_id"}
BROWSER = {"session_id": "browser_id"}
PROFILE = {"profile_id": "profile_id"}
MESSAGE = {"session_id": "session_id", "message_id": "message_id"}
EXTENSION = {"extension_id": "extension_id"}
PROVIDER = {"provider": "provider"}
FORM = object()  # POST /extensions: a multipart upload of an extension's ZIP
PAGES = ("runs", "sessions", "events", "queue", "files", "items", "attachments")
UPLOAD = {"files": [{"name": "data.csv", "contentType": "text/csv", "size": 4}]}
# (METHOD, path) -> (path parameter names to world keys, query, body)
CASES: dict[tuple[str, str], tuple[dict[str, str], dict[str, str], Any]] = {
    ("POST", "/runs"): ({}, {}, {"task": "Find the news", "maxCostUsd": 2.5, "judge": {}}),
    ("GET", "/runs"): ({}, {"limit": "1"}, None),
    ("GET", "/runs/{run_id}"): (RUN, {}, None),
    ("GET", "/runs/{run_id}/status"): (RUN, {}, None),
    ("POST", "/runs/{run_id}/cancel"): (RUN, {}, None),
    ("GET", "/runs/{run_id}/events"): (RUN, {"after": "1", "limit": "2"}, None),
    ("GET", "/runs/{run_id}/attachments"): (RUN, {}, None),
    ("GET", "/sessions"): ({}, {"limit": "1"}, None),
    ("GET", "/sessions/{session_id}"): (SESSION, {}, None),
    ("POST", "/sessions/{session_id}/purge"): (SESSION, {}, None),
    ("POST", "/sessions/{session_id}/queue"): (SESSION, {}, {"text": "And then?"}),
    ("GET", "/sessions/{session_id}/queue"): (SESSION, {}, None),
    ("DELETE", "/sessions/{session_id}/queue/{message_id}"): (MESSAGE, {}, None),
    ("POST", "/workspaces"): ({}, {}, {"name": "Reports"}),
    ("GET", "/workspaces/{workspace_id}"): (WORKSPACE, {}, None),
    ("POST", "/workspaces/{workspace_id}/files/upload"): (WORKSPACE, {}, UPLOAD),
    ("GET", "/workspaces/{workspace_id}/files"): (WORKSPACE, {"includeUrls": "true"}, None),
    ("GET", "/browsers"): ({}, {"pageSize": "5"}, None),
    ("POST", "/browsers"): ({}, {}, {"timeout": 30}),
    ("GET", "/browsers/{session_id}"): (BROWSER, {}, None),
    ("PATCH", "/browsers/{session_id}"): (BROWSER, {}, {"action": "stop"}),
    ("GET", "/browsers/{session_id}/downloads"): (BROWSER, {"includeUrls": "true"}, None),
    ("GET", "/profiles"): ({}, {"query": "wor"}, None),
    ("POST", "/profiles"): ({}, {}, {"name": "Shopping"}),
    ("GET", "/profiles/{profile_id}"): (PROFILE, {}, None),
    ("PATCH", "/profiles/{profile_id}"): (PROFILE, {}, {"name": "Home"}),
    ("DELETE", "/profiles/{profile_id}"): (PROFILE, {}, None),
    # The amendments: what the official v4 client calls beyond the upstream spec.
    ("PATCH", "/sessions/{session_id}"): (SESSION, {}, {"title": "Trip"}),
    ("DELETE", "/sessions/{session_id}"): (SESSION, {}, None),
    ("GET", "/sessions/{session_id}/cost"): (SESSION, {}, None),
    ("PATCH", "/sessions/{session_id}/cost-cap"): (SESSION, {}, {"maxCostUsd": "5"}),
    ("GET", "/sessions/{session_id}/share"): (SESSION, {}, None),
    ("POST", "/sessions/{session_id}/share"): (SESSION, {}, None),
    ("PUT", "/sessions/{session_id}/share"): (SESSION, {}, {"isActive": False}),
    ("GET", "/sessions/{session_id}/queue/{message_id}"): (MESSAGE, {}, None),
    ("PATCH", "/workspaces/{workspace_id}"): (WORKSPACE, {}, {"name": "Renamed"}),
    ("DELETE", "/workspaces/{workspace_id}"): (WORKSPACE, {}, None),
    ("GET", "/workspaces/{workspace_id}/size"): (WORKSPACE, {}, None),
    ("DELETE", "/workspaces/{workspace_id}/files"): (WORKSPACE, {"path": "uploads/data.csv"}, None),
    ("POST", "/extensions"): ({}, {}, FORM),
    ("GET", "/extensions"): ({}, {"pageSize": "5"}, None),
    ("GET", "/extensions/{extension_id}"): (EXTENSION, {}, None),
    ("DELETE", "/extensions/{extension_id}"): (EXTENSION, {}, None),
    ("GET", "/integrations"): ({}, {"popular_only": "true", "limit": "2"}, None),
    ("GET", "/integrations/categories"): ({}, {}, None),
    ("POST", "/integrations/{provider}/authorize"): (PROVIDER, {}, None),
    ("GET", "/integrations/{provider}/status"): (PROVIDER, {}, None),
    ("DELETE", "/integrations/{provider}"): (PROVIDER, {}, None),
}


async def _world(v4: Api) -> JSON:
    """One of everything, ids by name: a running run with a pending message and an uploaded
    file, a browser with a download, a profile."""
    fake = v4.fake
    fake.default_run_scenario = RunScenario(steps=5, output_files={"out.txt": b"done"})
    first = await v4.ok("POST", "/runs", body={"task": "Write a report"})
    fake.advance(10)
    workspace = first["workspaceId"]
    upload = await v4.ok("POST", f"/workspaces/{workspace}/files/upload", body=UPLOAD)
    item = upload["files"][0]
    headers = {"Content-Type": "text/csv"}
    async with v4.session.put(item["uploadUrl"], data=b"a,b\n", headers=headers) as put:
        assert put.status == 200
    body = {
        "task": "Use the data",
        "sessionId": first["sessionId"],
        "attachedFileIds": [item["id"]],
    }
    run = await v4.ok("POST", "/runs", body=body)
    fake.advance(2)
    session = first["sessionId"]
    message = await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Wait for me"})
    await v4.ok("POST", f"/sessions/{session}/share")
    browser = await v4.ok("POST", "/browsers", body={})
    fake.add_download(uuid.UUID(browser["id"]), "downloads/a.pdf", b"%PDF-1.4")
    profile = await v4.ok("POST", "/profiles", body={"name": "Work"})
    extension = await _upload_extension(v4)
    fake.connect_integration("github")
    return {
        "extension_id": extension["id"],
        "provider": "github",
        "run_id": run["id"],
        "session_id": session,
        "message_id": message["id"],
        "workspace_id": workspace,
        "browser_id": browser["id"],
        "profile_id": profile["id"],
    }


def extension_zip(name: str = "Ad Blocker", version: str = "1.2.3") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"name": name, "version": version}))
    return buffer.getvalue()


async def _upload_extension(v4: Api) -> JSON:
    form = aiohttp.FormData()
    form.add_field("file", extension_zip(), filename="blocker.zip", content_type="application/zip")
    url, key = v4.fake.v4_base_url + "/extensions", {"X-Browser-Use-API-Key": v4.fake.api_key}
    async with v4.session.post(url, data=form, headers=key) as answer:
        assert answer.status == 200, await answer.text()
        body: JSON = await answer.json()
        return body


def test_every_operation_has_a_case_and_a_route() -> None:
    assert set(CASES) == set(operations("v4")) == set(V4_ROUTES)
    assert len(CASES) == 27 + 21


@pytest.mark.parametrize(("method", "path"), sorted(CASES))
async def test_operation_answers_as_the_spec_says(v4: Api, method: str, path: str) -> None:
    world = await _world(v4)
    names, query, body = CASES[method, path]
    url = path
    for name, key in names.items():
        url = url.replace("{" + name + "}", str(world[key]))
    if body is FORM:
        created = await _upload_extension(v4)
        answer = Answer(200, created, {})
    else:
        answer = await v4.call(method, url, body=body, params=query)
    operation = operations("v4")[method, path]
    assert_answers_as_documented(answer, operation)
    schema = operation.responses[answer.status]
    if schema is not None:  # an empty page would prove little about its rows
        fields = validator("v4").resolve(schema).get("properties", {})
        assert all(answer.body[key] for key in PAGES if key in fields), answer.body
