"""The pytest plugin in other projects: its fixtures under pytest-asyncio's strict and auto
modes and under anyio's plugin, and its import cost (nothing but pytest until used)."""

import ast
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = (
    "aiohttp",
    "yarl",
    "attrs",
    "cattrs",
    "orjson",
    "browser_use_async._client",
    "browser_use_async._sync",
    "browser_use_async.models",
    "browser_use_async.testing._fake",
)

BODY = """
from browser_use_async import AsyncBrowserUse, BrowserUse, TaskStatus


def test_sync(browser_use_fake):
    with BrowserUse(api_key=browser_use_fake.api_key, base_url=browser_use_fake.base_url) as c:
        assert c.tasks.list().page().total_items == 0


{mark}
async def test_async(browser_use_fake, browser_use_fake_thread):
    assert browser_use_fake_thread is browser_use_fake
    task_id = browser_use_fake.create_task(steps=1)
    key, url = browser_use_fake.api_key, browser_use_fake.base_url
    async with AsyncBrowserUse(api_key=key, base_url=url) as client:
        created = await client.tasks.create("Find the weather in Bern")
        stopped = await client.tasks.stop(task_id)
    assert stopped.status is TaskStatus.STOPPED
    assert created.id in browser_use_fake.tasks
    assert len(browser_use_fake.requests) == 2


@pytest.fixture
def browser_use_fake_options():
    return {{"api_key": "bu_other"}}


{mark}
async def test_options(browser_use_fake):
    assert browser_use_fake.api_key == "bu_other"
"""

MODES = {
    # name: (plugin options, the mark each async test needs, a header for the test module)
    "pytest-asyncio strict": (
        ["-p", "no:anyio", "-o", "asyncio_mode=strict"],
        "@pytest.mark.asyncio",
        "",
    ),
    "pytest-asyncio auto": (["-p", "no:anyio", "-o", "asyncio_mode=auto"], "", ""),
    "anyio": (
        ["-p", "no:asyncio"],
        "@pytest.mark.anyio",
        "@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n",
    ),
    "anyio beside pytest-asyncio strict": (
        ["-o", "asyncio_mode=strict"],
        "@pytest.mark.anyio",
        "@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n",
    ),
}


def _pytest(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis"]
        + ["-W", "error", *options]
        + (
            [] if "no:asyncio" in options else ["-o", "asyncio_default_fixture_loop_scope=function"]
        ),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("mode", MODES)
def test_the_fixtures_work_in_each_async_plugin_and_mode(mode: str, tmp_path: Path) -> None:
    options, mark, header = MODES[mode]
    module = "import pytest\n\n" + header + BODY.format(mark=mark)
    (tmp_path / "test_project.py").write_text(module)
    done = _pytest(tmp_path, *options)
    assert "3 passed" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import browser_use_async.testing.pytest_plugin
        print([name for name in {HEAVY!r} if name in sys.modules])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_a_run_that_uses_no_fixture_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "test_nothing.py").write_text(
        "import sys\n\n"
        f"def test_nothing():\n    assert [m for m in {HEAVY!r} if m in sys.modules] == []\n"
    )
    done = _pytest(tmp_path, "-p", "no:anyio", "-p", "no:hypothesispytest")
    assert "1 passed" in done.stdout, done.stdout + done.stderr


def test_the_public_names_resolve_lazily() -> None:
    import browser_use_async  # noqa: PLC0415
    import browser_use_async.testing  # noqa: PLC0415

    for package in (browser_use_async, browser_use_async.testing):
        assert set(package.__all__) <= set(dir(package))
        for name in package.__all__:
            assert getattr(package, name) is not None, name
        missing = "nope"
        with pytest.raises(AttributeError, match="has no attribute 'nope'"):
            getattr(package, missing)


@pytest.mark.parametrize("package", ["browser_use_async", "browser_use_async.testing"])
def test_the_lazy_table_is_what_type_checkers_see(package: str) -> None:
    """Each public name is listed three times in the package's `__init__`: imported for type
    checkers, in the lazy table, in `__all__`. The three must name the same things, each from
    the same module."""
    path = Path(__file__).resolve().parent.parent / package.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text())
    [guarded] = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    for_checkers = {
        (node.module, alias.name)
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    [table] = [
        node.args[1]
        for node in ast.walk(ast.Module(body=guarded.orelse, type_ignores=[]))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "lazy_exports"
    ]
    lazy = {(module, name) for module, names in ast.literal_eval(table).items() for name in names}
    assert lazy == for_checkers
    module = importlib.import_module(package)
    assert {name for _, name in lazy} == set(module.__all__) - {"__version__"}
