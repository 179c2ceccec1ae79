"""Workspace models of the v4 API: the files a session's runs read and write, uploaded and
downloaded through presigned URLs."""

import datetime as dt
import uuid

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_least_items,
    at_most_items,
    boolean,
    in_range,
    instances,
    required_text,
    text,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_FILES",
    "WorkspaceCreateRequest",
    "WorkspaceFileInfo",
    "WorkspaceFileListResponse",
    "WorkspaceFileUploadItem",
    "WorkspaceFileUploadRequest",
    "WorkspaceFileUploadResponse",
    "WorkspaceFileUploadResponseItem",
    "WorkspaceInfo",
    "WorkspaceSizeInfo",
    "WorkspaceUpdateRequest",
]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The largest file a workspace takes in one upload: 50 MiB."""

MAX_UPLOAD_FILES = 10
"""The most files one `POST /workspaces/{workspace_id}/files/upload` asks URLs for."""


@attrs.frozen(kw_only=True)
class WorkspaceCreateRequest:
    """Body of `POST /workspaces`. Fields left as `NOT_GIVEN` are not sent."""

    name: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))


@attrs.frozen(kw_only=True)
class WorkspaceInfo:
    """A workspace. Datetimes are timezone-aware UTC."""

    id: uuid.UUID
    name: str | None = None
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@attrs.frozen(kw_only=True)
class WorkspaceFileInfo:
    """A file in a workspace: `path` from the workspace's root, `size` in bytes. `url`, a
    presigned download link valid for about a minute, is set only when listed with
    `include_urls=True`."""

    path: str
    size: int
    last_modified: dt.datetime
    url: str | None = None


@attrs.frozen(kw_only=True)
class WorkspaceFileListResponse:
    """One page of a workspace's files; while `has_more`, pass `next_cursor` on."""

    files: list[WorkspaceFileInfo]
    next_cursor: str | None = None
    has_more: bool = False


@attrs.frozen(kw_only=True)
class WorkspaceFileUploadItem:
    """A file to upload: its name, MIME type (the API's default is
    `application/octet-stream`) and exact size in bytes, 1 to 50 MiB (`MAX_UPLOAD_BYTES`):
    the presigned URL is pinned to it."""

    name: str = attrs.field(validator=required_text(1, 255))
    content_type: str | NotGiven = attrs.field(default=NOT_GIVEN, validator=text(0, 255))
    size: int = attrs.field(validator=in_range(1, MAX_UPLOAD_BYTES))


def _upload_items(value: object) -> list[WorkspaceFileUploadItem]:
    return instances(value, WorkspaceFileUploadItem, "files")


@attrs.frozen(kw_only=True)
class WorkspaceFileUploadRequest:
    """Body of `POST /workspaces/{workspace_id}/files/upload`: 1 to 10 files
    (`MAX_UPLOAD_FILES`) to get upload URLs for. `allow_overrides=False` refuses (409) when a
    file would replace one already there, before any is reserved."""

    files: list[WorkspaceFileUploadItem] = attrs.field(
        converter=_upload_items,
        validator=[at_least_items(1), at_most_items(MAX_UPLOAD_FILES)],
    )
    allow_overrides: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())


@attrs.frozen(kw_only=True)
class WorkspaceFileUploadResponseItem:
    """Where to upload one file: PUT its bytes to `upload_url` (valid for about 5 minutes) with
    the Content-Type and Content-Length asked for. `id` is what a run's `attached_file_ids`
    takes; `path` is where the file lands, `stored_name` its sanitized name, and
    `will_override` says a file of that name is there already and will be replaced."""

    id: uuid.UUID
    name: str
    stored_name: str
    path: str
    will_override: bool
    upload_url: str


@attrs.frozen(kw_only=True)
class WorkspaceFileUploadResponse:
    """The upload URLs, one per file asked for, in the same order."""

    files: list[WorkspaceFileUploadResponseItem]


@attrs.frozen(kw_only=True)
class WorkspaceUpdateRequest:
    """Body of `PATCH /workspaces/{workspace_id}`: `name=None` clears the workspace's name."""

    name: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))


@attrs.frozen(kw_only=True)
class WorkspaceSizeInfo:
    """A workspace's storage, in bytes: what its files take, and the most it may hold."""

    used_bytes: int
    max_bytes: int
