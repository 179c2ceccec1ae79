"""Schemathesis against the fake cloud, from the local OpenAPI document (never fetched).

`make conformance` runs it for a few minutes; `make test` runs a short version. It exits 0
when schemathesis finds no failure other than the spec defects listed in DEFECTS, each with
the reason the spec, not the fake, is wrong there. The listed defects are corrected in a
temporary copy of the spec, or the one check they break is turned off for the operations
concerned; everything else is checked as the spec says.

    python scripts/conformance.py [--max-time SECONDS] [--max-examples N] [--seed N]
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._spec import load_spec

JSON = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent
SECURED = "X-Browser-Use-API-Key"


def _operations(spec: JSON) -> list[tuple[str, str, JSON]]:
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    ]


def _validation_error_is_the_list(spec: JSON) -> None:
    for _, _, op in _operations(spec):
        answer = op["responses"].get("422", {}).get("content", {}).get("application/json", {})
        if answer.get("schema") == {"$ref": "#/components/schemas/ValidationError"}:
            answer["schema"] = {"$ref": "#/components/schemas/HTTPValidationError"}


def _unauthorized_is_documented(spec: JSON) -> None:
    detail = {"type": "object", "properties": {"detail": {"type": "string"}}}
    for _, _, op in _operations(spec):
        if op.get("security"):
            op["responses"].setdefault(
                "401",
                {
                    "description": "Invalid or missing API key",
                    "content": {"application/json": {"schema": detail}},
                },
            )


def _bounds_are_json_schema(spec: JSON) -> None:
    for schema in spec["components"]["schemas"].values():
        for prop in schema.get("properties", {}).values():
            for pydantic, json_schema in (("ge", "minimum"), ("le", "maximum")):
                if pydantic in prop:
                    prop[json_schema] = prop.pop(pydantic)


@attrs.frozen
class Defect:
    """A place where the spec is wrong: `fix` corrects the copy, or `check` is turned off
    for the operations `names` ("METHOD /path"), or only told to accept `statuses` too."""

    what: str
    why: str
    fix: Callable[[JSON], None] | None = None
    check: str | None = None
    names: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


# What schemathesis's positive_data_acceptance accepts unless told otherwise.
ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")


DEFECTS = (
    Defect(
        what="422 answers of operations with a body are documented as one ValidationError",
        why=(
            "FastAPI answers every 422 as HTTPValidationError, {'detail': [ValidationError, ...]},"
            " as the spec itself says for the operations without a body, and as the official"
            " SDK reads them; an object with `loc`, `msg` and `type` at the top is never sent."
        ),
        fix=_validation_error_is_the_list,
    ),
    Defect(
        what="401 is not documented on the operations that need the API key",
        why=(
            "Every such operation declares the X-Browser-Use-API-Key security scheme, and the"
            " API answers a missing or wrong key with 401 {'detail': ...}; the spec lists"
            " no 401 for any operation."
        ),
        fix=_unauthorized_is_documented,
    ),
    Defect(
        what="bounds written with pydantic's `ge`/`le`, which JSON Schema ignores",
        why=(
            "CreateBrowserSessionRequest.timeout says `ge: 1, le: 240` (minutes) where JSON"
            " Schema reads only `minimum`/`maximum`; the API (FastAPI) enforces them, as the"
            " fake does (422 below 1, the documented 403 above 240)."
        ),
        fix=_bounds_are_json_schema,
    ),
    Defect(
        what="an opaque cursor is typed as any string",
        why=(
            "`cursor` must be a value of an earlier page's `nextCursor`; no server can accept"
            " an arbitrary string, and the fake answers an unknown one with FastAPI's 422."
        ),
        check="positive_data_acceptance",
        names=("GET /browsers/{session_id}/downloads",),
    ),
    Defect(
        what="skill operations refused by the skill's state, with a documented 400",
        why=(
            "Deleting, cancelling, rolling back, running or refining a skill depends on its"
            " status (generating, finished, public), which no request value can say; the spec"
            " documents each 400 (e.g. CannotDeleteSkillWhileGeneratingError), so a 400 there"
            " is not a rejected valid request (a 422 still is)."
        ),
        check="positive_data_acceptance",
        statuses=("400",),
        names=(
            "POST /skills",
            "DELETE /skills/{skill_id}",
            "POST /skills/{skill_id}/cancel",
            "POST /skills/{skill_id}/rollback",
            "POST /skills/{skill_id}/execute",
            "POST /skills/{skill_id}/refine",
            "POST /marketplace/skills/{skill_id}/execute",
        ),
    ),
)


def corrected_spec() -> JSON:
    spec = copy.deepcopy(load_spec())
    for defect in DEFECTS:
        if defect.fix is not None:
            defect.fix(spec)
    return spec


def config() -> str:
    """Schemathesis's configuration (TOML): every check, less those the defects turn off
    (or widen) for their operations."""
    lines = ["[checks]", "enabled = true", ""]
    for defect in DEFECTS:
        if defect.check is None:
            continue
        names = ", ".join(json.dumps(name) for name in defect.names)
        lines += [
            f"# {defect.what}",
            "[[operations]]",
            f"include-name = [{names}]",
            f"checks.{defect.check}.expected-statuses = {json.dumps([*ACCEPTED, *defect.statuses])}"
            if defect.statuses
            else f"checks.{defect.check}.enabled = false",
            "",
        ]
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Schemathesis against the fake cloud.")
    parser.add_argument("--max-time", type=int, default=180, help="time budget (seconds)")
    parser.add_argument("--max-examples", type=int, default=None, help="cases per operation")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (repeatable runs)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with tempfile.TemporaryDirectory() as folder, FakeBrowserUseCloud() as fake:
        spec_path, config_path = Path(folder, "openapi-v2.json"), Path(folder, "config.toml")
        spec_path.write_text(json.dumps(corrected_spec()), "utf-8")
        config_path.write_text(config(), "utf-8")
        command = [
            str(schemathesis),
            "--config-file",
            str(config_path),
            "run",
            str(spec_path),
            "--url",
            fake.base_url,
            "--header",
            f"{SECURED}: {fake.api_key}",
            "--phases",
            args.phases,
            "--max-time",
            str(args.max_time),
            "--seed",
            str(args.seed),
            "--workers",
            "1",
            "--request-timeout",
            "10",
        ]
        if args.max_examples is not None:
            command += ["--max-examples", str(args.max_examples)]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        return subprocess.run(command, check=False, env=env, cwd=folder).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
