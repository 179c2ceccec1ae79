"""Test helpers: a fake Browser Use Cloud that runs on 127.0.0.1 with no network or key."""

from browser_use_async.testing._fake import FakeBrowserUseCloud, RecordedRequest

__all__ = ["FakeBrowserUseCloud", "RecordedRequest"]
