"""`BROWSER_USE_LOG=debug|info`: the SDK's log records on stderr, without writing any code.

Read by every client's constructor, so a notebook can set it before its next client. The
"browser_use_async" logger gets that level; a stderr handler is added only when nobody set
up logging (no handler on the root logger nor on ours): otherwise the records go to the
handlers already there, and none is printed twice. What is logged never holds a secret:
requests are shown by method and URL (presigned signatures hidden), never headers or bodies.
"""

import logging
import os
import sys
import warnings
from typing import TextIO

ENV = "BROWSER_USE_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}

__all__ = ["ENV", "LEVELS", "configure_from_env"]

_logger = logging.getLogger("browser_use_async")
_refused: set[str] = set()


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `BROWSER_USE_LOG` added, recognised so it is added once. It writes to the
    `sys.stderr` of the moment (pytest's capture, `redirect_stderr`), not the one it met."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr


def configure_from_env() -> None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return
    level = LEVELS.get(value.lower())
    if level is None:
        if value not in _refused:  # once per value, not once per client
            _refused.add(value)
            warnings.warn(
                f"{ENV}={value!r} is not understood, so logging is left as it is: "
                f"use {ENV}=debug or {ENV}=info, or unset it.",
                UserWarning,
                stacklevel=3,
            )
        return
    _logger.setLevel(level)
    ours = [h for h in _logger.handlers if not isinstance(h, logging.NullHandler)]
    if not ours and not logging.getLogger().handlers:
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _logger.addHandler(handler)
