"""`client.workspaces`: the workspaces and their files of the v4 API."""

from browser_use_async._raw import RawView
from browser_use_async._storage import Storage
from browser_use_async.resources._base import AsyncResource, RequestFn


class AsyncWorkspaces(AsyncResource):
    """The v4 API's workspaces and their files."""

    def __init__(self, request: RequestFn, storage: Storage) -> None:
        super().__init__(request)
        self._storage = storage

    @property
    def with_raw_response(self) -> "AsyncWorkspacesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse`."""
        return AsyncWorkspacesWithRawResponse(self._raw_copy())


class AsyncWorkspacesWithRawResponse(RawView):
    """`client.workspaces.with_raw_response`: each operation answering `RawResponse`."""
