"""The fake's v4 runs, over raw HTTP: lifecycle on the fake clock, events, cancel, paging."""

import uuid

import pytest

from browser_use_async.testing import Fault, RunScenario
from browser_use_async.testing._spec import operations
from tests.fakecloud import JSON, Api


async def _status(v4: Api, run_id: str) -> str:
    status: str = (await v4.ok("GET", f"/runs/{run_id}/status"))["status"]
    return status


async def _types(v4: Api, run_id: str) -> list[str]:
    page = await v4.ok("GET", f"/runs/{run_id}/events")
    return [event["type"] for event in page["events"]]


async def test_a_run_goes_queued_dispatching_running_completed_on_the_clock(v4: Api) -> None:
    fake = v4.fake
    fake.run_scenarios["Find a flat"] = RunScenario(
        steps=2, queue_delay=1, dispatch_delay=2, step_interval=3, result="3 flats"
    )
    created = await v4.ok("POST", "/runs", body={"task": "Find a flat"})
    assert created["status"] == "queued"
    assert created["eventsUrl"] == f"{fake.v4_base_url}/runs/{created['id']}/events"
    run_id = created["id"]
    seen = [await _status(v4, run_id)]
    for seconds in (1, 2, 3, 3, 2.9, 0.1):
        fake.advance(seconds)
        seen.append(await _status(v4, run_id))
    assert seen == [
        "queued",
        "dispatching",
        "running",
        "running",
        "running",
        "running",
        "completed",
    ]
    run = await v4.ok("GET", f"/runs/{run_id}")
    assert (run["result"], run["error"], run["totalCostUsd"]) == ("3 flats", None, "0.02")
    assert (run["totalInputTokens"], run["totalOutputTokens"]) == (2400, 300)
    assert run["title"] == "Find a flat"
    assert await _types(v4, run_id) == [
        "run.created",
        "run.dispatching",
        "browser.ready",
        "agent.step",
        "agent.step",
        "run.completed",
    ]
    assert fake.stats()["runsByStatus"] == {"completed": 1}
    assert fake.stats()["spentUsd"] == "0.02"


async def test_browser_ready_carries_the_live_url_and_a_follow_up_reattaches(v4: Api) -> None:
    first = await v4.ok("POST", "/runs", body={"task": "Open the shop"})
    v4.fake.advance(1)
    page = await v4.ok("GET", f"/runs/{first['id']}/events")
    ready = next(event for event in page["events"] if event["type"] == "browser.ready")
    assert ready["data"]["liveUrl"].startswith("https://")
    assert ready["runId"] == first["id"]
    v4.fake.advance(60)
    body = {"task": "Now the cart", "sessionId": first["sessionId"]}
    second = await v4.ok("POST", "/runs", body=body)
    assert (second["sessionId"], second["workspaceId"]) == (
        first["sessionId"],
        first["workspaceId"],
    )
    v4.fake.advance(1)
    types = await _types(v4, second["id"])
    assert "browser.ready" not in types
    assert types[2] == "browser.reattached"


async def test_a_failing_scenario_ends_failed_with_its_error(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1, fail=True, error="Captcha wall")
    created = await v4.ok("POST", "/runs", body={"task": "Book it"})
    v4.fake.advance(60)
    run = await v4.ok("GET", f"/runs/{created['id']}")
    assert (run["status"], run["error"], run["result"]) == ("failed", "Captcha wall", None)
    page = await v4.ok("GET", f"/runs/{created['id']}/events")
    assert page["events"][-1]["type"] == "run.failed"
    assert page["events"][-1]["data"] == {"error": "Captcha wall"}


async def test_events_page_by_the_after_cursor_each_once_with_no_gaps(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=9)
    run_id = (await v4.ok("POST", "/runs", body={"task": "Read ten pages"}))["id"]
    seen: list[int] = []
    after = 0
    for _ in range(30):
        v4.fake.advance(0.7)
        page = await v4.ok(
            "GET", f"/runs/{run_id}/events", params={"after": str(after), "limit": "2"}
        )
        ids = [event["id"] for event in page["events"]]
        assert len(ids) <= 2
        assert page["hasMore"] == (
            len(ids) == 2 and ids[-1] < v4.fake.run_events(uuid.UUID(run_id))[-1]["id"]
        )
        if ids:
            assert page["nextAfter"] == ids[-1]
            after = page["nextAfter"]
        else:
            assert page["nextAfter"] is None
        seen += ids
    assert seen == list(range(1, len(seen) + 1))
    assert seen[-1] == len(v4.fake.run_events(uuid.UUID(run_id))) == 2 + 1 + 9 + 1


