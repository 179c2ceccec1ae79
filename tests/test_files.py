"""Files: presigned URL calls on the wire; uploads and downloads through a storage host."""

import asyncio
import contextlib
import errno
import hashlib
import io
import json
import os
import random
import re
import resource
import signal
import stat
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiohttp import BodyPartReader, web

from browser_use_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncBrowserUse,
    InvalidArgumentError,
    LocalFileError,
    NotFoundError,
    PermissionDeniedError,
    _transport,
)
from browser_use_async.models import (
    MAX_UPLOAD_BYTES,
    TaskOutputFileResponse,
    UploadContentType,
    UploadFilePresignedUrlResponse,
)
from tests.conftest import CannedServer
from tests.samples import FILE_ID, SESSION_ID, TASK_ID

PRESIGNED = {
    "url": "https://bucket.example.com/",
    "method": "POST",
    "fields": {"key": "uploads/a.pdf", "policy": "p", "x-amz-signature": "s"},
    "fileName": "a.pdf",
    "expiresIn": 120,
}


@pytest.mark.parametrize(
    ("method", "kind"), [("session_url", "sessions"), ("browser_url", "browsers")]
)
async def test_presigned_upload_urls(
    canned: CannedServer, canned_client: AsyncBrowserUse, method: str, kind: str
) -> None:
    canned.respond(200, json.dumps(PRESIGNED).encode())
    answer = await getattr(canned_client.files, method)(
        uuid.UUID(SESSION_ID), file_name="a.pdf", content_type="application/pdf", size_bytes=3
    )
    assert canned.requests[0].method == "POST"
    assert canned.requests[0].path == f"/api/v2/files/{kind}/{SESSION_ID}/presigned-url"
    assert json.loads(canned.bodies[0]) == {
        "fileName": "a.pdf",
        "contentType": "application/pdf",
        "sizeBytes": 3,
    }
    assert answer == UploadFilePresignedUrlResponse(
        url="https://bucket.example.com/",
        method="POST",
        fields={"key": "uploads/a.pdf", "policy": "p", "x-amz-signature": "s"},
        file_name="a.pdf",
        expires_in=120,
    )


@pytest.mark.parametrize("method", ["session_url", "browser_url"])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"file_name": ""}, "file_name"),
        ({"file_name": "x" * 256}, "file_name"),
        ({"file_name": "a\r\nb.txt"}, "file_name must not contain control characters"),
        ({"content_type": "application/zip"}, "content_type"),
        ({"size_bytes": 0}, "size_bytes"),
        ({"size_bytes": MAX_UPLOAD_BYTES + 1}, "size_bytes"),
        ({"session_id": "s"}, "session_id"),
    ],
)
async def test_presigned_upload_urls_check_arguments_before_sending(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    method: str,
    kwargs: dict[str, object],
    message: str,
) -> None:
    arguments: dict[str, object] = {
        "session_id": SESSION_ID,
        "file_name": "a.txt",
        "content_type": UploadContentType.TXT,
        "size_bytes": MAX_UPLOAD_BYTES,
    }
    arguments.update(kwargs)
    session_id = arguments.pop("session_id")
    with pytest.raises(InvalidArgumentError, match=message):
        await getattr(canned_client.files, method)(session_id, **arguments)
    assert canned.requests == []


async def test_task_output(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    body = {"id": FILE_ID, "fileName": "weather.csv", "downloadUrl": "https://f.example.com/w"}
    canned.respond(200, json.dumps(body).encode())
    output = await canned_client.files.task_output(TASK_ID, uuid.UUID(FILE_ID))
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path == f"/api/v2/files/tasks/{TASK_ID}/output-files/{FILE_ID}"
    assert output == TaskOutputFileResponse(
        id=uuid.UUID(FILE_ID), file_name="weather.csv", download_url="https://f.example.com/w"
    )


@pytest.mark.parametrize(
    ("task_id", "file_id", "message"), [("t", FILE_ID, "task_id"), (TASK_ID, "f", "file_id")]
)
async def test_task_output_checks_ids_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, task_id: str, file_id: str, message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.files.task_output(task_id, file_id)
    assert canned.requests == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", UploadContentType.PDF),
        ("Photo.JPG", UploadContentType.JPEG),
        ("a.b.jpeg", UploadContentType.JPEG),
        ("notes.md", UploadContentType.MARKDOWN),
        ("sheet.xlsx", UploadContentType.XLSX),
        ("data.csv", UploadContentType.CSV),
        ("archive.zip", None),
        ("README", None),
    ],
)
def test_content_type_for_file_name(name: str, expected: UploadContentType | None) -> None:
    assert UploadContentType.for_file_name(name) is expected


