"""What the canned server answers, as the API sends it: for v2 a TaskView (every request), for
v4 a RunSummary (a cancel) and a RunStatusResponse (a status poll).

Valid for both SDKs: timestamps carry an offset (the official models want aware
datetimes), `cost` is a decimal string. Each step looks like a real agent step.
"""

import json
from typing import Any

TASK_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
SESSION_ID = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
FILE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
API_KEY = "bu_benchmark_key"


def _step(number: int) -> dict[str, Any]:
    return {
        "number": number,
        "memory": (
            "Opened the airline's site and searched for flights from Zurich to Lisbon; "
            "the results list twelve options sorted by price."
        ),
        "evaluationPreviousGoal": "Success - the search results loaded",
        "nextGoal": "Open the cheapest result and read its price and times",
        "url": f"https://flights.example.com/search?from=ZRH&to=LIS&page={number}",
        "actions": [
            '{"click_element_by_index": {"index": 12}}',
            '{"scroll_down": {"amount": 500}}',
        ],
        "screenshotUrl": f"https://screenshots.example.com/{TASK_ID}/{number}.png",
        "duration": 2.5 + number / 10,
    }


def task_view(steps: int) -> dict[str, Any]:
    """A stopped task with `steps` steps and one output file."""
    return {
        "id": TASK_ID,
        "sessionId": SESSION_ID,
        "llm": "browser-use-2.0",
        "task": "Find the cheapest flight from Zurich to Lisbon next Friday",
        "status": "stopped",
        "createdAt": "2025-06-02T09:14:05.123456Z",
        "startedAt": "2025-06-02T09:14:06.002000Z",
        "finishedAt": "2025-06-02T09:21:44.870000Z",
        "metadata": {"customer": "acme", "run": "nightly"},
        "steps": [_step(n) for n in range(1, steps + 1)],
        "output": None,
        "outputFiles": [{"id": FILE_ID, "fileName": "flights.csv"}],
        "browserUseVersion": "0.9.4",
        "isSuccess": None,
        "judgement": None,
        "judgeVerdict": None,
        "cost": "0.0420",
        "suggestions": None,
    }


def task_view_bytes(steps: int) -> bytes:
    """`task_view(steps)` as compact JSON bytes."""
    return compact(task_view(steps))


# --- API v4: what the canned server answers `POST /runs/{id}/cancel` and `GET .../status` ---

RUN_ID = "5b2f8c1e-7d4a-4e6b-9f3c-2a1d0e9b8c7f"
WORKSPACE_ID = "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a"


def run_summary() -> dict[str, Any]:
    """A run just cancelled, as `POST /runs/{id}/cancel` answers it (a `RunSummary`)."""
    return {
        "id": RUN_ID,
        "task": "Find the cheapest flight from Zurich to Lisbon next Friday",
        "title": "Cheapest flight Zurich to Lisbon",
        "model": "claude-sonnet-5",
        "contextLimit": 200000,
        "status": "cancelled",
        "result": None,
        "error": None,
        "sessionId": SESSION_ID,
        "workspaceId": WORKSPACE_ID,
        "attachedFileIds": [FILE_ID],
        "judgement": None,
        "totalInputTokens": 48211,
        "totalOutputTokens": 3312,
        "totalCostUsd": "0.0731",
        "createdAt": "2025-06-02T09:14:05.123456Z",
        "updatedAt": "2025-06-02T09:21:44.870000Z",
    }


def run_status() -> dict[str, Any]:
    """A run's status as `GET /runs/{id}/status` answers it while it runs."""
    return {"status": "running"}


def compact(document: dict[str, Any]) -> bytes:
    """`document` as compact JSON bytes."""
    return json.dumps(document, separators=(",", ":")).encode()
