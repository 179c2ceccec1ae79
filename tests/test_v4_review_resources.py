"""A hostile review of the v4 REST resources against the fake cloud: required arguments
given as None or NOT_GIVEN, files of one name in one upload, local files that are no
regular files, storage hosts that refuse or drop, cancellation mid-transfer, and pagers fed
cursors that come round again. Each refusal is checked to send nothing (requests counted on
the fake)."""

import asyncio
import io
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from browser_use_async import (
    NOT_GIVEN,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    InvalidArgumentError,
)
from browser_use_async.models import CustomProxy
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models import MAX_UPLOAD_BYTES, WorkspaceFileUploadItem
from tests.test_fake_v4_spec import extension_zip
from tests.v4_rest import v4_client

__all__ = ["v4_client"]  # fixtures

PUT_ROUTE = "PUT /fake/v4/uploads/{token}"
GET_ROUTE = "GET /fake/blobs/{token}"
DATA = os.urandom(256 * 1024)

Call = Callable[[AsyncBrowserUse, dict[str, Any]], Awaitable[object]]


async def _world(client: AsyncBrowserUse) -> dict[str, Any]:
    """A workspace with one file, a session and an extension, by name."""
    workspace = await client.workspaces.create()
    await client.workspaces.upload(workspace.id, ("data.bin", DATA))
    run = await client.runs.create("Look around")
    return {"workspace": workspace.id, "session": run.session_id}


def _storage(fake: FakeBrowserUseCloud) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.path.startswith("/fake/")]


# Each a required argument given as None or NOT_GIVEN, or a non-nullable one as None: all
# used to be sent (a 422, a listing, or an AttributeError from deep inside).
NONE: Any = None  # typed Any: what a caller without a type checker may pass
UNSET: Any = NOT_GIVEN

REQUIRED: dict[str, Call] = {
    "delete_file(path=None)": lambda c, w: c.workspaces.delete_file(w["workspace"], NONE),
    "delete_file(path=NOT_GIVEN)": lambda c, w: c.workspaces.delete_file(w["workspace"], UNSET),
    "download(path=None)": lambda c, w: c.workspaces.download(
        w["workspace"], NONE, to=io.BytesIO()
    ),
    "download(path=NOT_GIVEN)": lambda c, w: c.workspaces.download(
        w["workspace"], UNSET, to=io.BytesIO()
    ),
    "extensions.create(file_name=NOT_GIVEN)": lambda c, w: c.extensions.create(
        extension_zip(), file_name=UNSET
    ),
    "update_share(is_active=NOT_GIVEN)": lambda c, w: c.sessions.update_share(
        w["session"], is_active=UNSET
    ),
    "upload_urls(size=None)": lambda c, w: c.workspaces.upload_urls(
        w["workspace"], [WorkspaceFileUploadItem(name="a.txt", size=NONE)]
    ),
    "upload_urls(size=NOT_GIVEN)": lambda c, w: c.workspaces.upload_urls(
        w["workspace"], [WorkspaceFileUploadItem(name="a.txt", size=UNSET)]
    ),
    "browsers.create(custom_proxy port=None)": lambda c, w: c.browsers.create(
        custom_proxy=CustomProxy(host="proxy.example", port=NONE)
    ),
    "browsers.create(timeout=None)": lambda c, w: c.browsers.create(timeout=NONE),
}


@pytest.mark.parametrize("case", sorted(REQUIRED))
async def test_a_required_argument_left_empty_is_refused_before_sending(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, case: str
) -> None:
    world = await _world(v4_client)
    sent = len(fake.requests)
    with pytest.raises(InvalidArgumentError) as raised:
        await REQUIRED[case](v4_client, world)
    assert len(fake.requests) == sent
    assert "None" in str(raised.value) or "NOT_GIVEN" in str(raised.value)


