"""v4 workspaces: the wire format, typed answers, argument checks before anything is sent,
cursor pages, and files uploaded and downloaded through presigned URLs."""

import io
import json
import os
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from browser_use_async import (
    APIResponseValidationError,
    ConflictError,
    InvalidArgumentError,
    LocalFileError,
    PermissionDeniedError,
    RawResponse,
    RetryPolicy,
    WorkspaceFileNotFoundError,
)
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse
from browser_use_async.v4.models import (
    MAX_UPLOAD_BYTES,
    WorkspaceFileInfo,
    WorkspaceFileListResponse,
    WorkspaceFileUploadItem,
    WorkspaceFileUploadResponse,
    WorkspaceFileUploadResponseItem,
    WorkspaceInfo,
    WorkspaceSizeInfo,
)
from tests.conftest import CannedServer, ServerThread
from tests.test_files import BIG
from tests.v4_rest import (
    KEY,
    PutStorage,
    encode,
    no_api_key,
    put_storage,
    sha256,
    v4_canned,
)

__all__ = ["put_storage", "v4_canned"]  # fixtures

WORKSPACE_ID = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
UPLOAD_ID = "0f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
BASE = f"/api/v4/workspaces/{WORKSPACE_ID}"


def workspace(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": WORKSPACE_ID,
        "name": "research",
        "archived": False,
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:06Z",
    }
    return body | overrides


def listed(paths: list[str], next_cursor: str | None, *, url: str | None = None) -> bytes:
    files = [
        {"path": p, "size": 3, "lastModified": "2026-01-02T03:04:05Z", "url": url} for p in paths
    ]
    return encode({"files": files, "nextCursor": next_cursor, "hasMore": next_cursor is not None})


def slots(storage: PutStorage, *names: str) -> bytes:
    return encode(
        {
            "files": [
                {
                    "id": str(uuid.UUID(int=n + 1)),
                    "name": name,
                    "storedName": name,
                    "path": f"uploads/{name}",
                    "willOverride": False,
                    "uploadUrl": storage.url(f"/bucket/{name}?X-Amz-Signature=s3cr3t"),
                }
                for n, name in enumerate(names)
            ]
        }
    )


