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
