"""Entry point of ``kiosk-admin``: the parser of every command group, and error handling.

One module per command group in :mod:`kiosk.admin.commands`, each imported here by name (a group
that can't be imported is an error, never a command silently missing). A group module exposes
``register(subparsers, common)`` and sets ``func(args) -> int`` on its parsers. Errors meant for a
person are raised as :class:`~kiosk.admin.common.CliError` and printed as one plain line on
stderr (exit 1), never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from kiosk.admin.commands import (
    ask,
    audit,
    handwriting,
    health,
    idcard,
    outbox,
    pack,
    printing,
    rules,
    staff,
    stats,
    status,
    submit,
    sync,
    voice,
)
from kiosk.admin.common import PROG, ArgumentParser, CliError, HelpFormatter, chinese_help
from kiosk.admin.output import error
from kiosk.config import ConfigError
from kiosk.packs.errors import PackRefused
from kiosk.sealing import SealingError
from kiosk.staff import StaffError
from kiosk.sync.setup import SyncSetupError
from offline_cache.outbox import OutboxError
from offline_cache.private_files import PRIVATE_UMASK
from offline_cache.store import StoreError

# The library's errors whose ``str()`` is already a plain sentence for the person at the console.
PLAIN_ERRORS = (
    CliError,
    ConfigError,
    StoreError,
    SyncSetupError,
    OutboxError,
    PackRefused,
    SealingError,
    StaffError,
)

# In the order ``kiosk-admin --help`` lists them.
GROUPS: tuple[ModuleType, ...] = (
    rules,  # check-id, legal-aid assess, notary list|checklist, visit slots
    submit,
    outbox,  # outbox list|show|retry
    sync,
    status,
    health,
    voice,  # voice match|digits|transcribe|check
    pack,  # pack keygen|manifest|validate|sign|verify|install|list|rollback|diff
    audit,  # audit verify|list
    stats,
    staff,  # staff add|deactivate|list|hash
    idcard,  # idcard read|check
    handwriting,  # handwriting recognize
    ask,  # 问一问
    printing,  # print test|receipt (the thermal slip printer)
)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="输出 JSON（供脚本使用）")
    parser.add_argument("--config", help="终端配置文件 TOML（默认不用，只读 KIOSK_* 环境变量）")
    parser.add_argument("--data-dir", help="数据目录（优先于配置文件和 KIOSK_DATA_DIR）")


def build_parser() -> argparse.ArgumentParser:
    """The whole ``kiosk-admin`` parser."""
    # SUPPRESS: a sub-command's copy of these options must not overwrite a value given before
    # the sub-command (`kiosk-admin --json outbox list` and `kiosk-admin outbox list --json`).
    common = ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    _common_options(common)
    parser = ArgumentParser(
        prog=PROG,
        description="乡村法律服务终端 管理工具",
        epilog=f"示例：\n  {PROG} outbox list\n  {PROG} sync --once\n"
        f"每个命令的说明和示例：{PROG} 命令 --help（详见 docs/cli.md）",
        formatter_class=HelpFormatter,
        add_help=False,
    )
    chinese_help(parser)
    # Own copies with real defaults (parents would share the Action objects with ``common``).
    _common_options(parser)
    sub = parser.add_subparsers(title="命令", dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub, common)
    return parser


def command_paths(parser: argparse.ArgumentParser | None = None) -> list[str]:
    """Every runnable command path, e.g. ``['check-id', 'pack sign', ...]`` (for the docs test)."""
    return [" ".join(path) for path, _parser in commands(parser or build_parser())]


def commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable command as ``(path, its parser)``, in the order of the parser."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(prefix, parser)] if prefix else []
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []
    for action in subs:
        for name, child in action.choices.items():
            found += commands(child, (*prefix, name))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code is the command's (1 for a plain error on stderr)."""
    os.umask(PRIVATE_UMASK)  # what a command creates in the data directory stays private
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 1
    try:
        return int(func(args) or 0)
    except PLAIN_ERRORS as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the person at the console.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    # Run through the package module so CliError is the class the commands raise.
    from kiosk.admin.cli import main as package_main

    sys.exit(package_main())
