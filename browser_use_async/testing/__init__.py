"""Test helpers: a fake Browser Use Cloud that runs on 127.0.0.1 with no network or key."""

from browser_use_async.testing._fake import FakeBrowserUseCloud, RecordedRequest
from browser_use_async.testing._faults import Fault, FaultScript

__all__ = ["FakeBrowserUseCloud", "Fault", "FaultScript", "RecordedRequest"]
