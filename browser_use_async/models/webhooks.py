"""The event a Browser Use webhook delivers."""

import datetime as dt
from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """A verified webhook event, e.g. `type="agent.task.status_update"`.

    `timestamp` is when the event happened (timezone-aware UTC); `payload` is the event's data
    as sent, with its keys untouched (they are snake_case on the wire, e.g. `session_id`).
    """

    type: str
    timestamp: dt.datetime
    payload: dict[str, Any]
