"""`client.sessions`: the v4 API's sessions (conversations of runs) and their queue."""

from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource


class AsyncSessions(AsyncResource):
    """The v4 API's sessions (conversations of runs) and their follow-up queue."""

    @property
    def with_raw_response(self) -> "AsyncSessionsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncSessionsWithRawResponse(self._raw_copy())


class AsyncSessionsWithRawResponse(RawView):
    """`client.sessions.with_raw_response`: each operation answering `RawResponse`."""