async def test_create_and_get(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.respond(200, encode(workspace()))
    created = await v4_canned.workspaces.create(name="research")
    found = await v4_canned.workspaces.get(uuid.UUID(WORKSPACE_ID))
    assert [(r.method, r.path) for r in canned.requests] == [
        ("POST", "/api/v4/workspaces"),
        ("GET", BASE),
    ]
    assert canned.bodies[0] == b'{"name":"research"}'
    assert isinstance(created, WorkspaceInfo)
    assert found == created
    assert (found.id, found.archived) == (uuid.UUID(WORKSPACE_ID), False)
    await v4_canned.workspaces.create()
    assert canned.bodies[2] == b"{}"


W = WORKSPACE_ID


async def test_update_delete_size_and_delete_file(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, encode(workspace(name=None)))
    renamed = await v4_canned.workspaces.update(WORKSPACE_ID, name=None)
    canned.then(204, b"")
    await v4_canned.workspaces.delete(WORKSPACE_ID)
    canned.then(200, encode({"usedBytes": 12, "maxBytes": 1024}))
    size = await v4_canned.workspaces.size(WORKSPACE_ID)
    canned.then(204, b"")
    await v4_canned.workspaces.delete_file(WORKSPACE_ID, "out/a b.csv")
    assert renamed.name is None
    assert isinstance(size, WorkspaceSizeInfo)
    assert (size.used_bytes, size.max_bytes) == (12, 1024)
    assert [(r.method, r.path_qs) for r in canned.requests] == [
        ("PATCH", BASE),
        ("DELETE", BASE),
        ("GET", f"{BASE}/size"),
        ("DELETE", f"{BASE}/files?path=out%2Fa%20b.csv"),
    ]
    assert canned.bodies[0] == b'{"name":null}'


async def test_upload_can_refuse_to_replace_files(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage
) -> None:
    canned.respond(409, encode({"detail": "a.txt exists"}))
    with pytest.raises(ConflictError, match=r"a\.txt exists"):
        await v4_canned.workspaces.upload(WORKSPACE_ID, ("a.txt", b"x"), allow_overrides=False)
    assert json.loads(canned.bodies[0])["allowOverrides"] is False
    assert put_storage.puts == []


async def test_files_walks_every_cursor_page(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, listed(["a.txt", "b.txt"], "c1"))
    canned.then(200, listed(["c.txt"], None))
    pager = v4_canned.workspaces.files(WORKSPACE_ID, prefix="", limit=2, include_urls=False)
    paths = [f.path async for f in pager]
    assert paths == ["a.txt", "b.txt", "c.txt"]
    assert [r.path for r in canned.requests] == [f"{BASE}/files"] * 2
    assert [dict(r.query) for r in canned.requests] == [
        {"prefix": "", "limit": "2", "includeUrls": "false"},
        {"prefix": "", "limit": "2", "includeUrls": "false", "cursor": "c1"},
    ]
    canned.then(200, listed(["d.txt"], None))
    page = await v4_canned.workspaces.files(
        WORKSPACE_ID, cursor="c9", content_disposition="attachment"
    )
    assert isinstance(page, WorkspaceFileListResponse)
    assert [type(f) for f in page.files] == [WorkspaceFileInfo]
    assert dict(canned.requests[-1].query) == {"cursor": "c9", "contentDisposition": "attachment"}


async def test_upload_puts_each_file_to_its_presigned_url(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage, tmp_path: Path
) -> None:
    source = tmp_path / "data.csv"
    source.write_bytes(BIG)
    canned.respond(200, slots(put_storage, "data.csv", "notes", "scan.pdf"))
    pdf = tmp_path / "scan"
    pdf.write_bytes(b"%PDF-1.7")
    tracemalloc.start()
    try:
        answer = await v4_canned.workspaces.upload(
            WORKSPACE_ID,
            source,
            ("notes", b"hello", "text/plain; charset=utf-8"),
            ("scan.pdf", pdf),
            extra_headers={"X-Trace": "t-1"},
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(BIG) // 2, peak  # streamed: never the whole file in memory
    [presign] = canned.requests
    assert (presign.method, presign.path) == ("POST", f"{BASE}/files/upload")
    assert presign.headers["X-Browser-Use-API-Key"] == KEY
    assert json.loads(canned.bodies[0]) == {
        "files": [
            {"name": "data.csv", "contentType": "text/csv", "size": len(BIG)},
            {"name": "notes", "contentType": "text/plain; charset=utf-8", "size": 5},
            {"name": "scan.pdf", "contentType": "application/pdf", "size": 8},
        ]
    }
    assert isinstance(answer, WorkspaceFileUploadResponse)
    assert [type(f) for f in answer.files] == [WorkspaceFileUploadResponseItem] * 3
    assert answer.files[0].id == uuid.UUID(int=1)
    sent = [(p.path_qs, p.headers["Content-Type"], p.size, p.sha256) for p in put_storage.puts]
    assert sent == [
        ("/bucket/data.csv?X-Amz-Signature=s3cr3t", "text/csv", len(BIG), sha256(BIG)),
        ("/bucket/notes?X-Amz-Signature=s3cr3t", "text/plain; charset=utf-8", 5, sha256(b"hello")),
        ("/bucket/scan.pdf?X-Amz-Signature=s3cr3t", "application/pdf", 8, sha256(b"%PDF-1.7")),
    ]
    for put in put_storage.puts:
        assert int(put.headers["Content-Length"]) == put.size  # S3 needs the length it signed
        assert "Transfer-Encoding" not in put.headers
        assert no_api_key(put.headers)
        assert "X-Trace" not in put.headers  # request options are for the API only


async def test_an_unknown_extension_is_octet_stream(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage
) -> None:
    canned.respond(200, slots(put_storage, "blob.zzz"))
    await v4_canned.workspaces.upload(WORKSPACE_ID, ("blob.zzz", b"\x00\x01"))
    assert json.loads(canned.bodies[0])["files"][0]["contentType"] == "application/octet-stream"
    assert put_storage.puts[0].headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ((), "at least one file"),
        ((("a.txt", b"x"),) * 11, "at most 10 files"),
        ((("a.txt", b""),), "size"),
        ((b"data",), "file_name is needed"),
        ((("a.txt", b"x", "text/csv\r\nX-Injected: 1"),), "MIME type"),
        ((("a.txt", b"x", "csv"),), "MIME type"),
        ((("a.txt",),), "tuple of 1"),
        (((7, b"x"),), "tuple of 2"),
        ((("", b"x"),), "name"),
        ((("a.txt", bytearray(b"x")),), "path or bytes"),
    ],
)
async def test_upload_checks_every_file_before_sending(
    canned: CannedServer,
    v4_canned: AsyncBrowserUse,
    put_storage: PutStorage,
    files: tuple[Any, ...],
    message: str,
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await v4_canned.workspaces.upload(WORKSPACE_ID, *files)
    assert canned.requests == []
    assert put_storage.puts == []


async def test_upload_checks_local_files_before_sending(
    canned: CannedServer, v4_canned: AsyncBrowserUse, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(b"ok")
    too_big = tmp_path / "big.bin"
    with too_big.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: nothing written
    upload = v4_canned.workspaces.upload
    with pytest.raises(
        InvalidArgumentError, match=f"size must be an int from 1 to {MAX_UPLOAD_BYTES}"
    ):
        await upload(WORKSPACE_ID, good, too_big)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        await upload(WORKSPACE_ID, good, tmp_path)
    with pytest.raises(InvalidArgumentError, match=r"missing\.txt' to upload it: No such file"):
        await upload(WORKSPACE_ID, good, tmp_path / "missing.txt")
    with pytest.raises(InvalidArgumentError, match="workspace_id"):
        await upload("ws", good)
    assert canned.requests == []


def grow(path: Path) -> None:
    with path.open("ab") as handle:
        handle.write(b"second line\n")


def shrink(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(3)


@pytest.mark.parametrize(("change", "how"), [(grow, "grew"), (shrink, "shrank")])
async def test_a_file_that_changes_before_its_put_fails_and_stores_nothing(
    put_storage: PutStorage, tmp_path: Path, change: Any, how: str
) -> None:
    source = tmp_path / "log.txt"
    source.write_bytes(b"first line\n")

    async def presign(request: web.Request) -> web.Response:
        change(source)  # after the file was opened and measured, before its PUT
        return web.Response(body=slots(put_storage, "log.txt"), content_type="application/json")

    app = web.Application()
    app.router.add_post(f"{BASE}/files/upload", presign)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with AsyncBrowserUse(api_key=KEY, base_url=f"http://{host}:{port}/api/v4") as c:
            with pytest.raises(LocalFileError, match=f"'log.txt' {how} while being uploaded"):
                await c.workspaces.upload(WORKSPACE_ID, source)
    finally:
        await runner.cleanup()
    assert put_storage.puts == []  # the storage host never got a complete body


async def test_a_refused_put_raises_with_the_storage_hosts_answer(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage
) -> None:
    canned.respond(200, slots(put_storage, "a.txt"))
    put_storage.failure = (403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
    with pytest.raises(PermissionDeniedError) as info:
        await v4_canned.workspaces.upload(WORKSPACE_ID, ("a.txt", b"hi"))
    error = info.value
    assert (error.status_code, error.method) == (403, "PUT")
    assert error.url == put_storage.url("/bucket/a.txt?<signature>")
    assert "SignatureDoesNotMatch" in error.body
    assert "s3cr3t" not in str(error) + error.url


async def test_urls_that_do_not_match_the_files_upload_nothing(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage
) -> None:
    canned.respond(200, slots(put_storage, "other.txt"))
    with pytest.raises(APIResponseValidationError, match="nothing was uploaded"):
        await v4_canned.workspaces.upload(WORKSPACE_ID, ("a.txt", b"hi"))
    assert put_storage.puts == []


async def test_download_finds_the_file_by_its_path_and_streams_it(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage, tmp_path: Path
) -> None:
    url = put_storage.url("/objects/r?X-Amz-Signature=s3cr3t")
    canned.then(200, listed(["out/report.csv.bak"], "c1", url="https://wrong.example/"))
    canned.then(200, listed(["out/report.csv"], None, url=url))
    target = tmp_path / "report.csv"
    written = await v4_canned.workspaces.download(
        WORKSPACE_ID, "out/report.csv", to=target, extra_headers={"X-Trace": "t"}
    )
    assert written == target
    assert sha256(target.read_bytes()) == sha256(BIG)
    assert sorted(os.listdir(tmp_path)) == ["report.csv"]  # no .part left
    assert [dict(r.query) for r in canned.requests] == [
        {"prefix": "out/report.csv", "includeUrls": "true"},
        {"prefix": "out/report.csv", "includeUrls": "true", "cursor": "c1"},
    ]
    assert all(r.headers["X-Trace"] == "t" for r in canned.requests)
    [get] = put_storage.downloads
    assert get.path_qs == "/objects/r?X-Amz-Signature=s3cr3t"
    assert no_api_key(dict(get.headers))
    assert "X-Trace" not in get.headers


async def test_download_into_a_directory_or_a_file_object(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage, tmp_path: Path
) -> None:
    canned.respond(200, listed(["out/report.csv"], None, url=put_storage.url("/objects/r")))
    into = await v4_canned.workspaces.download(WORKSPACE_ID, "out/report.csv", to=tmp_path)
    assert into == tmp_path / "report.csv"
    assert sha256(into.read_bytes()) == sha256(BIG)
    sink = io.BytesIO()
    count = await v4_canned.workspaces.download(WORKSPACE_ID, "out/report.csv", to=sink)
    assert count == len(BIG)
    assert sink.getvalue() == BIG


async def test_a_file_name_unusable_here_falls_back_to_a_fixed_one(
    canned: CannedServer, v4_canned: AsyncBrowserUse, put_storage: PutStorage, tmp_path: Path
) -> None:
    canned.respond(200, listed(["out/\x01.."], None, url=put_storage.url("/objects/r")))
    into = await v4_canned.workspaces.download(WORKSPACE_ID, "out/\x01..", to=tmp_path)
    assert into == tmp_path / "workspace-file"
    assert os.listdir(tmp_path) == ["workspace-file"]


async def test_download_of_a_missing_file(
    canned: CannedServer, v4_canned: AsyncBrowserUse, tmp_path: Path
) -> None:
    canned.respond(200, listed(["out/report.csv.bak"], None, url="http://127.0.0.1:9/x"))
    with pytest.raises(WorkspaceFileNotFoundError, match=r"no file at 'out/report\.csv'") as info:
        await v4_canned.workspaces.download(WORKSPACE_ID, "out/report.csv", to=tmp_path / "r")
    assert (info.value.workspace_id, info.value.path) == (WORKSPACE_ID, "out/report.csv")
    assert os.listdir(tmp_path) == []


async def test_a_listing_without_the_url_is_refused(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.respond(200, listed(["a.txt"], None))
    with pytest.raises(APIResponseValidationError, match="without the download URL"):
        await v4_canned.workspaces.download(WORKSPACE_ID, "a.txt", to=io.BytesIO())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"path": ""}, "path"),
        ({"to": 42}, "destination"),
        ({"extra_body": {"a": 1}}, "extra_body"),
        ({"workspace_id": "w"}, "workspace_id"),
    ],
)
async def test_download_checks_arguments_before_sending(
    canned: CannedServer, v4_canned: AsyncBrowserUse, kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"workspace_id": WORKSPACE_ID, "path": "a.txt", "to": io.BytesIO()}
    arguments |= kwargs
    with pytest.raises(InvalidArgumentError, match=message):
        await v4_canned.workspaces.download(**arguments)
    assert canned.requests == []


async def test_raw_twins(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    raw = v4_canned.workspaces.with_raw_response
    canned.respond(200, encode(workspace()))
    created = await raw.create(name="x")
    assert isinstance(created, RawResponse)
    assert created.status_code == 200
    assert isinstance(created.parse(), WorkspaceInfo)
    canned.respond(200, listed(["a.txt"], "c1"))
    page = await raw.files(WORKSPACE_ID)
    assert isinstance(page.parse(), WorkspaceFileListResponse)
    assert len(canned.requests) == 2  # one page, not a walk
    canned.respond(200, encode({"files": []}))
    urls = await raw.upload_urls(WORKSPACE_ID, [WorkspaceFileUploadItem(name="a", size=1)])
    assert json.loads(canned.bodies[-1]) == {"files": [{"name": "a", "size": 1}]}
    assert urls.parse() == WorkspaceFileUploadResponse(files=[])
    assert not hasattr(raw, "upload")
    assert not hasattr(raw, "download")


def test_sync_twin_round_trip(
    threaded_canned: CannedServer, tmp_path: Path, server_thread: ServerThread
) -> None:
    storage = PutStorage()
    storage.runner = server_thread.start(web.AppRunner(storage.app, access_log=None))
    base = threaded_canned.base_url.removesuffix("/api/v2") + "/api/v4"
    with BrowserUse(api_key=KEY, base_url=base, retry=RetryPolicy(max_retries=0)) as client:
        threaded_canned.then(200, slots(storage, "a.txt"))
        answer = client.workspaces.upload(WORKSPACE_ID, ("a.txt", b"hi"))
        assert isinstance(answer, WorkspaceFileUploadResponse)
        threaded_canned.then(200, listed(["a.txt"], None, url=storage.url("/objects/r")))
        written = client.workspaces.download(WORKSPACE_ID, "a.txt", to=tmp_path / "a.txt")
        threaded_canned.then(200, listed(["a.txt", "b.txt"], None))
        paths = [f.path for f in client.workspaces.files(WORKSPACE_ID)]
    assert (storage.puts[0].size, storage.puts[0].sha256) == (2, sha256(b"hi"))
    assert sha256(written.read_bytes()) == sha256(BIG)
    assert paths == ["a.txt", "b.txt"]
