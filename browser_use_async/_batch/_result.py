"""What `tasks.run_many` yields for each input."""

import decimal
import uuid
from typing import Generic, TypeVar

import attrs

from browser_use_async._exceptions import BrowserUseError
from browser_use_async.models.tasks import TaskView

__all__ = ["TaskResult"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class TaskResult(Generic[T]):
    """One input's outcome: `value` (the structured output with `output_type`, else the
    finished `TaskView`) or `error`, never both.

    `index` is the input's position and `key` its key (a mapping's key, the input's own
    `"key"`, or the index as text). `task` is the task as it ended, when there was one;
    `resumed` says the result was read back from the journal, with no request made.
    """

    index: int
    key: str
    task_id: uuid.UUID | None = None
    task: TaskView | None = None
    value: T | None = None
    error: BrowserUseError | None = None
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def cost(self) -> decimal.Decimal | None:
        """What the task cost, in USD, as far as known."""
        return None if self.task is None else self.task.cost

    def unwrap(self) -> T:
        """The value, or the error raised."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]  # set whenever error is None
