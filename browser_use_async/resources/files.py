"""`client.files`: presigned URLs to upload files to sessions and download task outputs,
and `upload` and `download_output`, which also move the bytes."""

import asyncio
import contextlib
import errno
import functools
import io
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, Unpack, cast, overload

from browser_use_async._exceptions import InvalidArgumentError, LocalFileError
from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import RequestOptions
from browser_use_async._validation import check_bool, check_text
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


def _why(exc: Exception) -> str:
    """An OSError's reason without the path it repeats, or the error's text."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _open_regular_file(path: Path) -> tuple[BinaryIO, int]:
    """The file opened for reading, and its size. Opened without waiting for a FIFO's
    writer and checked once open, so that what is read is what was checked; on the loop
    rather than in a thread, so that a cancelled call cannot leave it open."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InvalidArgumentError(f"cannot open {str(path)!r} to upload it: {_why(exc)}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InvalidArgumentError(f"{str(path)!r} is not a regular file")
    return open(fd, "rb"), info.st_size


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


_NAME_MAX = 255 - len(".part")
"""The longest local file name, in bytes, that leaves room for the `.part` suffix."""


def _local_name(file_name: str, fallback: str) -> str:
    """The last component of a name from the API, so that it stays inside the directory;
    `fallback` if that is no usable name here (empty, a dot name, control or other
    unprintable characters such as NUL, or too long)."""
    name = PurePosixPath(file_name.replace("\\", "/")).name
    try:
        usable = name.isprintable() and 0 < len(os.fsencode(name)) <= _NAME_MAX
    except UnicodeEncodeError:  # the file system's encoding cannot spell it
        usable = False
    return name if usable and name not in (".", "..") else fallback


