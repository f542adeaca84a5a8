"""The layout shows the architecture, and these tests keep it so: layers, no cycle, a CLI that
nothing imports, a core without terminal libraries, small modules, ruff and mypy clean."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "gradation"

# Each layer may import itself and the layers listed here, nothing above.
ALLOWED = {
    "errors": set(),
    "core": {"errors"},
    "files": {"errors", "core"},
    "present": {"errors", "core"},
    "territory": {"errors", "core", "files"},
    "consult": {"errors", "core", "files", "present"},
    "cli": {"errors", "core", "files", "present", "territory", "consult", "package"},
    "package": {"cli"},  # gradation/__init__.py, __main__.py and entry.py
}
NO_TERMINAL = ("rich", "questionary", "typer", "prompt_toolkit")
TERMINAL_FREE_LAYERS = {"errors", "core", "files", "territory"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__", "entry"):
        return "package"
    return parts[1]


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            for alias in node.names:  # `from gradation.cli import train` names a module
                if f"{node.module}.{alias.name}" in MODULES:
                    found.add(f"{node.module}.{alias.name}")
    return found


GRAPH = {name: {m for m in imports(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def test_every_module_is_in_a_known_layer():
    assert {layer(m) for m in MODULES} <= set(ALLOWED)
    assert {"core", "files", "territory", "present", "consult", "cli"} <= {layer(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers_import_only_downwards(module):
    mine = layer(module)
    wrong = sorted(m for m in GRAPH[module]
                   if layer(m) != mine and layer(m) not in ALLOWED[mine] and m != "gradation")
    assert wrong == [], f"{module} ({mine}) imports {wrong}"


def test_nothing_imports_the_cli_but_the_entry_points():
    importers = sorted(m for m, deps in GRAPH.items() if layer(m) not in ("cli", "package")
                       and any(layer(d) == "cli" for d in deps))
    assert importers == []


def test_core_files_and_territory_never_import_a_terminal_library():
    offenders = sorted(
        (name, dep) for name, path in MODULES.items() if layer(name) in TERMINAL_FREE_LAYERS
        for dep in imports(path) if dep.split(".")[0] in NO_TERMINAL)
    assert offenders == []


# What draws on a terminal or writes markup: the CLI leaves it to present/ (and the
# questionnaire's prompts to consult/); it parses options and calls one function.
RENDERING = ("rich", "questionary", "prompt_toolkit", "html", "markdown")


def test_the_cli_renders_nothing_itself():
    offenders = sorted(
        (name, dep) for name, path in MODULES.items() if layer(name) == "cli"
        for dep in imports(path) if dep.split(".")[0] in RENDERING)
    assert offenders == []


def test_the_rendering_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from rich.text import Text\n    return Text()\n",
                      encoding="utf-8")
    assert "rich.text" in imports(module)


def test_no_import_cycle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(GRAPH[node]):
            if dep.startswith(node + "."):
                continue  # a package's __init__ importing its own submodule is no cycle
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state:
            cycle = visit(module)
            assert cycle is None, " → ".join(cycle)


def test_no_module_over_400_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def _tool(name: str) -> list[str]:
    try:
        __import__(name)
    except ImportError:
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", name]


def test_ruff_is_clean_with_the_project_settings():
    done = subprocess.run([*_tool("ruff"), "check", "gradation"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean_with_the_project_settings(tmp_path):
    cache = tmp_path / "mypy-cache"
    done = subprocess.run([*_tool("mypy"), "--cache-dir", str(cache)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(cache, ignore_errors=True)


def test_the_suite_uses_a_private_cache_and_configuration():
    from gradation.files.cache import cache_dir
    from gradation.files.config import config_file

    private = Path(os.environ["GRADATION_CACHE_DIR"]).parent
    assert private.name.startswith("gradation-tests-")
    assert cache_dir() is not None and cache_dir().is_relative_to(private)
    assert config_file().is_relative_to(private)


# Cyclomatic complexity as radon counts it (each branch, loop, boolean operator and
# comprehension condition): a command may parse its options and dispatch, a little more.
COMPLEXITY = {"cli": 20}
COMPLEXITY_DEFAULT = 15


def _functions(node, prefix=""):  # type: ignore[no-untyped-def]
    for item in getattr(node, "blocks", node):
        yield prefix, item
        for inner in [*getattr(item, "closures", []), *getattr(item, "methods", [])]:
            yield from _functions([inner], f"{prefix}{item.name}.")


def test_no_function_is_too_complex():
    try:
        from radon.complexity import cc_visit
    except ImportError:
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail("radon is not installed (pip install -e '.[test]')")
        pytest.skip("radon is not installed (pip install -e '.[test]')")
    over = []
    for name, path in MODULES.items():
        bound = COMPLEXITY.get(layer(name), COMPLEXITY_DEFAULT)
        for prefix, block in _functions(cc_visit(path.read_text(encoding="utf-8"))):
            if not hasattr(block, "methods") and block.complexity > bound:
                over.append(f"{name}:{block.lineno} {prefix}{block.name} ({block.complexity} > "
                            f"{bound})")
    assert sorted(set(over)) == []


def test_the_complexity_check_counts_what_it_should():
    from radon.complexity import cc_visit

    branches = "\n".join(f"    if x == {i} and y:\n        return {i}" for i in range(16))
    source = f"def f(x, y):\n{branches}\n    return -1\n"
    assert [b.complexity for b in cc_visit(source)] == [33]


def test_every_command_of_the_readme_is_run_by_its_test():
    """A `gradation` command in a shell or console block, or after a « $ » anywhere, is one that
    tests/test_readme.py runs (or replays at the keyboard): none is left unchecked."""
    import re

    from test_readme import ALL, FENCE, README

    text = README.read_text(encoding="utf-8")
    shown = 0
    for match in FENCE.finditer(text):
        lang = match["lang"]
        assert lang not in ("bash", "shell", "zsh", "powershell"), (
            f"bloc ```{lang} : écrivez ```sh (commandes) ou ```console ($ commande et sortie)")
        for line in match["body"].replace("\\\n", " ").splitlines():
            if lang == "sh" and re.search(r"(^|&& )(\S*/)?gradation\b", line):
                shown += 1
            elif lang != "sh" and line.startswith("$ gradation"):
                shown += 1
    assert shown == sum(len(block.commands) for block in ALL) >= 30
