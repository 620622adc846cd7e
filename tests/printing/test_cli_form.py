"""``kiosk-admin legal-aid form``: the same form as the kiosk, saved or printed from a case file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from tests.printing.conftest import BASE_CASE, CODE, pdf_text
from tools.cups_sandbox import CupsSandbox


def _case(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(BASE_CASE, ensure_ascii=False), encoding="utf-8")
    return path


def _run(tmp_path: Path, *args: str) -> int:
    return main(
        ["legal-aid", "form", str(_case(tmp_path)), "--data-dir", str(tmp_path / "d"), *args]
    )


def test_the_form_is_saved_with_the_code_and_the_staff_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "form.pdf"
    assert _run(tmp_path, "-o", str(out), "--receipt", CODE, "--staff", "1001") == 0
    assert "申请表已保存到" in capsys.readouterr().out
    text = pdf_text(out)
    assert "王大山" in text and f"回执号：{CODE}" in text and "代为填写：工作人员工号1001" in text


def test_a_form_from_a_case_never_submitted_says_it_is_a_sample(tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    assert _run(tmp_path, "-o", str(out)) == 0
    assert "回执号：未提交（样张）" in pdf_text(out)


def test_an_invalid_case_or_no_destination_is_one_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path) == 1
    assert "-o FORM.pdf" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**BASE_CASE, "matter": {"category": "x"}}), encoding="utf-8")
    args = ["legal-aid", "form", str(bad), "-o", str(tmp_path / "f.pdf")]
    assert main([*args, "--data-dir", str(tmp_path / "d")]) == 1
    err = capsys.readouterr().err
    assert "不能填表" in err and "matter" in err and "Traceback" not in err
    assert not (tmp_path / "f.pdf").exists()


def test_print_sends_the_form_to_the_queue(
    tmp_path: Path, cups: CupsSandbox, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("KIOSK_A4_PRINTER_SERVER", str(cups.socket))
    assert _run(tmp_path, "--print", "--queue", cups.queue, "--receipt", CODE) == 0
    assert "申请表打印好了" in capsys.readouterr().out
    [printed] = cups.wait_for_output(1, timeout_s=30)
    assert f"回执号：{CODE}" in pdf_text(printed)
    cups.stop_queue()
    assert _run(tmp_path, "--print", "--queue", cups.queue) == 1
    assert "打印机暂停了，申请表没有打印。" in capsys.readouterr().err


def test_a_form_that_cannot_be_written_says_why_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, "-o", str(tmp_path / "no-such-folder" / "f.pdf")) == 1
    err = capsys.readouterr().err
    assert "找不到这个文件或文件夹" in err and "No such file" not in err
    assert _run(tmp_path, "-o", str(tmp_path)) == 1  # a folder, not a file name
    err = capsys.readouterr().err
    assert "请写上文件名" in err and "Is a directory" not in err
