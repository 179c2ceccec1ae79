"""The fake's v4 sessions and their follow-up queues, over raw HTTP."""

import itertools
import uuid

import pytest

from browser_use_async._exceptions import InvalidArgumentError
from browser_use_async.testing import FakeBrowserUseCloud, RunScenario
from tests.fakecloud import JSON, Api

LONG = RunScenario(steps=10)


async def _start(v4: Api, task: str = "Plan a trip") -> JSON:
    created: JSON = await v4.ok("POST", "/runs", body={"task": task})
    return created


async def test_a_session_is_its_latest_run(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1)
    first = await _start(v4)
    v4.fake.advance(10)
    body = {"task": "Now book it", "sessionId": first["sessionId"]}
    second = await v4.ok("POST", "/runs", body=body)
    info = await v4.ok("GET", f"/sessions/{first['sessionId']}")
    assert info == {
        "sessionId": first["sessionId"],
        "workspaceId": first["workspaceId"],
        "latestRunId": second["id"],
        "task": "Now book it",
        "title": None,
        "status": "queued",
        "createdAt": v4.fake.runs[uuid.UUID(first["id"])]["createdAt"],
        "updatedAt": v4.fake.runs[uuid.UUID(second["id"])]["updatedAt"],
    }
    v4.fake.advance(10)
    info = await v4.ok("GET", f"/sessions/{first['sessionId']}")
    assert (info["status"], info["title"]) == ("completed", "Now book it")
    assert v4.fake.v4_sessions[uuid.UUID(first["sessionId"])] == info


async def test_an_unknown_session_answers_404(v4: Api) -> None:
    missing = uuid.uuid4()
    for method, path in (
        ("GET", f"/sessions/{missing}"),
        ("GET", f"/sessions/{missing}/queue"),
        ("POST", f"/sessions/{missing}/purge"),
    ):
        answer = await v4.call(method, path)
        assert (answer.status, answer.body) == (404, {"detail": "Session not found"})


async def test_sessions_list_one_row_each_latest_first_in_cursor_pages(v4: Api) -> None:
    fake = v4.fake
    fake.default_run_scenario = RunScenario(steps=0)
    runs = [fake.create_run(f"Chat {n}") for n in range(5)]
    fake.advance(5)
    oldest = uuid.UUID(fake.runs[runs[0]]["sessionId"])
    fake.create_run("Back to the first chat", session_id=oldest)  # now the latest
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = await v4.ok("GET", "/sessions", params=params)
        seen += [row["sessionId"] for row in page["sessions"]]
        cursor = page["nextCursor"]
        assert page["hasMore"] == (cursor is not None)
        if cursor is None:
            break
    expected = [fake.runs[key]["sessionId"] for key in [runs[0], *reversed(runs[1:])]]
    assert seen == expected
    assert (await v4.call("GET", "/sessions", params={"limit": "0"})).status == 422


async def test_a_message_to_an_idle_session_runs_at_once(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1)
    first = await _start(v4)
    v4.fake.advance(10)
    message = await v4.ok("POST", f"/sessions/{first['sessionId']}/queue", body={"text": "More"})
    assert (message["status"], message["mode"], message["text"]) == ("consumed", "queue", "More")
    run = v4.fake.runs[uuid.UUID(message["runId"])]
    assert (run["task"], run["sessionId"], run["status"]) == ("More", first["sessionId"], "queued")
    assert (await v4.ok("GET", f"/sessions/{first['sessionId']}/queue")) == {"queue": []}


async def test_queued_messages_run_in_turn_when_each_run_ends(v4: Api) -> None:
    fake = v4.fake
    fake.default_run_scenario = RunScenario(steps=2)
    first = await _start(v4)
    session = first["sessionId"]
    sent = [
        await v4.ok("POST", f"/sessions/{session}/queue", body={"text": text})
        for text in ("Second", "Third")
    ]
    assert [m["status"] for m in sent] == ["pending", "pending"]
    assert [m["id"] for m in sent] == sorted(m["id"] for m in sent)
    listed = await v4.ok("GET", f"/sessions/{session}/queue")
    assert [m["text"] for m in listed["queue"]] == ["Second", "Third"]
    fake.advance(100)  # one jump: each run still starts when the one before ends
    runs = [fake.runs[key] for key in fake.store.v4.session_runs[uuid.UUID(session)]]
    assert [r["task"] for r in runs] == ["Plan a trip", "Second", "Third"]
    assert [r["status"] for r in runs] == ["completed"] * 3
    for before, after in itertools.pairwise(runs):
        assert after["createdAt"] == before["updatedAt"]
    messages = fake.queued_messages(uuid.UUID(session))
    assert [(m["status"], m["runId"]) for m in messages] == [
        ("consumed", runs[1]["id"]),
        ("consumed", runs[2]["id"]),
    ]
    events = fake.run_events(uuid.UUID(runs[1]["id"]))
    assert events[2]["type"] == "browser.reattached"