# Upload and download through a storage host of our own on 127.0.0.1.

BIG = random.Random(7).randbytes(5 * 1024 * 1024)  # noqa: S311 (test data)


@attrs.define
class Part:
    name: str | None
    filename: str | None
    content_type: str | None
    size: int
    sha256: str
    text: str | None


@attrs.define
class Upload:
    headers: dict[str, str]
    parts: list[Part]


class StorageServer:
    """A presigned-URL storage host: records multipart uploads (hashing file parts as they
    stream in) and serves BIG in small writes, or the failure it is told to give."""

    def __init__(self) -> None:
        self.uploads: list[Upload] = []
        self.downloads: list[web.Request] = []
        self.failure: tuple[int, bytes] | None = None
        self.stall = 0.0
        self.meanwhile: Callable[[], None] | None = None  # run once, after the first write
        self.runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_post("/bucket", self._upload)
        self.app.router.add_get("/objects/{name}", self._download)

    def url(self, path: str) -> str:
        assert self.runner is not None
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}{path}"

    def _failed(self) -> web.Response | None:
        if self.failure is None:
            return None
        status, body = self.failure
        return web.Response(status=status, body=body, content_type="application/xml")

    async def _upload(self, request: web.Request) -> web.Response:
        parts: list[Part] = []
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            digest, size, text = hashlib.sha256(), 0, None
            while chunk := await part.read_chunk(64 * 1024):
                digest.update(chunk)
                size += len(chunk)
                if part.filename is None:
                    text = (text or "") + chunk.decode()
            parts.append(
                Part(
                    part.name,
                    part.filename,
                    part.headers.get("Content-Type"),
                    size,
                    digest.hexdigest(),
                    text,
                )
            )
        self.uploads.append(Upload(dict(request.headers), parts))
        return self._failed() or web.Response(status=204)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        self.downloads.append(request)
        failed = self._failed()
        if failed is not None:
            return failed
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.content_length = len(BIG)
        await response.prepare(request)
        for start in range(0, len(BIG), 100_000):
            await response.write(BIG[start : start + 100_000])
            if self.meanwhile is not None:
                self.meanwhile()
                self.meanwhile = None
            if self.stall:
                await asyncio.sleep(self.stall)
        await response.write_eof()
        return response


@pytest.fixture
async def storage() -> AsyncIterator[StorageServer]:
    server = StorageServer()
    server.runner = web.AppRunner(server.app, access_log=None, shutdown_timeout=0.1)
    await server.runner.setup()
    await web.TCPSite(server.runner, "127.0.0.1", 0).start()
    yield server
    await server.runner.cleanup()


def presigned(storage: StorageServer, file_name: str) -> bytes:
    answer = dict(PRESIGNED, url=storage.url("/bucket"), fileName=file_name)
    return json.dumps(answer).encode()


def output_file(url: str, file_name: str = "report.bin") -> bytes:
    return json.dumps({"id": FILE_ID, "fileName": file_name, "downloadUrl": url}).encode()


def listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_api_key(headers: Mapping[str, str]) -> bool:
    return all(name.lower() != "x-browser-use-api-key" for name in headers)


