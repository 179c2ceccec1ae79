"""The benchmarks' report: tables and targets from raw figures, and the README section."""

from pathlib import Path
from typing import Any

import pytest

from benchmarks.report import END, START, render, update_readme

KEYS = {
    "ours_async": "async",
    "ours_sync": "sync",
    "ours_untyped": "async",
    "floor": "async",
    "official_async": "async",
    "official_sync": "sync",
}
CPU_MS = {"ours_async": 150, "ours_sync": 400, "ours_untyped": 110, "floor": 100}


def _results(*, sync_built: bool) -> dict[str, Any]:
    measured = [k for k in KEYS if sync_built or k != "ours_sync"]
    fresh = [k for k in measured if k != "ours_untyped"]
    steps, concurrencies = [10, 100], [1, 16, 64]
    return {
        "settings": {
            "repeats": 2,
            "calls": 1000,
            "concurrencies": concurrencies,
            "step_counts": steps,
            "latency_calls": 1000,
            "process_runs": 3,
            "memory_runs": 1,
            "memory_concurrency": 256,
            "memory_calls": 1024,
        },
        "implementations": {
            key: {
                "label": key,
                "kind": kind,
                "missing": None if key in measured else "not built yet",
                "diagnostic": key == "ours_untyped",
            }
            for key, kind in KEYS.items()
        },
        "cpu": {
            f"{k}/{n}/{c}": [CPU_MS.get(k, 1000) / 1000] * 2
            for k in measured
            for n in steps
            for c in concurrencies
        },
        "latency": {
            f"{k}/{n}": {"p50": [0.0002, 0.0004], "p99": [0.001, 0.001]}
            for k in measured
            for n in steps
        },
        "parse": {f"{p}/{n}": [0.0001] for p in ("ours", "floor", "official") for n in steps},
        "import": {k: [0.2] for k in fresh},
        "cold_start": {k: [0.25 if k.startswith("ours") else 0.3] for k in fresh},
        "memory": {k: {"peak_mib": [70.0], "growth_mib": [30.0]} for k in fresh},
        "failures": {"official_sync": ["httpx.ReadError(9)"]},
    }


def test_targets_and_tables_without_the_sync_client() -> None:
    text = render(_results(sync_built=False), "make bench")
    assert text.startswith(START)
    assert text.endswith(END)
    assert "| CPU per stop, C=1, 10 steps: async <= 1.4x floor | 1.50x | **missed** by 7% |" in text
    assert "| CPU per stop, C=64, 100 steps: async <= 1.5x floor | 1.50x | **met** |" in text
    assert "| parse a 100-step TaskView: <= 0.6x official | 1.00x | **missed** by 67% |" in text
    assert "| import (async): <= official | 1.00x | **met** |" in text
    assert "| sync, 10 steps | — | not built yet |" in text
    assert "| ours_sync | not built yet | not built yet |" in text
    assert "cold start to first stop (async): <= official | 0.83x | **met** |" in text
    assert "official_sync: 1 measurement(s) raised" in text


def test_sync_targets_once_the_sync_client_exists() -> None:
    text = render(_results(sync_built=True), "make bench")
    assert "| sync p50, 10 steps: <= 1.5x floor (async) p50 | 1.00x | **met** |" in text
    assert "| sync p50, 10 steps: <= 0.6x official sync | 1.00x | **missed** by 67% |" in text
    assert (
        "| sync CPU per stop, 16 threads, 100 steps: <= 0.5x official sync | 0.40x | **met** |"
        in text
    )
    assert "not built yet" not in text


