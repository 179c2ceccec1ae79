"""`make demo` keeps working: the example runs offline and stops both tasks."""

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).parent.parent / "examples" / "demo.py"


def test_the_demo_stops_a_task_with_each_client() -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Stopped with the async client" in result.stdout
    assert "Stopped it and its session with the sync client" in result.stdout
    assert result.stdout.count("status    stopped") == 2
    assert "step 3:" in result.stdout
    assert "is stopped\n\nA batch of 12 tasks" in result.stdout
    assert "11 of 12 finished" in result.stdout
    assert "input  5" in result.stdout
    assert "more than max_cost $0.05; it was stopped." in result.stdout
    assert "done 11" in result.stderr  # the progress line's last words
