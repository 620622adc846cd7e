"""``kiosk-admin pack …``, ``audit …`` and ``stats``: content packs, the audit log, statistics.

A thin layer: every decision is made in :mod:`kiosk.packs`, :mod:`offline_cache.pack_store`,
:mod:`kiosk.audit` and :mod:`kiosk.stats`. Installs, rollbacks and exports are written to the
audit log, refused installs too.
"""

from __future__ import annotations

import argparse
import getpass
import os
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.admin.cli import CliError, config_from_args, emit
from kiosk.audit import EXPORT, PACK_ROLLED_BACK, AuditLog
from kiosk.config import ConfigError, KioskConfig
from kiosk.content import load_pack
from kiosk.packs import archive, build, signing
from kiosk.packs.diff import diff_packs
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import CHINA_TZ, Manifest, regenerate
from kiosk.packs.review import content_review
from kiosk.packs.sources import install_with_audit, media_candidates
from kiosk.packs.verify import check_pack_dir, read_signature
from kiosk.stats import CSV_COLUMNS, parse_day, report, to_csv
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.pack_store import PackStore
from offline_cache.store import Store


def _actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"admin-cli:{user}"[:80]


def _pack_store(config: KioskConfig) -> PackStore:
    return PackStore(config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys)


def _audit(config: KioskConfig) -> AuditLog:
    return AuditLog(Store(config.db_path))


def _passphrase(args: argparse.Namespace) -> bytes | None:
    var = getattr(args, "passphrase_env", None)
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise CliError(f"环境变量 {var} 没有设置口令。")
    return value.encode("utf-8")


def _refused(exc: PackRefused) -> CliError:
    return CliError(str(exc))


