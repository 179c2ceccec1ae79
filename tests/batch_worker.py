"""A runner process for the tests that kill batches or run one on several processes:
`python -m tests.batch_worker BASE_URL JOURNAL OUT FIRST COUNT` runs the prompts
`task FIRST` ... `task FIRST+COUNT-1` through `tasks.run_many` with the blocking client
and appends each result to OUT as a JSON line, flushed to disk before the next, so that a
process killed at any point leaves every line it wrote whole. `--lost-after S` shortens how
long a resume waits for a create that got no answer to show up (the runner's LOST_AFTER),
for tests that kill it many times against a fake that makes every create within S.
"""

import argparse
import json
import os
import sys

from browser_use_async import BrowserUse
from browser_use_async._batch import _runner

API_KEY = "bu_fake_key"  # FakeBrowserUseCloud's default
POLL_INTERVAL = 0.05


def prompts(first: int, count: int) -> list[str]:
    return [f"task {i}" for i in range(first, first + count)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="batch_worker")
    parser.add_argument("base_url")
    parser.add_argument("journal")
    parser.add_argument("out")
    parser.add_argument("first", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--lost-after", type=float, default=_runner.LOST_AFTER)
    args = parser.parse_args(argv)
    _runner.LOST_AFTER = args.lost_after
    with (
        BrowserUse(api_key=API_KEY, base_url=args.base_url) as client,
        open(args.out, "a", encoding="utf-8") as out,
    ):
        for result in client.tasks.run_many(
            prompts(args.first, args.count),
            journal=args.journal,
            concurrency="auto",
            poll_interval=POLL_INTERVAL,
        ):
            line = {
                "key": result.key,
                "prompt": None if result.task is None else result.task.task,
                "task_id": None if result.task_id is None else str(result.task_id),
                "resumed": result.resumed,
                "error": None if result.error is None else str(result.error),
            }
            out.write(json.dumps(line) + "\n")
            out.flush()
            os.fsync(out.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
