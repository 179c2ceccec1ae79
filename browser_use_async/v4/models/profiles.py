"""Profile models of the v4 API: saved browser state (cookies, logins) reused across sessions.

The v4 API's profile schemas are the v2 API's, field for field, so the v2 models serve both.
"""

from browser_use_async.models.profiles import (
    ProfileCreateRequest,
    ProfileListResponse,
    ProfileUpdateRequest,
    ProfileView,
)

__all__ = ["ProfileCreateRequest", "ProfileListResponse", "ProfileUpdateRequest", "ProfileView"]
