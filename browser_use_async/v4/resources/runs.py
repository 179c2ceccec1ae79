"""`client.runs`: the runs, their status, events and attachments of the v4 API."""

from browser_use_async._clock import Clock
from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource, RequestFn


class AsyncRuns(AsyncResource):
    """The v4 API's runs, their status, events and attachments."""

    def __init__(self, request: RequestFn, clock: Clock) -> None:
        super().__init__(request)
        self._clock = clock

    @property
    def with_raw_response(self) -> "AsyncRunsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncRunsWithRawResponse(self._raw_copy())


class AsyncRunsWithRawResponse(RawView):
    """`client.runs.with_raw_response`: each operation answering `RawResponse`."""