async def test_cancel_ends_a_run_once_and_is_idempotent(v4: Api) -> None:
    fake = v4.fake
    run_id = fake.create_run("Watch prices", steps=2, scenario=RunScenario(steps=10))
    assert fake.runs[run_id]["status"] == "running"
    cancelled = await v4.ok("POST", f"/runs/{run_id}/cancel")
    assert cancelled["status"] == "cancelled"
    assert cancelled["totalCostUsd"] == "0.02"
    fake.advance(100)
    again = await v4.ok("POST", f"/runs/{run_id}/cancel")
    assert again == cancelled == await v4.ok("GET", f"/runs/{run_id}")
    types = [event["type"] for event in fake.run_events(run_id)]
    assert types.count("run.cancelled") == 1
    assert types[-1] == "run.cancelled"
    assert fake.stats()["spentUsd"] == "0.02"


async def test_cancelling_an_ended_run_answers_it_unchanged(v4: Api) -> None:
    run_id = v4.fake.create_run("Quick one", scenario=RunScenario(steps=1))
    v4.fake.advance(10)
    before = await v4.ok("GET", f"/runs/{run_id}")
    assert before["status"] == "completed"
    assert await v4.ok("POST", f"/runs/{run_id}/cancel") == before


async def test_a_queued_run_cancelled_never_runs(v4: Api) -> None:
    run_id = v4.fake.create_run("Never mind")
    await v4.ok("POST", f"/runs/{run_id}/cancel")
    v4.fake.advance(100)
    assert await _types(v4, str(run_id)) == ["run.created", "run.cancelled"]


async def test_create_run_with_steps_is_running_that_far(v4: Api) -> None:
    fake = v4.fake
    run_id = fake.create_run("Halfway", steps=2, scenario=RunScenario(steps=4))
    run = fake.runs[run_id]
    assert (run["status"], run["totalCostUsd"]) == ("running", "0.02")
    types = [event["type"] for event in fake.run_events(run_id)]
    assert types == ["run.created", "run.dispatching", "browser.ready", "agent.step", "agent.step"]
    fake.advance(3)
    assert fake.runs[run_id]["status"] == "completed"
    event = fake.add_run_event(run_id, "custom.note", {"n": 1})
    assert event["id"] == len(fake.run_events(run_id))


async def test_max_cost_usd_ends_the_run_failed_before_it_spends_past_it(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=10, cost_per_step="0.10")
    created = await v4.ok("POST", "/runs", body={"task": "Spend", "maxCostUsd": "0.25"})
    v4.fake.advance(100)
    run = await v4.ok("GET", f"/runs/{created['id']}")
    assert run["status"] == "failed"
    assert run["totalCostUsd"] == "0.20"
    assert "maxCostUsd" in run["error"]
    types = await _types(v4, created["id"])
    assert types.count("agent.step") == 2
    assert types[-1] == "run.failed"


@pytest.mark.parametrize("cap", [0, "0", "-1"])
async def test_max_cost_usd_must_be_above_zero(v4: Api, cap: object) -> None:
    answer = await v4.call("POST", "/runs", body={"task": "Spend", "maxCostUsd": cap})
    assert answer.status == 422
    assert answer.body["detail"][0]["loc"][:2] == ["body", "maxCostUsd"]
    assert v4.fake.runs == {}


async def test_a_session_with_an_active_run_refuses_another_with_409(v4: Api) -> None:
    first = await v4.ok("POST", "/runs", body={"task": "One"})
    body = {"task": "Two", "sessionId": first["sessionId"]}
    answer = await v4.call("POST", "/runs", body=body)
    assert answer.status == 409
    assert answer.body == {"detail": "The session already has an active run."}


async def test_unknown_ids_answer_404(v4: Api) -> None:
    missing = str(uuid.uuid4())
    for path in (f"/runs/{missing}", f"/runs/{missing}/status", f"/runs/{missing}/events"):
        answer = await v4.call("GET", path)
        assert (answer.status, answer.body) == (404, {"detail": "Run not found"})
    answer = await v4.call("POST", "/runs", body={"task": "x", "sessionId": missing})
    assert (answer.status, answer.body) == (404, {"detail": "Session not found"})


async def test_no_capacity_answers_429_with_its_code(v4: Api) -> None:
    v4.fake.max_active_sessions = 1
    await v4.ok("POST", "/runs", body={"task": "Busy"})
    answer = await v4.call("POST", "/runs", body={"task": "One more"})
    assert answer.status == 429
    assert "Retry-After" not in answer.headers
    assert answer.body == {
        "detail": {
            "code": "no_capacity",
            "message": (
                "Too many concurrent active sessions. Please wait for one to finish, "
                "kill one, or upgrade your plan."
            ),
            "activeSessions": 1,
            "maxActiveSessions": 1,
        }
    }
    v4.fake.advance(60)
    await v4.ok("POST", "/runs", body={"task": "Now it fits"})


