"""Files: presigned URL calls on the wire."""

import json
import uuid

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError
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
