"""Markdown tables from `run.measure`'s results, and the README section they go into."""

import datetime as dt
import functools
import importlib.metadata
import os
import platform
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"

FLOOR = "floor"
OFFICIAL = {"async": "official_async", "sync": "official_sync"}
PACKAGES = [
    "browser-use-async",
    "browser-use-sdk",
    "aiohttp",
    "orjson",
    "attrs",
    "cattrs",
    "httpx",
    "pydantic",
    "pydantic-core",
]


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(info.readline().split()[1])
        return f"{kib / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown memory"


def machine() -> str:
    versions: list[str] = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_memory_gib()}; "
        f"{platform.system()} {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}.\n"
        f"Versions: {', '.join(versions)}."
    )


class Figures:
    """Medians over the repeats, and ratios between clients."""

    def __init__(self, results: dict[str, Any]) -> None:
        self.results = results
        self.impls: dict[str, dict[str, Any]] = results["implementations"]

    def label(self, key: str) -> str:
        return str(self.impls[key]["label"])

    def missing(self, key: str) -> str | None:
        missing = self.impls[key]["missing"]
        return None if missing is None else str(missing)

    def cpu(self, key: str, steps: int | str, concurrency: int) -> float | None:
        values = self.results["cpu"].get(f"{key}/{steps}/{concurrency}")
        return _median(values) if values else None

    def latency(self, key: str, steps: int | str, which: str) -> float | None:
        values = self.results["latency"].get(f"{key}/{steps}", {}).get(which)
        return _median(values) if values else None

    def parse(self, name: str, steps: int | str) -> float | None:
        values = self.results["parse"].get(f"{name}/{steps}")
        return _median(values) if values else None

    def single(self, table: str, key: str, field: str | None = None) -> float | None:
        values = self.results[table].get(key)
        if values is not None and field is not None:
            values = values.get(field)
        return _median(values) if values else None


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or reference is None or reference == 0:
        return None
    return value / reference


def _fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}x"


