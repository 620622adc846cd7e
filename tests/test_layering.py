"""Dependencies point one way — screens → kiosk/voice → offline_cache — with no exceptions.

Checked on the source (every ``import`` anywhere in a file, including inside functions and
``TYPE_CHECKING`` blocks), so an import can't hide from the test by being late. Hiding one by
name (``importlib.import_module``, ``__import__``) is itself a failure; the only place allowed to
look modules up by name is the screen registry in ``screens/app.py``. The checks run on the real
tree and, to prove they can fail, on a small planted tree with one violation of each kind.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRODUCT = ("main", "screens", "kiosk", "voice", "offline_cache")
# Top-level names in the repository that are ours but never part of the product.
NOT_PRODUCT = ("tools", "tests", "benchmarks")
# Which of our packages each product package may import (besides itself).
MAY_IMPORT = {
    "main": {"screens", "kiosk", "voice", "offline_cache"},
    "screens": {"kiosk", "voice", "offline_cache"},
    "kiosk": {"voice", "offline_cache"},
    "voice": {"kiosk", "offline_cache"},
    "offline_cache": set(),
}
KIVY_FREE = ("kiosk", "voice", "offline_cache")
# The one module allowed to import by name: the screen registry (screen name -> module).
NAME_LOOKUP_ALLOWED = {"screens/app.py"}
HIDDEN_IMPORT_CALLS = {"import_module", "__import__", "spec_from_file_location", "run_module"}
SQL_TEXT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|\bPRAGMA\b"
)
SQL_CALLS = {"execute", "executemany", "executescript", "atomic", "query", "cursor"}


@dataclass(frozen=True)
class Imported:
    source: str  # path relative to the root
    module: str  # the imported module's dotted name
    line: int


def _python_files(root: Path) -> Iterator[Path]:
    for top in PRODUCT:
        single = root / f"{top}.py"
        if single.is_file():
            yield single
        if (root / top).is_dir():
            yield from sorted((root / top).rglob("*.py"))


def _package_of(root: Path, path: Path) -> list[str]:
    # ``a/b/c.py`` and ``a/b/__init__.py`` both resolve relative imports from package ``a.b``.
    return list(path.relative_to(root).with_suffix("").parts)[:-1]


def imports_in(root: Path) -> list[Imported]:
    """Every import statement of the product, anywhere in each file, relative ones resolved."""
    found: list[Imported] = []
    for path in _python_files(root):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [Imported(rel, a.name, node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = _package_of(root, path)
                    base = package[: len(package) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                found.append(Imported(rel, module, node.lineno))
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


def layer_violations(root: Path) -> list[str]:
    problems: list[str] = []
    for imp in imports_in(root):
        source, target = _top(imp.source.removesuffix(".py").split("/")[0]), _top(imp.module)
        where = f"{imp.source}:{imp.line} imports {imp.module}"
        if target in NOT_PRODUCT:
            problems.append(f"{where} (not part of the product)")
        elif target in PRODUCT and target != source and target not in MAY_IMPORT[source]:
            problems.append(f"{where} ({source} may import only {sorted(MAY_IMPORT[source])})")
        elif target == "kivy" and source in KIVY_FREE:
            problems.append(f"{where} ({source} never imports Kivy)")
    return problems


def package_cycles(root: Path) -> list[list[str]]:
    """Cycles between the product's packages (an allowed edge each way is still a cycle)."""
    edges: dict[str, set[str]] = {p: set() for p in PRODUCT}
    for imp in imports_in(root):
        source, target = imp.source.removesuffix(".py").split("/")[0], _top(imp.module)
        if target in PRODUCT and target != source:
            edges[source].add(target)
    cycles: set[tuple[str, ...]] = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                if min(cycle) == cycle[0]:  # each cycle once, from its smallest name
                    cycles.add((*cycle, nxt))
            else:
                walk(nxt, [*path, nxt])

    for start in PRODUCT:
        walk(start, [start])
    return [list(c) for c in sorted(cycles)]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_time_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported: not inside functions, not ``TYPE_CHECKING``."""
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody
            todo += [stmt for handler in node.handlers for stmt in handler.body]


def module_cycles(root: Path) -> list[list[str]]:
    """Modules that import each other while being imported (strongly connected components)."""
    files = {_module_name(root, p): p for p in _python_files(root)}
    edges: dict[str, set[str]] = {m: set() for m in files}
    for name, path in files.items():
        for node in _import_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif node.level == 0 and node.module:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                targets = []
            edges[name] |= {t for t in targets if t in files and t != name}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(files):
        if v not in index:
            connect(v)
    return found


def hidden_imports(root: Path) -> list[str]:
    """Modules looked up by name, which a reader (and this test) can't follow."""
    problems: list[str] = []
    for path in _python_files(root):
        rel = path.relative_to(root).as_posix()
        if rel in NAME_LOOKUP_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in HIDDEN_IMPORT_CALLS:
                    problems.append(f"{rel}:{node.lineno} calls {name}()")
    return problems


