"""The v4 session queue against the fake cloud: follow-ups wait for the active run, run at once
in an idle session, interrupt, deduplicate, and a full queue answers 429; sessions page by
cursor. Bad input sends nothing (the fake counts what it got)."""

import uuid

import pytest

from browser_use_async import (
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    QueueFullError,
    RateLimitError,
)
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.v4 import AsyncBrowserUse
from browser_use_async.v4.models import QueuedMessage, QueuedMessageStatus, RunStatus
from tests.conftest import RecordingClock
from tests.v4_rest import v4_client

__all__ = ["v4_client"]  # fixtures


def busy_session(fake: FakeBrowserUseCloud) -> uuid.UUID:
    """A session whose run is running (its steps not yet all taken)."""
    run_id = fake.create_run("Find flights", steps=1)
    return uuid.UUID(fake.runs[run_id]["sessionId"])


async def test_a_follow_up_waits_for_the_active_run_and_can_be_cancelled(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    session_id = busy_session(fake)
    queued = await v4_client.sessions.queue(session_id, "and hotels")
    assert isinstance(queued, QueuedMessage)
    assert (queued.status, queued.run_id, queued.text) == (
        QueuedMessageStatus.PENDING,
        None,
        "and hotels",
    )
    pending = await v4_client.sessions.list_queue(session_id)
    assert [m.id for m in pending.queue] == [queued.id]
    cancelled = await v4_client.sessions.cancel_queued(session_id, queued.id)
    assert cancelled.status is QueuedMessageStatus.CANCELLED
    assert (await v4_client.sessions.list_queue(session_id)).queue == []
    with pytest.raises(ConflictError, match="no longer pending"):
        await v4_client.sessions.cancel_queued(session_id, queued.id)
    with pytest.raises(NotFoundError):
        await v4_client.sessions.cancel_queued(session_id, queued.id + 100)


async def test_a_follow_up_to_an_idle_session_runs_at_once(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find flights")
    fake.advance(3600)  # the first run has ended
    session_id = uuid.UUID(fake.runs[run_id]["sessionId"])
    queued = await v4_client.sessions.queue(session_id, "and hotels")
    assert queued.status is not QueuedMessageStatus.PENDING
    assert queued.run_id is not None
    session = await v4_client.sessions.get(session_id)
    assert session.latest_run_id == queued.run_id
    assert session.task == "and hotels"


async def test_interrupt_cancels_the_active_run(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find flights", steps=1)
    session_id = uuid.UUID(fake.runs[run_id]["sessionId"])
    await v4_client.sessions.queue(session_id, "stop, find trains", interrupt=True)
    assert fake.runs[run_id]["status"] == RunStatus.CANCELLED
    assert fake.queued_messages(session_id)[0]["mode"] == "interrupt"


async def test_deduplicate_answers_the_equal_pending_message(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    session_id = busy_session(fake)
    first = await v4_client.sessions.queue(session_id, "and hotels", deduplicate="exact-text-v1")
    again = await v4_client.sessions.queue(session_id, "and hotels", deduplicate="exact-text-v1")
    other = await v4_client.sessions.queue(session_id, "and hotels")
    assert again.id == first.id
    assert other.id != first.id
    assert len(fake.queued_messages(session_id)) == 2


async def test_a_full_queue_is_a_queue_full_error_retried_as_429s_are(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse, clock: RecordingClock
) -> None:
    fake.v4_queue_limit = 1
    session_id = busy_session(fake)
    await v4_client.sessions.queue(session_id, "one")
    sent = len(fake.requests)
    with pytest.raises(QueueFullError, match="queue is full") as info:
        await v4_client.sessions.queue(session_id, "two")
    assert isinstance(info.value, RateLimitError)
    assert info.value.status_code == 429
    # a 429 refuses the request before anything is queued, so it is sent again (the default
    # policy: 3 retries, with waits between), and nothing is ever queued twice
    assert [r.method for r in fake.requests[sent:]] == ["POST"] * 4
    assert len(clock.sleeps) == 3
    assert info.value.attempts == 4
    assert [m["text"] for m in fake.queued_messages(session_id)] == ["one"]


async def test_bad_input_sends_nothing(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    session_id = busy_session(fake)
    sent = len(fake.requests)
    for text, kwargs in [("", {}), ("x", {"attached_file_ids": ["nope"]}), ("x", {"interrupt": 1})]:
        with pytest.raises(InvalidArgumentError):
            await v4_client.sessions.queue(session_id, text, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="message_id"):
        await v4_client.sessions.cancel_queued(session_id, 0)
    with pytest.raises(InvalidArgumentError, match="limit"):
        v4_client.sessions.list(limit=0)
    assert len(fake.requests) == sent
    assert fake.queued_messages(session_id) == []


async def test_sessions_list_walks_the_fakes_cursor_pages(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    made = [uuid.UUID(fake.runs[fake.create_run(f"task {n}")]["sessionId"]) for n in range(5)]
    sent = len(fake.requests)
    listed = [s.session_id async for s in v4_client.sessions.list(limit=2)]
    assert listed == made[::-1]  # most recent first
    pages = fake.requests[sent:]
    assert [r.query.get("cursor") is None for r in pages] == [True, False, False]
    assert all(r.query["limit"] == "2" for r in pages)
    first = await v4_client.sessions.list(limit=2)
    assert first.has_more
    assert first.next_cursor is not None
