"""An administrator's whole path through kiosk-admin: keygen → sign → verify → install → rollback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from offline_cache import BUNDLED_PACK_DIR
from tests.conftest import KioskAdmin
from tests.packs.conftest import BUNDLED_VERSION, copy_bundled


def write_config(path: Path, data_dir: Path, media: Path, public_key: str) -> Path:
    path.write_text(
        f'[paths]\ndata_dir = "{data_dir}"\nremovable_media_dir = "{media}"\n'
        f'[packs]\ntrusted_keys = ["{public_key}"]\n',
        encoding="utf-8",
    )
    return path


def test_keygen_sign_verify_install_list_rollback_through_the_cli(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    key = tmp_path / "bureau.pem"
    code, keygen_out, _ = kiosk_admin("pack", "keygen", "-o", str(key), "--json")
    assert code == 0
    public = json.loads(keygen_out)["public_key"]
    assert (key.stat().st_mode & 0o777) == 0o600
    assert key.with_suffix(".pub").read_text(encoding="ascii").strip() == public
    # keygen never overwrites a key
    code, _, err = kiosk_admin("pack", "keygen", "-o", str(key))
    assert code == 1 and "不会覆盖" in err
    key.rename(tmp_path / "moved.pem")  # a stale .pub alone must not be paired with a new key
    code, _, err = kiosk_admin("pack", "keygen", "-o", str(key))
    assert code == 1 and "bureau.pub" in err
    (tmp_path / "moved.pem").rename(key)

    media = tmp_path / "usb"
    media.mkdir()
    config = write_config(tmp_path / "kiosk.toml", tmp_path / "data", media, public)
    cfg = ["--config", str(config)]

    source = copy_bundled(tmp_path / "pack-src")
    code, out, _ = kiosk_admin(
        "pack",
        "manifest",
        str(source),
        "--id",
        "changzhou",
        "--region",
        "常州市",
        "--version",
        "2.0.0",
        "--valid-from",
        "2026-01-01",
    )
    assert code == 0 and "2.0.0" in out
    code, out, _ = kiosk_admin("pack", "validate", str(source))
    assert code == 0 and "格式正确" in out

    signed = media / "changzhou-2.0.0.zip"
    code, out, _ = kiosk_admin("pack", "sign", str(source), "--key", str(key), "-o", str(signed))
    assert code == 0 and signed.is_file()

    code, out, _ = kiosk_admin("pack", "verify", str(signed), *cfg)
    assert code == 0 and "可以安装" in out and "安装后升级到 2.0.0" in out

    code, out, _ = kiosk_admin("pack", "list", *cfg)
    assert "changzhou 2.0.0 — 可以安装" in out
    assert f"指纹 {json.loads(keygen_out)['fingerprint']}" in out

    code, out, _ = kiosk_admin("pack", "install", str(signed), *cfg)
    assert code == 0 and f"已安装内容包 changzhou 2.0.0（原为 {BUNDLED_VERSION}）" in out

    code, out, err = kiosk_admin("pack", "install", str(signed), *cfg)
    assert code == 1 and "未安装，当前内容包 changzhou 2.0.0 继续使用" in err

    code, out, _ = kiosk_admin("pack", "list", "--json", *cfg)
    listed = json.loads(out)
    assert [(p["version"], p["status"]) for p in listed["packs"]] == [
        ("2.0.0", "active"),
        (BUNDLED_VERSION, "bundled"),
    ]

    code, out, _ = kiosk_admin("pack", "rollback", *cfg)
    assert code == 0 and "回退到 内置内容包" in out
    code, out, _ = kiosk_admin("pack", "list", "--json", *cfg)
    assert json.loads(out)["packs"][0]["directory"] == str(BUNDLED_PACK_DIR)

    code, out, _ = kiosk_admin("audit", "list", "--json", *cfg)
    actions = [e["action"] for e in json.loads(out)]
    assert actions == ["pack.rolled_back", "pack.install_refused", "pack.installed"]
    code, out, _ = kiosk_admin("audit", "verify", *cfg)
    assert code == 0 and "审计日志完整：共 3 条" in out


def test_signing_a_directory_whose_manifest_is_stale_names_the_command_to_fix_it(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    key = tmp_path / "k.pem"
    kiosk_admin("pack", "keygen", "-o", str(key))
    source = copy_bundled(tmp_path / "src")
    kiosk_admin(
        "pack",
        "manifest",
        str(source),
        "--id",
        "changzhou",
        "--region",
        "常州市",
        "--version",
        "2.0.0",
    )
    (source / "data" / "hotline.json").write_text(
        (source / "data" / "hotline.json").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    code, _, err = kiosk_admin(
        "pack", "sign", str(source), "--key", str(key), "-o", str(tmp_path / "x.zip")
    )
    assert code == 1
    assert f"kiosk-admin pack manifest {source}" in err
    assert "data/hotline.json" in err
    assert not (tmp_path / "x.zip").exists()
    # Regenerating without a new version works, with a reminder that terminals need one.
    code, out, _ = kiosk_admin("pack", "manifest", str(source))
    assert code == 0 and "版本号仍是 2.0.0" in out and "--version" in out
    code, out, _ = kiosk_admin("pack", "manifest", str(source), "--version", "2.0.1")
    assert code == 0 and "版本号仍是" not in out


def test_pack_diff_shows_what_changed_down_to_the_json_path(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    a = copy_bundled(tmp_path / "a")
    b = copy_bundled(tmp_path / "b")
    hotline = json.loads((b / "data" / "hotline.json").read_text(encoding="utf-8"))
    first_key = next(iter(hotline))
    hotline["added_for_test"] = "新内容"
    (b / "data" / "hotline.json").write_text(
        json.dumps(hotline, ensure_ascii=False), encoding="utf-8"
    )
    (b / "assets" / "new.png").write_bytes(b"png")
    shutil.rmtree(b / "assets" / "icons")
    for d, v in ((a, "1.0.0"), (b, "1.1.0")):
        kiosk_admin(
            "pack",
            "manifest",
            str(d),
            "--id",
            "changzhou",
            "--region",
            "常州市",
            "--version",
            v,
        )
    code, out, _ = kiosk_admin("pack", "diff", str(a), str(b))
    assert code == 0
    assert "清单 version: 1.0.0 → 1.1.0" in out
    assert "+ assets/new.png（新增）" in out
    assert "- assets/icons/" in out
    assert '/added_for_test: 新增 "新内容"' in out
    assert first_key  # the untouched part of the file is not listed
    assert f"/{first_key}:" not in out


def test_stats_rejects_a_badly_written_date_plainly(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    code, _, err = kiosk_admin(
        "stats", "--from", "2026/11/01", "--to", "2026-11-30", "--data-dir", str(tmp_path)
    )
    assert code == 1 and "2026-11-28 这样" in err
