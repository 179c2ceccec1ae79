"""Test helpers: a fake Browser Use Cloud that runs on 127.0.0.1 with no network or key."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from browser_use_async.testing._clock import FakeClock
    from browser_use_async.testing._fake import FakeBrowserUseCloud, RecordedRequest
    from browser_use_async.testing._faults import Fault, FaultScript
    from browser_use_async.testing._seed import SeedError
    from browser_use_async.testing._state import TaskScenario, UploadedFile
    from browser_use_async.testing._v4.state import RunScenario
else:  # imported on first use, so that loading the pytest plugin costs nothing
    from browser_use_async._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "browser_use_async.testing._clock": ("FakeClock",),
            "browser_use_async.testing._fake": ("FakeBrowserUseCloud", "RecordedRequest"),
            "browser_use_async.testing._faults": ("Fault", "FaultScript"),
            "browser_use_async.testing._seed": ("SeedError",),
            "browser_use_async.testing._state": ("TaskScenario", "UploadedFile"),
            "browser_use_async.testing._v4.state": ("RunScenario",),
        },
    )

__all__ = [
    "FakeBrowserUseCloud",
    "FakeClock",
    "Fault",
    "FaultScript",
    "RecordedRequest",
    "RunScenario",
    "SeedError",
    "TaskScenario",
    "UploadedFile",
]