async def test_upload_streams_a_file_as_the_presigned_form(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    storage: StorageServer,
    tmp_path: Path,
) -> None:
    source = tmp_path / "notes.md"
    source.write_bytes(BIG)
    canned.respond(200, presigned(storage, "notes.md"))
    tracemalloc.start()
    try:
        answer = await canned_client.files.upload(SESSION_ID, source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(BIG) // 2, peak  # streamed: never the whole file in memory
    assert canned.requests[0].path == f"/api/v2/files/sessions/{SESSION_ID}/presigned-url"
    assert json.loads(canned.bodies[0]) == {
        "fileName": "notes.md",
        "contentType": "text/markdown",
        "sizeBytes": len(BIG),
    }
    assert answer.file_name == "notes.md"
    [upload] = storage.uploads
    assert [p.name for p in upload.parts] == ["key", "policy", "x-amz-signature", "file"]
    assert [p.text for p in upload.parts[:3]] == ["uploads/a.pdf", "p", "s"]
    file_part = upload.parts[3]
    assert (file_part.filename, file_part.content_type) == ("notes.md", "text/markdown")
    assert (file_part.size, file_part.sha256) == (len(BIG), sha256(BIG))
    assert no_api_key(upload.headers)
    assert canned.requests[0].headers["X-Browser-Use-API-Key"] == "bu_test_key"
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(upload.headers["Content-Length"]) > len(BIG)  # not chunked: S3 needs a length
    assert "Transfer-Encoding" not in upload.headers


async def test_upload_bytes_to_a_browser_session(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer
) -> None:
    canned.respond(200, presigned(storage, "data.bin"))
    await canned_client.files.upload(
        SESSION_ID, b"a,b\n1,2\n", file_name="data.bin", content_type="text/csv", browser=True
    )
    assert canned.requests[0].path == f"/api/v2/files/browsers/{SESSION_ID}/presigned-url"
    assert json.loads(canned.bodies[0]) == {
        "fileName": "data.bin",
        "contentType": "text/csv",
        "sizeBytes": 8,
    }
    file_part = storage.uploads[0].parts[-1]
    assert (file_part.filename, file_part.content_type) == ("data.bin", "text/csv")
    assert file_part.sha256 == sha256(b"a,b\n1,2\n")


async def test_upload_names_a_file_as_asked(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    source = tmp_path / "scan"
    source.write_bytes(b"%PDF-1.7")
    canned.respond(200, presigned(storage, "invoice.pdf"))
    await canned_client.files.upload(SESSION_ID, str(source), file_name="invoice.pdf")
    assert json.loads(canned.bodies[0])["contentType"] == "application/pdf"
    assert storage.uploads[0].parts[-1].filename == "invoice.pdf"


async def test_a_failed_upload_raises_with_the_storage_hosts_answer(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer
) -> None:
    canned.respond(200, presigned(storage, "a.txt"))
    storage.failure = (403, b"<Error><Code>AccessDenied</Code>Policy expired</Error>")
    with pytest.raises(PermissionDeniedError) as info:
        await canned_client.files.upload(SESSION_ID, b"hello", file_name="a.txt")
    error = info.value
    assert isinstance(error, APIStatusError)
    assert (error.status_code, error.method, error.url) == (403, "POST", storage.url("/bucket"))
    assert "AccessDenied" in error.body
    assert "failed with HTTP 403" in str(error)
    assert "Policy expired" in str(error)
    assert "API key" not in str(error)  # the hint is for the API's own answers


@pytest.mark.parametrize(
    ("file", "kwargs", "message"),
    [
        (b"data", {}, "file_name is needed"),
        (b"data", {"file_name": "a.zip"}, "cannot tell the content type of 'a.zip'"),
        (b"", {"file_name": "a.txt"}, "size_bytes"),
        (b"data", {"file_name": "a.txt", "content_type": "application/zip"}, "content_type"),
        (b"data", {"file_name": "a.txt", "browser": "yes"}, "browser"),
        (bytearray(b"data"), {"file_name": "a.txt"}, "file must be a path or bytes"),
    ],
)
async def test_upload_checks_arguments_before_sending(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    file: bytes,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.files.upload(SESSION_ID, file, **kwargs)
    assert canned.requests == []


async def test_upload_checks_the_file_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, tmp_path: Path
) -> None:
    too_big = tmp_path / "big.txt"
    with too_big.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no need to write 10 MiB
    with pytest.raises(InvalidArgumentError, match="size_bytes must be an int from 1 to 10485760"):
        await canned_client.files.upload(SESSION_ID, too_big)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        await canned_client.files.upload(SESSION_ID, tmp_path)
    with pytest.raises(InvalidArgumentError, match=r"missing\.txt' to upload it: No such file"):
        await canned_client.files.upload(SESSION_ID, tmp_path / "missing.txt")
    with pytest.raises(InvalidArgumentError, match="embedded null"):
        await canned_client.files.upload(SESSION_ID, tmp_path / "a\0b.txt")
    assert canned.requests == []


async def test_download_output_streams_to_a_path(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    signed = storage.url("/objects/report.bin?X-Amz-Signature=ab%2Fc%3D&X-Amz-Expires=60")
    canned.respond(200, output_file(signed))
    target = tmp_path / "out.bin"
    tracemalloc.start()
    try:
        written = await canned_client.files.download_output(TASK_ID, FILE_ID, target)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(BIG) // 2, peak  # streamed: never the whole file in memory
    assert written == target
    assert sha256(target.read_bytes()) == sha256(BIG)
    assert listing(tmp_path) == ["out.bin"]  # no .part left
    assert canned.requests[0].path == f"/api/v2/files/tasks/{TASK_ID}/output-files/{FILE_ID}"
    [download] = storage.downloads
    assert download.raw_path == "/objects/report.bin?X-Amz-Signature=ab%2Fc%3D&X-Amz-Expires=60"
    assert no_api_key(download.headers)


async def test_download_output_into_a_directory_uses_the_files_own_name(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x"), file_name="../../etc/weather.csv"))
    written = await canned_client.files.download_output(TASK_ID, FILE_ID, str(tmp_path))
    assert written == tmp_path / "weather.csv"
    assert written.stat().st_size == len(BIG)


async def test_download_output_to_a_file_object(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x")))
    sink = io.BytesIO(b"header:")
    sink.seek(0, io.SEEK_END)
    written = await canned_client.files.download_output(TASK_ID, FILE_ID, sink)
    assert written == len(BIG)
    assert sink.getvalue() == b"header:" + BIG


async def test_a_failed_download_raises_and_leaves_no_file(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x?X-Amz-Signature=s3cr3t")))
    storage.failure = (404, b"<Error><Code>NoSuchKey</Code></Error>")
    with pytest.raises(NotFoundError) as info:
        await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path / "out.bin")
    assert info.value.body == "<Error><Code>NoSuchKey</Code></Error>"
    assert "check the id" not in str(info.value).lower()
    assert "s3cr3t" not in str(info.value) + info.value.url
    assert info.value.url.endswith("/objects/x?<signature>")
    assert listing(tmp_path) == []


async def test_what_the_destination_raises_is_not_a_network_error(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer
) -> None:
    class Full:
        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    canned.respond(200, output_file(storage.url("/objects/x")))
    with pytest.raises(
        LocalFileError, match=r"to destination failed after 0 bytes .*No space"
    ) as info:
        await canned_client.files.download_output(TASK_ID, FILE_ID, Full())
    assert not isinstance(info.value, APIConnectionError)
    assert isinstance(info.value, OSError)  # `except OSError` still catches it
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.__cause__.errno == 28


async def test_a_stalled_download_times_out(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x")))
    storage.stall = 1.0
    client = canned_client.with_options(timeout=0.2)
    with pytest.raises(APITimeoutError, match=r"no data came for 0\.2 s"):
        await client.files.download_output(TASK_ID, FILE_ID, tmp_path / "out.bin")
    assert listing(tmp_path) == []


async def test_an_unreachable_storage_host_is_a_connection_error(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer
) -> None:
    url = storage.url("/objects/x")
    assert storage.runner is not None
    await storage.runner.cleanup()
    canned.respond(200, output_file(url))
    with pytest.raises(APIConnectionError, match="could not connect"):
        await canned_client.files.download_output(TASK_ID, FILE_ID, io.BytesIO())


@pytest.mark.parametrize("destination", [42, None, b"out.bin"])
async def test_download_output_checks_the_destination_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, destination: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="destination"):
        await canned_client.files.download_output(TASK_ID, FILE_ID, destination)  # type: ignore[call-overload]
    assert canned.requests == []


# Hostile files: uploads against a bare socket, files that change while read, cancellation.


class RawStorage:
    """A storage host on a bare asyncio socket, with no HTTP parser to hide anything: it
    records every byte each connection carries and answers 204 once the declared body is
    in. `first_bytes` runs once, when the first bytes arrive; `pause` slows reading."""

    def __init__(self) -> None:
        self.received: list[bytearray] = []
        self.handlers: set[asyncio.Task[None]] = set()
        self.first_bytes: Callable[[], None] | None = None
        self.pause = 0.0
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/bucket"

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        data = bytearray()
        self.received.append(data)
        answered = False
        try:
            while chunk := await reader.read(16 * 1024):
                if not data and self.first_bytes is not None:
                    self.first_bytes()
                data += chunk
                declared, body = split_request(bytes(data))
                if not answered and len(body) >= declared >= 0:
                    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                    answered = True
                if self.pause:
                    await asyncio.sleep(self.pause)
        except ConnectionError:
            pass
        finally:
            writer.close()
            self.handlers.discard(task)

    async def settled(self) -> list[bytearray]:
        """Once every connection has ended: what each carried (then forgotten)."""
        if self.handlers:
            await asyncio.wait_for(asyncio.wait(set(self.handlers)), 10)
        received, self.received = self.received, []
        return received


def split_request(data: bytes) -> tuple[int, bytes]:
    """The Content-Length a request declared (-1 while its head is incomplete) and the
    body bytes that followed the head."""
    head, end, body = data.partition(b"\r\n\r\n")
    if not end:
        return -1, b""
    found = re.search(rb"(?im)^content-length:\s*(\d+)\r?$", head)
    assert found is not None, head
    return int(found.group(1)), body


@pytest.fixture
async def raw_storage() -> AsyncIterator[RawStorage]:
    server = RawStorage()
    server.server = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    yield server
    server.server.close()


class ChangingFile(io.FileIO):
    """A real file that "another writer" changes just before the reader's `after`-th read
    (counting from 0). Reads return `size` bytes or stop at the end, like a buffered file,
    but never read ahead, so each change is seen exactly there."""

    def __init__(self, path: Path, after: int, change: Callable[["ChangingFile"], None]) -> None:
        super().__init__(path)
        self.path, self.after, self.change, self.reads = path, after, change, 0

    def read(self, size: int | None = -1, /) -> bytes:
        assert size is not None
        if self.reads == self.after:
            self.change(self)
        self.reads += 1
        data = b""
        while len(data) < size and (more := super().read(size - len(data))):
            data += more
        return data


def _grow(by: int) -> Callable[[ChangingFile], None]:
    def change(file: ChangingFile) -> None:
        with file.path.open("ab") as writer:
            writer.write(b"X" * by)

    return change


def _shrink(to: Callable[[int, int], int]) -> Callable[[ChangingFile], None]:
    """Truncate to `to(position, size)`."""

    def change(file: ChangingFile) -> None:
        os.truncate(file.path, to(file.tell(), file.path.stat().st_size))

    return change


CHANGES = {
    "grows by 1 byte": (_grow(1), "grew"),
    "grows by 1000 bytes": (_grow(1000), "grew"),
    "shrinks by 1 byte": (_shrink(lambda _, size: size - 1), "shrank"),
    "shrinks to what was read": (_shrink(lambda position, _: position), "shrank"),
    "shrinks inside the next read": (
        _shrink(lambda position, size: min(position + 30, size - 1)),
        "shrank",
    ),
    "is emptied": (_shrink(lambda position, size: 0), "shrank"),
}


@pytest.mark.parametrize("change", CHANGES)
async def test_a_file_changing_at_any_read_sends_no_more_than_declared_and_raises(
    raw_storage: RawStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    monkeypatch.setattr(_transport, "CHUNK_SIZE", 64)
    data = random.Random(3).randbytes(64 * 20 + 17)  # noqa: S311 (test data): 21 reads
    modify, word = CHANGES[change]
    reads = -(-len(data) // 64)
    raised: list[str] = []
    for after in range(reads + 1):  # before each read, and (the control) never
        path = tmp_path / f"{after}.bin"
        path.write_bytes(data)
        async with AsyncBrowserUse(api_key="bu_test_key", base_url=raw_storage.url) as client:
            # the storage layer itself, as `upload` only takes paths: a file object is the point
            storage = client.files._storage  # pyright: ignore[reportPrivateUsage]
            with ChangingFile(path, after, modify) as file:
                try:
                    async with asyncio.timeout(10):
                        await storage.upload(
                            raw_storage.url,
                            {"key": "k"},
                            file,
                            size=len(data),
                            file_name="f.bin",
                            content_type="application/octet-stream",
                        )
                except LocalFileError as error:
                    raised.append(str(error))
        [connection] = await raw_storage.settled()
        declared, body = split_request(bytes(connection))
        if after < reads:  # changed while read: cut short, the storage host never answered
            assert len(body) < declared, (after, len(body), declared)
        else:
            assert len(body) == declared
            assert data in body
    assert len(raised) == reads  # every change while reading raised, the control did not
    for message in raised:
        assert f"'f.bin' {word} while being uploaded" in message
        assert "nothing was stored" in message


@pytest.mark.parametrize(("change", "word"), [("grow", "grew"), ("shrink", "shrank")])
async def test_an_upload_whose_file_changes_on_the_way_raises(
    canned: CannedServer, raw_storage: RawStorage, tmp_path: Path, change: str, word: str
) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"n" * MAX_UPLOAD_BYTES)

    def modify() -> None:  # as the first bytes reach the storage host
        if change == "grow":
            with source.open("ab") as writer:
                writer.write(b"extra bytes that must not reach the socket" * 100)
        else:
            os.truncate(source, MAX_UPLOAD_BYTES - 1000)

    raw_storage.first_bytes = modify
    answer = dict(PRESIGNED, url=raw_storage.url, fileName="notes.txt")
    canned.respond(200, json.dumps(answer).encode())
    async with AsyncBrowserUse(
        api_key="bu_test_key", base_url=canned.base_url, timeout=5
    ) as client:
        with pytest.raises(LocalFileError, match=f"'notes.txt' {word} while being uploaded"):
            async with asyncio.timeout(20):
                await client.files.upload(SESSION_ID, source)
    [connection] = await raw_storage.settled()
    declared, body = split_request(bytes(connection))
    assert len(body) < declared
    assert b"extra bytes" not in connection
    assert json.loads(canned.bodies[0])["sizeBytes"] == MAX_UPLOAD_BYTES


def open_handles(under: Path) -> int:
    """How many of this process's file descriptors are open on files under `under`."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith(str(under))
    return count


async def cancel_after(call: Awaitable[object], iterations: int) -> bool:
    """Run `call`, cancel it after `iterations` turns of the loop; True if it was cancelled
    (False: it ended first)."""
    task = asyncio.ensure_future(call)
    for _ in range(iterations):
        await asyncio.sleep(0)
    task.cancel()
    async with asyncio.timeout(10):
        try:
            await task
        except asyncio.CancelledError:
            return True
    return False


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


@needs_proc
async def test_a_cancelled_upload_closes_its_file(
    canned: CannedServer, raw_storage: RawStorage, tmp_path: Path
) -> None:
    source = tmp_path / "data.csv"
    source.write_bytes(b"1,2\n" * 256 * 1024)
    raw_storage.pause = 0.002  # a slow storage host: the upload is in flight for a while
    answer = dict(PRESIGNED, url=raw_storage.url, fileName="data.csv")
    canned.respond(200, json.dumps(answer).encode())
    cancelled = 0
    async with AsyncBrowserUse(api_key="bu_test_key", base_url=canned.base_url) as client:
        for iterations in range(120):
            cancelled += await cancel_after(client.files.upload(SESSION_ID, source), iterations)
            assert open_handles(source) == 0, iterations
    await raw_storage.settled()
    assert cancelled == 120  # every point was inside the call
    assert len(canned.requests) > 60  # most points were past the presign, in the upload


async def download_leftovers(directory: Path) -> list[str]:
    return [name for name in listing(directory) if name.endswith(".part")]


@needs_proc
async def test_a_cancelled_download_leaves_no_part_file_and_no_open_handle(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x")))
    storage.stall = 0.0005
    target = tmp_path / "out.bin"
    outcomes = {"cancelled": 0, "finished": 0}  # 240 points
    points: list[tuple[str, float]] = [("iterations", n) for n in range(0, 400, 2)]
    points += [("timeout", n / 1000) for n in range(0, 120, 3)]
    for how, when in points:
        call = canned_client.files.download_output(TASK_ID, FILE_ID, target)
        if how == "iterations":
            cancelled = await cancel_after(call, int(when))
        else:
            try:
                async with asyncio.timeout(when):
                    await call
                cancelled = False
            except TimeoutError:
                cancelled = True
        assert open_handles(tmp_path) == 0, (how, when)
        assert await download_leftovers(tmp_path) == [], (how, when)
        if not cancelled:
            assert sha256(target.read_bytes()) == sha256(BIG)
            target.unlink()
        assert listing(tmp_path) == [], (how, when)
        outcomes["cancelled" if cancelled else "finished"] += 1
    assert outcomes["cancelled"] > 200  # most points cancelled it mid-way,
    assert len(storage.downloads) > 150  # most of those during the transfer,
    assert outcomes["finished"] > 0  # and the latest came after it


# Destinations that are not what they seem.


def make_device(path: Path) -> Path:
    """A character device like /dev/null at `path` where allowed (root), else /dev/null."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        return Path("/dev/null")
    return path


SPECIAL_KINDS = ["device", "fifo", "symlink to a file", "dangling symlink", "symlink to a dir"]


@pytest.mark.parametrize(
    "case",
    [(kind, at) for kind in SPECIAL_KINDS for at in ("destination", "part file")],
    ids=" at ".join,
)
async def test_download_output_refuses_a_destination_that_is_not_a_regular_file(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    storage: StorageServer,
    tmp_path: Path,
    case: tuple[str, str],
) -> None:
    kind, at = case
    canned.respond(200, output_file(storage.url("/objects/x")))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_bytes(b"keep me")
    destination = tmp_path / "out.bin"
    special = destination if at == "destination" else tmp_path / "out.bin.part"
    if kind == "device":
        special = make_device(special)
        if at == "destination":
            destination = special
        elif special != tmp_path / "out.bin.part":
            pytest.skip("cannot make a device node here")
    elif kind == "fifo":
        os.mkfifo(special)
    elif kind == "symlink to a file":
        special.symlink_to(elsewhere / "precious.txt")
    elif kind == "dangling symlink":
        special.symlink_to(elsewhere / "nothing.txt")
    else:
        special.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InvalidArgumentError, match="exists and is not a regular file"):
        async with asyncio.timeout(10):
            await canned_client.files.download_output(TASK_ID, FILE_ID, destination)
    assert canned.requests == []  # refused before the presign request
    assert storage.downloads == []
    assert listing(elsewhere) == ["precious.txt"]
    assert (elsewhere / "precious.txt").read_bytes() == b"keep me"
    assert special.is_symlink() or special.exists()  # left as it was


async def test_download_output_into_a_directory_refuses_a_symlink_named_like_the_file(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x"), file_name="weather.csv"))
    (tmp_path / "precious.txt").write_bytes(b"keep me")
    (tmp_path / "weather.csv").symlink_to(tmp_path / "precious.txt")
    with pytest.raises(InvalidArgumentError, match=r"weather\.csv' exists and is not a regular"):
        await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path)
    assert storage.downloads == []
    assert (tmp_path / "precious.txt").read_bytes() == b"keep me"


async def test_a_stale_part_file_is_replaced_not_written_through(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x")))
    (tmp_path / "other.bin").write_bytes(b"a hard link shares this")
    os.link(tmp_path / "other.bin", tmp_path / "out.bin.part")
    written = await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path / "out.bin")
    assert sha256(written.read_bytes()) == sha256(BIG)
    assert (tmp_path / "other.bin").read_bytes() == b"a hard link shares this"
    assert listing(tmp_path) == ["other.bin", "out.bin"]


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ("missing/out.bin", "No such file or directory"),
        ("file.txt/out.bin", "Not a directory"),
        ("a\0b.bin", "embedded null"),
        ("x" * 300, "File name too long"),
    ],
)
async def test_download_output_refuses_an_unusable_path_before_sending(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    tmp_path: Path,
    destination: str,
    message: str,
) -> None:
    (tmp_path / "file.txt").write_bytes(b"")
    with pytest.raises(InvalidArgumentError, match=message):
        await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path / destination)
    assert canned.requests == []
    assert listing(tmp_path) == ["file.txt"]


@pytest.mark.parametrize(
    "file_name",
    ["a\0b.csv", "\0", "x" * 300 + ".csv", "é" * 200, "line\nbreak.csv", "..", "/", "tab\t"],
)
async def test_an_unusable_file_name_from_the_api_falls_back_to_the_file_id(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    storage: StorageServer,
    tmp_path: Path,
    file_name: str,
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x"), file_name=file_name))
    written = await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path)
    assert written == tmp_path / FILE_ID
    assert written.stat().st_size == len(BIG)


async def test_a_usable_unicode_file_name_is_kept(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    name = "résumé 2026 " + "é" * 100 + ".pdf"  # 227 bytes: fits with ".part"
    canned.respond(200, output_file(storage.url("/objects/x"), file_name=name))
    written = await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path)
    assert written == tmp_path / name


async def test_a_full_disk_while_downloading_is_a_local_file_error(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(storage.url("/objects/x")))
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, limit[1]))  # writes past 1 MiB fail
    try:
        with pytest.raises(LocalFileError, match=r"out\.bin\.part failed after \d+ bytes") as info:
            await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path / "out.bin")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, ignored)
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.__cause__.errno == errno.EFBIG
    assert listing(tmp_path) == []


