"""File models of the v2 API: presigned upload and download URLs."""

import enum
import re
import uuid
from pathlib import PurePath
from typing import Any

import attrs

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._validation import check_member, in_range, text

__all__ = [
    "MAX_UPLOAD_BYTES",
    "TaskOutputFileResponse",
    "UploadContentType",
    "UploadFilePresignedUrlResponse",
    "UploadFileRequest",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""The largest file the API accepts for upload: 10 MiB."""


class UploadContentType(enum.StrEnum):
    """The content types the API accepts for uploaded files."""

    JPG = "image/jpg"
    JPEG = "image/jpeg"
    PNG = "image/png"
    GIF = "image/gif"
    WEBP = "image/webp"
    SVG = "image/svg+xml"
    PDF = "application/pdf"
    DOC = "application/msword"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    XLS = "application/vnd.ms-excel"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    TXT = "text/plain"
    CSV = "text/csv"
    MARKDOWN = "text/markdown"

    @classmethod
    def for_file_name(cls, file_name: str) -> "UploadContentType | None":
        """The type for a file name's extension (`report.PDF` -> `PDF`); None if unknown."""
        return _BY_EXTENSION.get(PurePath(file_name).suffix.lower())


_BY_EXTENSION = {
    ".jpg": UploadContentType.JPEG,
    ".jpeg": UploadContentType.JPEG,
    ".png": UploadContentType.PNG,
    ".gif": UploadContentType.GIF,
    ".webp": UploadContentType.WEBP,
    ".svg": UploadContentType.SVG,
    ".pdf": UploadContentType.PDF,
    ".doc": UploadContentType.DOC,
    ".docx": UploadContentType.DOCX,
    ".xls": UploadContentType.XLS,
    ".xlsx": UploadContentType.XLSX,
    ".txt": UploadContentType.TXT,
    ".csv": UploadContentType.CSV,
    ".md": UploadContentType.MARKDOWN,
    ".markdown": UploadContentType.MARKDOWN,
}


def _content_type(value: UploadContentType | str) -> UploadContentType:
    return check_member(UploadContentType, value, "content_type")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(instance: Any, attribute: "attrs.Attribute[Any]", value: str) -> None:
    """The name also goes into the upload's multipart headers, where CR or LF would end it."""
    if not isinstance(value, str):  # `text` lets None through, for optional fields
        raise InvalidArgumentError(f"{attribute.name} must be a str, got {type(value).__name__}")
    if match := _CONTROL.search(value):
        raise InvalidArgumentError(
            f"{attribute.name} must not contain control characters such as CR, LF or NUL; "
            f"{value!r} has {match.group()!r} at {match.start()}"
        )


@attrs.frozen(kw_only=True)
class UploadFileRequest:
    """Body of `POST /files/{sessions|browsers}/{session_id}/presigned-url`.

    `size_bytes` is 1 to 10 MiB (`MAX_UPLOAD_BYTES`).
    """

    file_name: str = attrs.field(validator=[text(1, 255), _printable])
    content_type: UploadContentType = attrs.field(converter=_content_type)
    size_bytes: int = attrs.field(validator=in_range(1, MAX_UPLOAD_BYTES, required=True))


@attrs.frozen(kw_only=True)
class UploadFilePresignedUrlResponse:
    """Where and how to upload a file: POST `fields`, then the file, as multipart/form-data
    to `url` within `expires_in` seconds. Refer to the file in tasks by `file_name`."""

    url: str
    method: str
    fields: dict[str, str]
    file_name: str
    expires_in: int


@attrs.frozen(kw_only=True)
class TaskOutputFileResponse:
    """A presigned URL to download one of a task's output files."""

    id: uuid.UUID
    file_name: str
    download_url: str
