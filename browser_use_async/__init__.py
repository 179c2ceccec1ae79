"""browser-use-async: an asyncio-first, typed SDK for the Browser Use Cloud API v2."""

from browser_use_async._client import AsyncBrowserUse
from browser_use_async._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BrowserUseError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReentrantCallError,
    UnprocessableEntityError,
)
from browser_use_async._serde import parse_judgement
from browser_use_async._sync import BrowserUse
from browser_use_async._version import __version__
from browser_use_async.models import (
    FileView,
    TaskStatus,
    TaskStepView,
    TaskUpdateAction,
    TaskView,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBrowserUse",
    "AuthenticationError",
    "BadRequestError",
    "BrowserUse",
    "BrowserUseError",
    "ClientClosedError",
    "ConflictError",
    "FileView",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReentrantCallError",
    "TaskStatus",
    "TaskStepView",
    "TaskUpdateAction",
    "TaskView",
    "UnprocessableEntityError",
    "__version__",
    "parse_judgement",
]
