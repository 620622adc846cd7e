"""The domain never depends on the UI: importing it must not pull in Kivy."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_importing_kiosk_offline_cache_and_voice_leaves_kivy_out() -> None:
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


# offline_cache persists what the domain defines, so it may use the domain's *leaf* modules —
# pure functions and data types with no services behind them — and nothing else of kiosk.
LEAF_DOMAIN_MODULES = {
    "kiosk",
    "kiosk.receipts",
    "kiosk.sealing",
    "kiosk.content",
    "kiosk.packs",
    "kiosk.packs.archive",
    "kiosk.packs.errors",
    "kiosk.packs.manifest",
    "kiosk.packs.schema_check",
    "kiosk.packs.signing",
    "kiosk.packs.verify",
}


def _imports_of(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def test_offline_cache_uses_only_leaf_domain_modules_and_they_never_import_it_back() -> None:
    seen: set[str] = set()
    todo = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "offline_cache").rglob("*.py")
    ]
    offenders: list[str] = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None:
            continue
        for imported in _imports_of(path):
            if not imported.startswith("kiosk"):
                continue
            if _module_file(imported) is None:  # ``from kiosk import __version__``
                continue
            if imported not in LEAF_DOMAIN_MODULES:
                offenders.append(f"{name} -> {imported}")
            todo.append(imported)
    assert not offenders, offenders
    for leaf in LEAF_DOMAIN_MODULES:
        path = _module_file(leaf)
        assert path is not None, leaf
        back = {
            m
            for m in _imports_of(path)
            if m.startswith("offline_cache.") and m != "offline_cache.store"
        }
        assert not back, f"{leaf} imports {back}: a cycle between offline_cache and kiosk"
