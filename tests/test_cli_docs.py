"""docs/cli.md and ``kiosk-admin`` agree: every command is documented (as a
``### `kiosk-admin …` `` heading), every documented command exists, and each command's own help
is written for operators, in Chinese, with an example."""

import re

from kiosk.admin.cli import build_parser, command_paths, commands
from tests.conftest import ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")


def documented_commands() -> set[str]:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### `kiosk-admin ([a-z0-9 -]+?)`", doc, flags=re.M))


def test_every_command_has_a_heading_in_docs_cli() -> None:
    missing = [p for p in command_paths() if p not in documented_commands()]
    assert not missing, f"undocumented commands: {missing}"


def test_every_command_documented_in_docs_cli_exists() -> None:
    documented = documented_commands()
    assert documented  # the headings were found at all
    gone = sorted(documented - set(command_paths()))
    assert not gone, f"documented but not a kiosk-admin command: {gone}"


def test_each_command_explains_itself_in_chinese_with_an_example() -> None:
    for path, parser in commands(build_parser()):
        name = " ".join(path)
        text = parser.format_help()
        assert HAN.search(parser.description or ""), f"{name}: no Chinese description"
        assert f"示例：\n  kiosk-admin {name}" in text, f"{name}: no example in its help"
        for action in parser._actions:
            assert action.help and HAN.search(action.help), f"{name} {action.dest}: help"


def test_the_simulator_and_the_key_generator_are_not_kiosk_admin_commands() -> None:
    paths = command_paths()
    assert not [p for p in paths if p.startswith(("provincial-sim", "keys"))]


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
