"""`client.browsers`: the bare browser sessions of the v4 API."""

from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource


class AsyncBrowsers(AsyncResource):
    """The v4 API's bare browser sessions."""

    @property
    def with_raw_response(self) -> "AsyncBrowsersWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncBrowsersWithRawResponse(self._raw_copy())


class AsyncBrowsersWithRawResponse(RawView):
    """`client.browsers.with_raw_response`: each operation answering `RawResponse`."""
