"""The batch runner: starts each input's task when there is capacity, watches it on the shared
polling budget, records it in the journal, hands over its result, and on the way out stops
whatever it started.

It knows the API only through `TaskOps`, the few calls `tasks` gives it, so it sits below
the resources and can be tested on its own.
"""

import asyncio
import datetime as dt
import decimal
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Protocol

import attrs

from browser_use_async._batch._capacity import Capacity
from browser_use_async._batch._inputs import RUN_TAG, BadItem, Item, tagged
from browser_use_async._batch._journal import Entry, Journal
from browser_use_async._batch._pacer import Pacer
from browser_use_async._batch._progress import BatchCounts, Progress
from browser_use_async._batch._result import TaskResult
from browser_use_async._cleanup import outlast
from browser_use_async._clock import Clock
from browser_use_async._codec import decode, to_json
from browser_use_async._exceptions import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BrowserUseError,
    CostLimitExceededError,
    InternalServerError,
    JournalError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    TaskFailedError,
    TaskTimeoutError,
    may_have_created,
)
from browser_use_async.models.billing import AccountView
from browser_use_async.models.tasks import (
    CreateTaskRequest,
    TaskCreatedResponse,
    TaskItemView,
    TaskStatus,
    TaskStatusView,
    TaskView,
    is_final,
)

__all__ = ["RUN_TAG", "Settings", "TaskOps", "run_batch"]

logger = logging.getLogger("browser_use_async")

ACCOUNT_EVERY = 30.0
"""Seconds between reads of the account's free sessions, with `concurrency="auto"`..."""
FULL_EVERY = 2.0
"""...or while every slot is taken and the account has more sessions than the batch uses."""
WAIT_FOR_ANSWERS = 5.0
"""How long winding down waits for the answers of creates in flight..."""
STOP_WITHIN = 10.0
"""...and then for the stops of every task still running."""
STOPS_AT_ONCE = 32
POLL_FAILURES = 5
"""Polls of one task failing in a row (each after the client's own retries) before its
result is that error."""
CLOCK_SKEW = dt.timedelta(minutes=10)
"""How far the server's clock may be behind ours when looking for a lost create by its tag."""
LOST_AFTER = 10.0
"""Seconds after which a create that got no answer and made no task to be found is taken as
never made. Until then the cloud may still be making it (a process that died just after
sending it is restarted within a second): a resume looks again, every LOOK_AGAIN seconds,
before sending it again."""
LOOK_AGAIN = 1.0


class TaskOps(Protocol):
    """The calls the runner makes, bound to one client and its request options."""

    def create(self, body: CreateTaskRequest) -> Awaitable[TaskCreatedResponse]: ...
    def status(self, task_id: uuid.UUID) -> Awaitable[TaskStatusView]: ...
    def get(self, task_id: uuid.UUID) -> Awaitable[TaskView]: ...
    def stop(self, task_id: uuid.UUID, *, and_session: bool) -> Awaitable[TaskView]: ...
    def created_since(self, moment: dt.datetime) -> AsyncIterator[TaskItemView]: ...
    def account(self) -> Awaitable[AccountView]: ...


@attrs.frozen(kw_only=True)
class Settings:
    """A batch's checked arguments. `concurrency` None means "auto"."""

    concurrency: int | None
    journal: Any  # a path, or None
    structured: Callable[[TaskView], object] | None  # reads a finished task's output type
    timeout: float | None
    poll_interval: float
    max_cost: decimal.Decimal | None
    max_total_cost: decimal.Decimal | None
    stop_on_exit: bool
    progress: Progress | None
    total: int | None  # the number of inputs, when known up front


@attrs.define
class _Live:
    """An input whose task is, or may be, running."""

    item: Item
    task_id: uuid.UUID | None = None
    creating: "asyncio.Future[TaskCreatedResponse] | None" = None
    seen: "asyncio.Future[None]" = attrs.field(
        factory=lambda: asyncio.get_running_loop().create_future()
    )
    """Done once the task is seen running, or its slot is free again."""


class _Stopped(Exception):
    """A task the runner stopped, and why."""

    def __init__(self, reason: str, view: TaskView | None, stopped: bool) -> None:
        self.reason, self.view, self.stopped = reason, view, stopped


