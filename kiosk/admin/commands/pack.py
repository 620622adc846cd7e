"""``kiosk-admin pack …``: the bureau's signing key, signing, checking, installing, rolling back.

Every decision is made in :mod:`kiosk.packs` and :mod:`offline_cache.pack_store`; installs,
refused installs and rollbacks are written to the audit log there.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict
from pathlib import Path

from kiosk.admin.common import (
    CliError,
    Subparsers,
    add_command,
    add_group,
    admin_actor,
    config_from_args,
)
from kiosk.admin.output import as_data, emit, error
from kiosk.audit import AuditLog
from kiosk.config import ConfigError, KioskConfig
from kiosk.packs import build, signing
from kiosk.packs.checks import open_pack_store
from kiosk.packs.diff import diff_packs
from kiosk.packs.errors import PackRefused
from kiosk.packs.listing import pack_listing
from kiosk.packs.manifest import Manifest
from kiosk.packs.sources import install_with_audit, rollback_with_audit
from kiosk.packs.verify import VerifiedPack, check_pack_file, upgrade_note
from kiosk.terminal_clock import clock_of
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.os_errors import plain_reason
from offline_cache.pack_store import PackStore, downgrade_refusal
from offline_cache.store import Store


def _pack_store(config: KioskConfig) -> PackStore[Manifest]:
    return open_pack_store(config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys)


def _audit(config: KioskConfig) -> AuditLog:
    store = Store(config.db_path)
    return AuditLog(store, clock=clock_of(store).utcnow)


def _passphrase(args: argparse.Namespace) -> bytes | None:
    var = getattr(args, "passphrase_env", None)
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise CliError(f"环境变量 {var} 没有设置口令。")
    return value.encode("utf-8")


def cmd_keygen(args: argparse.Namespace) -> int:
    try:
        key = build.new_signing_key(Path(args.output), _passphrase(args))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    emit(
        args,
        f"已生成签名私钥：{key.private_key}（只有本人可读，请离线保管）\n"
        f"公钥（填入各终端 packs.trusted_keys）：{key.public_key}\n"
        f"公钥也写在：{key.public_key_file}\n指纹：{key.fingerprint}",
        as_data(key),
    )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    update = build.update_manifest(
        Path(args.dir),
        pack_id=args.id,
        region=args.region,
        version=args.version,
        min_app_version=args.min_app_version,
        valid_from=args.valid_from,
    )
    emit(
        args,
        update.message(),
        as_data(update, drop=["directory"], manifest=update.manifest.to_dict()),
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    checked = build.check_source_or_zip(Path(args.dir))
    manifest, signature, review = checked.manifest, checked.signature, checked.review
    if review.plain_problems:
        raise CliError(
            f"内容包 {manifest.label()} 有 {len(review.plain_problems)} 处居民读不懂的地方，"
            "请先改好：" + "".join(f"\n  - {p}" for p in review.plain_problems)
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
        f"内容包 {manifest.label()} 格式正确：{len(manifest.files)} 个文件与清单一致，"
        f"数据可被终端加载；{signed}。{listing}",
        {
            "ok": True,
            "id": manifest.pack_id,
            "version": manifest.version,
            "files": len(manifest.files),
            "signed": signature is not None,
            "unverified": [as_data(u) for u in review.unverified],
        },
    )
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    directory, out = Path(args.dir), Path(args.output)
    try:
        key = signing.load_private_key(Path(args.key), _passphrase(args))
        manifest, signature = build.sign_directory(directory, key, out)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"写不了 {out}：{plain_reason(exc)}") from None
    fp = signing.fingerprint(signature.public_key)
    emit(
        args,
        f"已签名 {manifest.label()} → {out}（密钥指纹 {fp}，{len(manifest.files)} 个文件）",
        {"file": str(out), "id": manifest.pack_id, "version": manifest.version, "fingerprint": fp},
    )
    return 0


# `pack verify` exit code when the pack is sound but this terminal would refuse to install it
# (not newer than the active pack, or signed by a key only --trusted-key names): docs/cli.md.
EXIT_NOT_INSTALLABLE_HERE = 3


def cmd_verify(args: argparse.Namespace) -> int:
    trusted = list(args.trusted_key or [])
    try:
        config: KioskConfig | None = config_from_args(args)
    except ConfigError:
        if not trusted:  # an administrator's PC without a terminal config names its keys
            raise
        config = None
    if config is not None:
        trusted += list(config.trusted_pack_keys)
    source = Path(args.file)
    try:
        verified = check_pack_file(source, trusted)
    except PackRefused as exc:
        if config is not None:
            _audit(config).append(
                admin_actor(),
                "pack.verify_refused",
                {"file": source.name, "reason": exc.reason, "message": exc.message},
            )
        raise
    m = verified.manifest
    sound = (
        f"内容包 {m.label()}（{m.region}）本身完好：签名有效（指纹 {verified.signer_fingerprint}），"
        f"{len(m.files)} 个文件完整，{m.valid_from} 起生效，数据可被终端加载。"
    )
    refusal, here = _install_here(config, verified, allow_downgrade=args.allow_downgrade)
    data = {
        "ok": refusal is None,
        "installable_here": refusal is None,
        "refusal": refusal,
        "id": m.pack_id,
        "version": m.version,
        "region": m.region,
        "valid_from": m.valid_from,
        "signer": verified.signer_fingerprint,
        "files": len(m.files),
    }
    if refusal is not None:
        # Said first, on stderr like every refusal, so `verify && install` stops here.
        if not getattr(args, "json", False):
            error(f"不能安装到本终端：{refusal}")
        emit(args, sound, data)
        return EXIT_NOT_INSTALLABLE_HERE
    emit(args, f"可以安装。{sound}" + (f"\n{here}" if here else ""), data)
    return 0


def _install_here(
    config: KioskConfig | None, verified: VerifiedPack, *, allow_downgrade: bool
) -> tuple[str | None, str]:
    """``(why installing on this terminal would be refused, or None; what it would do)``."""
    if config is None:  # an administrator's PC: nothing here to compare with
        return None, ""
    if verified.signer is not None and verified.signer not in {
        k.strip() for k in config.trusted_pack_keys
    }:
        return "签名的密钥不在本终端的受信任公钥（packs.trusted_keys）里，安装时会被拒绝。", ""
    try:
        current = _pack_store(config).active_manifest()
    except PackRefused:
        return None, ""  # no readable active pack: install replaces it
    refusal = downgrade_refusal(current, verified.manifest, allow_downgrade=allow_downgrade)
    if refusal is not None:
        return refusal.message, ""
    return None, upgrade_note(current, verified.manifest)


def cmd_install(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    store = _pack_store(config)
    try:
        result = install_with_audit(
            store,
            Path(args.file),
            audit=_audit(config),
            actor=admin_actor(),
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


def cmd_list(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    listing = pack_listing(
        _pack_store(config), config.trusted_pack_keys, config.removable_media_dir
    )
    emit(
        args,
        listing.lines(),
        {
            "packs": [p.to_dict() for p in listing.packs],
            "active_problems": listing.active_problems,
            "trusted_keys": [asdict(k) for k in listing.trusted_keys],
            "media": [c.to_dict() for c in listing.media],
        },
    )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    result = rollback_with_audit(_pack_store(config), audit=_audit(config), actor=admin_actor())
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
    result = diff_packs(Path(args.a), Path(args.b))
    emit(args, result.render(), result.to_dict())
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(
        sub, "pack", help="内容包：生成密钥、签名、校验、安装、回退、比较", parents=[common]
    )
    passphrase = argparse.ArgumentParser(add_help=False)
    passphrase.add_argument(
        "--passphrase-env", metavar="VAR", help="私钥口令所在的环境变量（口令不写在命令行上）"
    )

    p = add_command(
        actions,
        "keygen",
        cmd_keygen,
        help="生成司法局的内容包签名密钥对",
        example="pack keygen -o /media/keyusb/czsfj-2027.pem --passphrase-env PACK_KEY_PASS",
        parents=[common, passphrase],
    )
    p.add_argument("-o", "--output", default="pack-signing-key.pem", help="私钥文件（不会覆盖）")

    p = add_command(
        actions,
        "manifest",
        cmd_manifest,
        help="按目录里的文件重写 manifest.json",
        example="pack manifest packs/changzhou-2027 --version 2.0.0 --valid-from 2027-01-01",
        parents=[common],
    )
    p.add_argument("dir", metavar="DIR", help="内容包目录")
    p.add_argument("--id", help="内容包编号（小写字母、数字、-、_）")
    p.add_argument("--region", help="适用地区，如 常州市")
    p.add_argument("--version", help="新版本号，如 1.3.0")
    p.add_argument("--min-app-version", help="需要的最低终端程序版本")
    p.add_argument("--valid-from", help="生效日期，如 2027-01-01")

    p = add_command(
        actions,
        "validate",
        cmd_validate,
        help="签名前检查内容包目录（或 zip）的格式和数据",
        example="pack validate packs/changzhou-2027",
        parents=[common],
    )
    p.add_argument("dir", metavar="DIR", help="内容包目录或 zip")

    p = add_command(
        actions,
        "sign",
        cmd_sign,
        help="检查并签名内容包目录，输出 zip",
        example="pack sign packs/changzhou-2027 --key /media/keyusb/czsfj-2027.pem "
        "-o changzhou-2.0.0.zip",
        parents=[common, passphrase],
    )
    p.add_argument("dir", metavar="DIR", help="内容包目录")
    p.add_argument("--key", required=True, help="私钥文件（pack keygen 生成）")
    p.add_argument("-o", "--output", required=True, help="输出的 .zip 文件")

    p = add_command(
        actions,
        "verify",
        cmd_verify,
        help="做安装时的全部检查，但不安装",
        example="pack verify /media/usb/changzhou-2.0.0.zip --trusted-key 3q2+7w0Bv5G1...=",
        parents=[common],
    )
    p.add_argument("file", metavar="FILE", help="内容包 zip 或目录")
    p.add_argument(
        "--trusted-key", action="append", metavar="PUBKEY", help="额外信任的公钥（可多次）"
    )
    p.add_argument(
        "--allow-downgrade", action="store_true", help="按 pack install --allow-downgrade 判断"
    )

    p = add_command(
        actions,
        "install",
        cmd_install,
        help="校验并安装内容包（保留上一个版本，可回退）",
        example="pack install /media/usb/changzhou-2.0.0.zip",
        parents=[common],
    )
    p.add_argument("file", metavar="FILE", help="内容包 zip")
    p.add_argument("--allow-downgrade", action="store_true", help="允许安装不高于当前的版本")

    add_command(
        actions,
        "list",
        cmd_list,
        help="列出已安装、可回退和移动存储上的内容包，以及受信任的公钥",
        example="pack list --json",
        parents=[common],
    )

    add_command(
        actions,
        "rollback",
        cmd_rollback,
        help="回退到上一个版本（没有时回到内置内容包）",
        example="pack rollback",
        parents=[common],
    )

    p = add_command(
        actions,
        "diff",
        cmd_diff,
        help="比较两个内容包（目录或 zip）",
        example="pack diff changzhou-1.0.0.zip changzhou-2.0.0.zip",
        parents=[common],
    )
    p.add_argument("a", metavar="A", help="旧的内容包")
    p.add_argument("b", metavar="B", help="新的内容包")
