"""Command line of the provincial-system simulator (docs/provincial-sim.md).

``python -m tools.provincial_sim [options]`` serves the simulated province until Ctrl-C/SIGTERM;
``python -m tools.provincial_sim keys init DIR …`` writes the key material a demo or a test needs.
Neither is part of the terminal's software: a real terminal talks to the real province, which
issues its public key and credentials.
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.sealing import SealingError, load_private_key
from offline_cache.os_errors import plain_reason

PROG = "python -m tools.provincial_sim"
FAULT_SHARES = ("fail_rate", "drop_after_commit", "captive_portal", "stall_rate", "pack_corrupt")


class SimError(Exception):
    """A plain message for the person at the console; exit code 1."""


def _emit(args: argparse.Namespace, human: str, data: object) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human)


def serve(args: argparse.Namespace) -> int:
    """Run the simulator until Ctrl-C or SIGTERM; the first line printed is its base URL."""
    from tools.provincial_sim.keys import load_terminal_registry
    from tools.provincial_sim.server import (
        Faults,
        PackZipError,
        ProvincialSimulator,
        PublishedPack,
        base_url,
        make_server,
        run_progress,
    )

    for name in FAULT_SHARES:
        if not 0 <= getattr(args, name) <= 1:
            raise SimError(f"--{name.replace('_', '-')} 应在 0 到 1 之间")
    try:
        private_key = load_private_key(Path(args.private_key))
        terminals = load_terminal_registry(Path(args.terminals))
    except SealingError as exc:
        raise SimError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise SimError(f"读不到终端登记文件 {args.terminals}：{exc}") from None
    faults = Faults(**{f.name: getattr(args, f.name) for f in fields(Faults)})
    if args.pack_zip and args.pack_manifest:
        raise SimError("--pack-zip 和 --pack-manifest 只能用一个")
    try:
        published = PublishedPack.load(Path(args.pack_zip)) if args.pack_zip else None
    except PackZipError as exc:
        raise SimError(f"--pack-zip：{exc}") from None
    sim = ProvincialSimulator(
        Path(args.db),
        private_key,
        terminals,
        faults,
        pack_manifest=Path(args.pack_manifest) if args.pack_manifest else None,
        pack_zip=published,
        seed=args.seed,
    )
    tls = args.tls_cert is not None
    try:
        server = make_server(
            sim,
            args.host,
            args.port,
            tls_cert=Path(args.tls_cert) if tls else None,
            tls_key=Path(args.tls_key) if args.tls_key else None,
        )
    except OSError as exc:
        why = "端口已被占用" if exc.errno == errno.EADDRINUSE else plain_reason(exc)
        raise SimError(f"模拟器无法监听 {args.host}:{args.port}：{why}") from None
    url = base_url(server, tls)
    _emit(args, f"省系统模拟器已启动：{url}", {"url": url})
    sys.stdout.flush()
    stop = threading.Event()
    if args.progress_seconds > 0:
        threading.Thread(
            target=run_progress, args=(sim, args.progress_seconds, stop), daemon=True
        ).start()
    # shutdown() waits for serve_forever to return, so it can't run on the serving thread.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


def keys_init(args: argparse.Namespace) -> int:
    """Write the provincial key pair, the terminal's credentials, the registry (and a TLS cert)."""
    from tools.provincial_sim.keys import init_keys

    terminal = (
        args.terminal_id or load_config(Path(args.config) if args.config else None).terminal_id
    )
    try:
        files = init_keys(Path(args.directory), terminal, tls=args.tls)
    except OSError as exc:
        raise SimError(f"无法写入 {args.directory}：{plain_reason(exc)}") from None
    lines = [
        f"省系统私钥（只给模拟器/省系统）：{files.private_key}",
        f"省系统公钥（终端 provincial.public_key_file）：{files.public_key}",
        f"终端 {terminal} 凭据（终端 provincial.credentials_file）：{files.credentials}",
        f"模拟器的终端登记表（--terminals）：{files.terminals}",
    ]
    if files.tls_cert is not None:
        lines.append(f"TLS 证书（终端 provincial.ca_file，模拟器 --tls-cert）：{files.tls_cert}")
    _emit(args, "\n".join(lines), asdict(files))
    return 0


