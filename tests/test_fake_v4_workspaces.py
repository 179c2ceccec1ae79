"""The fake's v4 workspaces (presigned uploads and downloads), browsers and profiles."""

import io
import uuid

import pytest

from browser_use_async.testing import RunScenario
from tests.fakecloud import JSON, Api


async def _presign(v4: Api, workspace: str, *files: tuple[str, str, int]) -> list[JSON]:
    body = {"files": [{"name": n, "contentType": t, "size": s} for n, t, s in files]}
    answer = await v4.ok("POST", f"/workspaces/{workspace}/files/upload", body=body)
    items: list[JSON] = answer["files"]
    return items


async def _put(v4: Api, url: str, data: bytes, headers: dict[str, str]) -> tuple[int, str]:
    headers = {"Content-Length": str(len(data)), **headers}
    async with v4.session.put(url, data=io.BytesIO(data), headers=headers) as answer:
        return answer.status, await answer.text()


async def test_a_presigned_upload_round_trips_to_a_download_url(v4: Api) -> None:
    workspace = await v4.ok("POST", "/workspaces", body={"name": "Inputs"})
    assert (workspace["name"], workspace["archived"]) == ("Inputs", False)
    assert await v4.ok("GET", f"/workspaces/{workspace['id']}") == workspace
    [item] = await _presign(v4, workspace["id"], ("my data.csv", "text/csv", 8))
    assert (item["name"], item["storedName"], item["path"]) == (
        "my data.csv",
        "my_data.csv",
        "uploads/my_data.csv",
    )
    assert item["willOverride"] is False
    assert item["uploadUrl"].startswith(v4.fake.v4_base_url.removesuffix("/api/v4"))
    status, _ = await _put(v4, item["uploadUrl"], b"a,b\n1,2\n", {"Content-Type": "text/csv"})
    assert status == 200
    put = v4.fake.requests[-1]
    assert (put.method, "X-Browser-Use-API-Key" in put.headers) == ("PUT", False)
    listed = await v4.ok("GET", f"/workspaces/{workspace['id']}/files")
    assert [(f["path"], f["size"], f["url"]) for f in listed["files"]] == [
        ("uploads/my_data.csv", 8, None)
    ]
    params = {"includeUrls": "true", "contentDisposition": "attachment"}
    listed = await v4.ok("GET", f"/workspaces/{workspace['id']}/files", params=params)
    async with v4.session.get(listed["files"][0]["url"]) as download:
        assert await download.read() == b"a,b\n1,2\n"
        assert download.headers["Content-Disposition"] == 'attachment; filename="my_data.csv"'
    [again] = await _presign(v4, workspace["id"], ("my data.csv", "text/csv", 3))
    assert again["willOverride"] is True


@pytest.mark.parametrize(
    ("data", "headers", "code"),
    [
        (b"12345678", {"Content-Type": "text/plain"}, "SignatureDoesNotMatch"),
        (b"1234", {"Content-Type": "text/csv"}, "SignatureDoesNotMatch"),
        (b"123456789", {"Content-Type": "text/csv"}, "SignatureDoesNotMatch"),
    ],
)
async def test_an_upload_of_another_type_or_size_answers_403_as_s3(
    v4: Api, data: bytes, headers: dict[str, str], code: str
) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    [item] = await _presign(v4, workspace, ("data.csv", "text/csv", 8))
    status, text = await _put(v4, item["uploadUrl"], data, headers)
    assert (status, f"<Code>{code}</Code>" in text) == (403, True)
    assert (await v4.ok("GET", f"/workspaces/{workspace}/files"))["files"] == []


