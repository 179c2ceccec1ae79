"""No import cycle anywhere in the package: the graph of the imports that run (module level
and inside functions, not those only for type checkers) has none. And the layers at the
bottom stay there: what importing `_protocol` or `_validation` loads, in a fresh process."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "browser_use_async"


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports_that_run(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
            for other in child.orelse:
                found += _imports_that_run(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.append(child)
        found += _imports_that_run(child)
    return found


def _edges(name: str, path: Path) -> set[str]:
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets: list[str] = []
    for node in _imports_that_run(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            base = ".".join([*here[: len(here) - node.level + 1], *([base] if base else [])])
        for alias in node.names:  # `from package import module` imports that module
            targets.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {target for target in targets if target in MODULES and target != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> None:
        for following in sorted(graph[node]):
            if following in path:
                found.append([*path[path.index(following) :], following])
            elif following not in done:
                walk(following, [*path, following])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            walk(start, [start])
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = {name: _edges(name, path) for name, path in MODULES.items()}
    assert len(graph) > 40
    assert "browser_use_async._transport" in graph["browser_use_async._core"]
    assert "browser_use_async.testing._fake" in graph["browser_use_async.testing.pytest_plugin"]
    assert _cycles(graph) == []


def test_the_walk_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


THIRD_PARTY = ("attrs", "cattrs", "orjson", "aiohttp")


def _loaded(module: str) -> tuple[set[str], set[str]]:
    """What a fresh interpreter holds after `import module`: this package's modules, and
    which of the heavy third-party packages."""
    script = (
        f"import sys, {module}; "
        "print(' '.join(m for m in sys.modules if m.startswith('browser_use_async'))); "
        f"print(' '.join(m for m in {THIRD_PARTY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split("\n")
    return set(out[0].split()), set(out[1].split())


LEAVES = {"_exceptions", "_types", "_version"}
"""Standard-library-only modules any layer may use (`_version` comes with the package)."""


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("_validation", LEAVES | {"_validation"}),
        ("_protocol", LEAVES | {"_validation", "_protocol"}),
        ("_polling", LEAVES | {"_validation", "_clock", "_polling"}),
        ("_storage", LEAVES | {"_validation", "_protocol", "_storage"}),
    ],
)
def test_the_bottom_layers_load_only_the_standard_library(module: str, allowed: set[str]) -> None:
    package, _ = _loaded("browser_use_async")  # the package's own `__init__` comes first
    ours, heavy = _loaded(f"browser_use_async.{module}")
    assert ours - package == {f"browser_use_async.{name}" for name in allowed} - package
    assert heavy == set()


CODEC_ONLY = {"cattrs", "orjson"}
CODEC = "browser_use_async._codec"


def _third_party_imports(path: Path) -> set[str]:
    """The top-level packages of every import in a module, wherever it is written."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_codec_imports_cattrs_and_orjson() -> None:
    importers = {
        name: sorted(CODEC_ONLY & _third_party_imports(path)) for name, path in MODULES.items()
    }
    assert set[str]().union(*importers.values()) == CODEC_ONLY  # the walk sees them
    outside = {
        name: found
        for name, found in importers.items()
        if found and name != CODEC and not name.startswith(f"{CODEC}.")
    }
    assert outside == {}


def test_importing_the_package_loads_nothing_a_call_needs_later() -> None:
    """`import browser_use_async` (and so the pytest plugin's start-up) loads the lazy table
    and the version only: no client, resource, model, CLI or fake, and no third party."""
    ours, heavy = _loaded("browser_use_async")
    assert ours == {"browser_use_async", "browser_use_async._lazy", "browser_use_async._version"}
    assert heavy == set()
