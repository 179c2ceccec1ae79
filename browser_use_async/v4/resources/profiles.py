"""`client.profiles`: the browser profiles of the v4 API."""

from browser_use_async._raw import RawView
from browser_use_async.resources._base import AsyncResource


class AsyncProfiles(AsyncResource):
    """The v4 API's browser profiles."""

    @property
    def with_raw_response(self) -> "AsyncProfilesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncProfilesWithRawResponse(self._raw_copy())


class AsyncProfilesWithRawResponse(RawView):
    """`client.profiles.with_raw_response`: each operation answering `RawResponse`."""
