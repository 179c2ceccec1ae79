"""`client.files`: presigned URLs to upload files to sessions and download task outputs."""

import uuid

from browser_use_async._protocol import uuid_segment
from browser_use_async.models.files import (
    TaskOutputFileResponse,
    UploadContentType,
    UploadFilePresignedUrlResponse,
    UploadFileRequest,
)
from browser_use_async.resources._base import AsyncResource


class AsyncFiles(AsyncResource):
    """Files: upload inputs for the agent or browser, download what tasks produced."""

    async def session_url(
        self,
        session_id: uuid.UUID | str,
        *,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
    ) -> UploadFilePresignedUrlResponse:
        """A presigned URL to upload a file to an agent session.

        `POST /files/sessions/{session_id}/presigned-url`; `size_bytes` is 1 to 10 MiB.
        """
        session = uuid_segment(session_id, "session_id")
        body = UploadFileRequest(
            file_name=file_name, content_type=content_type, size_bytes=size_bytes
        )
        path = f"/files/sessions/{session}/presigned-url"
        return await self._request("POST", path, UploadFilePresignedUrlResponse, body)

    async def browser_url(
        self,
        session_id: uuid.UUID | str,
        *,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
    ) -> UploadFilePresignedUrlResponse:
        """A presigned URL to upload a file to a browser session.

        `POST /files/browsers/{session_id}/presigned-url`; `size_bytes` is 1 to 10 MiB.
        """
        session = uuid_segment(session_id, "session_id")
        body = UploadFileRequest(
            file_name=file_name, content_type=content_type, size_bytes=size_bytes
        )
        path = f"/files/browsers/{session}/presigned-url"
        return await self._request("POST", path, UploadFilePresignedUrlResponse, body)

    async def task_output(
        self, task_id: uuid.UUID | str, file_id: uuid.UUID | str
    ) -> TaskOutputFileResponse:
        """A presigned URL to download a task's output file.

        `GET /files/tasks/{task_id}/output-files/{file_id}`.
        """
        task = uuid_segment(task_id, "task_id")
        file = uuid_segment(file_id, "file_id")
        path = f"/files/tasks/{task}/output-files/{file}"
        return await self._request("GET", path, TaskOutputFileResponse)