def test_only_the_section_between_the_markers_is_replaced(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Head\n\n{START}\nold\n{END}\n\n## Notes kept\n")
    update_readme(str(readme), f"{START}\nnew\n{END}")
    assert readme.read_text() == f"# Head\n\n{START}\nnew\n{END}\n\n## Notes kept\n"
    readme.write_text("no markers")
    with pytest.raises(RuntimeError, match="markers"):
        update_readme(str(readme), "x")


V4_KEYS = {
    "ours_v4_async": "async",
    "ours_v4_sync": "sync",
    "floor_v4": "async",
    "official_v4_async": "async",
    "official_v4_sync": "sync",
}
V4_CPU_MS = {"ours_v4_async": 130, "ours_v4_sync": 300, "floor_v4": 100}


def _with_v4(results: dict[str, Any], *, built: bool) -> dict[str, Any]:
    """`results` with v4's clients measured as `make bench` records them (ours missing unless
    `built`)."""
    measured = [k for k in V4_KEYS if built or not k.startswith("ours")]
    concurrencies = results["settings"]["concurrencies"]
    results["implementations"] |= {
        key: {
            "label": key,
            "kind": kind,
            "missing": None if key in measured else "not built yet",
            "diagnostic": False,
            "api": "v4",
        }
        for key, kind in V4_KEYS.items()
    }
    for k in measured:
        for work in ("cancel", "status"):
            for c in concurrencies:
                results["cpu"][f"{k}/{work}/{c}"] = [V4_CPU_MS.get(k, 1000) / 1000] * 2
            p50 = 0.0001 if k.startswith("ours") else 0.0002
            results["latency"][f"{k}/{work}"] = {"p50": [p50], "p99": [0.001]}
        results["import"][k] = [0.2]
        results["cold_start"][k] = [0.2 if k.startswith("ours") else 0.4]
    for work, ours in (("cancel", 0.00005), ("status", 0.00002)):
        results["parse"] |= {f"ours/{work}": [ours], f"official/{work}": [0.0001]}
    return results


def test_v4_targets_and_rows_next_to_v2s() -> None:
    text = render(_with_v4(_results(sync_built=True), built=True), "make bench")
    v2, v4 = text.split("### API v4: `runs.cancel` and `runs.status`")
    assert "ours_v4" not in v2
    assert "| ours_async |" not in v4
    for line in (
        "| CPU per `runs.cancel`, C=1: async <= 1.4x floor | 1.30x | **met** |",
        "| CPU per `runs.status`, C=64: async <= 1.4x floor | 1.30x | **met** |",
        "| sync p50, `runs.status`: <= 1.5x floor (async) p50 | 0.50x | **met** |",
        "| sync p50, `runs.cancel`: <= 0.6x official sync | 0.50x | **met** |",
        "| sync CPU per call, 16 threads, `runs.cancel`: <= 0.5x official sync | 0.30x | **met** |",
        "| parse a RunSummary: <= 0.6x official | 0.50x | **met** |",
        "| parse a RunStatusResponse: <= 0.6x official | 0.20x | **met** |",
        "| cold start to first cancel (sync): <= official | 0.50x | **met** |",
        "| ours_v4_async | 130 (1.30x floor, 0.13x official) | 130 (1.30x floor, 0.13x official)",
        "| official_v4_sync | 1000 (10.00x floor) |",
        "| parser | RunSummary | RunStatusResponse |",
        "| browser-use-async `_codec.decode` | 50.0 (0.50x official) | 20.0 (0.20x official) |",
    ):
        assert line in v4, line
    assert "| sync CPU per stop, 16 threads, 100 steps" in v2


def test_v4_rows_before_our_v4_client_is_built() -> None:
    text = render(_with_v4(_results(sync_built=True), built=False), "make bench")
    v4 = text.split("### API v4")[1]
    assert "| sync, `runs.cancel` | — | not built yet |" in v4
    assert "| CPU per `runs.status`, C=16: async <= 1.4x floor | — | not built yet |" in v4
    assert "| import (async): <= official | — | not built yet |" in v4
    assert "| ours_v4_async | not built yet |" in v4
    assert "| official_v4_async | 1000 (10.00x floor) |" in v4


def test_figures_from_before_v4_have_no_v4_section() -> None:
    assert "API v4" not in render(_results(sync_built=True), "make bench")
