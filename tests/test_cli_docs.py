"""Every kiosk-admin command is documented in docs/cli.md (as a `### kiosk-admin ...` heading)."""

import re

from kiosk.admin.cli import command_paths
from tests.conftest import ROOT


def test_every_command_has_a_heading_in_docs_cli() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `kiosk-admin ([a-z0-9 -]+?)`", doc, flags=re.M))
    missing = [p for p in command_paths() if p not in headings]
    assert not missing, f"undocumented commands: {missing}"


def test_common_options_work_before_and_after_the_command(capsys) -> None:  # type: ignore[no-untyped-def]
    from kiosk.admin.cli import main

    assert main(["--json", "voice", "digits", "幺三八"]) == 0
    before = capsys.readouterr().out
    assert main(["voice", "digits", "幺三八", "--json"]) == 0
    after = capsys.readouterr().out
    assert main(["voice", "digits", "幺三八"]) == 0
    plain = capsys.readouterr().out
    assert before == after
    assert before.lstrip().startswith("{")
    assert plain.strip() == "138"