def _cell(
    value: float | None,
    floor: float | None,
    official: float | None,
    scale: float,
    digits: int,
    *,
    is_floor: bool,
    is_official: bool,
) -> str:
    if value is None:
        return "—"
    parts = [f"{value * scale:.{digits}f}"]
    if not is_floor:
        parts.append(f"{_fmt_ratio(_ratio(value, floor))} floor")
    if not is_official:
        parts.append(f"{_fmt_ratio(_ratio(value, official))} official")
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def _client_table(
    figures: Figures,
    columns: list[tuple[str, Callable[[str], float | None]]],
    scale: float,
    digits: int,
    *,
    diagnostic: bool = True,
    api: "Api | None" = None,
) -> list[str]:
    """A row for each client of `api` (v2's by default), each cell with its ratios to the
    floor and to the official client of its kind."""
    api = api or V2
    lines = [
        "| client | " + " | ".join(title for title, _ in columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for key, info in figures.impls.items():
        if (info.get("diagnostic") and not diagnostic) or info.get("api", "v2") != api.name:
            continue
        missing = figures.missing(key)
        if missing:
            lines.append(f"| {figures.label(key)} |" + f" {missing} |" * len(columns))
            continue
        official = api.official[info["kind"]]
        cells = [
            _cell(
                get(key),
                get(api.floor),
                get(official),
                scale,
                digits,
                is_floor=key == api.floor,
                is_official=key == official,
            )
            for _, get in columns
        ]
        lines.append(f"| {figures.label(key)} | " + " | ".join(cells) + " |")
    return lines


def _check(ratio: float | None, limit: float) -> str:
    if ratio is None:
        return "not measured"
    if ratio <= limit:
        return "**met**"
    return f"**missed** by {ratio / limit - 1:.0%}"


# Issue 15's targets: (steps -> async CPU limit over the floor), sync limits, parse, import.
ASYNC_CPU_LIMIT = {10: 1.4, 100: 1.5}
SYNC_P50_FLOOR_LIMIT = 1.5
SYNC_P50_OFFICIAL_LIMIT = 0.6
SYNC_THREADS = 16
SYNC_THREADS_CPU_LIMIT = 0.5
PARSE_LIMIT = 0.6


def _target(text: str, ratio: float | None, limit: float) -> str:
    return f"| {text} | {_fmt_ratio(ratio)} | {_check(ratio, limit)} |"


@dataclass(frozen=True)
class Api:
    """An API's rows: its clients by role, and what each of its workloads is called."""

    name: str
    ours: dict[str, str]
    floor: str
    official: dict[str, str]
    work: dict[str, str]
    """Workload key -> how the targets name a call of it ("stop, C=1, 10 steps" style)."""


V2 = Api(
    "v2",
    {"async": "ours_async", "sync": "ours_sync"},
    FLOOR,
    OFFICIAL,
    {},  # by step count, from the settings
)
V4 = Api(
    "v4",
    {"async": "ours_v4_async", "sync": "ours_v4_sync"},
    "floor_v4",
    {"async": "official_v4_async", "sync": "official_v4_sync"},
    {"cancel": "`runs.cancel`", "status": "`runs.status`"},
)
V4_CPU_LIMIT = ASYNC_CPU_LIMIT[10]
"""A run's answers are small (a RunSummary, a status): the limit of a 10-step task's."""


def _cpu_targets(figures: Figures, api: Api, keys: list[tuple[str, str, float]]) -> list[str]:
    """Async CPU per call against the floor: `keys` are (workload, how it is named, limit)."""
    lines: list[str] = []
    missing = figures.missing(api.ours["async"])
    for key, named, limit in keys:
        for c in figures.results["settings"]["concurrencies"]:
            if missing:
                lines.append(f"| {named.format(c=c, limit=limit)} | — | {missing} |")
                continue
            ratio = _ratio(figures.cpu(api.ours["async"], key, c), figures.cpu(api.floor, key, c))
            lines.append(_target(named.format(c=c, limit=limit), ratio, limit))
    return lines


def _sync_targets(figures: Figures, api: Api, keys: list[tuple[str, str]]) -> list[str]:
    """The sync client's p50 against the floor and the official one, and its CPU on
    threads; `keys` are (workload, how it is named)."""
    ours, official = api.ours["sync"], api.official["sync"]
    lines: list[str] = []
    for key, named in keys:
        if figures.missing(ours):
            lines.append(f"| sync, {named} | — | {figures.missing(ours)} |")
            continue
        p50 = figures.latency(ours, key, "p50")
        lines.append(
            _target(
                f"sync p50, {named}: <= {SYNC_P50_FLOOR_LIMIT}x floor (async) p50",
                _ratio(p50, figures.latency(api.floor, key, "p50")),
                SYNC_P50_FLOOR_LIMIT,
            )
        )
        lines.append(
            _target(
                f"sync p50, {named}: <= {SYNC_P50_OFFICIAL_LIMIT}x official sync",
                _ratio(p50, figures.latency(official, key, "p50")),
                SYNC_P50_OFFICIAL_LIMIT,
            )
        )
        if SYNC_THREADS in figures.results["settings"]["concurrencies"]:
            ratio = _ratio(
                figures.cpu(ours, key, SYNC_THREADS), figures.cpu(official, key, SYNC_THREADS)
            )
            lines.append(
                _target(
                    f"sync CPU per {'stop' if api is V2 else 'call'}, {SYNC_THREADS} threads, "
                    f"{named}: <= {SYNC_THREADS_CPU_LIMIT}x official sync",
                    ratio,
                    SYNC_THREADS_CPU_LIMIT,
                )
            )
    return lines


def _process_targets(figures: Figures, api: Api, first: str) -> list[str]:
    """Import and cold start (to the `first` call) of each of our clients, against the
    official one of its kind."""
    lines: list[str] = []
    for kind, ours in api.ours.items():
        if figures.missing(ours):
            lines.append(f"| import ({kind}): <= official | — | not built yet |")
            continue
        for table, what in (("import", "import"), ("cold_start", f"cold start to first {first}")):
            ratio = _ratio(figures.single(table, ours), figures.single(table, api.official[kind]))
            lines.append(_target(f"{what} ({kind}): <= official", ratio, 1.0))
    return lines


def _parse_target(figures: Figures, key: str, what: str) -> str:
    ratio = _ratio(figures.parse("ours", key), figures.parse("official", key))
    return _target(f"parse {what}: <= {PARSE_LIMIT}x official", ratio, PARSE_LIMIT)


TARGETS_HEAD = ["| target | measured | verdict |", "| --- | --- | --- |"]


def targets(figures: Figures) -> list[str]:
    """v2's targets: `tasks.stop` of each step count."""
    step_counts: list[int] = figures.results["settings"]["step_counts"]
    cpu = [
        (
            str(n),
            f"CPU per stop, C={{c}}, {n} steps: async <= {{limit}}x floor",
            ASYNC_CPU_LIMIT.get(n, max(ASYNC_CPU_LIMIT.values())),
        )
        for n in step_counts
    ]
    steps = max(step_counts)
    return [
        *TARGETS_HEAD,
        *_cpu_targets(figures, V2, cpu),
        *_sync_targets(figures, V2, [(str(n), f"{n} steps") for n in step_counts]),
        _parse_target(figures, str(steps), f"a {steps}-step TaskView"),
        *_process_targets(figures, V2, "stop"),
    ]


def v4_targets(figures: Figures) -> list[str]:
    """v4's targets, v2's limits: `runs.cancel` and `runs.status`."""
    cpu = [
        (key, f"CPU per {named}, C={{c}}: async <= {{limit}}x floor", V4_CPU_LIMIT)
        for key, named in V4.work.items()
    ]
    return [
        *TARGETS_HEAD,
        *_cpu_targets(figures, V4, cpu),
        *_sync_targets(figures, V4, list(V4.work.items())),
        _parse_target(figures, "cancel", "a RunSummary"),
        _parse_target(figures, "status", "a RunStatusResponse"),
        *_process_targets(figures, V4, "cancel"),
    ]


def render(results: dict[str, Any], command: str) -> str:
    figures = Figures(results)
    settings = results["settings"]
    steps_list: list[int] = settings["step_counts"]
    lines = [
        START,
        f"Measured {dt.date.today().isoformat()} with `{command}` on: {machine()}",
        "",
        f"Medians of {settings['repeats']} interleaved repeats. Ratios: to the floor "
        "(hand-written aiohttp + orjson, untyped, no retries) and to the official client of "
        "the same kind (async to `AsyncBrowserUse`, sync to `BrowserUse`); lower is better.",
        "",
        "### Targets",
        "",
        *targets(figures),
        "",
        f"### Client CPU per 1000 `tasks.stop` calls (ms; {settings['calls']} calls a repeat)",
        "",
        "Sync clients run on C threads sharing one client. The diagnostic row is our async "
        "client with its response decoding swapped for `orjson.loads` during its measurements: "
        "the rest of the client (request building, retry loop, transport) without the typed "
        "`TaskView`.",
        "",
    ]
    work = [(str(n), f"{n} steps") for n in steps_list]
    lines += _client_table(figures, _cpu_columns(figures, work), 1000, 0)
    lines += [
        "",
        f"### Sequential latency of one stop (µs; {settings['latency_calls']} calls a repeat)",
        "",
    ]
    lines += _client_table(figures, _latency_columns(figures, work), 1e6, 0)
    lines += [
        "",
        "### Turning the bytes of a TaskView into the result (µs per parse)",
        "",
        "What each stop call does with the body: ours `_codec.decode` into the typed "
        "`TaskView`; the floor `orjson.loads` (untyped); the official SDK `json.loads` then "
        "`TaskView.model_validate` (httpx's `response.json()`, then pydantic). "
        "`model_validate_json` is pydantic's one-step path, which the official SDK does not "
        "use, shown for reference.",
        "",
    ]
    lines += _parse_table(figures, [(str(n), f"{n} steps") for n in steps_list])
    lines += [
        "",
        f"### Fresh processes (medians of {settings['process_runs']} processes; memory of "
        f"{settings['memory_runs']})",
        "",
        "Import: the client's import statement alone, timed inside the process. Cold start: "
        "from spawning the interpreter to the first completed stop (10 steps). Memory: max "
        f"RSS after {settings['memory_calls']} stops of {max(steps_list)} steps at "
        f"C={settings['memory_concurrency']}, and its growth over the RSS after one stop.",
        "",
    ]
    lines += _client_table(figures, _process_columns(figures, "stop"), 1000, 0, diagnostic=False)
    lines += [""]
    columns: list[Column] = [
        ("peak RSS (MiB)", lambda key: figures.single("memory", key, "peak_mib")),
        ("growth over one stop (MiB)", lambda key: figures.single("memory", key, "growth_mib")),
    ]
    lines += _client_table(figures, columns, 1, 1, diagnostic=False)
    lines += _v4_section(figures)
    failures: dict[str, list[str]] = results.get("failures", {})
    if failures:
        lines += ["", "### Errors during this run", ""]
        lines += [
            f"- {figures.label(key)}: {len(errors)} measurement(s) raised and were measured "
            f"again: {'; '.join(sorted(set(errors)))}"
            for key, errors in failures.items()
        ]
    lines += ["", END]
    return "\n".join(lines)


Column = tuple[str, Callable[[str], float | None]]
"""A table's column: its title, and its figure for a client's key."""


def _cpu_columns(figures: Figures, work: list[tuple[str, str]]) -> list[Column]:
    """CPU per call at each concurrency, for each of `work` (its key, its title)."""
    concurrencies: list[int] = figures.results["settings"]["concurrencies"]
    return [
        (f"C={c}, {title}", functools.partial(figures.cpu, steps=key, concurrency=c))
        for key, title in work
        for c in concurrencies
    ]


def _latency_columns(figures: Figures, work: list[tuple[str, str]]) -> list[Column]:
    """p50 and p99 of a sequential call, for each of `work` (its key, its title)."""
    return [
        (f"{which}, {title}", functools.partial(figures.latency, steps=key, which=which))
        for key, title in work
        for which in ("p50", "p99")
    ]


def _process_columns(figures: Figures, first: str) -> list[Column]:
    """Import time, and cold start to the `first` call."""
    return [
        ("import (ms)", lambda key: figures.single("import", key)),
        (f"cold start to first {first} (ms)", lambda key: figures.single("cold_start", key)),
    ]


PARSERS = (
    ("ours", "browser-use-async `_codec.decode`"),
    ("floor", "floor: `orjson.loads`"),
    ("official", "browser-use-sdk: `json.loads` + `model_validate`"),
    ("official_json", "pydantic `model_validate_json` (reference)"),
)


def _parse_table(figures: Figures, columns: list[tuple[str, str]]) -> list[str]:
    """Seconds per parse of each body (`columns`: its key, its title), and the ratios to the
    official SDK's."""
    lines = [
        "| parser | " + " | ".join(title for _, title in columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for name, label in PARSERS:
        cells: list[str] = []
        for key, _ in columns:
            value = figures.parse(name, key)
            cell = "—" if value is None else f"{value * 1e6:.1f}"
            if name != "official" and value is not None:
                cell += f" ({_fmt_ratio(_ratio(value, figures.parse('official', key)))} official)"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _v4_section(figures: Figures) -> list[str]:
    """API v4's tables: `runs.cancel` and `runs.status`, measured as `tasks.stop` is (none
    for figures from before v4 was measured)."""
    if V4.floor not in figures.impls:
        return []
    settings = figures.results["settings"]
    lines = [
        "",
        "### API v4: `runs.cancel` and `runs.status`",
        "",
        "The same server (its v4 port), calls, concurrencies, repeats and rotation as "
        "`tasks.stop`: `runs.cancel(run_id)` is a `POST /runs/{id}/cancel` answered with a "
        "cancelled RunSummary, `runs.status(run_id)` a `GET /runs/{id}/status` answered with "
        '`{"status":"running"}`. Ratios: to the floor (aiohttp + orjson by hand) and to '
        "`browser_use_sdk.v4`'s client of the same kind; the limits are v2's (a 10-step "
        "task's for CPU).",
        "",
        *v4_targets(figures),
        "",
        f"#### Client CPU per 1000 v4 calls (ms; {settings['calls']} calls a repeat)",
        "",
    ]
    work = list(V4.work.items())
    lines += _client_table(figures, _cpu_columns(figures, work), 1000, 0, api=V4)
    lines += [
        "",
        f"#### Sequential latency of one v4 call (µs; {settings['latency_calls']} calls a repeat)",
        "",
    ]
    lines += _client_table(figures, _latency_columns(figures, work), 1e6, 0, api=V4)
    lines += ["", "#### Turning the bytes of a v4 answer into the result (µs per parse)", ""]
    lines += _parse_table(figures, [("cancel", "RunSummary"), ("status", "RunStatusResponse")])
    lines += [
        "",
        f"#### v4 fresh processes (medians of {settings['process_runs']} processes)",
        "",
    ]
    return lines + _client_table(figures, _process_columns(figures, "cancel"), 1000, 0, api=V4)


def update_readme(path: str, section: str, start: str = START, end: str = END) -> None:
    """Replace a generated section of the README (between its markers), keeping the rest."""
    with open(path, encoding="utf-8") as readme:
        text = readme.read()
    head, found, rest = text.partition(start)
    _, found_end, tail = rest.partition(end)
    if not found or not found_end:
        raise RuntimeError(f"{path} lacks the {start} ... {end} markers")
    with open(path, "w", encoding="utf-8") as readme:
        readme.write(head + section + tail)