def serve_parser() -> argparse.ArgumentParser:
    """The simulator's options (the same as the former ``kiosk-admin provincial-sim``)."""
    p = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="省系统模拟器：实现 docs/openapi.yaml 的 HTTP(S) 服务，供测试、演示和性能测试使用。\n"
        f"生成演示密钥：{PROG} keys init DIR",
        epilog=f"示例：{PROG} --port 0 --db sim.sqlite3 --private-key keys/provincial_private.pem "
        "--terminals keys/terminals.json --fail-rate 0.3",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8443, help="端口（默认 8443；0 表示任选空闲端口）")
    p.add_argument("--db", required=True, help="模拟器自己的 SQLite 文件")
    p.add_argument("--private-key", required=True, help="省系统私钥（PEM）")
    p.add_argument("--terminals", required=True, help="终端登记表 JSON（keys init 生成）")
    p.add_argument("--tls-cert", help="用这个证书提供 HTTPS（PEM）")
    p.add_argument("--tls-key", help="--tls-cert 的私钥")
    p.add_argument("--fail-rate", type=float, default=0.0, help="回答 503 的比例")
    p.add_argument("--drop-after-commit", type=float, default=0.0, help="保存后丢掉回答的批次比例")
    p.add_argument("--latency-ms", type=int, default=0, help="每个回答延迟的毫秒数")
    p.add_argument(
        "--rate-limit", type=int, default=0, help="每个终端每秒允许的请求数，超出回答 429"
    )
    p.add_argument("--captive-portal", type=float, default=0.0, help="回答 200 和网页登录页的比例")
    p.add_argument("--reject-auth", action="store_true", help="对所有请求回答 401")
    p.add_argument(
        "--stall-rate", type=float, default=0.0, help="等 --stall-ms 之后才处理的批次比例"
    )
    p.add_argument("--stall-ms", type=int, default=2000, help="--stall-rate 的等待毫秒数")
    p.add_argument(
        "--progress-seconds", type=float, default=0.0, help="每隔这么多秒，每个案件前进一步"
    )
    p.add_argument("--pack-manifest", help="在 /packs/latest 公布的清单 JSON（FILE.sig 放在旁边）")
    p.add_argument("--pack-zip", help="在 /packs/latest 提供、可以下载的已签名内容包 zip")
    p.add_argument("--pack-corrupt", type=float, default=0.0, help="下载时翻转一个字节的比例")
    p.add_argument("--seed", type=int, help="随机种子，让故障可以重现")
    p.set_defaults(func=serve)
    return p


def keys_parser() -> argparse.ArgumentParser:
    """``keys init``: demo and test key material (a real terminal gets its keys from the province)."""
    p = argparse.ArgumentParser(prog=f"{PROG} keys", description="为演示和测试生成密钥材料")
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    init = sub.add_parser(
        "init",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="省系统密钥对、终端凭据、终端登记表，可选 TLS 证书",
        description="在 DIR 里生成省系统密钥对（已有的保留）、终端凭据、模拟器的终端登记表；"
        "加 --tls 再生成 127.0.0.1 的自签名证书。私密文件权限为 0600。",
        epilog=f"示例：{PROG} keys init keys --terminal-id CZ-WJ-0001 --tls",
    )
    init.add_argument("directory", metavar="DIR", help="写入的目录")
    init.add_argument("--terminal-id", help="终端编号（默认取配置里的 terminal.id）")
    init.add_argument("--tls", action="store_true", help="同时生成 127.0.0.1 的自签名证书")
    init.add_argument("--config", help="终端配置 TOML（只用来读 terminal.id）")
    init.add_argument("--json", action="store_true", help="输出 JSON")
    init.set_defaults(func=keys_init)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; errors meant for a person are one plain line on stderr and exit 1."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Serving takes options only, so a first word ``keys`` can only mean the key generator.
    parser = keys_parser() if argv[:1] == ["keys"] else serve_parser()
    args = parser.parse_args(argv[1:] if argv[:1] == ["keys"] else argv)
    try:
        return int(args.func(args))
    except (SimError, ConfigError) as exc:
        print(f"provincial_sim: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