async def test_interrupt_cancels_the_active_run_and_runs_straight_after(v4: Api) -> None:
    fake = v4.fake
    fake.default_run_scenario = LONG
    first = await _start(v4)
    session = first["sessionId"]
    waiting = await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Later"})
    fake.advance(2)
    body = {"text": "Stop, do this", "interrupt": True}
    urgent = await v4.ok("POST", f"/sessions/{session}/queue", body=body)
    assert (urgent["status"], urgent["mode"]) == ("consumed", "interrupt")
    assert fake.runs[uuid.UUID(first["id"])]["status"] == "cancelled"
    assert fake.runs[uuid.UUID(urgent["runId"])]["task"] == "Stop, do this"
    listed = await v4.ok("GET", f"/sessions/{session}/queue")
    assert [m["id"] for m in listed["queue"]] == [waiting["id"]]


async def test_a_pending_message_can_be_cancelled_once(v4: Api) -> None:
    v4.fake.default_run_scenario = LONG
    first = await _start(v4)
    session = first["sessionId"]
    message = await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Skip me"})
    path = f"/sessions/{session}/queue/{message['id']}"
    cancelled = await v4.ok("DELETE", path)
    assert cancelled == {**message, "status": "cancelled"}
    again = await v4.call("DELETE", path)
    assert again.status == 409
    assert again.body == {"detail": "The message is no longer pending and cannot be cancelled."}
    v4.fake.advance(100)
    assert len(v4.fake.store.v4.session_runs[uuid.UUID(session)]) == 1  # it never ran


async def test_a_message_of_another_session_or_none_answers_404(v4: Api) -> None:
    v4.fake.default_run_scenario = LONG
    one, other = await _start(v4, "One"), await _start(v4, "Other")
    message = await v4.ok("POST", f"/sessions/{one['sessionId']}/queue", body={"text": "Hi"})
    for session, message_id in ((other["sessionId"], message["id"]), (one["sessionId"], 999)):
        answer = await v4.call("DELETE", f"/sessions/{session}/queue/{message_id}")
        assert (answer.status, answer.body) == (404, {"detail": "Message not found"})


async def test_a_full_queue_answers_429_with_its_code(v4: Api) -> None:
    fake = v4.fake
    fake.default_run_scenario = LONG
    fake.v4_queue_limit = 2
    session = (await _start(v4))["sessionId"]
    for n in range(2):
        await v4.ok("POST", f"/sessions/{session}/queue", body={"text": f"Message {n}"})
    answer = await v4.call("POST", f"/sessions/{session}/queue", body={"text": "One too many"})
    assert answer.status == 429
    assert "Retry-After" not in answer.headers
    assert answer.body == {
        "detail": {
            "code": "queue_full",
            "message": "The session message queue is full.",
            "sessionId": session,
            "limit": 2,
        }
    }
    assert len(fake.queued_messages(uuid.UUID(session))) == 2
    pending = (await v4.ok("GET", f"/sessions/{session}/queue"))["queue"]
    await v4.ok("DELETE", f"/sessions/{session}/queue/{pending[0]['id']}")
    await v4.ok("POST", f"/sessions/{session}/queue", body={"text": "Room again"})


def test_the_queue_limit_is_checked() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    for bad in (-1, True, 2.5):
        with pytest.raises(InvalidArgumentError, match="v4_queue_limit"):
            fake.v4_queue_limit = bad  # type: ignore[assignment]


async def test_the_deduplicate_header_reuses_an_equal_pending_message(v4: Api) -> None:
    v4.fake.default_run_scenario = LONG
    session = (await _start(v4))["sessionId"]
    path = f"/sessions/{session}/queue"
    header = {"X-V4-Queue-Deduplicate": "exact-text-v1"}
    first = await v4.ok("POST", path, body={"text": "Same"}, headers=header)
    again = await v4.ok("POST", path, body={"text": "Same"}, headers=header)
    plain = await v4.ok("POST", path, body={"text": "Same"})
    assert again == first
    assert plain["id"] != first["id"]


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({}, ["body", "text"], "missing"),
        ({"text": ""}, ["body", "text"], "string_too_short"),
        ({"text": "x", "interrupt": []}, ["body", "interrupt"], "bool_type"),
        ({"text": "x", "priority": 1}, ["body", "priority"], "extra_forbidden"),
    ],
)
async def test_bad_messages_answer_422(v4: Api, body: JSON, loc: list[str], kind: str) -> None:
    session = (await _start(v4))["sessionId"]
    answer = await v4.call("POST", f"/sessions/{session}/queue", body=body)
    assert answer.status == 422
    assert [(item["loc"], item["type"]) for item in answer.body["detail"]] == [(loc, kind)]
