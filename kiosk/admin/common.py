"""What every ``kiosk-admin`` command shares: its error type, the terminal's config and content
pack, the actor written to the audit log, and reading the inputs people type or name."""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from kiosk import receipts
from kiosk.config import KioskConfig, load_config
from kiosk.json_messages import decode_problem
from offline_cache.os_errors import plain_reason

if TYPE_CHECKING:
    from kiosk.content import ContentPack

PROG = "kiosk-admin"
# A string: argparse's class can't be subscripted at run time, only in annotations.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Command = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A plain message for the person at the console; exit code 1."""


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    """The terminal config: ``--config`` (else env only), with ``--data-dir`` on top."""
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


def pack_option() -> argparse.ArgumentParser:
    """``--pack DIR`` (read by :func:`active_pack`), as a parent parser for the commands that
    take it."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--pack", metavar="DIR", help="内容包目录（默认用本机正在使用的内容包）")
    return parser


def load_active_pack(config: KioskConfig, directory: Path | None = None) -> ContentPack:
    """Load ``directory``, or the terminal's active pack; a broken pack is a :class:`CliError`."""
    from kiosk.content import PackError, ValidationCache, load_pack
    from kiosk.packs.checks import open_pack_store
    from offline_cache import BUNDLED_PACK_DIR

    if directory is None:
        directory = open_pack_store(
            config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys
        ).active_dir()
    # The cache the kiosk uses too (main.py): contents that passed every check aren't re-validated.
    cache = ValidationCache(config.data_dir / "cache" / "validated-packs.txt")
    try:
        return load_pack(directory, cache=cache)
    except PackError as exc:
        raise CliError("内容包有误：" + "；".join(exc.problems[:3])) from None


def admin_actor() -> str:
    """Who the audit log says acted: the operating-system user at the console."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"admin-cli:{user}"[:80]


def read_json_file(path: str) -> Any:
    """The JSON document in ``path``; unreadable or not JSON is a :class:`CliError`."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"读不出文件 {path}：{plain_reason(exc)}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{path} {decode_problem(exc)}") from None


def unwrap_submission(doc: Any, kind: str | None) -> tuple[str | None, Any]:
    """``(kind, payload)`` from a ``{"kind": …, "payload": {…}}`` file or a bare payload.

    ``kind`` given on the command line wins over the file's; a bare payload keeps ``kind``.
    """
    if isinstance(doc, dict) and "payload" in doc and "kind" in doc:
        return kind or doc["kind"], doc["payload"]
    return kind, doc


def write_output(path: str, data: bytes) -> None:
    """Write what ``-o FILE`` asked for; a file that can't be written is a plain error."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CliError(f"没能写 {path}：{plain_reason(exc)}") from None


def receipt_code(text: str) -> str:
    """A receipt code as typed (spaces allowed); a mistyped one is a :class:`CliError`."""
    problem = receipts.problem(text)
    if problem:
        raise CliError(problem)
    code = receipts.normalize(text)
    assert code is not None  # no problem means it normalises
    return code


def positive_float(text: str) -> float:
    """An argparse type: a number of seconds above zero."""
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("必须大于 0")
    return value


# argparse's own messages (Python 3.11 wording) and how an operator reads them. A message not
# listed falls back to a plain sentence without argparse's English.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (
            r"^argument (?P<arg>.+?): invalid choice: '?(?P<value>.*?)'? \(choose from (?P<choices>.*)\)$",
            "{arg} 不认识“{value}”，可选的有：{choices}",
        ),
        (
            r"^invalid choice: '?(?P<value>.*?)'? \(choose from (?P<choices>.*)\)$",
            "不认识“{value}”，可选的有：{choices}",
        ),
        (r"^the following arguments are required: (?P<args>.*)$", "缺少必须给出的参数：{args}"),
        (r"^unrecognized arguments: (?P<args>.*)$", "不认识这些参数：{args}"),
        (r"^argument (?P<arg>.+?): expected one argument$", "{arg} 后面要跟一个值"),
        (r"^argument (?P<arg>.+?): expected at least one argument$", "{arg} 后面至少要跟一个值"),
        (r"^argument (?P<arg>.+?): expected at most one argument$", "{arg} 后面最多跟一个值"),
        (
            r"^argument (?P<arg>.+?): ignored explicit argument '?(?P<value>.*?)'?$",
            "{arg} 不带值（多出了“{value}”）",
        ),
        (
            r"^argument (?P<arg>.+?): invalid \S+ value: '?(?P<value>.*?)'?$",
            "{arg} 的值“{value}”不对",
        ),
        (
            r"^argument (?P<arg>.+?): not allowed with argument (?P<other>.+)$",
            "{arg} 和 {other} 不能一起用",
        ),
        (r"^one of the arguments (?P<args>.+) is required$", "{args} 至少要给一个"),
        (
            r"^ambiguous option: (?P<opt>\S+) could match (?P<matches>.*)$",
            "选项 {opt} 不明确，可能是：{matches}",
        ),
        (r"^argument (?P<arg>.+?): (?P<why>[^\x00-\x7f].*)$", "{arg}：{why}"),
    )
)


_METAVAR_WORDS = {"COMMAND": "命令", "ACTION": "操作"}


def argparse_message(message: str) -> str:
    """argparse's English error message as a plain Chinese sentence (names kept as typed)."""
    for pattern, chinese in _ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match:
            values = {k: v.replace("'", "") for k, v in match.groupdict().items()}
            if "arg" in values:
                arg = values["arg"]
                values["arg"] = _METAVAR_WORDS.get(arg, arg.replace("/", " 或 "))
            return chinese.format(**values)
    return "命令的写法不对"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors said in Chinese, like every other ``kiosk-admin`` error."""

    def error(self, message: str) -> NoReturn:
        """Print one plain line (and where to find help) on stderr and exit 2, as argparse does."""
        print(
            f"{PROG}: 命令有误：{argparse_message(message)}。用法见 {self.prog} --help。",
            file=sys.stderr,
        )
        sys.exit(2)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help in one language for operators: Chinese headings, examples kept as written."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def chinese_help(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give ``parser`` (made with ``add_help=False``) a Chinese ``-h`` and section titles."""
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示这段说明后退出")
    return parser


def add_command(
    sub: Subparsers,
    name: str,
    func: Command,
    *,
    help: str,
    example: str,
    parents: list[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """A command run by ``func``: its help (Chinese, for operators), an example as the epilog.

    ``example`` lines are written without the program name (``outbox list --limit 5``).
    """
    parser = chinese_help(
        sub.add_parser(
            name,
            parents=parents,
            help=help,
            description=help,
            epilog="示例：\n" + "\n".join(f"  {PROG} {line}" for line in example.splitlines()),
            formatter_class=HelpFormatter,
            add_help=False,
        )
    )
    parser.set_defaults(func=func)
    return parser


def add_group(
    sub: Subparsers, name: str, *, help: str, parents: list[argparse.ArgumentParser]
) -> Subparsers:
    """A command group (``outbox``, ``pack`` …) whose actions are added to what this returns."""
    group = chinese_help(
        sub.add_parser(
            name,
            parents=parents,
            help=help,
            description=help,
            formatter_class=HelpFormatter,
            add_help=False,
        )
    )
    return group.add_subparsers(
        title="操作", dest=f"{name.replace('-', '_')}_command", metavar="ACTION", required=True
    )