async def test_a_destination_that_cannot_take_the_finished_file_is_a_local_file_error(
    canned: CannedServer, canned_client: AsyncBrowserUse, storage: StorageServer, tmp_path: Path
) -> None:
    target = tmp_path / "out.bin"

    def occupy() -> None:  # something else puts a directory there meanwhile
        target.mkdir()
        (target / "inside").write_bytes(b"")

    canned.respond(200, output_file(storage.url("/objects/x")))
    storage.meanwhile = occupy
    with pytest.raises(LocalFileError, match="could not be renamed to"):
        await canned_client.files.download_output(TASK_ID, FILE_ID, target)
    assert listing(tmp_path) == ["out.bin"]
    assert listing(target) == ["inside"]


CONTROL_NAMES = ["a\r\nb.txt", "a\nb.txt", "a\rb.txt", "a\0b.txt", "a\tb.txt", "a\x7f.txt"]


@pytest.mark.parametrize("name", [*CONTROL_NAMES, "a\x85b.txt", "a\x1b[31m.txt"])
async def test_upload_refuses_control_characters_in_the_file_name_before_sending(
    canned: CannedServer, canned_client: AsyncBrowserUse, raw_storage: RawStorage, name: str
) -> None:
    canned.respond(200, json.dumps(dict(PRESIGNED, url=raw_storage.url)).encode())
    with pytest.raises(InvalidArgumentError, match="file_name must not contain control"):
        await canned_client.files.upload(SESSION_ID, b"data", file_name=name)
    assert canned.requests == []
    assert raw_storage.received == []


@pytest.mark.parametrize("name", [name for name in CONTROL_NAMES if "\0" not in name])
async def test_upload_refuses_a_path_whose_name_has_control_characters(
    canned: CannedServer, canned_client: AsyncBrowserUse, tmp_path: Path, name: str
) -> None:
    source = tmp_path / name
    source.write_bytes(b"data")
    with pytest.raises(InvalidArgumentError, match="file_name must not contain control"):
        await canned_client.files.upload(SESSION_ID, source)
    assert canned.requests == []
    assert open_handles(source) == 0
