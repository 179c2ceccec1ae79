"""Ctrl-C in a blocking `run_many`, at many moments: the batch stops every task it started."""

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario

pytestmark = pytest.mark.timeout(120)

SCRIPT = textwrap.dedent(
    """
    import sys
    from browser_use_async import BrowserUse

    base_url, key = sys.argv[1], sys.argv[2]
    with BrowserUse(api_key=key, base_url=base_url) as client:
        print("ready", flush=True)
        try:
            for result in client.tasks.run_many(
                [f"t{i}" for i in range(40)], concurrency=8, poll_interval=0.05
            ):
                print("result", result.index, flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
    """
)


@pytest.mark.parametrize("seed", range(12))
def test_ctrl_c_at_any_moment_leaves_no_task_running(tmp_path: Path, seed: int) -> None:
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT)
    delay = random.Random(seed).uniform(0.0, 1.5)  # noqa: S311 (a moment, not a secret)
    with FakeBrowserUseCloud() as fake:
        for i in range(40):  # varied lengths: some end before the interrupt, most do not
            fake.scenarios[f"t{i}"] = TaskScenario(steps=2 + i, start_delay=0.0, step_interval=0.05)
        child = subprocess.Popen(
            [sys.executable, str(script), fake.base_url, fake.api_key],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=30)
        assert child.returncode == 130, out
        running = [t["id"] for t in fake.tasks.values() if t["status"] in ("created", "started")]
        assert running == [], (delay, out)
        stopped = sum(t["status"] == "stopped" for t in fake.tasks.values())
        assert stopped + out.count("result") <= len(fake.tasks)
