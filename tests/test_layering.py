"""The domain never depends on the UI: importing it must not pull in Kivy."""

import subprocess
import sys

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
