"""Markdown tables from `run.measure`'s results, and the README section they go into."""

import datetime as dt
import functools
import importlib.metadata
import os
import platform
import statistics
from collections.abc import Callable
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

    def cpu(self, key: str, steps: int, concurrency: int) -> float | None:
        values = self.results["cpu"].get(f"{key}/{steps}/{concurrency}")
        return _median(values) if values else None

    def latency(self, key: str, steps: int, which: str) -> float | None:
        values = self.results["latency"].get(f"{key}/{steps}", {}).get(which)
        return _median(values) if values else None

    def parse(self, name: str, steps: int) -> float | None:
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
) -> list[str]:
    lines = [
        "| client | " + " | ".join(title for title, _ in columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for key, info in figures.impls.items():
        if info.get("diagnostic") and not diagnostic:
            continue
        missing = figures.missing(key)
        if missing:
            lines.append(f"| {figures.label(key)} |" + f" {missing} |" * len(columns))
            continue
        official = OFFICIAL[info["kind"]]
        cells = [
            _cell(
                get(key),
                get(FLOOR),
                get(official),
                scale,
                digits,
                is_floor=key == FLOOR,
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


def targets(figures: Figures) -> list[str]:
    lines = [
        "| target | measured | verdict |",
        "| --- | --- | --- |",
    ]
    settings = figures.results["settings"]
    for steps in settings["step_counts"]:
        limit = ASYNC_CPU_LIMIT.get(steps, max(ASYNC_CPU_LIMIT.values()))
        for c in settings["concurrencies"]:
            ratio = _ratio(figures.cpu("ours_async", steps, c), figures.cpu(FLOOR, steps, c))
            lines.append(
                _target(
                    f"CPU per stop, C={c}, {steps} steps: async <= {limit}x floor", ratio, limit
                )
            )
    for steps in settings["step_counts"]:
        if figures.missing("ours_sync"):
            lines.append(f"| sync, {steps} steps | — | {figures.missing('ours_sync')} |")
            continue
        p50 = figures.latency("ours_sync", steps, "p50")
        lines.append(
            _target(
                f"sync p50, {steps} steps: <= {SYNC_P50_FLOOR_LIMIT}x floor (async) p50",
                _ratio(p50, figures.latency(FLOOR, steps, "p50")),
                SYNC_P50_FLOOR_LIMIT,
            )
        )
        lines.append(
            _target(
                f"sync p50, {steps} steps: <= {SYNC_P50_OFFICIAL_LIMIT}x official sync",
                _ratio(p50, figures.latency("official_sync", steps, "p50")),
                SYNC_P50_OFFICIAL_LIMIT,
            )
        )
        if SYNC_THREADS in settings["concurrencies"]:
            ratio = _ratio(
                figures.cpu("ours_sync", steps, SYNC_THREADS),
                figures.cpu("official_sync", steps, SYNC_THREADS),
            )
            lines.append(
                _target(
                    f"sync CPU per stop, {SYNC_THREADS} threads, {steps} steps: "
                    f"<= {SYNC_THREADS_CPU_LIMIT}x official sync",
                    ratio,
                    SYNC_THREADS_CPU_LIMIT,
                )
            )
    steps = max(settings["step_counts"])
    ratio = _ratio(figures.parse("ours", steps), figures.parse("official", steps))
    lines.append(
        _target(f"parse a {steps}-step TaskView: <= {PARSE_LIMIT}x official", ratio, PARSE_LIMIT)
    )
    for kind, ours in (("async", "ours_async"), ("sync", "ours_sync")):
        if figures.missing(ours):
            lines.append(f"| import ({kind}): <= official | — | not built yet |")
            continue
        for table, what in (("import", "import"), ("cold_start", "cold start to first stop")):
            ratio = _ratio(figures.single(table, ours), figures.single(table, OFFICIAL[kind]))
            lines.append(_target(f"{what} ({kind}): <= official", ratio, 1.0))
    return lines


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
    columns: list[tuple[str, Callable[[str], float | None]]] = [
        (f"C={c}, {n} steps", functools.partial(figures.cpu, steps=n, concurrency=c))
        for n in steps_list
        for c in settings["concurrencies"]
    ]
    lines += _client_table(figures, columns, 1000, 0)
    lines += [
        "",
        f"### Sequential latency of one stop (µs; {settings['latency_calls']} calls a repeat)",
        "",
    ]
    columns = [
        (f"{which}, {n} steps", functools.partial(figures.latency, steps=n, which=which))
        for n in steps_list
        for which in ("p50", "p99")
    ]
    lines += _client_table(figures, columns, 1e6, 0)
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
        "| parser | " + " | ".join(f"{n} steps" for n in steps_list) + " |",
        "| --- |" + " --- |" * len(steps_list),
    ]
    for name, label in (
        ("ours", "browser-use-async `_codec.decode`"),
        ("floor", "floor: `orjson.loads`"),
        ("official", "browser-use-sdk: `json.loads` + `model_validate`"),
        ("official_json", "pydantic `model_validate_json` (reference)"),
    ):
        cells: list[str] = []
        for n in steps_list:
            value = figures.parse(name, n)
            cell = "—" if value is None else f"{value * 1e6:.1f}"
            if name != "official" and value is not None:
                cell += f" ({_fmt_ratio(_ratio(value, figures.parse('official', n)))} official)"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
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
    columns = [
        ("import (ms)", lambda key: figures.single("import", key)),
        ("cold start to first stop (ms)", lambda key: figures.single("cold_start", key)),
    ]
    lines += _client_table(figures, columns, 1000, 0, diagnostic=False)
    lines += [""]
    columns = [
        ("peak RSS (MiB)", lambda key: figures.single("memory", key, "peak_mib")),
        ("growth over one stop (MiB)", lambda key: figures.single("memory", key, "growth_mib")),
    ]
    lines += _client_table(figures, columns, 1, 1, diagnostic=False)
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
