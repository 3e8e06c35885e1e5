"""The layers and the contract between the apps (docs/architecture.md) hold, and their check bites.

`lint-imports` runs the contracts of `.importlinter` in CI; these tests prove that a back-import
would fail it, and check what import-linter does not: no import circle anywhere, no import inside
a function in the product's code, and a layer for every module of the project package.
"""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["counseling", "appointments", "archives", "campaigns", "benchmarks"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# The only imports inside a function in the product's code, and why.
ALLOWED_FUNCTION_IMPORTS = {
    # AppConfig.ready: the role table and every app's tasks are registered once models exist.
    ("counseling/apps.py", "counseling"),
    ("counseling/apps.py", "counseling.celery"),
    # ... and the signed-in cache's receivers, which forget a cached user when their row changes.
    ("counseling/apps.py", "counseling.services"),
    # ... and the opening-hours cache's receivers, which forget the cached hours when they change.
    ("appointments/apps.py", "appointments.services"),
}


def _copy_tree(target: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale", "*.png", "instruments"),
        )
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_contracts_hold_on_this_tree() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "back_import", "message"),
    [
        # The ground reaching up into a feature.
        ("counseling/hooks.py", "import archives.models", "counseling.hooks is not allowed to import archives"),
        # A feature reaching into another feature's internals instead of its contract.
        (
            "archives/services/archive.py",
            "import counseling.cases.services.notes",
            "archives is not allowed to import counseling.cases",
        ),
        # A feature reaching up into the report layer.
        ("campaigns/models/__init__.py", "import counseling.reports.models", "is not allowed to import counseling.reports"),
    ],
)
def test_a_back_import_breaks_the_contract(tmp_path: Path, module: str, back_import: str, message: str) -> None:
    _copy_tree(tmp_path)
    path = tmp_path / module
    path.write_text(path.read_text() + f"\n{back_import}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert message in result.stdout


def _module_graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found


def test_no_import_circles() -> None:
    assert _cycles(_module_graph()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert _cycles(graph) == [{"a", "b", "c"}]


def _product_files() -> list[Path]:
    files = []
    for package in PACKAGES[:-1]:  # benchmarks set Django up before importing the product
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"tests", "migrations"}:
                continue
            files.append(path)
    return files


def test_no_import_inside_a_function() -> None:
    found = set()
    for path in _product_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.level > 0:
                        found.add((str(path.relative_to(ROOT)), "." * inner.level + (inner.module or "")))
                    elif isinstance(inner, ast.ImportFrom) and inner.module:
                        if inner.module.split(".")[0] in PACKAGES:
                            found.add((str(path.relative_to(ROOT)), inner.module))
                    elif isinstance(inner, ast.Import):
                        for alias in inner.names:
                            if alias.name.split(".")[0] in PACKAGES:
                                found.add((str(path.relative_to(ROOT)), alias.name))
    assert found == ALLOWED_FUNCTION_IMPORTS


def test_every_module_of_the_project_package_has_a_layer() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layered = set()
    for line in config["importlinter:contract:layers"]["layers"].split("\n"):
        for part in line.replace("|", ":").split(":"):
            if part.strip():
                layered.add(part.strip())
    modules = {
        f"counseling.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "counseling").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert modules - layered == set()


def test_migrations_call_no_live_service_code() -> None:
    """A migration carries its own data and code: it may name a model field's helper (an upload
    path, a constraint, a choices callable) but never run a service, whose behaviour moves on."""
    found = set()
    for package in PACKAGES[:-1]:
        for path in sorted((ROOT / package).rglob("migrations/*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                modules = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                for module in modules:
                    if module.split(".")[0] in PACKAGES and ".services" in f".{module}":
                        found.add((str(path.relative_to(ROOT)), module))
    assert found == set()
