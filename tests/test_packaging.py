"""What the wheel installs on a terminal: the kiosk, and no fake province or key generator."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from tests.conftest import ROOT

# What only a stand-in for the province has: the simulated server, the means to mint provincial
# keys and terminal credentials, or an import of the tools that hold them.
STAND_IN = re.compile(
    r"^\s*(class ProvincialSimulator\b|def init_keys\b|def self_signed_certificate\b"
    r"|from tools\b|import tools\b)",
    re.M,
)


def wheel_packages() -> list[str]:
    """The packages ``pip install .`` puts in the wheel, as setuptools expands pyproject.toml."""
    from setuptools.config.pyprojecttoml import read_configuration

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "[tool.setuptools] support is beta"
        config = read_configuration(ROOT / "pyproject.toml")
    packages = config["tool"]["setuptools"]["packages"]
    assert isinstance(packages, list)
    return [str(p) for p in packages]


def test_the_wheel_holds_the_kiosk_but_not_the_simulator_or_the_tools_package() -> None:
    packages = wheel_packages()
    assert {"kiosk", "kiosk.admin", "kiosk.sync", "offline_cache", "voice", "screens"} <= set(
        packages
    )
    shipped_stand_ins = [p for p in packages if p == "tools" or p.startswith("tools.")]
    assert not shipped_stand_ins
    assert not [p for p in packages if "provincial_sim" in p]


def test_no_module_the_wheel_installs_can_simulate_the_province_or_make_its_keys() -> None:
    found = []
    for package in wheel_packages():
        for module in sorted((ROOT / Path(*package.split("."))).glob("*.py")):
            if STAND_IN.search(module.read_text(encoding="utf-8")):
                found.append(str(module.relative_to(ROOT)))
    assert not found, f"stand-ins in the product: {found}"


def test_the_simulator_is_still_where_tests_demos_and_benchmarks_find_it() -> None:
    # The check above passing because the simulator vanished would prove nothing.
    from tools.provincial_sim import keys, server

    assert hasattr(server, "ProvincialSimulator") and hasattr(keys, "init_keys")
