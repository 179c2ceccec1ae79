"""v4 workspaces against the fake cloud: files uploaded through its presigned PUTs (which
check the signed Content-Type and Content-Length, as S3 does), listed by cursor pages, and
downloaded back through the listing's URLs; the API key never reaches the storage routes."""

import io
import os
import uuid
from pathlib import Path

import pytest

from browser_use_async import InvalidArgumentError, WorkspaceFileNotFoundError
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.v4 import AsyncBrowserUse
from tests.test_files import BIG
from tests.v4_rest import v4_client

__all__ = ["v4_client"]  # fixtures


def storage_requests(fake: FakeBrowserUseCloud) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests if r.path.startswith("/fake/")]


async def test_upload_then_download_round_trips(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    source = tmp_path / "data.csv"
    source.write_bytes(BIG)
    workspace = await v4_client.workspaces.create(name="research")
    uploaded = await v4_client.workspaces.upload(
        workspace.id, source, ("notes.md", b"# Notes\n"), ("odd name?.txt", b"x")
    )
    assert [(f.name, f.path) for f in uploaded.files] == [
        ("data.csv", "uploads/data.csv"),
        ("notes.md", "uploads/notes.md"),
        ("odd name?.txt", "uploads/odd_name_.txt"),
    ]
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert len(puts) == 3
    for put in puts:
        assert "X-Browser-Use-API-Key" not in put.headers
        assert fake.api_key not in str(dict(put.headers))
    assert puts[0].headers["Content-Type"] == "text/csv"
    assert int(puts[0].headers["Content-Length"]) == len(BIG)

    listed = {f.path: f.size async for f in v4_client.workspaces.files(workspace.id, limit=1)}
    assert listed == {
        "uploads/data.csv": len(BIG),
        "uploads/notes.md": 8,
        "uploads/odd_name_.txt": 1,
    }

    target = await v4_client.workspaces.download(workspace.id, "uploads/data.csv", to=tmp_path)
    assert target == tmp_path / "data.csv"  # the same name: the source was replaced, whole
    assert target.read_bytes() == BIG
    sink = io.BytesIO()
    assert await v4_client.workspaces.download(workspace.id, "uploads/notes.md", to=sink) == 8
    assert sink.getvalue() == b"# Notes\n"
    gets = [r for r in fake.requests if r.method == "GET" and r.path.startswith("/fake/blobs/")]
    assert len(gets) == 2
    assert all("X-Browser-Use-API-Key" not in r.headers for r in gets)


async def test_attached_uploads_reach_a_run(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    workspace = await v4_client.workspaces.create()
    uploaded = await v4_client.workspaces.upload(workspace.id, ("brief.txt", b"read me"))
    run = await v4_client.runs.create(
        "Summarize the brief",
        workspace_id=workspace.id,
        attached_file_ids=[f.id for f in uploaded.files],
    )
    assert run.workspace_id == workspace.id
    assert run.missing_file_ids == []


async def test_a_missing_file_and_bad_input_send_nothing_to_storage(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    workspace = await v4_client.workspaces.create()
    with pytest.raises(WorkspaceFileNotFoundError):
        await v4_client.workspaces.download(workspace.id, "uploads/none.txt", to=tmp_path)
    sent = len(fake.requests)
    with pytest.raises(InvalidArgumentError, match="MIME type"):
        await v4_client.workspaces.upload(workspace.id, ("a.txt", b"x"), ("b", b"y", "bad"))
    with pytest.raises(InvalidArgumentError, match="size"):
        await v4_client.workspaces.upload(workspace.id, ("a.txt", b"x"), ("empty.txt", b""))
    with pytest.raises(InvalidArgumentError, match="workspace_id"):
        await v4_client.workspaces.upload(uuid.uuid4().hex, ("a.txt", b"x"))
    assert len(fake.requests) == sent
    assert storage_requests(fake) == []
    assert not os.listdir(tmp_path)