async def test_nullable_fields_still_take_none(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    browser = await v4_client.browsers.create(
        browser_screen_width=None, browser_screen_height=None, proxy_country_code=None
    )
    body = json.loads(fake.requests[-1].body)
    assert body["browserScreenWidth"] is None
    assert browser.id


@pytest.mark.parametrize(
    "files",
    [
        [("d.txt", b"one"), ("d.txt", b"two")],
        [("a.txt", b"a"), ("b.txt", b"b"), ("a.txt", b"c")],
        ["PATH", ("data.csv", b"x")],  # a path and a tuple of its name
        [("x", b"1"), ("y", b"2"), ("x", b"3"), ("y", b"4")],
    ],
)
async def test_two_files_of_one_name_are_refused_before_sending(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path, files: list[Any]
) -> None:
    # They would land at one path, the second replacing the first even with
    # allow_overrides=False: the first file's bytes were lost, its upload id left pointing
    # at the other's.
    source = tmp_path / "data.csv"
    source.write_bytes(b"a,b\n")
    files = [source if f == "PATH" else f for f in files]
    workspace = await v4_client.workspaces.create()
    sent = len(fake.requests)
    with pytest.raises(InvalidArgumentError, match="more than one file named"):
        await v4_client.workspaces.upload(workspace.id, *files, allow_overrides=False)
    assert len(fake.requests) == sent
    assert [f async for f in v4_client.workspaces.files(workspace.id)] == []


async def test_names_that_differ_only_in_case_are_distinct_files(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    workspace = await v4_client.workspaces.create()
    answer = await v4_client.workspaces.upload(workspace.id, ("a.txt", b"1"), ("A.txt", b"22"))
    assert [f.path for f in answer.files] == ["uploads/a.txt", "uploads/A.txt"]
    sizes = {f.path: f.size async for f in v4_client.workspaces.files(workspace.id)}
    assert sizes == {"uploads/a.txt": 1, "uploads/A.txt": 2}


def _local_cases(tmp_path: Path) -> dict[str, list[Any]]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "empty").write_bytes(b"")
    big = tmp_path / "big"
    with big.open("wb") as file:
        file.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no 50 MiB written
    return {
        "fifo": [fifo],
        "directory": [tmp_path],
        "missing": [tmp_path / "none"],
        "NUL in path": [Path("a\x00b")],
        "empty file": [tmp_path / "empty"],
        "empty bytes": [("e.txt", b"")],
        "over 50 MiB": [big],
        "11 files": [(f"f{i}", b"x") for i in range(11)],
        "empty name": [("", b"x")],
        "256-char name": [("n" * 256, b"x")],
        "generator": [("g", (b for b in [b"x"]))],
        "bytearray": [("b", bytearray(b"x"))],
        "4-tuple": [("a", b"x", "text/plain", 1)],
        "bool content type": [("a", b"x", True)],
        "header in content type": [("a", b"x", "text/plain\r\nX-Evil: 1")],
        "name not a str": [(b"a", b"x")],
        "int": [5],
    }


async def test_every_bad_local_file_is_refused_before_sending(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    workspace = await v4_client.workspaces.create()
    cases = _local_cases(tmp_path)
    refused: list[str] = []
    for name, files in cases.items():
        sent = len(fake.requests)
        with pytest.raises(InvalidArgumentError):
            await v4_client.workspaces.upload(workspace.id, *files, ("ok.txt", b"fine"))
        assert len(fake.requests) == sent, name
        refused.append(name)
    assert len(refused) == 17
    assert _storage(fake) == []
    assert [f async for f in v4_client.workspaces.files(workspace.id)] == []


async def test_hostile_names_land_inside_uploads_and_come_back(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    names = ["a/b.txt", "../runs", "..", "a\x00b", "ü名.txt", "\n", " lead", "x" * 200]
    workspace = await v4_client.workspaces.create()
    answer = await v4_client.workspaces.upload(
        workspace.id, *[(name, name.encode()) for name in names]
    )
    assert [f.name for f in answer.files] == names
    for item, name in zip(answer.files, names, strict=True):
        assert item.path.startswith("uploads/")
        assert "/" not in item.path.removeprefix("uploads/")
        sink = io.BytesIO()
        await v4_client.workspaces.download(workspace.id, item.path, to=sink)
        assert sink.getvalue() == name.encode()
        target = await v4_client.workspaces.download(workspace.id, item.path, to=tmp_path)
        assert target.parent == tmp_path
        assert target.read_bytes() == name.encode()
    assert sorted(os.listdir(tmp_path)) == sorted(
        f.path.removeprefix("uploads/") for f in answer.files
    )
    for request in fake.requests:
        if request.path.startswith("/fake/"):
            assert fake.api_key not in str(dict(request.headers))


@pytest.mark.parametrize(
    "names", [("a b.txt", "a_b.txt"), ("a\x00b", "a\nb"), ("x_csv", "ok", "x/csv")]
)
async def test_names_the_api_stores_at_one_path_upload_nothing(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, names: tuple[str, ...]
) -> None:
    # Distinct here, one path there (the API sanitizes names): the second PUT used to
    # replace the first file, silently.
    workspace = await v4_client.workspaces.create()
    with pytest.raises(APIResponseValidationError, match="nothing was uploaded"):
        await v4_client.workspaces.upload(workspace.id, *[(n, n.encode()) for n in names])
    assert [r for r in fake.requests if r.method == "PUT"] == []
    assert [f async for f in v4_client.workspaces.files(workspace.id)] == []


STORAGE_FAULTS = [
    (Fault(status=403), APIStatusError),
    (Fault(status=500), APIStatusError),
    (Fault(status=404), APIStatusError),
    (Fault(disconnect="before_response"), APIConnectionError),
    (Fault(status=200, disconnect="during_body"), APIConnectionError),
]


@pytest.mark.parametrize(("fault", "error"), STORAGE_FAULTS)
async def test_a_refused_or_dropped_download_leaves_nothing_behind(
    fake: FakeBrowserUseCloud,
    v4_client: AsyncBrowserUse,
    tmp_path: Path,
    fault: Fault,
    error: type[Exception],
) -> None:
    world = await _world(v4_client)
    old = tmp_path / "old.bin"
    old.write_bytes(b"keep me")
    for to in (tmp_path / "new.bin", old, tmp_path):
        fake.faults.add(GET_ROUTE, fault)
        with pytest.raises(error):
            await v4_client.workspaces.download(world["workspace"], "uploads/data.bin", to=to)
        assert sorted(os.listdir(tmp_path)) == ["old.bin"]
        assert old.read_bytes() == b"keep me"
    gets = [r for r in fake.requests if r.path.startswith("/fake/blobs/")]
    assert len(gets) == 3  # no retry against storage
    assert all(fake.api_key not in str(dict(r.headers)) for r in gets)


@pytest.mark.parametrize(("fault", "error"), STORAGE_FAULTS)
async def test_a_refused_or_dropped_put_raises_and_is_not_retried(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, fault: Fault, error: type[Exception]
) -> None:
    workspace = await v4_client.workspaces.create()
    fake.faults.add(PUT_ROUTE, fault)
    with pytest.raises(error):
        await v4_client.workspaces.upload(workspace.id, ("a.txt", b"abc"), ("b.txt", b"b"))
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert len(puts) == 1  # the first failed: the second never sent
    assert fake.api_key not in str(dict(puts[0].headers))


async def _cancel_when(
    fake: FakeBrowserUseCloud, task: "asyncio.Task[object]", sent: int, route_prefix: str
) -> None:
    """Cancel `task` once a request to `route_prefix` has come after the first `sent`."""
    for _ in range(500):
        if any(r.path.startswith(route_prefix) for r in fake.requests[sent:]):
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(f"no request to {route_prefix}")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("stage", ["listing", "storage"])
async def test_a_cancelled_download_leaves_no_file(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path, stage: str
) -> None:
    world = await _world(v4_client)
    route = GET_ROUTE if stage == "storage" else "GET /api/v4/workspaces/{workspace_id}/files"
    for to in (tmp_path / "file.bin", tmp_path):
        fake.faults.add(route, Fault(delay=5.0))
        sent = len(fake.requests)
        download = v4_client.workspaces.download(world["workspace"], "uploads/data.bin", to=to)
        task = asyncio.ensure_future(download)
        prefix = "/fake/blobs/" if stage == "storage" else "/api/v4/workspaces/"
        await _cancel_when(fake, task, sent, prefix)
        assert os.listdir(tmp_path) == []


async def test_a_cursor_that_comes_round_again_ends_the_walk(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    pages: list[dict[str, object]] = [
        {"sessions": [], "nextCursor": "a", "hasMore": True},
        {"sessions": [], "nextCursor": "b", "hasMore": True},
    ]
    for page in pages * 3:
        fake.faults.add("GET /api/v4/sessions", Fault(body=json.dumps(page).encode()))
    walked = [page async for page in v4_client.sessions.list().pages()]
    assert [p.next_cursor for p in walked] == ["a", "b", "a"]
    for cursor in (None, ""):  # more, says the page, but no cursor to ask for it with
        fake.faults.clear()
        endless: dict[str, object] = {"sessions": [], "nextCursor": cursor, "hasMore": True}
        fake.faults.add(
            "GET /api/v4/sessions", Fault(body=json.dumps(endless).encode()), times=None
        )
        assert len([p async for p in v4_client.sessions.list().pages()]) == 1


async def test_pages_walk_every_row_once_while_rows_come_and_go(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    for i in range(23):
        await v4_client.runs.create(f"Task {i}")
    seen: list[uuid.UUID] = []
    async for session in v4_client.sessions.list(limit=4):
        seen.append(session.session_id)
        if len(seen) == 5:
            for i in range(3):  # newer sessions: before the cursor, never shown
                await v4_client.runs.create(f"Late {i}")
    assert len(seen) == len(set(seen)) == 23
    workspace = await v4_client.workspaces.create()
    await v4_client.workspaces.upload(workspace.id, *[(f"f{i:02d}", b"x") for i in range(10)])
    paths: list[str] = []
    async for listed in v4_client.workspaces.files(workspace.id, limit=3):
        paths.append(listed.path)
        if len(paths) == 4:
            await v4_client.workspaces.delete_file(workspace.id, "uploads/f08")
            await v4_client.workspaces.upload(workspace.id, ("a0", b"x"), ("z9", b"x"))
    expected = [f"uploads/f{i:02d}" for i in range(10) if i != 8] + ["uploads/z9"]
    assert paths == expected


async def test_every_bad_download_destination_is_refused_before_sending(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    world = await _world(v4_client)
    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"mine")
    os.symlink(kept, tmp_path / "link")
    os.symlink(tmp_path / "none", tmp_path / "dangling")
    os.mkfifo(tmp_path / "fifo")
    os.makedirs(tmp_path / "full" / "data.bin")  # the file's own name is a directory there
    (tmp_path / "stale").mkdir()
    os.mkfifo(tmp_path / "stale" / "data.bin.part")
    destinations: list[Any] = [
        5,
        None,
        b"bytes",
        str(tmp_path / "missing" / "x.bin"),
        str(tmp_path / "missing") + "/",
        str(kept) + "/",
        tmp_path / "link",
        tmp_path / "dangling",
        tmp_path / "fifo",
        tmp_path / "full",  # used to list the workspace first, for the file's name
        tmp_path / "stale",
        Path("a\x00b"),
    ]
    for to in destinations:
        sent = len(fake.requests)
        with pytest.raises(InvalidArgumentError):
            await v4_client.workspaces.download(world["workspace"], "uploads/data.bin", to=to)
        assert len(fake.requests) == sent, to
    assert kept.read_bytes() == b"mine"
    assert sorted(os.listdir(tmp_path)) == ["dangling", "fifo", "full", "kept.bin", "link", "stale"]


async def test_an_empty_cursor_is_refused_as_runs_list_refuses_it(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    # It used to be sent, for the API's 400 (a malformed cursor).
    workspace = await v4_client.workspaces.create()
    sent = len(fake.requests)
    for make in (
        lambda: v4_client.sessions.list(cursor=""),
        lambda: v4_client.workspaces.files(workspace.id, cursor=""),
        lambda: v4_client.runs.list(cursor=""),
    ):
        with pytest.raises(InvalidArgumentError, match="cursor"):
            make()
    assert len(fake.requests) == sent
