"""`client.sessions`: the v4 API's sessions (conversations of runs) and their queue."""

import uuid
from collections.abc import Iterable
from typing import Literal, Unpack

from browser_use_async._exceptions import InvalidArgumentError, shown
from browser_use_async._protocol import uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_int, check_text, positive_int
from browser_use_async.resources._base import AsyncResource
from browser_use_async.resources._pagination import AsyncPager, cursor_pager
from browser_use_async.v4.models import (
    QueuedMessage,
    QueueListResponse,
    QueueMessageRequest,
    SessionInfo,
    SessionListResponse,
)

DEDUPLICATE_HEADER = "X-V4-Queue-Deduplicate"


def _session_path(session_id: object) -> str:
    return f"/sessions/{uuid_segment(session_id, 'session_id')}"


def _message_path(session_id: object, message_id: object) -> str:
    return f"{_session_path(session_id)}/queue/{positive_int(message_id, 'message_id')}"


class AsyncSessions(AsyncResource):
    """The v4 API's sessions (conversations of runs) and their follow-up queue.

    A session is made by `runs.create` and holds every run of the conversation; a follow-up
    message goes on its queue (`queue`) and runs as the session's next turn."""

    @property
    def with_raw_response(self) -> "AsyncSessionsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncSessionsWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[SessionInfo, SessionListResponse]:
        """Sessions, most recent first (`GET /sessions`), as a pager: one
        `SessionListResponse` page, or every session from `cursor` on, the pager following
        each page's `next_cursor`.

        `limit` is 1 to 100 per page (the API's default is 20)."""
        params = {
            "limit": check_int(limit, "limit", 1, 100),
            "cursor": check_text(cursor, "cursor"),
        }
        return cursor_pager(
            self._request,
            "/sessions",
            SessionListResponse,
            params,
            extra,
            items=lambda p: p.sessions,
        )

    async def get(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionInfo:
        """A session: its latest run, status and title (`GET /sessions/{session_id}`)."""
        return await self._request("GET", _session_path(session_id), SessionInfo, extra=extra)

    async def purge(self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Erase a session's data now (`POST /sessions/{session_id}/purge`; projects with
        Zero Data Retention only)."""
        return await self._request("POST", f"{_session_path(session_id)}/purge", None, extra=extra)

    async def queue(
        self,
        session_id: uuid.UUID | str,
        text: str,
        *,
        interrupt: bool = False,
        attached_file_ids: Iterable[uuid.UUID | str] | None = None,
        deduplicate: Literal["exact-text-v1"] | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> QueuedMessage:
        """Send a follow-up message to a session (`POST /sessions/{session_id}/queue`): it
        runs at once if the session is idle, else waits on the queue for the next turn.

        `interrupt=True` cancels the active run so that the message runs now (best effort: if
        the cancel cannot be delivered, it runs after the current turn). `attached_file_ids`
        (up to 20) are workspace upload ids (`workspaces.upload`).
        `deduplicate="exact-text-v1"` answers with an equivalent message already queued
        instead of queueing another (the X-V4-Queue-Deduplicate header). A full queue
        answers 429, raised as `QueueFullError`."""
        body = QueueMessageRequest(
            text=text,
            interrupt=interrupt,
            attached_file_ids=NOT_GIVEN if attached_file_ids is None else attached_file_ids,
        )
        if deduplicate not in (NOT_GIVEN, "exact-text-v1"):
            raise InvalidArgumentError(
                f"deduplicate must be 'exact-text-v1', got {shown(deduplicate)}"
            )
        headers = {} if deduplicate is NOT_GIVEN else {DEDUPLICATE_HEADER: str(deduplicate)}
        path = f"{_session_path(session_id)}/queue"
        return await self._request("POST", path, QueuedMessage, body, extra=extra, headers=headers)

    async def list_queue(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> QueueListResponse:
        """The session's pending messages, in the order they will run
        (`GET /sessions/{session_id}/queue`)."""
        path = f"{_session_path(session_id)}/queue"
        return await self._request("GET", path, QueueListResponse, extra=extra)

    async def cancel_queued(
        self, session_id: uuid.UUID | str, message_id: int, **extra: Unpack[RequestOptions]
    ) -> QueuedMessage:
        """Take a pending message off the queue (`DELETE .../queue/{message_id}`); one that
        is no longer pending answers 409 (`ConflictError`)."""
        path = _message_path(session_id, message_id)
        return await self._request("DELETE", path, QueuedMessage, extra=extra)


class AsyncSessionsWithRawResponse(RawView):
    """`client.sessions.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncSessions.list)
    get = raw_twin(AsyncSessions.get)
    purge = raw_twin(AsyncSessions.purge)
    queue = raw_twin(AsyncSessions.queue)
    list_queue = raw_twin(AsyncSessions.list_queue)
    cancel_queued = raw_twin(AsyncSessions.cancel_queued)
