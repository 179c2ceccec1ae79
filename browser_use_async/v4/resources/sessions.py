"""`client.sessions`: the v4 API's sessions (conversations of runs) and their queue."""

import decimal
import uuid
from collections.abc import Iterable
from typing import Literal, Unpack, cast

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
    SessionCostCapRequest,
    SessionCostCapResponse,
    SessionCostResponse,
    SessionInfo,
    SessionListResponse,
    SessionShareInfo,
    SessionShareUpdateRequest,
    SessionUpdateRequest,
)

DEDUPLICATE_HEADER = "X-V4-Queue-Deduplicate"

_SHARE_OR_NONE = cast("type[SessionShareInfo | None]", SessionShareInfo | None)
"""What `GET .../share` answers: the share, or null for a session never shared (the codec
reads a null as None where the type admits it)."""


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

    async def update(
        self,
        session_id: uuid.UUID | str,
        *,
        title: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> SessionInfo:
        """Rename a session (`PATCH /sessions/{session_id}`; up to 255 characters);
        `title=None` clears its name."""
        body = SessionUpdateRequest(title=title)
        return await self._request(
            "PATCH", _session_path(session_id), SessionInfo, body, extra=extra
        )

    async def delete(self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Delete a session, cancelling its active run and its pending messages
        (`DELETE /sessions/{session_id}`)."""
        return await self._request("DELETE", _session_path(session_id), None, extra=extra)

    async def purge(self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Erase a session's data now (`POST /sessions/{session_id}/purge`; projects with
        Zero Data Retention only)."""
        return await self._request("POST", f"{_session_path(session_id)}/purge", None, extra=extra)

    async def cost(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionCostResponse:
        """What the session has cost so far, by kind, in US dollars
        (`GET /sessions/{session_id}/cost`)."""
        path = f"{_session_path(session_id)}/cost"
        return await self._request("GET", path, SessionCostResponse, extra=extra)

    async def update_cost_cap(
        self,
        session_id: uuid.UUID | str,
        *,
        max_cost_usd: decimal.Decimal | int | float | str,
        **extra: Unpack[RequestOptions],
    ) -> SessionCostCapResponse:
        """Set the session's total budget in US dollars, above 0
        (`PATCH /sessions/{session_id}/cost-cap`); what it has spent so far counts against it.
        A float is read by its shortest repr (0.1 is "0.1")."""
        body = SessionCostCapRequest(max_cost_usd=max_cost_usd)
        path = f"{_session_path(session_id)}/cost-cap"
        return await self._request("PATCH", path, SessionCostCapResponse, body, extra=extra)

    async def get_share(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionShareInfo | None:
        """The session's public share link, or None if it was never shared
        (`GET /sessions/{session_id}/share`)."""
        path = f"{_session_path(session_id)}/share"
        return await self._request("GET", path, _SHARE_OR_NONE, extra=extra)

    async def create_share(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionShareInfo:
        """Share the session publicly, reusing its link if it had one
        (`POST /sessions/{session_id}/share`; retried as a GET is, since it makes one link
        at most)."""
        path = f"{_session_path(session_id)}/share"
        return await self._request("POST", path, SessionShareInfo, extra=extra, idempotent=True)

    async def update_share(
        self,
        session_id: uuid.UUID | str,
        *,
        is_active: bool,
        **extra: Unpack[RequestOptions],
    ) -> SessionShareInfo:
        """Turn the session's public share link on or off (`PUT /sessions/{session_id}/share`)."""
        body = SessionShareUpdateRequest(is_active=is_active)
        path = f"{_session_path(session_id)}/share"
        return await self._request("PUT", path, SessionShareInfo, body, extra=extra)

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

    async def get_queued(
        self, session_id: uuid.UUID | str, message_id: int, **extra: Unpack[RequestOptions]
    ) -> QueuedMessage:
        """One queued message, also once it has run, was cancelled or superseded
        (`GET /sessions/{session_id}/queue/{message_id}`)."""
        path = _message_path(session_id, message_id)
        return await self._request("GET", path, QueuedMessage, extra=extra)

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
    update = raw_twin(AsyncSessions.update)
    delete = raw_twin(AsyncSessions.delete)
    purge = raw_twin(AsyncSessions.purge)
    cost = raw_twin(AsyncSessions.cost)
    update_cost_cap = raw_twin(AsyncSessions.update_cost_cap)
    get_share = raw_twin(AsyncSessions.get_share)
    create_share = raw_twin(AsyncSessions.create_share)
    update_share = raw_twin(AsyncSessions.update_share)
    queue = raw_twin(AsyncSessions.queue)
    list_queue = raw_twin(AsyncSessions.list_queue)
    get_queued = raw_twin(AsyncSessions.get_queued)
    cancel_queued = raw_twin(AsyncSessions.cancel_queued)
