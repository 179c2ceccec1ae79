"""`make conformance`, short: schemathesis against the fake, from the local spec; and the
list of known spec defects stays true (each still applies to the spec, names real operations)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from browser_use_async.testing._spec import load_spec, operations
from scripts.conformance import config, corrected_spec, defects

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("api", "count"), [("v2", 44), ("v4", 48)])
def test_schemathesis_finds_nothing_beyond_the_listed_spec_defects(api: str, count: int) -> None:
    args = ["--api", api, "--max-time", "15", "--max-examples", "2"]
    args += ["--phases", "examples,coverage,fuzzing"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "conformance.py"), *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"Tested: {count}" in done.stdout
    # The count line, e.g. "2779 generated, 2779 passed, 66 skipped". Not the whole output: its
    # warnings may say "Authentication failed" (a loaded machine reaches fewer valid cases).
    [counts] = [line for line in done.stdout.splitlines() if " generated, " in line]
    assert " passed" in counts, counts
    assert "failed" not in counts, done.stdout[-4000:]


@pytest.mark.parametrize("api", ["v2", "v4"])
def test_every_listed_defect_is_still_in_the_spec_and_explained(api: str) -> None:
    names = {f"{method} {path}" for method, path in operations(api)}
    spec, corrected = load_spec(api), corrected_spec(api)
    for defect in defects(api):
        assert len(defect.why) > 80, defect.what
        assert (defect.fix is None) != (defect.check is None), defect.what
        if defect.fix is not None:  # it still changes the spec: the defect is still there
            before = json.dumps(spec, sort_keys=True)
            copy = json.loads(before)
            defect.fix(copy)
            assert json.dumps(copy, sort_keys=True) != before, defect.what
        assert set(defect.names) <= names, defect.what
    assert corrected != spec


def test_a_state_refusal_widens_the_check_instead_of_turning_it_off() -> None:
    """The skill operations may answer their documented 400, but valid data answered 422
    (or 400 anywhere else) still fails positive_data_acceptance there."""
    text = config()
    skills = text[text.index('include-name = ["POST /skills"') :]
    widened = skills.splitlines()[1]
    assert widened.startswith("checks.positive_data_acceptance.expected-statuses = [")
    assert '"400"' in widened
    assert '"422"' not in widened
    assert text.count("positive_data_acceptance.enabled = false") == 1  # only the cursor
