"""What the `browser-use-async` commands print: the API's JSON, or readable lines."""

import datetime as dt
import decimal
import re

import attrs

from browser_use_async._codec import to_json
from browser_use_async.models.billing import AccountView
from browser_use_async.models.browsers import (
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionView,
)
from browser_use_async.models.sessions import SessionItemView, SessionListResponse, SessionView
from browser_use_async.models.tasks import (
    TaskCreatedResponse,
    TaskItemView,
    TaskListResponse,
    TaskView,
)

__all__ = ["Result", "Stopped", "fields", "format_task", "render", "shown", "usd", "when"]

# C0 and C1 controls, DEL, line and paragraph separators and the bidirectional overrides
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def shown(value: object) -> str:
    """`value` as text safe to print on a terminal: a prompt, step or server message can hold
    escape sequences (that retitle the window, clear the screen, fake a line) or a newline, so
    each control character is printed escaped, as `repr` would (`\\x1b`, `\\n`)."""
    return _UNSAFE.sub(lambda found: repr(found[0])[1:-1], str(value))


@attrs.frozen
class Stopped:
    """What `sessions stop` or `browsers stop` did: the `view` after it, and whether it was
    still running (False: it had already stopped and no stop was sent)."""

    noun: str
    view: SessionView | BrowserSessionView
    was_running: bool


Page = TaskListResponse | SessionListResponse | BrowserSessionListResponse
Result = (
    TaskView | TaskCreatedResponse | SessionView | BrowserSessionView | AccountView | Stopped | Page
)


def when(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else "-"


def usd(amount: decimal.Decimal | None) -> str:
    return "-" if amount is None else f"${amount}"


def fields(*pairs: tuple[str, object]) -> list[str]:
    return [f"{label:<9} {'-' if value is None else shown(value)}" for label, value in pairs]


def format_task(task: TaskView) -> str:
    """A task as a few readable lines: status, times, cost and its steps."""
    lines = fields(
        ("task", task.id),
        ("session", task.session_id),
        ("prompt", task.task),
        ("status", task.status),
        ("created", when(task.created_at)),
        ("started", when(task.started_at)),
        ("finished", when(task.finished_at)),
        ("cost", usd(task.cost)),
        ("steps", len(task.steps)),
    )
    lines += [
        f"  {step.number:>3}. {shown(step.next_goal)}  ({shown(step.url)})" for step in task.steps
    ]
    if task.output is not None:
        lines.append(f"output    {shown(task.output)}")
    return "\n".join(lines)


def _item(item: TaskItemView | SessionItemView | BrowserSessionItemView) -> str:
    """One line of a list: id, status, when it started, what it cost, and for a task its
    prompt."""
    head = f"{item.id}  {item.status!s:<8} {when(item.started_at):<25}"
    if isinstance(item, TaskItemView):
        return f"{head} {usd(item.cost):<8} {shown(item.task[:60])}"
    if isinstance(item, BrowserSessionItemView):
        return f"{head} browser {usd(item.browser_cost)}  proxy {usd(item.proxy_cost)}"
    return f"{head} proxy {usd(item.proxy_cost)}"


def _session(session: SessionView) -> str:
    lines = fields(
        ("session", session.id),
        ("status", session.status),
        ("started", when(session.started_at)),
        ("finished", when(session.finished_at)),
        ("proxy", f"{session.proxy_used_mb} MB, {usd(session.proxy_cost)}"),
        ("live", session.live_url),
        ("recording", session.recording_url),
        ("share", session.public_share_url),
        ("tasks", len(session.tasks)),
    )
    return "\n".join([*lines, *(f"  {_item(task)}" for task in session.tasks)])


def _browser(browser: BrowserSessionView) -> str:
    labels = ", ".join(f"{key}={value}" for key, value in browser.metadata.items())
    return "\n".join(
        fields(
            ("browser", browser.id),
            ("status", browser.status),
            ("started", when(browser.started_at)),
            ("finished", when(browser.finished_at)),
            ("timeout", when(browser.timeout_at)),
            ("cost", f"{usd(browser.browser_cost)} (proxy {usd(browser.proxy_cost)})"),
            ("live", browser.live_url),
            ("cdp", browser.cdp_url),
            ("recording", browser.recording_url),
            ("agent", browser.agent_session_id),
            ("metadata", labels or None),
        )
    )


def _account(account: AccountView) -> str:
    monthly, extra = account.monthly_credits_balance_usd, account.additional_credits_balance_usd
    return "\n".join(
        fields(
            ("account", account.name),
            ("plan", account.plan_info.plan_name),
            (
                "credits",
                f"{usd(account.total_credits_balance_usd)} "
                f"(monthly {usd(monthly)}, additional {usd(extra)})",
            ),
            (
                "sessions",
                f"{account.active_session_count} of "
                f"{account.concurrent_session_limit} concurrent sessions in use",
            ),
            ("rate", f"limit {account.rate_limit}"),
        )
    )


def render(result: Result, as_json: bool) -> str:
    """What a command prints: JSON in the wire's shape (a list: its page), or readable lines."""
    if as_json:
        return to_json(result.view if isinstance(result, Stopped) else result).decode()
    match result:
        case TaskView():
            return format_task(result)
        case SessionView():
            return _session(result)
        case BrowserSessionView():
            return _browser(result)
        case AccountView():
            return _account(result)
        case Stopped(noun=noun, view=view, was_running=True):
            return f"stopped {noun} {view.id}"
        case Stopped(noun=noun, view=view):
            return f"{noun} {view.id} was already stopped (at {when(view.finished_at)})"
        case TaskCreatedResponse():
            return f"created task {result.id} in session {result.session_id}"
        case _:
            lines = [_item(item) for item in result.items]
            return "\n".join([*lines, f"({len(lines)} of {result.total_items})"])
