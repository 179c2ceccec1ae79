"""A create that is never lost: what v2's `tasks.run` and v4's `runs.run` share.

`launched` sends the create and gives its answer; if anything (a cancellation too) ends the
block early, it awaits the create's answer and stops what it made, each wait bounded and
through further cancellations, and records in a `Launch` how that went, which the errors
and the warning then tell. The create is sent once: it is never repeated here.
"""

import asyncio
import contextlib
import copy
import logging
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar

import attrs

from browser_use_async._cleanup import outlast
from browser_use_async._exceptions import (
    BrowserUseError,
    CostLimitExceededError,
    TaskTimeoutError,
    may_have_created,
)

__all__ = ["STOP_WAIT_SECONDS", "Kind", "Launch", "launched"]

logger = logging.getLogger("browser_use_async")

STOP_WAIT_SECONDS = 5.0
"""How long a `run` that is ending early waits for the create's answer, then for the stop:
it returns within about 10 s even when the server hangs."""

KEEPS_RUNNING = "; it keeps running on the server."


class Created(Protocol):
    """A create's answer: it names what was made."""

    @property
    def id(self) -> uuid.UUID: ...


class Ended(Protocol):
    """A stop's answer: it tells the status it left the thing in."""

    @property
    def status(self) -> str: ...


C = TypeVar("C", bound=Created)
E = TypeVar("E", bound=TaskTimeoutError)

Stop = Callable[[uuid.UUID], Awaitable[Ended]]
"""Stops what the create made, by its id, and answers with it."""


@attrs.frozen(kw_only=True)
class Kind:
    """What a launch makes, in the words its messages use."""

    noun: str
    """"task", "run"."""
    resource: str
    """The client attribute that holds its operations: "tasks", "runs"."""
    stop: str
    """The verb and operation that end it early: "stop", "cancel"."""
    stopped: str
    """That verb's past, which is also the status an ended-early one has."""
    stopping: str
    is_final: Callable[[str], bool]
    """Whether a status is one it ends in."""


@attrs.define
class Launch:
    """What a `run` created, and what became of the stop sent when it ended early."""

    kind: Kind
    id: uuid.UUID | None = None
    stopped: bool | None = None
    stop_error: BaseException | None = None
    unanswered: bool = False
    final: Ended | None = None  # the stop's answer

    @property
    def ended(self) -> str | None:
        """The status the stop's answer gave."""
        return None if self.final is None else self.final.status

    @property
    def ended_before_stop(self) -> bool:
        """The stop found it already ended some other way (one it stopped is not told)."""
        ended = self.ended
        return (
            bool(self.stopped)
            and ended is not None
            and ended != self.kind.stopped
            and self.kind.is_final(ended)
        )

    def outcome(self) -> str:
        """What became of it, as the end of a sentence (it starts with "; ")."""
        kind = self.kind
        noun, call = kind.noun, f"{kind.resource}.{kind.stop}({str(self.id)!r})"
        if self.unanswered:
            return (
                f"; no answer to the create came back that names the {noun}, so a {noun} it "
                f"made may be running: look for it with {kind.resource}.list and {kind.stop} it."
            )
        if self.id is None:
            return f"; no {noun} was created."
        if self.stopped is None:
            return f"{KEEPS_RUNNING} {kind.stop.capitalize()} it with {call}."
        if self.ended_before_stop:
            return f"; {noun} {self.id} had already ended ({self.ended})."
        if self.stopped:
            return f"; {noun} {self.id} was {kind.stopped}."
        return (
            f"; {kind.stopping} {noun} {self.id} failed ({self.stop_error}), so it may still be "
            f"running: {kind.stop} it with {call}."
        )

    def over_budget(self, error: CostLimitExceededError) -> CostLimitExceededError:
        """`error` (the cost guard's, raised before the stop) retold with the stop's outcome."""
        return CostLimitExceededError(
            str(error) + self.outcome(),
            task=self.final,
            cost=error.cost,
            max_cost=error.max_cost,
            stopped=self.stopped,
        )

    def timed_out(self, error: E) -> E:
        """`error` (a wait that gave up) retold with what became of what was made."""
        retold = copy.copy(error)  # its class and fields, whatever they are
        retold.args = (str(error).removesuffix(KEEPS_RUNNING) + self.outcome(),)
        retold.stopped = self.stopped
        return retold


@contextlib.asynccontextmanager
async def launched(
    create: Coroutine[Any, Any, C],
    launch: Launch,
    stop: Callable[[BaseException], Stop | None],
    *,
    quiet: tuple[type[BaseException], ...] = (),
) -> AsyncGenerator[C]:
    """Send `create` and give its answer; if anything ends the block early, settle: await
    the answer and, if `stop(error)` gives a way to, stop what it names. The outcome is in
    `launch`, and logged as a warning unless the error is one of `quiet` (those tell it
    themselves)."""
    creating = asyncio.ensure_future(create)
    try:
        # Shielded: a cancellation must not lose the answer that names what was made.
        created = await asyncio.shield(creating)
        launch.id = created.id
        yield created
    except BaseException as error:
        settling = _settle(creating, launch, stop(error))
        try:
            await outlast(asyncio.ensure_future(settling))
        finally:  # cancelled again meanwhile or not, say what became of it
            known = launch.id is not None or launch.unanswered
            if known and not isinstance(error, quiet):
                logger.warning(
                    "Gave up on a %s (%s)%s",
                    launch.kind.noun,
                    type(error).__name__,
                    launch.outcome(),
                )
        raise


async def _settle(creating: "asyncio.Future[C]", launch: Launch, stop: Stop | None) -> None:
    """Wait for the create's answer, then `stop` what it names; each wait bounded. Without a
    stop the answer is still awaited: it tells the id."""
    try:
        async with asyncio.timeout(STOP_WAIT_SECONDS):
            launch.id = (await creating).id
    except TimeoutError:
        launch.unanswered = True
        return
    except BrowserUseError as error:  # the answer was lost, or the create refused
        launch.unanswered = may_have_created(error)
        return
    if stop is None:
        return
    try:
        async with asyncio.timeout(STOP_WAIT_SECONDS):
            launch.final = await stop(launch.id)
    except BrowserUseError as error:
        launch.stopped, launch.stop_error = False, error
    except TimeoutError:
        launch.stopped = False
        launch.stop_error = TimeoutError(f"no answer within {STOP_WAIT_SECONDS:g} s")
    else:
        launch.stopped = True