def _file_type(path: Path | str, folder: int | None = None) -> int | None:
    """What is at `path` (`stat.S_IFMT` bits, symlinks not followed), or None if nothing;
    a name inside the open directory `folder` when that is given."""
    try:
        return stat.S_IFMT(os.stat(path, dir_fd=folder, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InvalidArgumentError(f"cannot download to {str(path)!r}: {_why(exc)}") from None


def _open_folder(path: Path, *, follow: bool) -> int:
    """The directory at `path`, held open: names in it keep meaning that directory even if
    the path is swapped meanwhile (for a symlink, say). `follow=False` refuses a symlink."""
    flags = os.O_RDONLY | os.O_DIRECTORY | (0 if follow else os.O_NOFOLLOW)
    try:
        return os.open(path, flags)
    except (OSError, ValueError) as exc:
        raise InvalidArgumentError(f"cannot download to {str(path)!r}: {_why(exc)}") from None


def _create_part(folder: int, target: Path) -> tuple[str, BinaryIO]:
    """`<target>.part` in `folder` (target's directory, held open), newly created for
    writing, once `target` is known to hold nothing or a regular file (replaced by
    renaming, never written through). A stale `.part` that is a regular file is removed;
    anything else there is refused, and O_EXCL | O_NOFOLLOW fail rather than follow a
    symlink or open a FIFO put there meanwhile. On the loop rather than in a thread, so
    that a cancelled call cannot leave it behind or open."""
    part = target.name + ".part"
    for name in (target.name, part):
        if _file_type(name, folder) not in (None, stat.S_IFREG):
            raise InvalidArgumentError(
                f"cannot download to {str(target)!r}: {str(target.parent / name)!r} exists "
                "and is not a regular file (a symlink, FIFO, device or directory); remove it, "
                "or for a symlink pass the path it leads to (Path.resolve())."
            )
    try:
        if _file_type(part, folder) is not None:
            os.unlink(part, dir_fd=folder)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(part, flags, 0o666, dir_fd=folder)
    except OSError as exc:
        raise InvalidArgumentError(f"cannot download to {str(target)!r}: {_why(exc)}") from None
    return part, open(fd, "wb")


def _is_same_file(folder: int, name: str, known: os.stat_result) -> bool:
    """Whether `name` in `folder` is still the file `known` describes: another download to
    the same path removes a `.part` it finds as stale and creates its own."""
    try:
        now = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (known.st_dev, known.st_ino)


def _write_flushed(file: BinaryIO, data: bytes) -> None:
    """Write and flush, so that closing the file has nothing left to write that could fail."""
    file.write(data)
    file.flush()


def _write_all(sink: BinarySink, data: bytes) -> None:
    """Write all of `data`. A raw stream (opened with buffering=0, a socket's file) may take
    part of it and say how much, or nothing (None) when non-blocking and full; a sink that
    returns anything but a count took it all."""
    while data:
        taken = sink.write(data)
        if type(taken) is not int:
            if taken is None and isinstance(sink, io.RawIOBase):
                raise BlockingIOError(errno.EAGAIN, "the destination is non-blocking and full")
            return
        if taken >= len(data):
            return
        if taken <= 0:
            raise BlockingIOError(errno.EAGAIN, "the destination took none of the data")
        data = data[taken:]


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
        if isinstance(file, bytes):
            if file_name is None:
                raise InvalidArgumentError("file_name is needed to upload bytes")
            return await self._upload(
                session_id, file, file_name, len(file), content_type, browser=browser, extra=extra
            )
        path = _as_path(file, "file")
        handle, size = _open_regular_file(path)
        try:
            name = path.name if file_name is None else file_name
            return await self._upload(
                session_id, handle, name, size, content_type, browser=browser, extra=extra
            )
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
        if isinstance(destination, str | os.PathLike):
            target = Path(destination)  # which drops a trailing slash: check it first
            named_a_dir = isinstance(destination, str) and destination.endswith(("/", os.sep))
            if named_a_dir and _file_type(target) != stat.S_IFDIR:
                raise InvalidArgumentError(
                    f"cannot download to {destination!r}: no such directory; create it, "
                    "or drop the trailing slash to name a file"
                )
            return await self._download_to_path(task_id, file_id, target, extra)
        if not callable(getattr(destination, "write", None)):
            raise InvalidArgumentError(
                "destination must be a path or a binary file object, "
                f"got {type(destination).__name__}"
            )
        output = await self.task_output(task_id, file_id, **extra)
        write = functools.partial(_write_all, destination)
        return await self._download_into(output.download_url, write, "destination")

    async def _download_to_path(
        self,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        target: Path,
        extra: RequestOptions,
    ) -> Path:
        output = None
        if _file_type(target) == stat.S_IFDIR:  # the file's own name is needed first
            folder = _open_folder(target, follow=False)
            try:
                output = await self.task_output(task_id, file_id, **extra)
            except BaseException:
                os.close(folder)
                raise
            target = target / _local_name(output.file_name, str(output.id))
        else:
            folder = _open_folder(target.parent, follow=True)
        try:
            await self._download_in(folder, target, output, task_id, file_id, extra=extra)
        finally:
            os.close(folder)
        return target

    async def _download_in(
        self,
        folder: int,
        target: Path,
        output: TaskOutputFileResponse | None,
        task_id: uuid.UUID | str,
        file_id: uuid.UUID | str,
        *,
        extra: RequestOptions,
    ) -> None:
        """Download to `<target>.part` in `folder` (target's directory, held open), then
        rename it to `target`; on any failure, remove that `.part` unless it is another's."""
        part, handle = _create_part(folder, target)
        ours = os.fstat(handle.fileno())
        try:
            with handle:
                if output is None:
                    output = await self.task_output(task_id, file_id, **extra)
                write = functools.partial(_write_flushed, handle)
                await self._download_into(output.download_url, write, str(target) + ".part")
            if not _is_same_file(folder, part, ours):
                raise LocalFileError(
                    f"Another download to {str(target)!r} replaced this one's {part} "
                    "meanwhile, so this one was abandoned; download to one path at a time."
                )
            try:
                os.replace(part, target.name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as exc:
                raise LocalFileError(
                    f"The download is complete but could not be renamed to {str(target)!r} "
                    f"({exc}); it was removed. Check the destination and download again."
                ) from exc
        except BaseException:
            if _is_same_file(folder, part, ours):  # not another download's
                with contextlib.suppress(OSError):
                    os.unlink(part, dir_fd=folder)
            raise

    async def _download_into(self, url: str, write: Callable[[bytes], object], where: str) -> int:
        written = 0

        async def sink(chunk: bytes) -> None:
            nonlocal written
            writing = asyncio.ensure_future(asyncio.to_thread(write, chunk))
            try:
                await asyncio.shield(writing)
            except asyncio.CancelledError:
                # A thread cannot be stopped: let its write end, so that none goes on
                # into the destination once this call has ended.
                await asyncio.wait({writing})
                if not writing.cancelled():
                    writing.exception()  # seen: the cancellation is what propagates
                raise
            except OSError as exc:
                raise LocalFileError(
                    f"Writing the download to {where} failed after {written} bytes ({exc}); "
                    "it was abandoned. Free space or fix the destination and download again."
                ) from exc
            written += len(chunk)

        await self._storage.download(url, sink)
        return written


class AsyncFilesWithRawResponse(RawView):
    """`client.files.with_raw_response`: each operation answering `RawResponse`."""

    session_url = raw_twin(AsyncFiles.session_url)
    browser_url = raw_twin(AsyncFiles.browser_url)
    task_output = raw_twin(AsyncFiles.task_output)