async def test_v4_runs_count_against_v2_capacity_too(v4: Api) -> None:
    v4.fake.max_active_sessions = 1
    v4.fake.create_run("Holding the slot")
    v2 = Api(v4.fake, v4.session)
    answer = await v2.call("POST", "/tasks", body={"task": "v2 task"})
    assert answer.status == 429


async def test_list_runs_pages_newest_first_by_cursor_and_filters_by_session(v4: Api) -> None:
    fake = v4.fake
    made = [fake.create_run(f"Task {n}", scenario=RunScenario(steps=0)) for n in range(5)]
    fake.advance(10)
    follow = fake.create_run("Follow-up", session_id=uuid.UUID(fake.runs[made[0]]["sessionId"]))
    seen: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = await v4.ok("GET", "/runs", params=params)
        seen += [run["id"] for run in page["runs"]]
        cursor = page["nextCursor"]
        assert page["hasMore"] == (cursor is not None)
        if cursor is None:
            break
        fake.create_run("Made meanwhile")  # newer: never shifts the pages still to come
    expected = [str(key) for key in [follow, *reversed(made)]]
    assert seen == expected
    page = await v4.ok("GET", "/runs", params={"sessionId": fake.runs[made[0]]["sessionId"]})
    assert [run["id"] for run in page["runs"]] == [str(follow), str(made[0])]


async def test_a_malformed_cursor_answers_400(v4: Api) -> None:
    answer = await v4.call("GET", "/runs", params={"cursor": "not-ours"})
    assert (answer.status, answer.body) == (400, {"detail": "Malformed pagination cursor."})


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({}, ["body", "task"], "missing"),
        ({"task": ""}, ["body", "task"], "string_too_short"),
        ({"task": "x", "model": "gpt-2"}, ["body", "model"], "enum"),
        ({"task": "x", "colour": "red"}, ["body", "colour"], "extra_forbidden"),
        ({"task": "x", "sessionId": "nope"}, ["body", "sessionId"], "uuid_parsing"),
    ],
)
async def test_bad_bodies_answer_422_as_fastapi(
    v4: Api, body: JSON, loc: list[str], kind: str
) -> None:
    answer = await v4.call("POST", "/runs", body=body)
    assert answer.status == 422
    assert [(item["loc"], item["type"]) for item in answer.body["detail"]] == [(loc, kind)]


async def test_a_wrong_or_missing_key_answers_401(v4: Api) -> None:
    for key in ("bu_wrong", ""):
        answer = await v4.call("GET", "/runs", key=key)
        assert (answer.status, answer.body) == (401, {"detail": "Invalid or missing API key"})


async def test_faults_target_v4_routes_by_their_full_path(v4: Api) -> None:
    fake = v4.fake
    run_id = fake.create_run("Faulty")
    fake.faults.add("GET /runs/{run_id}", Fault(status=503))  # v2's naming: not a v4 route
    assert (await v4.call("GET", f"/runs/{run_id}")).status == 200
    fake.faults.clear()
    fake.faults.add("GET /api/v4/runs/{run_id}", Fault(status=503), times=1)
    assert (await v4.call("GET", f"/runs/{run_id}")).status == 503
    assert (await v4.call("GET", f"/runs/{run_id}")).status == 200
    assert fake.stats()["requestsByRoute"]["GET /api/v4/runs/{run_id}"] == 3
    assert fake.stats()["responsesByStatus"]["503"] == 1


async def test_requests_are_recorded_with_their_v4_paths(v4: Api) -> None:
    await v4.ok("POST", "/runs", body={"task": "Recorded"})
    recorded = v4.fake.requests[-1]
    assert (recorded.method, recorded.path) == ("POST", "/api/v4/runs")
    assert recorded.json() == {"task": "Recorded"}


def test_v2_operations_and_spec_stay_the_default() -> None:
    assert operations() == operations("v2")
    assert ("POST", "/tasks") in operations()
    assert ("POST", "/runs") in operations("v4")
    assert ("POST", "/runs") not in operations()
    with pytest.raises(ValueError, match="v3"):
        operations("v3")


async def test_a_key_past_its_spend_limit_answers_402_on_v4_creates(v4: Api) -> None:
    v4.fake.default_run_scenario = RunScenario(steps=1, cost_per_step="1")
    first = await v4.ok("POST", "/runs", body={"task": "Spend a dollar"})
    v4.fake.spend_limit = 1
    v4.fake.advance(10)
    for path, body in (
        ("/runs", {"task": "One more"}),
        (f"/sessions/{first['sessionId']}/queue", {"text": "And more"}),
        ("/browsers", {}),
    ):
        answer = await v4.call("POST", path, body=body)
        assert answer.status == 402, path
        assert answer.body["detail"]["code"] == "api_key_monthly_spend_limit_reached"
