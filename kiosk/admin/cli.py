"""Entry point of ``kiosk-admin``.

Each area registers its own sub-commands from a module listed in ``COMMAND_MODULES``; a module
exposes ``register(subparsers, common)`` and sets ``func(args) -> int`` on its parsers. Errors
meant for a person are raised as :class:`CliError` and printed as one plain line on stderr
(exit 1), never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import ConfigError, KioskConfig, load_config
from offline_cache.store import StoreError

if TYPE_CHECKING:
    from kiosk.content import ContentPack

COMMAND_MODULES = (
    "kiosk.admin.cmd_rules",  # check-id, legal-aid, notary, visit        (issue 3)
    "kiosk.admin.cmd_outbox",  # submit, outbox, sync, status, provincial-sim (issue 4)
    "kiosk.admin.cmd_voice",  # voice ...                                  (issue 6)
    "kiosk.admin.cmd_pack",  # pack ..., audit ..., stats                  (issue 7)
    "kiosk.admin.cmd_staff",  # staff add|deactivate|list|hash              (issue 5)
    "kiosk.admin.cmd_idcard",  # idcard read|check                          (issue 13)
    "kiosk.admin.cmd_handwriting",  # handwriting recognize                 (issue 13)
)


class CliError(Exception):
    """A plain message for the person at the console; exit code 1."""


def emit(args: argparse.Namespace, human: str, data: Any) -> None:
    """Print ``data`` as JSON with ``--json``, else the human text."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human)


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    overrides = {"paths.data_dir": getattr(args, "data_dir", None)}
    config_path = getattr(args, "config", None)
    return load_config(Path(config_path) if config_path else None, overrides=overrides)


def active_pack(args: argparse.Namespace) -> ContentPack:
    """The pack named with ``--pack DIR`` (when the command has it), else the terminal's active
    installed pack, else the bundled Changzhou pack — the same pack the kiosk would serve."""
    if getattr(args, "pack", None):
        directory = Path(args.pack)
        if not directory.is_dir():
            raise CliError(f"内容包目录不存在：{directory}")
        return load_active_pack(config_from_args(args), directory)
    return load_active_pack(config_from_args(args))


def load_active_pack(config: KioskConfig, directory: Path | None = None) -> ContentPack:
    """Load ``directory``, or the terminal's active pack; a broken pack is a :class:`CliError`."""
    from kiosk.content import PackError, ValidationCache, load_pack
    from offline_cache import BUNDLED_PACK_DIR
    from offline_cache.pack_store import PackStore

    if directory is None:
        directory = PackStore(
            config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys
        ).active_dir()
    # The cache the kiosk uses too (main.py): contents that passed every check aren't re-validated.
    cache = ValidationCache(config.data_dir / "cache" / "validated-packs.txt")
    try:
        return load_pack(directory, cache=cache)
    except PackError as exc:
        raise CliError("内容包有误：" + "；".join(exc.problems[:3])) from None


def build_parser() -> argparse.ArgumentParser:
    # SUPPRESS: a sub-command's copy of these options must not overwrite a value given before
    # the sub-command (`kiosk-admin --json outbox list` and `kiosk-admin outbox list --json`).
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--json", action="store_true", help="machine-readable JSON output")
    common.add_argument("--config", help="terminal config TOML (default: none, env only)")
    common.add_argument("--data-dir", help="data directory (overrides config and KIOSK_DATA_DIR)")
    parser = argparse.ArgumentParser(prog="kiosk-admin", description="乡村法律服务终端 管理工具")
    # Own copies with real defaults (parents would share the Action objects with ``common``).
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    parser.add_argument("--config", help="terminal config TOML (default: none, env only)")
    parser.add_argument("--data-dir", help="data directory (overrides config and KIOSK_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that area is not built yet
                continue
            raise
        module.register(sub, common)
    return parser


def command_paths(parser: argparse.ArgumentParser | None = None) -> list[str]:
    """Every runnable command path, e.g. ``['check-id', 'pack sign', ...]`` (for the docs test)."""
    parser = parser or build_parser()
    found: list[str] = []

    def walk(p: argparse.ArgumentParser, prefix: list[str]) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append(" ".join(prefix))
            return
        for action in subs:
            for name, child in action.choices.items():
                walk(child, [*prefix, name])

    walk(parser, [])
    return [p for p in found if p]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 1
    try:
        return int(func(args) or 0)
    except (CliError, ConfigError, StoreError) as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the person at the console.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    # Run through the package module so CliError is the class the commands raise.
    from kiosk.admin.cli import main as package_main

    sys.exit(package_main())