# -- pack --------------------------------------------------------------------------------------
def cmd_keygen(args: argparse.Namespace) -> int:
    out = Path(args.output)
    pub_path = out.with_suffix(".pub")
    for existing in (out, pub_path):
        if existing.exists():
            raise CliError(f"{existing} 已经存在，不会覆盖已有密钥。请换一个文件名。")
    try:
        public = signing.generate_key(out, _passphrase(args))
    except OSError as exc:
        raise CliError(f"写不了私钥文件 {out}：{exc.strerror}") from None
    pub_path.write_text(public + "\n", encoding="ascii")
    fp = signing.fingerprint(public)
    emit(
        args,
        f"已生成签名私钥：{out}（只有本人可读，请离线保管）\n"
        f"公钥（填入各终端 packs.trusted_keys）：{public}\n"
        f"公钥也写在：{pub_path}\n指纹：{fp}",
        {
            "private_key": str(out),
            "public_key": public,
            "public_key_file": str(pub_path),
            "fingerprint": fp,
        },
    )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if not directory.is_dir():
        raise CliError(f"{directory} 不是目录。")
    try:
        before = Manifest.read(directory) if (directory / "manifest.json").is_file() else None
    except PackRefused:
        before = None
    try:
        manifest, changed = regenerate(
            directory,
            pack_id=args.id,
            region=args.region,
            version=args.version,
            min_app_version=args.min_app_version,
            valid_from=args.valid_from,
        )
    except PackRefused as exc:
        raise _refused(exc) from None
    word = "已更新" if changed else "无变化"
    hint = ""
    same_version = before is not None and before.version == manifest.version
    if same_version and before is not None and before.files != manifest.files:
        hint = (
            f"\n提示：文件有变化，但版本号仍是 {manifest.version}。"
            "要发给终端安装，请加 --version 提高版本号（终端不会重复安装同一版本）。"
        )
    emit(
        args,
        f"{directory / 'manifest.json'} {word}：{manifest.label()}，{len(manifest.files)} 个文件，"
        f"{manifest.valid_from} 起生效，需要程序 {manifest.min_app_version} 以上。{hint}",
        {
            "changed": changed,
            "version_unchanged_with_new_files": bool(hint),
            "manifest": manifest.to_dict(),
        },
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.dir)
    with tempfile.TemporaryDirectory(prefix="pack-validate-") as tmp:
        directory = path
        if path.is_file():
            try:
                archive.extract(path, Path(tmp))
            except PackRefused as exc:
                raise _refused(exc) from None
            directory = Path(tmp)
        elif not path.is_dir():
            raise CliError(f"找不到 {path}。")
        try:
            manifest = build.check_source(directory)
            signature = read_signature(directory)
            review = content_review(load_pack(directory))
        except PackRefused as exc:
            raise _refused(exc) from None
    if review.plain_problems:
        raise CliError(
            f"内容包 {manifest.label()} 有 {len(review.plain_problems)} 处居民读不懂的地方，请先改好："
            + "".join(f"\n  - {p}" for p in review.plain_problems)
        )
    signed = (
        f"已签名（密钥指纹 {signing.fingerprint(signature.public_key)}）" if signature else "未签名"
    )
    unverified = [u.line() for u in review.unverified]
    listing = (
        f"\n有 {len(unverified)} 项数字或说法还没核实，上线前请逐项确认："
        + "".join(f"\n  - {line}" for line in unverified)
        if unverified
        else ""
    )
    emit(
        args,
        f"内容包 {manifest.label()} 格式正确：{len(manifest.files)} 个文件与清单一致，数据可被终端加载；{signed}。{listing}",
        {
            "ok": True,
            "id": manifest.pack_id,
            "version": manifest.version,
            "files": len(manifest.files),
            "signed": signature is not None,
            "unverified": [asdict(u) for u in review.unverified],
        },
    )
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    directory, out = Path(args.dir), Path(args.output)
    try:
        key = signing.load_private_key(Path(args.key), _passphrase(args))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        manifest, signature = build.sign_directory(directory, key, out)
    except PackRefused as exc:
        raise _refused(exc) from None
    except OSError as exc:
        raise CliError(f"写不了 {out}：{exc.strerror}") from None
    fp = signing.fingerprint(signature.public_key)
    emit(
        args,
        f"已签名 {manifest.label()} → {out}（密钥指纹 {fp}，{len(manifest.files)} 个文件）",
        {"file": str(out), "id": manifest.pack_id, "version": manifest.version, "fingerprint": fp},
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    path = Path(args.file)
    trusted = list(args.trusted_key or [])
    try:
        config = config_from_args(args)
        trusted += list(config.trusted_pack_keys)
    except ConfigError:
        if not trusted:
            raise
    with tempfile.TemporaryDirectory(prefix="pack-verify-") as tmp:
        try:
            if path.is_dir():
                verified = check_pack_dir(path, trusted)
            else:
                archive.extract(path, Path(tmp))
                verified = check_pack_dir(Path(tmp), trusted)
        except PackRefused as exc:
            raise _refused(exc) from None
    m = verified.manifest
    here = ""
    try:
        current = _pack_store(config_from_args(args)).active_manifest()
        if m.semver > current.semver:
            here = f"\n本终端现在是 {current.label()}，安装后升级到 {m.version}。"
        else:
            here = (
                f"\n注意：本终端现在是 {current.label()}，这个版本不比它新，"
                "安装时会被拒绝（除非加 --allow-downgrade）。"
            )
    except (ConfigError, PackRefused):
        pass
    emit(
        args,
        f"内容包 {m.label()}（{m.region}）可以安装：签名有效（指纹 {verified.signer_fingerprint}），"
        f"{len(m.files)} 个文件完整，{m.valid_from} 起生效，数据可被终端加载。{here}",
        {
            "ok": True,
            "id": m.pack_id,
            "version": m.version,
            "region": m.region,
            "valid_from": m.valid_from,
            "signer": verified.signer_fingerprint,
            "files": len(m.files),
        },
    )
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    store = _pack_store(config)
    try:
        result = install_with_audit(
            store,
            Path(args.file),
            audit=_audit(config),
            actor=_actor(),
            origin="cli",
            allow_downgrade=args.allow_downgrade,
        )
    except PackRefused as exc:
        try:
            current = store.active_manifest().label()
        except PackRefused:
            current = ""
        raise CliError(f"未安装，当前内容包 {current} 继续使用。{exc}") from None
    emit(
        args,
        result.message,
        {
            "installed": result.manifest.version,
            "id": result.manifest.pack_id,
            "previous": result.previous.version if result.previous else None,
            "signer": result.signer_fingerprint,
            "directory": str(result.directory),
        },
    )
    return 0


_STATUS = {"active": "正在使用", "previous": "可回退", "bundled": "内置"}


def cmd_list(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    store = _pack_store(config)
    packs = store.list()
    candidates = media_candidates(config.removable_media_dir, store)
    problems = store.verify_active()
    lines = ["内容包："]
    for p in packs:
        when = f"，安装于 {p.installed_at}" if p.installed_at else ""
        lines.append(
            f"  [{_STATUS.get(p.status, p.status)}] {p.pack_id} {p.version}（{p.region}，"
            f"{p.valid_from} 起生效，签名 {p.signer_fingerprint or '—'}{when}）"
        )
    if problems:
        lines.append("警告：正在使用的内容包有问题：" + "；".join(problems))
    keys = _trusted_key_rows(config)
    lines.append("受信任的签名公钥（packs.trusted_keys）：")
    if not keys:
        lines.append("  （没有配置，任何内容包都不能安装）")
    for row in keys:
        state = (
            f"指纹 {row['fingerprint']}" if row["valid"] else "不是有效的 Ed25519 公钥，请检查配置"
        )
        lines.append(f"  {row['key'][:16]}…  {state}")
    if config.removable_media_dir is not None:
        lines.append(f"移动存储 {config.removable_media_dir} 上的内容包：")
        if not candidates:
            lines.append("  （没有找到 .zip 内容包）")
        for c in candidates:
            label = c.manifest.label() if c.manifest else c.path.name
            state = "可以安装" if c.installable else f"不能安装：{c.problem}"
            lines.append(f"  {c.path}：{label} — {state}")
    emit(
        args,
        "\n".join(lines),
        {
            "packs": [p.to_dict() for p in packs],
            "active_problems": problems,
            "trusted_keys": keys,
            "media": [c.to_dict() for c in candidates],
        },
    )
    return 0


def _trusted_key_rows(config: KioskConfig) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key in config.trusted_pack_keys:
        try:
            signing.parse_public_key(key)
            valid = True
        except ValueError:
            valid = False
        rows.append({"key": key, "valid": valid, "fingerprint": signing.fingerprint(key)})
    return rows


def cmd_rollback(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    store = _pack_store(config)
    audit = _audit(config)
    try:
        result = store.rollback()
    except PackRefused as exc:
        raise _refused(exc) from None
    audit.append(
        _actor(),
        PACK_ROLLED_BACK,
        {
            "from": result.from_manifest.version,
            "to": result.to_manifest.version if result.to_manifest else None,
            "to_bundled": result.directory == store.bundled_dir,
        },
    )
    emit(
        args,
        result.message,
        {
            "from": result.from_manifest.version,
            "to": result.to_manifest.version if result.to_manifest else None,
            "directory": str(result.directory),
        },
    )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        result = diff_packs(Path(args.a), Path(args.b))
    except PackRefused as exc:
        raise _refused(exc) from None
    emit(args, result.render(), result.to_dict())
    return 0


# -- audit -------------------------------------------------------------------------------------
def cmd_audit_verify(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    result = _audit(config).verify()
    if result.ok:
        human = (
            f"审计日志完整：共 {result.count} 条，链头 {result.head_hash}。\n"
            "（请记下链头；以后核对时，它之前的记录都不应改变。）"
        )
    else:
        human = "审计日志被改动过：\n" + "\n".join(f"  - {p}" for p in result.problems)
    emit(args, human, result.to_dict())
    return 0 if result.ok else 1


def cmd_audit_list(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    entries = _audit(config).entries(limit=args.limit, action=args.action)
    lines = [
        f"{e.seq:>5}  {_beijing(e.at)}  {e.actor:<24} {e.action:<22} {_short_detail(e.detail)}"
        for e in entries
    ]
    emit(args, "\n".join(lines) or "审计日志还没有记录。", [e.to_dict() for e in entries])
    return 0


def _beijing(at: str) -> str:
    """Stored in UTC; shown as the staff's wall-clock time."""
    try:
        return datetime.fromisoformat(at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def _short_detail(detail: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in detail.items())[:120]


# -- stats -------------------------------------------------------------------------------------
def cmd_stats(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    try:
        lo, hi = parse_day(args.date_from), parse_day(args.date_to)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if lo > hi:
        raise CliError(f"--from {lo} 晚于 --to {hi}。")
    store = Store(config.db_path)
    rows = report(store, lo, hi)
    AuditLog(store).append(
        _actor(),
        EXPORT,
        {"what": "stats", "from": lo.isoformat(), "to": hi.isoformat(), "csv": args.csv},
    )
    if args.csv:
        print(to_csv(rows, config.terminal_id), end="")
        return 0
    data = [r.to_dict(config.terminal_id) for r in rows]
    lines = [f"{lo} 至 {hi} 使用统计（终端 {config.terminal_id}，不含任何居民个人信息）："]
    if not rows:
        lines.append("  这段时间没有记录。")
    for r in rows:
        svc = "合计" if r.service == "*" else (r.service or "未选服务")
        extra = " ".join(x for x in (r.matter_category, r.village) if x)
        median = f"{r.median_session_s} 秒" if r.median_session_s is not None else "—"
        steps = "，".join(f"{k}:{v}" for k, v in sorted(r.abandoned_at_step.items()))
        lines.append(
            f"  {r.day} {svc}{(' ' + extra) if extra else ''}：开始 {r.sessions_started}，"
            f"完成 {r.sessions_completed}，中途离开 {r.sessions_abandoned}"
            f"{'（' + steps + '）' if steps else ''}，用语音 {r.voice_sessions}，"
            f"时长中位数 {median}，申请排队 {r.submissions_queued}，已受理 {r.submissions_accepted}"
        )
    emit(args, "\n".join(lines), {"columns": list(CSV_COLUMNS), "rows": data})
    return 0


# -- registration ------------------------------------------------------------------------------
def register(sub: Any, common: argparse.ArgumentParser) -> None:
    pack = sub.add_parser("pack", help="内容包：生成密钥、签名、校验、安装、回退、比较")
    ps = pack.add_subparsers(dest="pack_command", metavar="ACTION")

    p = ps.add_parser("keygen", parents=[common], help="生成司法局签名密钥对")
    p.add_argument("-o", "--output", default="pack-signing-key.pem", help="私钥文件（不会覆盖）")
    p.add_argument("--passphrase-env", metavar="VAR", help="从这个环境变量读口令来加密私钥")
    p.set_defaults(func=cmd_keygen)

    p = ps.add_parser("manifest", parents=[common], help="按目录里的文件重写 manifest.json")
    p.add_argument("dir")
    p.add_argument("--id", help="内容包编号（小写字母、数字、-、_）")
    p.add_argument("--region", help="适用地区，如 常州市")
    p.add_argument("--version", help="新版本号，如 1.3.0")
    p.add_argument("--min-app-version", help="需要的最低终端程序版本")
    p.add_argument("--valid-from", help="生效日期，如 2027-01-01")
    p.set_defaults(func=cmd_manifest)

    p = ps.add_parser("validate", parents=[common], help="检查内容包目录（或 zip）的格式和数据")
    p.add_argument("dir")
    p.set_defaults(func=cmd_validate)

    p = ps.add_parser("sign", parents=[common], help="签名内容包目录，输出 zip")
    p.add_argument("dir")
    p.add_argument("--key", required=True, help="私钥文件（pack keygen 生成）")
    p.add_argument("-o", "--output", required=True, help="输出的 .zip 文件")
    p.add_argument("--passphrase-env", metavar="VAR", help="私钥口令所在的环境变量")
    p.set_defaults(func=cmd_sign)

    p = ps.add_parser("verify", parents=[common], help="完整校验内容包（不安装）")
    p.add_argument("file")
    p.add_argument(
        "--trusted-key", action="append", metavar="PUBKEY", help="额外信任的公钥（可多次）"
    )
    p.set_defaults(func=cmd_verify)

    p = ps.add_parser("install", parents=[common], help="校验并安装内容包")
    p.add_argument("file")
    p.add_argument("--allow-downgrade", action="store_true", help="允许安装不高于当前的版本")
    p.set_defaults(func=cmd_install)

    p = ps.add_parser("list", parents=[common], help="列出已安装、可回退和移动存储上的内容包")
    p.set_defaults(func=cmd_list)

    p = ps.add_parser("rollback", parents=[common], help="回退到上一个版本")
    p.set_defaults(func=cmd_rollback)

    p = ps.add_parser("diff", parents=[common], help="比较两个内容包（目录或 zip）")
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(func=cmd_diff)

    audit = sub.add_parser("audit", help="审计日志")
    aus = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    p = aus.add_parser("verify", parents=[common], help="检查审计日志是否被改动")
    p.set_defaults(func=cmd_audit_verify)
    p = aus.add_parser("list", parents=[common], help="列出最近的审计记录")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--action", help="只看某类操作，如 pack 或 staff.sign_in")
    p.set_defaults(func=cmd_audit_list)

    p = sub.add_parser("stats", parents=[common], help="使用统计（不含个人信息）")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    p.add_argument("--csv", action="store_true", help="输出 CSV")
    p.set_defaults(func=cmd_stats)
