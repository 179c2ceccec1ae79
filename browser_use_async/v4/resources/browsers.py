"""`client.browsers`: the bare browser sessions of the v4 API, which are the v2 API's (its
list also filters by labels)."""

import uuid
from collections.abc import Iterable
from typing import Unpack

from browser_use_async._raw import raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import str_list
from browser_use_async.models.browsers import (
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionStatus,
)
from browser_use_async.resources._pagination import AsyncPager
from browser_use_async.resources.browsers import AsyncBrowsers as V2Browsers
from browser_use_async.resources.browsers import (
    AsyncBrowsersWithRawResponse as V2BrowsersWithRawResponse,
)
from browser_use_async.resources.browsers import list_browsers, list_params


class AsyncBrowsers(V2Browsers):
    """Browser sessions: cloud browsers you drive yourself over CDP, billed by the minute.

    The v4 API's browser operations are the v2 API's, path for path and field for field;
    its list also filters by the labels given at `create(metadata=...)`."""

    @property
    def with_raw_response(self) -> "AsyncBrowsersWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` and `downloads` answer one page."""
        return AsyncBrowsersWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        filter_by: BrowserSessionStatus | str | NotGiven | None = NOT_GIVEN,
        agent_session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        metadata: Iterable[str] | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[BrowserSessionItemView, BrowserSessionListResponse]:
        """Browser sessions (`GET /browsers`), as a pager: one `BrowserSessionListResponse`
        page, or every browser session from that page on, page after page.

        `agent_session_id` keeps the browsers of that agent session only; `metadata` those
        with every label given, each term `key` (the label is set) or `key=value`."""
        params = {
            **list_params(page_size, page_number, filter_by, agent_session_id),
            "metadata": str_list(metadata, "metadata"),
        }
        return list_browsers(self._request, params, extra)


class AsyncBrowsersWithRawResponse(V2BrowsersWithRawResponse):
    """`client.browsers.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncBrowsers.list)
