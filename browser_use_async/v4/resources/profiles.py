"""`client.profiles`: the browser profiles of the v4 API, which are the v2 API's."""

from browser_use_async.resources.profiles import AsyncProfiles as V2Profiles
from browser_use_async.resources.profiles import (
    AsyncProfilesWithRawResponse as V2ProfilesWithRawResponse,
)


class AsyncProfiles(V2Profiles):
    """Browser profiles: cookies and logins kept from one session to the next.

    The v4 API's profile operations are the v2 API's, path for path and field for field."""

    @property
    def with_raw_response(self) -> "AsyncProfilesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncProfilesWithRawResponse(self._raw_copy())


class AsyncProfilesWithRawResponse(V2ProfilesWithRawResponse):
    """`client.profiles.with_raw_response`: each operation answering `RawResponse`."""
