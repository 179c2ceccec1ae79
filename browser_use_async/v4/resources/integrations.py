"""`client.integrations`: the third-party integrations of the v4 API."""

from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource


class AsyncIntegrations(AsyncResource):
    """The v4 API's third-party integrations."""

    @property
    def with_raw_response(self) -> "AsyncIntegrationsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncIntegrationsWithRawResponse(self._raw_copy())


class AsyncIntegrationsWithRawResponse(RawView):
    """`client.integrations.with_raw_response`: each operation answering `RawResponse`."""
