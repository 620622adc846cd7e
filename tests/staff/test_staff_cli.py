"""Administrators provision staff PINs from the command line; the kiosk then accepts them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.audit import AuditLog
from kiosk.staff import StaffDirectory
from offline_cache.store import Store


def run(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_a_staff_member_added_from_the_cli_can_sign_in_and_is_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert (
        run(
            monkeypatch,
            ["staff", "add", "1001", "--role", "admin", "--pin-stdin", *data],
            "204816\n",
        )
        == 0
    )
    assert "1001" in capsys.readouterr().out
    store = Store(tmp_path / "kiosk.sqlite3")
    directory = StaffDirectory(store)
    assert directory.sign_in("1001", "204816").ok
    assert not directory.sign_in("1001", "999999").ok
    assert run(monkeypatch, ["staff", "deactivate", "1001", *data]) == 0
    assert not directory.sign_in("1001", "204816").ok
    actions = [e.action for e in AuditLog(store).entries(limit=50)]
    assert "staff.provisioned" in actions and "staff.deactivated" in actions
    assert AuditLog(store).verify().ok
    assert b"204816" not in (tmp_path / "kiosk.sqlite3").read_bytes()


def test_a_bad_pin_is_refused_with_a_plain_line_and_nothing_is_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        monkeypatch, ["staff", "add", "1002", "--pin-stdin", "--data-dir", str(tmp_path)], "12\n"
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert run(monkeypatch, ["staff", "list", "--data-dir", str(tmp_path)]) == 0
    assert "1002" not in capsys.readouterr().out


def test_without_a_terminal_the_pin_must_come_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, ["staff", "add", "1003", "--data-dir", str(tmp_path)]) == 1
    assert "--pin-stdin" in capsys.readouterr().err


def test_staff_hash_matches_what_sign_in_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, ["--json", "staff", "hash", "--pin-stdin"], "555123\n") == 0
    import json

    hashed = json.loads(capsys.readouterr().out)["hash"]
    from kiosk.staff import check_pin

    assert check_pin("555123", hashed)
    assert not check_pin("555124", hashed)
