"""Test helpers: a fake Browser Use Cloud that runs on 127.0.0.1 with no network or key."""

from browser_use_async.testing._clock import FakeClock
from browser_use_async.testing._fake import FakeBrowserUseCloud, RecordedRequest
from browser_use_async.testing._faults import Fault, FaultScript
from browser_use_async.testing._seed import SeedError
from browser_use_async.testing._state import TaskScenario, UploadedFile

__all__ = [
    "FakeBrowserUseCloud",
    "FakeClock",
    "Fault",
    "FaultScript",
    "RecordedRequest",
    "SeedError",
    "TaskScenario",
    "UploadedFile",
]
