"""`client.workspaces`: the workspaces and their files of the v4 API; `upload` and
`download` also move the bytes, through presigned URLs."""

import contextlib
import functools
import mimetypes
import os
import re
import uuid
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Literal, NamedTuple, Unpack, cast, overload

from browser_use_async._exceptions import (
    APIResponseValidationError,
    InvalidArgumentError,
    WorkspaceFileNotFoundError,
    shown,
)
from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._storage import BinarySink, RemoteFile, Storage, Upload, upload_source
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_bool, check_int, check_text
from browser_use_async.resources._base import AsyncResource, RequestFn
from browser_use_async.resources._pagination import AsyncPager, cursor_pager
from browser_use_async.v4.models import (
    MAX_UPLOAD_FILES,
    WorkspaceCreateRequest,
    WorkspaceFileInfo,
    WorkspaceFileListResponse,
    WorkspaceFileUploadItem,
    WorkspaceFileUploadRequest,
    WorkspaceFileUploadResponse,
    WorkspaceInfo,
    WorkspaceSizeInfo,
    WorkspaceUpdateRequest,
)

__all__ = ["AsyncWorkspaces", "BinarySink", "UploadFile"]

UploadFile = (
    str
    | os.PathLike[str]
    | tuple[str, bytes | str | os.PathLike[str]]
    | tuple[str, bytes | str | os.PathLike[str], str]
)
"""A file for `workspaces.upload`: a path (named after it, its type guessed from that name), or
`(name, content)` or `(name, content, content_type)` where `content` is bytes or a path."""

_WORD = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(
    rf"{_WORD}/{_WORD}(?:[ \t]*;[ \t]*{_WORD}=(?:{_WORD}|\"[\x20\x21\x23-\x7e]*\"))*"
)
"""A MIME type with its parameters (RFC 9110 section 8.3.1): what a Content-Type header holds."""

_FALLBACK_NAME = "workspace-file"
"""The local name of a downloaded file whose own name is unusable here."""


def _workspace_path(workspace_id: object) -> str:
    return f"/workspaces/{uuid_segment(workspace_id, 'workspace_id')}"


@functools.cache
def _types() -> mimetypes.MimeTypes:
    """Python's own table of file name extensions, not this machine's: the same guess
    anywhere. Made on first use (making one reads the machine's tables, for the module's
    global guesses)."""
    return mimetypes.MimeTypes()


def _content_type(given: object, name: str) -> str:
    """`given`, once known to be a MIME type; guessed from `name` when None (unknown
    extensions are `application/octet-stream`, as the API assumes)."""
    if given is None:
        guessed, _ = _types().guess_type(name, strict=False)
        return guessed or "application/octet-stream"
    if not isinstance(given, str) or not _MEDIA_TYPE.fullmatch(given):
        raise InvalidArgumentError(
            f"the content type of {name!r} must be a MIME type such as 'text/csv', got "
            f"{shown(given)}"
        )
    return given


class _Planned(NamedTuple):
    upload: Upload
    item: WorkspaceFileUploadItem


class _Listed(NamedTuple):
    """A listed workspace file as `Storage.save` downloads it."""

    id: str
    file_name: str
    download_url: str


