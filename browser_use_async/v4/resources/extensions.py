"""`client.extensions`: the browser extensions of the v4 API."""

from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource


class AsyncExtensions(AsyncResource):
    """The v4 API's browser extensions."""

    @property
    def with_raw_response(self) -> "AsyncExtensionsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncExtensionsWithRawResponse(self._raw_copy())


class AsyncExtensionsWithRawResponse(RawView):
    """`client.extensions.with_raw_response`: each operation answering `RawResponse`."""
