"""Files: presigned URL calls on the wire; uploads and downloads through a storage host."""

import asyncio
import hashlib
import io
import json
import random
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Mapping
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
    NotFoundError,
    PermissionDeniedError,
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
    with pytest.raises(FileNotFoundError):
        await canned_client.files.upload(SESSION_ID, tmp_path / "missing.txt")
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
    with pytest.raises(OSError, match="No space left") as info:
        await canned_client.files.download_output(TASK_ID, FILE_ID, Full())
    assert not isinstance(info.value, APIConnectionError)


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