class _Batch:
    def __init__(
        self, ops: TaskOps, items: Iterable[Item | BadItem], settings: Settings, clock: Clock
    ) -> None:
        self._ops = ops
        self._items = items
        self._s = settings
        self._clock = clock
        self._journal: Journal | None = None
        self._entries: dict[int, Entry] = {}
        self._found: dict[int, uuid.UUID] = {}  # lost creates found by their tag
        self._results: asyncio.Queue[TaskResult[Any] | BaseException | None] = asyncio.Queue(1)
        self._live: dict[int, _Live] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._capacity = Capacity(
            settings.concurrency or 1, auto=settings.concurrency is None, clock=clock
        )
        self._pacer = Pacer(settings.poll_interval, clock)
        self._costs: dict[int, decimal.Decimal] = {}  # running tasks' last-known costs
        self._spent = decimal.Decimal(0)  # ended tasks' costs
        self.done = self.failed = 0
        self._sized = False  # the account's free sessions were read
        self._halted = False  # a worker failed: start nothing more
        self._refused: BrowserUseError | None = None  # the account cannot pay, or the key is bad
        self._reattached: list[asyncio.Future[None]] = []  # `seen` of each task resumed
        self._background: list[asyncio.Future[None]] = []

    # -- the whole batch ---------------------------------------------------------------------

    async def results(self) -> AsyncGenerator[TaskResult[Any]]:
        background = self._background
        try:
            await self._open()
            background.append(asyncio.ensure_future(self._pacer.run()))
            feeding = asyncio.ensure_future(self._feed())
            background.append(feeding)
            while True:
                result = await self._results.get()
                if result is None:
                    return
                if isinstance(result, BaseException):
                    raise result
                self._show()
                yield result
        finally:
            for task in background:
                task.cancel()
            await outlast(asyncio.ensure_future(self._wind_down()))

    async def _open(self) -> None:
        if self._s.journal is not None:
            self._journal = Journal(self._s.journal)
            self._entries = self._journal.entries()
            if isinstance(self._items, list):  # all known: refuse another batch's journal now
                for item in self._items:
                    entry = self._entries.get(item.index)
                    if isinstance(item, Item) and entry is not None:
                        self._check(item, entry)
            await self._find_lost()

    async def _feed(self) -> None:
        try:
            for item in self._items:
                if self._halted:
                    return
                if isinstance(item, BadItem):
                    await self._hand_over(
                        TaskResult(index=item.index, key=item.key, error=item.error)
                    )
                    continue
                await self._start(item)
            if self._workers:
                await asyncio.gather(*self._workers)
            await self._results.put(None)
        except asyncio.CancelledError:
            raise
        except BaseException as error:  # a journal that is not this batch's, or a bug
            await self._results.put(error)

    async def _start(self, item: Item) -> None:
        entry = self._entries.pop(item.index, None)
        if entry is not None:
            self._check(item, entry)
            if entry.state == "done" and entry.task is not None:
                view = decode(entry.task, TaskView)
                self._spent += view.cost or 0
                await self._hand_over(self._result(item, view, entry.reason, resumed=True))
                return
            task_id = entry.task_id if entry.state == "running" else self._found.get(item.index)
            if task_id is not None:
                if self._journal is not None and entry.state != "running":
                    self._journal.running(item.index, task_id)
                self._capacity.take()
                self._spawn(item, lambda: self._watch(item, task_id, first_wait=False))
                self._reattached.append(self._live[item.index].seen)
                return
        if self._over_budget():
            await self._hand_over(self._not_started(item))
            return
        if self._s.concurrency is None and not self._sized:  # only once a create is due
            self._sized = True
            # A task resumed holds a slot until polled, but one that ended while no process
            # watched it holds no session: sized before that poll, the batch would count
            # its slot as well as the account's free sessions, and overshoot.
            if self._reattached:
                await asyncio.wait(self._reattached, timeout=ACCOUNT_EVERY)
            try:
                await self._read_account()
            except AuthenticationError:  # every create would meet it too
                raise
            except BrowserUseError as error:  # the batch can run without it, if slowly
                logger.warning(
                    "Could not read the account's free sessions (%s); running one task at a "
                    "time until they can be read.",
                    error,
                )
            self._background.append(asyncio.ensure_future(self._follow_account()))
        await self._capacity.acquire()
        if self._over_budget():  # spent more while waiting
            self._capacity.release()
            await self._hand_over(self._not_started(item))
            return
        self._spawn(item, lambda: self._launch(item))

    def _check(self, item: Item, entry: Entry) -> None:
        if (entry.key, entry.fingerprint) != (item.key, item.fingerprint):
            raise JournalError(
                f"the journal {self._s.journal!r} was written for another batch: its input "
                f"{item.index} was {entry.key!r} with other create keywords; use a new journal"
            )

    def _spawn(self, item: Item, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work()` for `item`; made only once the worker runs, so a worker cancelled
        before its start leaves no coroutine unawaited."""
        live = self._live[item.index] = _Live(item)
        self._show()

        async def run() -> None:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except BaseException as error:  # a journal write failed, or a bug: end the batch
                self._halted = True
                await self._results.put(error)
            finally:
                self._capacity.release()
                _settle(live.seen)

        worker = asyncio.ensure_future(run())
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def _hand_over(self, result: TaskResult[Any]) -> None:
        self._live.pop(result.index, None)
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
        await self._results.put(result)

    # -- one input -----------------------------------------------------------------------------

    async def _launch(self, item: Item) -> None:
        live = self._live[item.index]
        body = self._tagged(item)
        while True:
            if self._journal is not None:
                self._journal.creating(item.index, item.key, item.fingerprint, _now())
            sent_at = self._clock.time()
            live.creating = asyncio.ensure_future(self._ops.create(body))
            try:
                # Shielded: winding down must still learn the id of a task this makes.
                created = await asyncio.shield(live.creating)
            except RateLimitError as error:  # no capacity: nothing was made
                self._forget(item)
                live.creating = None
                self._capacity.refused(error.retry_after, sent_at=sent_at)
                self._capacity.release()
                await self._capacity.acquire()
                continue
            except BrowserUseError as error:
                live.creating = None
                if isinstance(error, PaymentRequiredError | AuthenticationError):
                    self._refused = error  # so would every other create be
                await self._create_failed(item, error)
                return
            break
        self._capacity.accepted()
        live.task_id, live.creating = created.id, None
        if self._journal is not None:
            self._journal.running(item.index, created.id)
        await self._watch(item, created.id, first_wait=True)

    async def _create_failed(self, item: Item, error: BrowserUseError) -> None:
        if not may_have_created(error):
            self._forget(item)
            await self._hand_over(TaskResult(index=item.index, key=item.key, error=error))
            return
        note = (
            " The journal keeps it: resuming the batch looks for the task by its run tag "
            "before creating it again."
            if self._journal is not None
            else " A task it made may be running: look for it with tasks.list and stop it."
        )
        _noted(error, note)
        await self._hand_over(TaskResult(index=item.index, key=item.key, error=error))

    async def _watch(self, item: Item, task_id: uuid.UUID, *, first_wait: bool) -> None:
        self._live[item.index].task_id = task_id
        try:
            view = await self._until_ended(item, task_id, first_wait=first_wait)
        except _Stopped as stop:
            if stop.view is None or not is_final(stop.view.status):
                error = _stop_failed(task_id, stop.reason)
                await self._hand_over(
                    TaskResult(index=item.index, key=item.key, task_id=task_id, error=error)
                )
                return
            self._ended(item, stop.view, stop.reason)
            await self._hand_over(self._result(item, stop.view, stop.reason))
            return
        except BrowserUseError as error:  # it cannot be watched: not left running unseen
            await self._hand_over(await self._given_up(item, task_id, error))
            return
        self._ended(item, view, None)
        await self._hand_over(self._result(item, view, None))

    async def _given_up(
        self, item: Item, task_id: uuid.UUID, error: BrowserUseError
    ) -> TaskResult[Any]:
        """The result of a task the batch can no longer watch: stopped (unless `stop_on_exit`
        is off), or the task itself when the stop finds it ended."""
        note = " The task may still be running (stop_on_exit=False)."
        if isinstance(error, NotFoundError):  # the cloud does not know it: nothing to stop
            note = ""
        elif self._s.stop_on_exit:
            view = (await self._stop(item, task_id, "")).view
            if view is None or not is_final(view.status):
                note = f" The task may still be running: stop it with tasks.stop({str(task_id)!r})."
            elif view.status is TaskStatus.STOPPED:
                self._forget(item)  # as when the batch is left: a resume runs it again
                note = " The batch stopped the task."
            else:
                self._ended(item, view, None)
                return self._result(item, view, None)
        _noted(error, note)
        return TaskResult(index=item.index, key=item.key, task_id=task_id, error=error)

    async def _until_ended(self, item: Item, task_id: uuid.UUID, *, first_wait: bool) -> TaskView:
        """Poll on the shared budget until the task ends, or stop it when over its cost or
        time; the task as it ended."""
        started = self._clock.time()
        if first_wait:  # a task just created has not ended yet
            await self._clock.sleep(self._s.poll_interval)
        failures = 0
        self._pacer.watching += 1
        try:
            while True:
                await self._pacer.turn()
                try:
                    status = await self._ops.status(task_id)
                except RateLimitError as error:
                    self._pacer.throttled(error.retry_after)
                except (APIConnectionError, InternalServerError):
                    failures += 1
                    if failures >= POLL_FAILURES:
                        raise
                else:
                    failures = 0
                    self._pacer.answered()
                    self._track(item.index, status.cost)
                    if is_final(status.status):
                        break
                    _settle(self._live[item.index].seen)
                    limit = self._s.max_cost
                    if limit is not None and status.cost is not None and status.cost > limit:
                        raise await self._stop(item, task_id, f"cost:{limit}")
                timeout = self._s.timeout  # holds whether or not the poll was answered
                if timeout is not None and self._clock.time() - started >= timeout:
                    raise await self._stop(item, task_id, f"timeout:{timeout:g}")
        finally:
            self._pacer.watching -= 1
        return await self._ops.get(task_id)

    async def _stop(self, item: Item, task_id: uuid.UUID, reason: str) -> _Stopped:
        try:
            async with asyncio.timeout(WAIT_FOR_ANSWERS):
                view = await self._ops.stop(task_id, and_session=item.own_session)
        except (BrowserUseError, TimeoutError):
            return _Stopped(reason, None, False)
        return _Stopped(reason, view, True)

    def _ended(self, item: Item, view: TaskView, reason: str | None) -> None:
        self._spent += view.cost or 0
        self._costs.pop(item.index, None)
        if self._journal is not None:
            self._journal.done(item.index, to_json(view), reason)

    def _result(
        self, item: Item, view: TaskView, reason: str | None, *, resumed: bool = False
    ) -> TaskResult[Any]:
        """A task's result, the same whether it ended now or is read back from the journal."""
        error: BrowserUseError | None = None
        value: object = view
        why, _, limit = (reason or "").partition(":")  # as the journal keeps it
        if why == "cost":
            error = CostLimitExceededError(
                f"Task {view.id} cost ${view.cost}, more than max_cost ${limit}; it was stopped.",
                task=view,
                cost=view.cost or decimal.Decimal(0),
                max_cost=decimal.Decimal(limit),
                stopped=True,
            )
        elif why == "timeout":
            error = TaskTimeoutError(
                f"Task {view.id} ran past its timeout ({limit} s); it was stopped.",
                task_id=view.id,
                status=view.status,
                stopped=True,
            )
        elif (budget := self._s.max_cost) is not None and (view.cost or 0) > budget:
            error = CostLimitExceededError(  # it ended between two polls, over its budget
                f"Task {view.id} ended having cost ${view.cost}, more than max_cost ${budget}.",
                task=view,
                cost=view.cost or decimal.Decimal(0),
                max_cost=budget,
            )
        elif view.status is not TaskStatus.FINISHED:
            error = TaskFailedError(f"Task {view.id} ended {view.status}: {view.output}", task=view)
        elif self._s.structured is not None:
            try:
                value = self._s.structured(view)
            except TaskFailedError as failed:
                error = failed
        if error is not None:
            value = None
        return TaskResult(
            index=item.index,
            key=item.key,
            task_id=view.id,
            task=view,
            value=value,
            error=error,
            resumed=resumed,
        )

    def _not_started(self, item: Item) -> TaskResult[Any]:
        error: BrowserUseError
        budget, spent = self._s.max_total_cost, self._total()
        if self._refused is not None:
            why = f"the account refused an earlier create ({self._refused})"
            error = TaskFailedError(f"Not started: {why}.", task=None)
        else:
            assert budget is not None
            why = f"the batch has cost ${spent}, more than max_total_cost ${budget}"
            error = CostLimitExceededError(
                f"Not started: {why}.", task=None, cost=spent, max_cost=budget
            )
        return TaskResult(index=item.index, key=item.key, error=error)

    # -- what the batch knows ----------------------------------------------------------------

    def _tagged(self, item: Item) -> CreateTaskRequest:
        if self._journal is None:
            return item.body
        return tagged(item.body, f"{self._journal.batch_id}:{item.index}")

    def _forget(self, item: Item) -> None:
        if self._journal is not None:
            self._journal.forget(item.index)

    def _track(self, index: int, cost: decimal.Decimal | None) -> None:
        if cost is not None and cost != self._costs.get(index):
            self._costs[index] = cost
            self._show()

    def _total(self) -> decimal.Decimal:
        return self._spent + sum(self._costs.values(), decimal.Decimal(0))

    def _over_budget(self) -> bool:
        """No more tasks may start: the batch spent its budget, or the account cannot pay."""
        budget = self._s.max_total_cost
        return self._refused is not None or (budget is not None and self._total() > budget)

    def _show(self) -> None:
        if self._s.progress is not None:
            self._s.progress.update(self._counts())

    def _counts(self) -> BatchCounts:
        running = len(self._live)
        queued = (
            None if self._s.total is None else self._s.total - self.done - self.failed - running
        )
        return BatchCounts(
            done=self.done, failed=self.failed, running=running, queued=queued, cost=self._total()
        )

    async def _find_lost(self) -> None:
        """Creates whose answer never reached the journal, found by their run tag before any
        new create. One not found may still be in the making: it is looked for again until
        LOST_AFTER after it was sent (by the wall clock, or this process's, if sooner), then
        taken as never made, and sent again."""
        assert self._journal is not None
        lost = {e.index: e for e in self._entries.values() if e.state == "creating"}
        if not lost:
            return
        since = min(e.sent_at for e in lost.values() if e.sent_at is not None) - CLOCK_SKEW
        prefix = f"{self._journal.batch_id}:"
        give_up = self._clock.time() + LOST_AFTER  # whatever the wall clock says
        while True:
            async for task in self._ops.created_since(since):
                tag = task.metadata.get(RUN_TAG)
                if isinstance(tag, str) and tag.startswith(prefix):
                    number = tag.removeprefix(prefix)
                    index = int(number) if number.isdigit() else -1
                    if index in lost:
                        self._found[index] = task.id
            ages = [
                (_now() - entry.sent_at).total_seconds()
                for index, entry in lost.items()
                if index not in self._found and entry.sent_at is not None
            ]
            left = min(LOST_AFTER - min(ages, default=LOST_AFTER), give_up - self._clock.time())
            if left <= 0:
                return
            await self._clock.sleep(min(LOOK_AGAIN, left))

    async def _read_account(self) -> None:
        account = await self._ops.account()
        free = account.concurrent_session_limit - account.active_session_count
        self._capacity.resize(free, account.concurrent_session_limit)

    async def _follow_account(self) -> None:
        """Read the account every ACCOUNT_EVERY seconds, or every FULL_EVERY while the batch
        uses all its slots and the account has more sessions: a batch held back by others
        grows as they let theirs go, without sending creates to find out."""
        last = self._clock.time()
        while True:
            await self._clock.sleep(FULL_EVERY)
            if not self._capacity.wants_more and self._clock.time() - last < ACCOUNT_EVERY:
                continue
            last = self._clock.time()
            try:
                await self._read_account()
            except BrowserUseError as error:  # keep the limit it has
                logger.info("Could not read the account's free sessions: %s", error)

    # -- the way out ---------------------------------------------------------------------------

    async def _wind_down(self) -> None:
        """Stop every task the batch started that is still running (unless `stop_on_exit` is
        off), bounded, and say how many."""
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        try:
            live = list(self._live.values())
            if not live:
                return
            unknown = await self._learn_ids(live)
            running = [entry for entry in live if entry.task_id is not None]
            if not running and not unknown:
                return  # nothing was made that could still run
            if not self._s.stop_on_exit:
                logger.warning("The batch ended early and left %d tasks running.", len(running))
                return
            stopped, ended = await self._stop_all(running)
            message = (
                f"The batch ended early: stopped {stopped} of its {len(running)} running tasks"
            )
            if ended:
                message += f"; {ended} had ended by then"
            if stopped + ended < len(running):
                message += "; the others may still be running (a journal keeps their ids)"
            if unknown:
                message += f"; {unknown} creates got no answer"
            logger.warning(message + ".")
        finally:
            if self._s.progress is not None:
                self._s.progress.finish(self._counts())
            if self._journal is not None:
                self._journal.close()

    async def _learn_ids(self, live: list[_Live]) -> int:
        """Wait a little for the answers of creates in flight: the ids of tasks they made;
        how many got no answer (or one that leaves it open), whose tasks may be running."""
        pending = [entry.creating for entry in live if entry.creating is not None]
        if pending:
            await asyncio.wait(pending, timeout=WAIT_FOR_ANSWERS)
        unknown = 0
        for entry in live:
            creating = entry.creating
            if creating is None:  # not sent, or refused for capacity and not sent again yet
                continue
            if not creating.done() or creating.cancelled():
                creating.cancel()
                unknown += 1
            elif (error := creating.exception()) is None:
                entry.task_id = creating.result().id
                if self._journal is not None:
                    self._journal.running(entry.item.index, entry.task_id)
            elif isinstance(error, BrowserUseError) and not may_have_created(error):
                self._forget(entry.item)  # refused (a 429 too): nothing was made
            else:
                unknown += 1
        return unknown

    async def _stop_all(self, running: list[_Live]) -> tuple[int, int]:
        """Stop each task, a few at a time, all within STOP_WITHIN: how many were stopped, and
        how many had ended by then. The journal forgets those stopped, so a resume runs them
        again, and keeps those that ended as done."""
        gate = asyncio.Semaphore(STOPS_AT_ONCE)
        stopped = ended = 0

        async def stop(entry: _Live) -> None:
            nonlocal stopped, ended
            assert entry.task_id is not None
            async with gate:
                try:
                    view = await self._ops.stop(entry.task_id, and_session=entry.item.own_session)
                except BrowserUseError:
                    return
            if view.status == TaskStatus.STOPPED:
                stopped += 1
                self._forget(entry.item)
            else:
                ended += 1
                if self._journal is not None:
                    self._journal.done(entry.item.index, to_json(view), None)

        stops = [asyncio.ensure_future(stop(entry)) for entry in running]
        if stops:
            await asyncio.wait(stops, timeout=STOP_WITHIN)
        for late in stops:
            late.cancel()
        return stopped, ended


def _settle(future: "asyncio.Future[None]") -> None:
    if not future.done():
        future.set_result(None)


def _noted(error: BrowserUseError, note: str) -> None:
    """Add `note` to what `error` says."""
    if isinstance(error, APIError):  # its message is what str() shows
        error.message += note
        error.args = (error.message,)
    else:
        error.args = (f"{error}{note}",)


def _stop_failed(task_id: uuid.UUID, reason: str) -> BrowserUseError:
    why, _, limit = reason.partition(":")
    message = (
        f"Task {task_id} had to be stopped (it ran past its {why} of {limit}), but the stop "
        f"failed: it may still be running; stop it with tasks.stop({str(task_id)!r})."
    )
    if why == "cost":
        cost = decimal.Decimal(limit)
        return CostLimitExceededError(message, task=None, cost=cost, max_cost=cost, stopped=False)
    return TaskTimeoutError(message, task_id=task_id, status="started", stopped=False)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_batch(
    ops: TaskOps, items: Iterable[Item | BadItem], settings: Settings, clock: Clock
) -> AsyncGenerator[TaskResult[Any]]:
    """Each input's result as its task ends (see `tasks.run_many`)."""
    return _Batch(ops, items, settings, clock).results()
