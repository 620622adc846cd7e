"""Every kiosk-admin error is Chinese, on stderr, and each of its lines starts with kiosk-admin:."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import KioskAdmin


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["pack", "verfy", "x.zip"], "不认识“verfy”"),
        (["pack", "sign", "dir"], "缺少必须给出的参数：--key"),
        (["submit"], "缺少必须给出的参数：FILE.json"),
        (["outbox", "list", "--limit", "abc"], "--limit 的值“abc”不对"),
        (["submit", "x.json", "--kind", "foo"], "--kind 不认识“foo”"),
        (["--bogus", "outbox", "list"], "不认识这些参数：--bogus"),
    ],
)
def test_a_mistyped_command_is_told_in_one_chinese_line_with_where_to_find_help(
    kiosk_admin: KioskAdmin, argv: list[str], said: str
) -> None:
    code, out, err = kiosk_admin(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk-admin: 命令有误：")
    assert said in err and "--help" in err
    for english in ("invalid choice", "required", "unrecognized", "usage", "error:"):
        assert english not in err


def test_a_refused_payload_lists_its_problems_on_lines_that_all_start_with_the_prefix(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"applicant": {"name": ""}}), encoding="utf-8")
    code, _, err = kiosk_admin("legal-aid", "assess", str(case), "--data-dir", str(tmp_path))
    lines = err.splitlines()
    assert code == 1 and len(lines) > 2
    assert all(line.startswith("kiosk-admin: ") for line in lines)
    assert lines[0].startswith(f"kiosk-admin: 申请内容有 {len(lines) - 1} 处问题")
    assert all(line.startswith("kiosk-admin:   - ") for line in lines[1:])


def test_a_truncated_case_file_is_said_in_chinese_with_the_place_it_stops(
    tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"applicant": {"name": "张', encoding="utf-8")
    code, _, err = kiosk_admin("legal-aid", "assess", str(case), "--data-dir", str(tmp_path))
    assert code == 1
    assert (
        err
        == f"kiosk-admin: {case} 不是完整的 JSON：在第 1 行第 24 列突然结束了，文件可能没写完或被截断\n"
    )
