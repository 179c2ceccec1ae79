"""`client.extensions`: the browser extensions of the v4 API (Manifest V3 ZIPs, installed in
browsers by id: `browsers.create(extension_ids=...)`)."""

import os
import uuid
from typing import BinaryIO, Unpack

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async._protocol import Form, conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._storage import read_whole
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_int, check_text
from browser_use_async.resources._base import AsyncResource
from browser_use_async.resources._pagination import AsyncPager, numbered_pager
from browser_use_async.v4.models import ExtensionListResponse, ExtensionView


def _extension_path(extension_id: object) -> str:
    return f"/extensions/{uuid_segment(extension_id, 'extension_id')}"


class AsyncExtensions(AsyncResource):
    """The v4 API's browser extensions: upload a ZIP once, install it in browsers by id."""

    @property
    def with_raw_response(self) -> "AsyncExtensionsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncExtensionsWithRawResponse(self._raw_copy())

    async def create(
        self,
        file: str | os.PathLike[str] | bytes | BinaryIO,
        *,
        file_name: str | None = None,
        **extra: Unpack[RequestOptions],
    ) -> ExtensionView:
        """Upload a Manifest V3 extension ZIP (`POST /extensions`, multipart/form-data): a
        path, bytes, or a binary file object read from where it stands.

        The ZIP is read whole first (in a thread), so that a retry sends the same bytes;
        `file_name` defaults to the path's name, else `extension.zip`. `extra_body` fields
        are sent as text parts of the form."""
        conceal(extra)
        name, data = await read_whole(file, file_name, "extension.zip")
        check_text(name, "file_name", 1, 255)
        if not data:
            raise InvalidArgumentError("the extension file is empty: pass a ZIP of the extension")
        form = Form("file", name, "application/zip", data)
        return await self._request("POST", "/extensions", ExtensionView, form, extra=extra)

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[ExtensionView, ExtensionListResponse]:
        """Uploaded extensions (`GET /extensions`), as a pager: one `ExtensionListResponse`
        page, or every extension from that page on, page after page.

        `page_size` is at least 1."""
        params = {
            "pageSize": check_int(page_size, "page_size", 1),
            "pageNumber": check_int(page_number, "page_number", 1),
        }
        return numbered_pager(
            self._request,
            "/extensions",
            ExtensionListResponse,
            params,
            extra,
            items=lambda p: p.items,
        )

    async def get(
        self, extension_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> ExtensionView:
        """An uploaded extension (`GET /extensions/{extension_id}`)."""
        return await self._request("GET", _extension_path(extension_id), ExtensionView, extra=extra)

    async def delete(self, extension_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Delete an extension for good (`DELETE /extensions/{extension_id}`); browsers
        running with it keep it."""
        return await self._request("DELETE", _extension_path(extension_id), None, extra=extra)


class AsyncExtensionsWithRawResponse(RawView):
    """`client.extensions.with_raw_response`: each operation answering `RawResponse`."""

    create = raw_twin(AsyncExtensions.create)
    list = raw_twin(AsyncExtensions.list)
    get = raw_twin(AsyncExtensions.get)
    delete = raw_twin(AsyncExtensions.delete)