def sql_outside_offline_cache(root: Path) -> list[str]:
    """SQL text, SQL calls or ``sqlite3`` in ``kiosk/``: tables belong to offline_cache's repositories."""
    problems: list[str] = []
    for path in sorted((root / "kiosk").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SQL_TEXT.search(node.value):
                    problems.append(f"{rel}:{node.lineno} has SQL text")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in SQL_CALLS:
                    problems.append(f"{rel}:{node.lineno} calls .{node.func.attr}()")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if "sqlite3" in names or (
                    isinstance(node, ast.ImportFrom) and node.module == "sqlite3"
                ):
                    problems.append(f"{rel}:{node.lineno} imports sqlite3")
    return problems


# -- the real tree -------------------------------------------------------------------------------
def test_every_import_points_down_the_layers() -> None:
    assert layer_violations(ROOT) == []


def test_the_packages_import_each_other_without_cycles() -> None:
    assert package_cycles(ROOT) == []


def test_no_two_modules_need_each_other_to_be_imported() -> None:
    assert module_cycles(ROOT) == []


def test_no_module_is_imported_by_name_to_hide_it() -> None:
    assert hidden_imports(ROOT) == []


def test_the_domain_holds_no_sql() -> None:
    assert sql_outside_offline_cache(ROOT) == []


def test_importing_kiosk_offline_cache_and_voice_leaves_kivy_out() -> None:
    # At run time too: a library imported by the domain might pull Kivy in behind our back.
    code = (
        "import pkgutil, importlib, sys\n"
        "import kiosk, offline_cache, voice\n"
        "for pkg in (kiosk, offline_cache, voice):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'kivy' or n.startswith('kivy.'))\n"
        "print(len(bad)); print(bad[:5])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[0] == "0", out.stdout


# -- the checks can fail -------------------------------------------------------------------------
CLEAN_TREE = {
    "main.py": "import screens.app\n",
    "screens/__init__.py": "",
    "screens/app.py": "import importlib\nimport kivy\nimport kiosk.rules\n"
    "def load(name):\n    return importlib.import_module(name)\n",
    "kiosk/__init__.py": "",
    "kiosk/rules.py": "from offline_cache.repo import Repo\nfrom voice import words\n",
    "voice/__init__.py": "",
    "voice/words.py": "WORDS = ('好', '不好')\n",
    "offline_cache/__init__.py": "",
    "offline_cache/repo.py": "import sqlite3\nclass Repo:\n"
    "    def rows(self, conn):\n        return conn.execute('SELECT * FROM t')\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_a_tree_that_keeps_the_rules_passes_every_check(tmp_path: Path) -> None:
    root = _tree(tmp_path, CLEAN_TREE)
    assert layer_violations(root) == []
    assert package_cycles(root) == []
    assert module_cycles(root) == []
    assert hidden_imports(root) == []
    assert sql_outside_offline_cache(root) == []


@pytest.mark.parametrize(
    ("planted", "check", "expected"),
    [
        (
            {"offline_cache/bad.py": "def f():\n    from kiosk.rules import x\n"},
            layer_violations,
            "offline_cache/bad.py:2 imports kiosk.rules",
        ),
        (
            {"offline_cache/bad.py": "from typing import TYPE_CHECKING\n"
             "if TYPE_CHECKING:\n    from voice.words import WORDS\n"},
            layer_violations,
            "offline_cache/bad.py:3 imports voice.words",
        ),
        (
            {"kiosk/bad.py": "from screens.app import load\n"},
            layer_violations,
            "kiosk/bad.py:1 imports screens.app",
        ),
        (
            {"kiosk/bad.py": "import kivy.clock\n"},
            layer_violations,
            "kiosk/bad.py:1 imports kivy.clock",
        ),
        (
            {"kiosk/sim/bad.py": "from ...tools import sim\n"},
            layer_violations,
            "kiosk/sim/bad.py:1 imports tools",
        ),
        (
            {"voice/bad.py": "import kiosk.rules\n"},
            package_cycles,
            "['kiosk', 'voice', 'kiosk']",
        ),
        (
            {"kiosk/a.py": "import kiosk.b\n", "kiosk/b.py": "from kiosk import a\n"},
            module_cycles,
            "['kiosk.a', 'kiosk.b']",
        ),
        (
            {"kiosk/bad.py": "import importlib\nrules = importlib.import_module('offline_cache.repo')\n"},
            hidden_imports,
            "kiosk/bad.py:2 calls import_module()",
        ),
        (
            {"offline_cache/bad.py": "kiosk = __import__('kiosk.rules')\n"},
            hidden_imports,
            "offline_cache/bad.py:1 calls __import__()",
        ),
        (
            {"kiosk/bad.py": "def n(store):\n    return store.query(f'SELECT COUNT(*) FROM {t}')\n"},
            sql_outside_offline_cache,
            "kiosk/bad.py:2 has SQL text",
        ),
        (
            {"kiosk/bad.py": "def n(conn):\n    conn.execute(TEXT_FROM_ELSEWHERE)\n"},
            sql_outside_offline_cache,
            "kiosk/bad.py:2 calls .execute()",
        ),
        (
            {"kiosk/bad.py": "import sqlite3\n"},
            sql_outside_offline_cache,
            "kiosk/bad.py:1 imports sqlite3",
        ),
    ],
)  # fmt: skip
def test_a_planted_violation_is_found(
    tmp_path: Path, planted: dict[str, str], check: Callable[[Path], list[object]], expected: str
) -> None:
    root = _tree(tmp_path, {**CLEAN_TREE, **planted})
    found = check(root)
    assert any(expected in str(p) for p in found), found
