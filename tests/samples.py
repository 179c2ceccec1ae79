"""Wire-format samples shared by tests."""

import json
from typing import Any

TASK_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
SESSION_ID = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
FILE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


def full_task(**overrides: Any) -> dict[str, Any]:
    """A TaskView as the API sends it, with every field set."""
    task: dict[str, Any] = {
        "id": TASK_ID,
        "sessionId": SESSION_ID,
        "llm": "browser-use-2.0",
        "task": "Find the weather in Zurich",
        "status": "stopped",
        "createdAt": "2025-01-02T03:04:05.123456",
        "startedAt": "2025-01-02T03:04:06Z",
        "finishedAt": "2025-01-02T05:04:07+02:00",
        "metadata": {"customer": "acme", "attempt": 2},
        "steps": [
            {
                "number": 1,
                "memory": "Opened the weather site.",
                "evaluationPreviousGoal": "Starting",
                "nextGoal": "Search for Zurich",
                "url": "https://weather.example.com",
                "actions": ['{"go_to_url": {"url": "https://weather.example.com"}}'],
                "screenshotUrl": "https://shots.example.com/1.png",
                "duration": 2.5,
            },
            {
                "number": 2,
                "memory": "Found it.",
                "evaluationPreviousGoal": "Success",
                "nextGoal": "Report",
                "url": "https://weather.example.com/zurich",
                "actions": [],
                "screenshotUrl": None,
                "duration": None,
            },
        ],
        "output": "12 degrees and sunny",
        "outputFiles": [{"id": FILE_ID, "fileName": "weather.csv"}],
        "browserUseVersion": "0.9.4",
        "isSuccess": True,
        "judgement": '{"verdict": true, "reasoning": "matches"}',
        "judgeVerdict": False,
        "cost": "0.0123",
        "suggestions": [{"kind": "use_start_url"}],
    }
    task.update(overrides)
    return task


def task_bytes(**overrides: Any) -> bytes:
    return json.dumps(full_task(**overrides)).encode()
