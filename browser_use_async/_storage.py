"""Where files meet storage: local files checked, opened and written safely, and the transfers
to and from presigned storage URLs.

Standard library only: the client hands `Storage` its transport and the way to word a
storage host's refusal, so neither aiohttp nor the codec is imported here.
"""

import asyncio
import contextlib
import errno
import functools
import io
import logging
import os
import stat
from collections.abc import Awaitable, Callable, Generator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, Protocol, cast

from browser_use_async import _protocol
from browser_use_async._exceptions import APIStatusError, InvalidArgumentError, LocalFileError

if TYPE_CHECKING:
    from browser_use_async._transport import Transport

__all__ = ["BinarySink", "RemoteFile", "Storage", "Upload", "read_whole", "upload_source"]

logger = logging.getLogger("browser_use_async")


class BinarySink(Protocol):
    """Anything with a binary `write`, such as a file opened with "wb" or `io.BytesIO`."""

    def write(self, data: bytes, /) -> object: ...


class RemoteFile(Protocol):
    """A file to download, as the API describes it (`TaskOutputFileResponse`); `str(id)`
    names it here when its own name is unusable."""

    @property
    def id(self) -> object: ...
    @property
    def file_name(self) -> str: ...
    @property
    def download_url(self) -> str: ...


class Upload(NamedTuple):
    """What an upload sends: the bytes or an open file, its name, and exactly how many bytes."""

    source: bytes | BinaryIO
    file_name: str
    size: int


@contextlib.contextmanager
def upload_source(file: object, file_name: str | None) -> Generator[Upload]:
    """`file` to upload: bytes as they are (`file_name` is needed), or the regular file at a
    path, opened for reading and closed at the end (named after the path by default)."""
    if isinstance(file, bytes):
        if file_name is None:
            raise InvalidArgumentError("file_name is needed to upload bytes")
        yield Upload(file, file_name, len(file))
        return
    path = _as_path(file, "file")
    handle, size = _open_regular_file(path)
    with handle:
        yield Upload(handle, path.name if file_name is None else file_name, size)


async def read_whole(file: object, file_name: str | None, default_name: str) -> tuple[str, bytes]:
    """`file`'s name and bytes, read whole to send in one request body: bytes as they are, a
    binary file object from where it stands (left open), or the regular file at a path
    (named after it unless `file_name` is given; `default_name` names the others). Reads
    run in a thread; a path's file is closed by that thread, even if this call is cancelled
    meanwhile."""
    if isinstance(file, bytes):
        return (default_name if file_name is None else file_name), file
    if isinstance(file, str | os.PathLike):
        path = Path(cast("str | os.PathLike[str]", file))
    else:
        read = getattr(file, "read", None)
        if not callable(read):
            raise InvalidArgumentError(
                f"file must be a path, bytes or a binary file object, got {type(file).__name__}"
            )
        data = await _read_in_thread(read, "file")
        return (default_name if file_name is None else file_name), data
    handle, _ = _open_regular_file(path)
    data = await _read_in_thread(functools.partial(_read_and_close, handle), repr(str(path)))
    return (path.name if file_name is None else file_name), data


def _read_and_close(handle: BinaryIO) -> bytes:
    with handle:
        return handle.read()


async def _read_in_thread(read: Callable[[], object], what: str) -> bytes:
    try:
        data = await asyncio.to_thread(read)
    except OSError as exc:
        raise LocalFileError(f"Reading {what} failed ({exc}); nothing was sent.") from exc
    if not isinstance(data, bytes):
        raise InvalidArgumentError(
            f"file must be opened in binary mode (its read() gave {type(data).__name__})"
        )
    return data


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


Locate = Callable[[], Awaitable[RemoteFile]]
"""Asks the API where the file to download is; called once, when the URL is needed."""


