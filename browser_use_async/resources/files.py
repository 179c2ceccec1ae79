"""`client.files`: presigned URLs to upload files to sessions and download task outputs,
and `upload` and `download_output`, which also move the bytes."""

import os
import uuid
from pathlib import Path
from typing import BinaryIO, Unpack, overload

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._storage import BinarySink, Storage, upload_source
from browser_use_async._types import RequestOptions
from browser_use_async._validation import check_bool, check_text
from browser_use_async.models.files import (
    TaskOutputFileResponse,
    UploadContentType,
    UploadFilePresignedUrlResponse,
    UploadFileRequest,
)
from browser_use_async.resources._base import AsyncResource, RequestFn

__all__ = ["AsyncFiles", "BinarySink"]


def _content_type(
    content_type: UploadContentType | str | None, file_name: str
) -> UploadContentType | str:
    if content_type is not None:
        return content_type
    guessed = UploadContentType.for_file_name(file_name)
    if guessed is None:
        choices = ", ".join(member.value for member in UploadContentType)
        raise InvalidArgumentError(
            f"cannot tell the content type of {file_name!r} from its name: pass content_type= "
            f"(the API accepts {choices})"
        )
    return guessed


class AsyncFiles(AsyncResource):
    """Files: upload inputs for the agent or browser, download what tasks produced."""

    def __init__(self, request: RequestFn, storage: Storage) -> None:
        super().__init__(request)
        self._storage = storage

    @property
    def with_raw_response(self) -> "AsyncFilesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `upload` and `download_output` also talk to storage, so they are not there."""
        return AsyncFilesWithRawResponse(self._raw_copy())

    async def session_url(
        self,
        session_id: uuid.UUID | str,
        *,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
        **extra: Unpack[RequestOptions],
    ) -> UploadFilePresignedUrlResponse:
        """A presigned URL to upload a file to an agent session.

        `POST /files/sessions/{session_id}/presigned-url`; `size_bytes` is 1 to 10 MiB.
        """
        kind = "sessions"
        return await self._presigned(
            kind, session_id, file_name, content_type, size_bytes, extra=extra
        )

    async def browser_url(
        self,
        session_id: uuid.UUID | str,
        *,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
        **extra: Unpack[RequestOptions],
    ) -> UploadFilePresignedUrlResponse:
        """A presigned URL to upload a file to a browser session.

        `POST /files/browsers/{session_id}/presigned-url`; `size_bytes` is 1 to 10 MiB.
        """
        kind = "browsers"
        return await self._presigned(
            kind, session_id, file_name, content_type, size_bytes, extra=extra
        )

    async def _presigned(
        self,
        kind: str,
        session_id: object,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
        *,
        extra: RequestOptions,
    ) -> UploadFilePresignedUrlResponse:
        session = uuid_segment(session_id, "session_id")
        body = UploadFileRequest(
            file_name=file_name, content_type=content_type, size_bytes=size_bytes
        )
        path = f"/files/{kind}/{session}/presigned-url"
        return await self._request("POST", path, UploadFilePresignedUrlResponse, body, extra=extra)

    async def task_output(
        self, task_id: uuid.UUID | str, file_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> TaskOutputFileResponse:
        """A presigned URL to download a task's output file.

        `GET /files/tasks/{task_id}/output-files/{file_id}`.
        """
        task = uuid_segment(task_id, "task_id")
        file = uuid_segment(file_id, "file_id")
        path = f"/files/tasks/{task}/output-files/{file}"
        return await self._request("GET", path, TaskOutputFileResponse, extra=extra)

    async def upload(
        self,
        session_id: uuid.UUID | str,
        file: str | os.PathLike[str] | bytes,
        *,
        file_name: str | None = None,
        content_type: UploadContentType | str | None = None,
        browser: bool = False,
        **extra: Unpack[RequestOptions],
    ) -> UploadFilePresignedUrlResponse:
        """Upload a local file (a path, streamed from disk) or bytes to an agent session, or
        with `browser=True` to a browser session; returns the presigned answer.

        `file_name` defaults to the path's name (needed for bytes); `content_type` is guessed
        from it. Tasks refer to the file by the returned `file_name`. Exactly the size
        declared is sent: a file that grows or shrinks meanwhile raises `LocalFileError`.
        The request options go with the request for the presigned URL, not to storage.
        """
        conceal(extra)
        check_bool(browser, "browser")
        with upload_source(file, file_name) as upload:
            return await self._upload(
                session_id,
                upload.source,
                upload.file_name,
                upload.size,
                content_type,
                browser=browser,
                extra=extra,
            )

    async def _upload(
        self,
        session_id: uuid.UUID | str,
        source: bytes | BinaryIO,
        file_name: str,
        size: int,
        content_type: UploadContentType | str | None,
        *,
        browser: bool,
        extra: RequestOptions,
    ) -> UploadFilePresignedUrlResponse:
        check_text(file_name, "file_name", 1, 255)  # before the content type is guessed from it
        kind = _content_type(content_type, file_name)
        presign = self.browser_url if browser else self.session_url
        presigned = await presign(
            session_id, file_name=file_name, content_type=kind, size_bytes=size, **extra
        )
        await self._storage.upload(
            presigned.url,
            presigned.fields,
            source,
            size=size,
            file_name=file_name,
            content_type=UploadContentType(kind).value,  # the API accepted it above
        )
        return presigned

    @overload
    async def download_output(
        self,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        destination: str | os.PathLike[str],
        **extra: Unpack[RequestOptions],
    ) -> Path: ...

    @overload
    async def download_output(
        self,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        destination: BinarySink,
        **extra: Unpack[RequestOptions],
    ) -> int: ...

    async def download_output(
        self,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        destination: str | os.PathLike[str] | BinarySink,
        **extra: Unpack[RequestOptions],
    ) -> Path | int:
        """Download a task's output file in chunks, never whole in memory.

        To a path: written to a new `<path>.part`, renamed when complete (nothing is left
        behind on failure or cancellation), and the path returned; an existing directory
        receives the file under its own name, or its id if that name is unusable here. A
        symlink, FIFO or device there is refused (`InvalidArgumentError`), never written
        through. To a binary file object: written from its current position; returns the
        number of bytes written. A failed write raises `LocalFileError`. The request options
        go with the request for the download URL, not to storage.
        """
        conceal(extra)
        return await self._storage.save(
            lambda: self.task_output(task_id, file_id, **extra), destination
        )


class AsyncFilesWithRawResponse(RawView):
    """`client.files.with_raw_response`: each operation answering `RawResponse`."""

    session_url = raw_twin(AsyncFiles.session_url)
    browser_url = raw_twin(AsyncFiles.browser_url)
    task_output = raw_twin(AsyncFiles.task_output)
