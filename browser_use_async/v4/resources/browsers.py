"""`client.browsers`: the bare browser sessions of the v4 API, which are the v2 API's."""

from browser_use_async.resources.browsers import AsyncBrowsers as V2Browsers
from browser_use_async.resources.browsers import (
    AsyncBrowsersWithRawResponse as V2BrowsersWithRawResponse,
)


class AsyncBrowsers(V2Browsers):
    """Browser sessions: cloud browsers you drive yourself over CDP, billed by the minute.

    The v4 API's browser operations are the v2 API's, path for path and field for field."""

    @property
    def with_raw_response(self) -> "AsyncBrowsersWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` and `downloads` answer one page."""
        return AsyncBrowsersWithRawResponse(self._raw_copy())


class AsyncBrowsersWithRawResponse(V2BrowsersWithRawResponse):
    """`client.browsers.with_raw_response`: each operation answering `RawResponse`."""
