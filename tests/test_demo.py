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
    assert result.stdout.rstrip().endswith("is stopped")