async def test_an_upload_url_expires_after_five_minutes(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    [item] = await _presign(v4, workspace, ("late.txt", "text/plain", 2))
    v4.fake.advance(301)
    status, text = await _put(v4, item["uploadUrl"], b"hi", {"Content-Type": "text/plain"})
    assert (status, "Request has expired" in text) == (403, True)
    bogus = item["uploadUrl"].rsplit("/", 1)[0] + "/not-a-token"
    status, _ = await _put(v4, bogus, b"hi", {"Content-Type": "text/plain"})
    assert status == 403


async def test_attached_uploads_show_on_the_run_and_missing_ones_are_reported(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    done, pending = await _presign(
        v4, workspace, ("a.txt", "text/plain", 1), ("b.txt", "text/plain", 1)
    )
    await _put(v4, done["uploadUrl"], b"a", {"Content-Type": "text/plain"})
    unknown = str(uuid.uuid4())
    body = {
        "task": "Read the files",
        "workspaceId": workspace,
        "attachedFileIds": [pending["id"], done["id"], unknown],
    }
    run = await v4.ok("POST", "/runs", body=body)
    assert run["workspaceId"] == workspace
    assert run["missingFileIds"] == [unknown]
    answer = await v4.ok("GET", f"/runs/{run['id']}/attachments")
    assert [(a["name"], a["status"], a["sizeBytes"]) for a in answer["attachments"]] == [
        ("b.txt", "pending", 1),
        ("a.txt", "uploaded", 1),
    ]


async def test_files_list_by_prefix_in_cursor_pages(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    names = [f"f{n}.txt" for n in range(5)]
    for item in await _presign(v4, workspace, *[(name, "text/plain", 1) for name in names]):
        await _put(v4, item["uploadUrl"], b"x", {"Content-Type": "text/plain"})
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"limit": "2", "prefix": "uploads/"} | ({"cursor": cursor} if cursor else {})
        page = await v4.ok("GET", f"/workspaces/{workspace}/files", params=params)
        seen += [row["path"] for row in page["files"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [f"uploads/{name}" for name in names]
    page = await v4.ok("GET", f"/workspaces/{workspace}/files", params={"prefix": "outputs/"})
    assert page == {"files": [], "nextCursor": None, "hasMore": False}


async def test_a_run_writes_its_output_files_and_purge_drops_them(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1, output_files={"report.md": b"# Hi"})
    run = await v4.ok("POST", "/runs", body={"task": "Write it up"})
    v4.fake.advance(10)
    files = (await v4.ok("GET", f"/workspaces/{run['workspaceId']}/files"))["files"]
    assert [(f["path"], f["size"]) for f in files] == [("outputs/report.md", 4)]
    answer = await v4.call("POST", f"/sessions/{run['sessionId']}/purge")
    assert (answer.status, answer.body) == (204, b"")
    assert (await v4.ok("GET", f"/workspaces/{run['workspaceId']}/files"))["files"] == []


async def test_unknown_workspaces_answer_404(v4: Api) -> None:
    missing = uuid.uuid4()
    for method, path in (
        ("GET", f"/workspaces/{missing}"),
        ("GET", f"/workspaces/{missing}/files"),
    ):
        answer = await v4.call(method, path)
        assert (answer.status, answer.body) == (404, {"detail": "Workspace not found"})
    answer = await v4.call("POST", "/runs", body={"task": "x", "workspaceId": str(missing)})
    assert answer.status == 404


async def test_upload_requests_are_checked_against_the_spec(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    path = f"/workspaces/{workspace}/files/upload"
    empty = await v4.call("POST", path, body={"files": []})
    assert (empty.status, empty.body["detail"][0]["type"]) == (422, "too_short")
    big = {"files": [{"name": "x", "size": 52428801}]}
    answer = await v4.call("POST", path, body=big)
    assert answer.body["detail"][0]["type"] == "less_than_equal"


async def test_browsers_and_profiles_are_one_account_across_v2_and_v4(v4: Api) -> None:
    v2 = Api(v4.fake, v4.session)
    profile = await v2.ok("POST", "/profiles", body={"name": "Shared"})
    assert await v4.ok("GET", f"/profiles/{profile['id']}") == profile
    body = {"timeout": 10, "metadata": {"team": "ops", "env": "test"}}
    browser = await v4.ok("POST", "/browsers", body=body)
    other = await v2.ok("POST", "/browsers", body={"metadata": {"team": "web"}})
    seen_in_v2 = await v2.ok("GET", f"/browsers/{browser['id']}")
    assert seen_in_v2 == await v4.ok("GET", f"/browsers/{browser['id']}")
    assert seen_in_v2["metadata"] == {"team": "ops", "env": "test"}
    listed = await v4.ok("GET", "/browsers")
    assert {row["id"] for row in listed["items"]} == {browser["id"], other["id"]}
    for terms, expected in (
        (["team=ops"], [browser["id"]]),
        (["team"], [other["id"], browser["id"]]),
        (["team=web", "env"], []),
    ):
        query = "&".join(f"metadata={term}" for term in terms)
        page = await v4.ok("GET", f"/browsers?{query}")
        assert [row["id"] for row in page["items"]] == expected
    stopped = await v4.ok("PATCH", f"/browsers/{browser['id']}", body={"action": "stop"})
    assert stopped["status"] == "stopped"
    await v4.ok("DELETE", f"/profiles/{profile['id']}")
    assert (await v2.call("GET", f"/profiles/{profile['id']}")).status == 404


async def test_a_v4_browser_over_capacity_answers_the_spec_429(v4: Api) -> None:
    v4.fake.max_active_sessions = 0
    answer = await v4.call("POST", "/browsers", body={})
    assert answer.status == 429
    assert answer.body["detail"].startswith("Too many concurrent active sessions")


async def test_a_file_of_several_mebibytes_uploads_whole(v4: Api) -> None:
    workspace = (await v4.ok("POST", "/workspaces", body={}))["id"]
    data = bytes(range(256)) * (5 * 4096)  # 5 MiB, past aiohttp's 1 MiB default
    [item] = await _presign(v4, workspace, ("big.bin", "application/octet-stream", len(data)))
    headers = {"Content-Type": "application/octet-stream"}
    assert (await _put(v4, item["uploadUrl"], data, headers))[0] == 200
    params = {"includeUrls": "true"}
    [row] = (await v4.ok("GET", f"/workspaces/{workspace}/files", params=params))["files"]
    async with v4.session.get(row["url"]) as download:
        assert await download.read() == data
