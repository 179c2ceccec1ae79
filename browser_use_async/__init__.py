"""browser-use-async: an asyncio-first, typed SDK for the Browser Use Cloud API v2."""

from browser_use_async._client import AsyncBrowserUse, Clock
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
    UnprocessableEntityError,
)
from browser_use_async._retry import RetryPolicy
from browser_use_async._serde import parse_judgement
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._version import __version__
from browser_use_async.models import (
    CreateTaskRequest,
    FileView,
    ProxyCountryCode,
    SessionSettings,
    TaskCreatedResponse,
    TaskStatus,
    TaskStepView,
    TaskUpdateAction,
    TaskView,
)

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBrowserUse",
    "AuthenticationError",
    "BadRequestError",
    "BrowserUseError",
    "ClientClosedError",
    "Clock",
    "ConflictError",
    "CreateTaskRequest",
    "FileView",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "ProxyCountryCode",
    "RateLimitError",
    "RetryPolicy",
    "SessionSettings",
    "TaskCreatedResponse",
    "TaskStatus",
    "TaskStepView",
    "TaskUpdateAction",
    "TaskView",
    "UnprocessableEntityError",
    "__version__",
    "parse_judgement",
]