class Storage:
    """Uploads to and downloads from presigned storage URLs: without the API key, no retries.

    A non-2xx answer raises `status_error(request, response)`, the matching `APIStatusError`
    with the storage host's body.
    """

    def __init__(
        self,
        transport: "Transport",
        timeout: float,
        status_error: Callable[[_protocol.Request, _protocol.Response], APIStatusError],
    ) -> None:
        self._transport = transport
        self._timeout = timeout
        self._status_error = status_error

    async def upload(
        self,
        url: str,
        fields: Mapping[str, str] | None,
        file: bytes | BinaryIO,
        *,
        size: int,
        file_name: str,
        content_type: str,
    ) -> None:
        """POST `fields`, then exactly `size` bytes of `file`, as multipart/form-data to `url`;
        with `fields=None`, PUT those bytes as the body with `content_type` and that length
        (what a presigned PUT URL is signed for). A file holding fewer or more raises
        `LocalFileError`, and the storage host never receives a complete body."""
        request = _protocol.storage_request("POST" if fields is not None else "PUT", url)
        logger.debug("%s %s (upload of %s)", request.method, request.shown, file_name)
        response = await self._transport.upload(
            request,
            fields,
            file,
            size=size,
            file_name=file_name,
            content_type=content_type,
            timeout=self._timeout,
        )
        self._check(request, response)

    async def save(self, locate: Locate, destination: object) -> Path | int:
        """Download the file `locate` names to `destination`, as `files.download_output`
        describes: a path (written to `<path>.part`, renamed when complete; the path is
        returned) or a binary file object (the number of bytes written is returned)."""
        if isinstance(destination, str | os.PathLike):
            target = Path(cast("str | os.PathLike[str]", destination))
            # which drops a trailing slash: check it first
            named_a_dir = isinstance(destination, str) and destination.endswith(("/", os.sep))
            if named_a_dir and _file_type(target) != stat.S_IFDIR:
                raise InvalidArgumentError(
                    f"cannot download to {destination!r}: no such directory; create it, "
                    "or drop the trailing slash to name a file"
                )
            return await self._save_to_path(locate, target)
        if not callable(getattr(destination, "write", None)):
            raise InvalidArgumentError(
                "destination must be a path or a binary file object, "
                f"got {type(destination).__name__}"
            )
        remote = await locate()
        write = functools.partial(_write_all, cast(BinarySink, destination))
        return await self._download(remote.download_url, write, "destination")

    async def _save_to_path(self, locate: Locate, target: Path) -> Path:
        remote = None
        if _file_type(target) == stat.S_IFDIR:  # the file's own name is needed first
            folder = _open_folder(target, follow=False)
            try:
                remote = await locate()
            except BaseException:
                os.close(folder)
                raise
            target = target / _local_name(remote.file_name, str(remote.id))
        else:
            folder = _open_folder(target.parent, follow=True)
        try:
            await self._save_in(folder, target, remote, locate)
        finally:
            os.close(folder)
        return target

    async def _save_in(
        self, folder: int, target: Path, remote: RemoteFile | None, locate: Locate
    ) -> None:
        """Download to `<target>.part` in `folder` (target's directory, held open), then
        rename it to `target`; on any failure, remove that `.part` unless it is another's."""
        part, handle = _create_part(folder, target)
        ours = os.fstat(handle.fileno())
        try:
            with handle:
                if remote is None:
                    remote = await locate()
                write = functools.partial(_write_flushed, handle)
                await self._download(remote.download_url, write, str(target) + ".part")
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

    async def _download(self, url: str, write: Callable[[bytes], object], where: str) -> int:
        """GET `url` and `write` the body chunk by chunk, each in a thread; the bytes written."""
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

        request = _protocol.storage_request("GET", url)
        logger.debug("GET %s (download)", request.shown)
        self._check(request, await self._transport.download(request, sink, self._timeout))
        return written

    def _check(self, request: _protocol.Request, response: _protocol.Response) -> None:
        if not 200 <= response.status < 300:
            raise self._status_error(request, response)
