"""`client.files`: presigned URLs to upload files to sessions and download task outputs,
and `upload` and `download_output`, which also move the bytes."""

import asyncio
import os
import stat
import uuid
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, cast, overload

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import uuid_segment
from browser_use_async.models._checks import check_bool
from browser_use_async.models.files import (
    TaskOutputFileResponse,
    UploadContentType,
    UploadFilePresignedUrlResponse,
    UploadFileRequest,
)
from browser_use_async.resources._base import AsyncResource, RequestFn, Storage

__all__ = ["AsyncFiles", "BinarySink"]


class BinarySink(Protocol):
    """Anything with a binary `write`, such as a file opened with "wb" or `io.BytesIO`."""

    def write(self, data: bytes, /) -> object: ...


def _as_path(value: object, name: str) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(cast("str | os.PathLike[str]", value))
    raise InvalidArgumentError(f"{name} must be a path or bytes, got {type(value).__name__}")


def _open_regular_file(path: Path) -> tuple[BinaryIO, int]:
    """The file opened for reading, and its size (blocking: run it in a thread)."""
    if not stat.S_ISREG(path.stat().st_mode):  # before opening: a FIFO would block
        raise InvalidArgumentError(f"{str(path)!r} is not a regular file")
    handle = path.open("rb")
    return handle, os.fstat(handle.fileno()).st_size


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


def _local_name(file_name: str, fallback: str) -> str:
    """The last component of a name from the API, so that it stays inside the directory."""
    name = PurePosixPath(file_name.replace("\\", "/")).name
    return name if name not in ("", ".", "..") else fallback


class AsyncFiles(AsyncResource):
    """Files: upload inputs for the agent or browser, download what tasks produced."""

    def __init__(self, request: RequestFn, storage: Storage) -> None:
        super().__init__(request)
        self._storage = storage

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
        return await self._presigned("sessions", session_id, file_name, content_type, size_bytes)

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
        return await self._presigned("browsers", session_id, file_name, content_type, size_bytes)

    async def _presigned(
        self,
        kind: str,
        session_id: object,
        file_name: str,
        content_type: UploadContentType | str,
        size_bytes: int,
    ) -> UploadFilePresignedUrlResponse:
        session = uuid_segment(session_id, "session_id")
        body = UploadFileRequest(
            file_name=file_name, content_type=content_type, size_bytes=size_bytes
        )
        path = f"/files/{kind}/{session}/presigned-url"
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

    async def upload(
        self,
        session_id: uuid.UUID | str,
        file: str | os.PathLike[str] | bytes,
        *,
        file_name: str | None = None,
        content_type: UploadContentType | str | None = None,
        browser: bool = False,
    ) -> UploadFilePresignedUrlResponse:
        """Upload a local file (a path, streamed from disk) or bytes to an agent session, or
        with `browser=True` to a browser session; returns the presigned answer.

        `file_name` defaults to the path's name (needed for bytes); `content_type` is guessed
        from it. Tasks refer to the file by the returned `file_name`.
        """
        check_bool(browser, "browser")
        if isinstance(file, bytes):
            if file_name is None:
                raise InvalidArgumentError("file_name is needed to upload bytes")
            return await self._upload(
                session_id, file, file_name, len(file), content_type, browser=browser
            )
        path = _as_path(file, "file")
        handle, size = await asyncio.to_thread(_open_regular_file, path)
        try:
            name = path.name if file_name is None else file_name
            return await self._upload(session_id, handle, name, size, content_type, browser=browser)
        finally:
            handle.close()

    async def _upload(
        self,
        session_id: uuid.UUID | str,
        source: bytes | BinaryIO,
        file_name: str,
        size: int,
        content_type: UploadContentType | str | None,
        *,
        browser: bool,
    ) -> UploadFilePresignedUrlResponse:
        kind = _content_type(content_type, file_name)
        presign = self.browser_url if browser else self.session_url
        presigned = await presign(
            session_id, file_name=file_name, content_type=kind, size_bytes=size
        )
        await self._storage.upload(
            presigned.url,
            presigned.fields,
            source,
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
    ) -> Path: ...

    @overload
    async def download_output(
        self, task_id: uuid.UUID | str, file_id: uuid.UUID | str, destination: BinarySink
    ) -> int: ...

    async def download_output(
        self,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        destination: str | os.PathLike[str] | BinarySink,
    ) -> Path | int:
        """Download a task's output file in chunks, never whole in memory.

        To a path: written to `<path>.part`, renamed when complete, and the path returned; an
        existing directory receives the file under its own name. To a binary file object:
        written from its current position; returns the number of bytes written.
        """
        if isinstance(destination, str | os.PathLike):
            output = await self.task_output(task_id, file_id)
            return await self._download_to_path(output, Path(destination))
        if not callable(getattr(destination, "write", None)):
            raise InvalidArgumentError(
                "destination must be a path or a binary file object, "
                f"got {type(destination).__name__}"
            )
        output = await self.task_output(task_id, file_id)
        return await self._download_into(output.download_url, destination)

    async def _download_to_path(self, output: TaskOutputFileResponse, target: Path) -> Path:
        if await asyncio.to_thread(target.is_dir):
            target = target / _local_name(output.file_name, str(output.id))
        part = target.with_name(target.name + ".part")
        handle = await asyncio.to_thread(part.open, "wb")
        try:
            try:
                await self._download_into(output.download_url, handle)
            finally:
                handle.close()
            await asyncio.to_thread(os.replace, part, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return target

    async def _download_into(self, url: str, sink: BinarySink) -> int:
        written = 0

        async def write(chunk: bytes) -> None:
            nonlocal written
            await asyncio.to_thread(sink.write, chunk)
            written += len(chunk)

        await self._storage.download(url, write)
        return written