class AsyncWorkspaces(AsyncResource):
    """The v4 API's workspaces: the files a session's runs read and write."""

    def __init__(self, request: RequestFn, storage: Storage) -> None:
        super().__init__(request)
        self._storage = storage

    @property
    def with_raw_response(self) -> "AsyncWorkspacesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `files` answers one page; `upload` and `download` also talk to storage, so they are
        not there."""
        return AsyncWorkspacesWithRawResponse(self._raw_copy())

    async def create(
        self, *, name: str | NotGiven | None = NOT_GIVEN, **extra: Unpack[RequestOptions]
    ) -> WorkspaceInfo:
        """Create a workspace (`POST /workspaces`); `name` is up to 100 characters. Pass its
        id to `runs.create(workspace_id=...)`."""
        body = WorkspaceCreateRequest(name=name)
        return await self._request("POST", "/workspaces", WorkspaceInfo, body, extra=extra)

    async def get(
        self, workspace_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> WorkspaceInfo:
        """A workspace (`GET /workspaces/{workspace_id}`)."""
        return await self._request("GET", _workspace_path(workspace_id), WorkspaceInfo, extra=extra)

    async def update(
        self,
        workspace_id: uuid.UUID | str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> WorkspaceInfo:
        """Rename a workspace (`PATCH /workspaces/{workspace_id}`); `name=None` clears it."""
        body = WorkspaceUpdateRequest(name=name)
        path = _workspace_path(workspace_id)
        return await self._request("PATCH", path, WorkspaceInfo, body, extra=extra)

    async def delete(self, workspace_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Archive a workspace (`DELETE /workspaces/{workspace_id}`)."""
        return await self._request("DELETE", _workspace_path(workspace_id), None, extra=extra)

    async def size(
        self, workspace_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> WorkspaceSizeInfo:
        """What the workspace's files take and the most it may hold, in bytes
        (`GET /workspaces/{workspace_id}/size`)."""
        path = f"{_workspace_path(workspace_id)}/size"
        return await self._request("GET", path, WorkspaceSizeInfo, extra=extra)

    def files(
        self,
        workspace_id: uuid.UUID | str,
        *,
        prefix: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven | None = NOT_GIVEN,
        include_urls: bool | NotGiven = NOT_GIVEN,
        content_disposition: Literal["attachment"] | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[WorkspaceFileInfo, WorkspaceFileListResponse]:
        """A workspace's files (`GET /workspaces/{workspace_id}/files`), as a pager: one
        `WorkspaceFileListResponse` page, or every file from `cursor` on, the pager following
        each page's `next_cursor`.

        `prefix` keeps the paths that start with it; `limit` is 1 to 100 per page (the API's
        default is 50). `include_urls=True` adds each file's presigned download `url` (valid
        for about a minute), `content_disposition="attachment"` makes browsers save it."""
        path = f"{_workspace_path(workspace_id)}/files"
        if content_disposition not in (NOT_GIVEN, None, "attachment"):
            wrong = shown(content_disposition)
            raise InvalidArgumentError(f"content_disposition must be 'attachment', got {wrong}")
        params = {
            "prefix": check_text(prefix, "prefix"),
            "limit": check_int(limit, "limit", 1, 100),
            "cursor": check_text(cursor, "cursor"),
            "includeUrls": check_bool(include_urls, "include_urls"),
            "contentDisposition": content_disposition,
        }
        return cursor_pager(
            self._request, path, WorkspaceFileListResponse, params, extra, items=lambda p: p.files
        )

    async def delete_file(
        self, workspace_id: uuid.UUID | str, path: str, **extra: Unpack[RequestOptions]
    ) -> None:
        """Delete the file at exactly `path` (`DELETE /workspaces/{workspace_id}/files`)."""
        params = {"path": check_text(path, "path", 1)}
        where = f"{_workspace_path(workspace_id)}/files"
        return await self._request("DELETE", where, None, params=params, extra=extra)

    async def upload_urls(
        self,
        workspace_id: uuid.UUID | str,
        files: Iterable[WorkspaceFileUploadItem],
        *,
        allow_overrides: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> WorkspaceFileUploadResponse:
        """Presigned upload URLs for 1 to 10 files (`POST .../files/upload`), one per item, in
        order: PUT each file's bytes there (`upload` does it all). `allow_overrides=False`
        refuses (409, `ConflictError`) if a file would replace one already there."""
        body = WorkspaceFileUploadRequest(files=files, allow_overrides=allow_overrides)
        path = f"{_workspace_path(workspace_id)}/files/upload"
        return await self._request("POST", path, WorkspaceFileUploadResponse, body, extra=extra)

    async def upload(
        self,
        workspace_id: uuid.UUID | str,
        *files: UploadFile,
        allow_overrides: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> WorkspaceFileUploadResponse:
        """Upload 1 to 10 local files (paths, streamed from disk) or bytes to a workspace:
        their URLs from `upload_urls`, then a PUT of each file's bytes to its URL, one after
        the other. Returns the API's answer: pass its items' `id`s to `runs.create` or
        `sessions.queue` as `attached_file_ids`.

        A file is a path, `(name, content)` or `(name, content, content_type)` (`content`
        bytes or a path); the content type is guessed from the name unless given. Every file
        is opened and checked first (a regular file, 1 byte to 50 MiB, a MIME type), so that
        a bad one sends nothing; `allow_overrides=False` refuses (409) to replace a file
        already there. Exactly the size declared is sent: a file that grows or
        shrinks meanwhile raises `LocalFileError`, and the storage host keeps nothing of it
        (the files before it stay uploaded). The request options go with the request for the
        URLs, never to storage.
        """
        conceal(extra)
        if not files:
            raise InvalidArgumentError("pass at least one file to upload")
        if len(files) > MAX_UPLOAD_FILES:
            raise InvalidArgumentError(
                f"upload takes at most {MAX_UPLOAD_FILES} files at once, got {len(files)}"
            )
        with contextlib.ExitStack() as stack:
            planned = [stack.enter_context(_plan(file)) for file in files]
            answer = await self.upload_urls(
                workspace_id, [p.item for p in planned], allow_overrides=allow_overrides, **extra
            )
            _check_answer(answer, planned)
            for (upload, item), slot in zip(planned, answer.files, strict=True):
                await self._storage.upload(
                    slot.upload_url,
                    None,  # a PUT of the bytes alone
                    upload.source,
                    size=upload.size,
                    file_name=upload.file_name,
                    content_type=str(item.content_type),
                )
        return answer

    @overload
    async def download(
        self,
        workspace_id: uuid.UUID | str,
        path: str,
        *,
        to: str | os.PathLike[str],
        **extra: Unpack[RequestOptions],
    ) -> Path: ...

    @overload
    async def download(
        self,
        workspace_id: uuid.UUID | str,
        path: str,
        *,
        to: BinarySink,
        **extra: Unpack[RequestOptions],
    ) -> int: ...

    async def download(
        self,
        workspace_id: uuid.UUID | str,
        path: str,
        *,
        to: str | os.PathLike[str] | BinarySink,
        **extra: Unpack[RequestOptions],
    ) -> Path | int:
        """Download the workspace file at `path` (as `files` lists it) in chunks, never whole
        in memory, through the presigned URL its listing gives.

        To a path: written to a new `<to>.part`, renamed when complete (nothing is left
        behind on failure or cancellation), and the path returned; an existing directory
        receives the file under its own name. A symlink, FIFO or device there is refused
        (`InvalidArgumentError`), never written through. To a binary file object: written
        from its current position; returns the number of bytes written. No file at `path`
        raises `WorkspaceFileNotFoundError`; a failed write, `LocalFileError`. The request
        options go with the listing requests, never to storage.
        """
        conceal(extra)
        check_text(path, "path", 1)
        listing = self.files(workspace_id, prefix=path, include_urls=True, **extra)

        async def locate() -> RemoteFile:
            async for listed in listing:
                if listed.path == path:
                    return _Listed(_FALLBACK_NAME, listed.path, _download_url(listed))
            raise WorkspaceFileNotFoundError(
                f"The workspace {workspace_id} has no file at {path!r}; "
                "`workspaces.files(...)` lists the paths it has.",
                workspace_id=str(workspace_id),
                path=path,
            )

        return await self._storage.save(locate, to)


@contextlib.contextmanager
def _plan(file: object) -> Generator[_Planned]:
    """One file to upload, opened (a path) and checked, with what to ask a URL for."""
    name: object = None
    content_type: object = None
    content = file
    if isinstance(file, tuple):
        parts = cast("tuple[object, ...]", file)
        if len(parts) not in (2, 3) or not isinstance(parts[0], str):
            raise InvalidArgumentError(
                "a file to upload is a path, (name, content) or (name, content, content_type), "
                f"got a tuple of {len(parts)}"
            )
        name, content, content_type = parts if len(parts) == 3 else (*parts, None)
    with upload_source(content, cast("str | None", name)) as upload:
        item = WorkspaceFileUploadItem(
            name=upload.file_name,
            content_type=_content_type(content_type, upload.file_name),
            size=upload.size,
        )
        yield _Planned(upload, item)


def _download_url(listed: WorkspaceFileInfo) -> str:
    if listed.url is None:
        what = f"listed {listed.path!r} without the download URL asked for (includeUrls=true)"
        raise _inconsistent("GET", what, "nothing was downloaded")
    return listed.url


def _check_answer(answer: WorkspaceFileUploadResponse, planned: list[_Planned]) -> None:
    """The API's URLs, one per file asked for and in order, else nothing is uploaded."""
    asked = [p.item.name for p in planned]
    given = [slot.name for slot in answer.files]
    if given != asked:
        what = f"answered upload URLs for {given!r} when asked for {asked!r}"
        raise _inconsistent("POST", what, "nothing was uploaded")


def _inconsistent(method: str, what: str, so: str) -> APIResponseValidationError:
    """A 2xx answer that does not fit the request: the API `what`, hence `so`."""
    return APIResponseValidationError(
        f"The API {what}; {so}. Report this to Browser Use.",
        method=method,
        url="/workspaces",
        status_code=200,
        body=b"",
        errors=[f"the API {what}"],
    )


class AsyncWorkspacesWithRawResponse(RawView):
    """`client.workspaces.with_raw_response`: each operation answering `RawResponse`."""

    create = raw_twin(AsyncWorkspaces.create)
    get = raw_twin(AsyncWorkspaces.get)
    update = raw_twin(AsyncWorkspaces.update)
    delete = raw_twin(AsyncWorkspaces.delete)
    size = raw_twin(AsyncWorkspaces.size)
    files = raw_twin(AsyncWorkspaces.files)
    delete_file = raw_twin(AsyncWorkspaces.delete_file)
    upload_urls = raw_twin(AsyncWorkspaces.upload_urls)
