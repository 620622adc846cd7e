"""kiosk-admin idcard read|check and handwriting recognize, as staff would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from tests.devices.conftest import STROKES_DIR, card_data, sim_card


@pytest.fixture(autouse=True)
def _no_terminal_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("KIOSK_IDCARD_DRIVER", "KIOSK_IDCARD_PORT", "KIOSK_IDCARD_LIBRARY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))


def test_idcard_read_prints_the_fields_with_the_number_masked(make_simulator, capsys) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    sim.place("wang")
    assert main(["idcard", "read", "--port", sim.path, "--timeout", "3"]) == 0
    out = capsys.readouterr().out
    number = card_data("wang")["id_number"]
    assert "姓名：王建国" in out and "有效期限：2016.03.01-长期" in out
    assert f"{number[:4]}**********{number[-4:]}" in out and number not in out


def test_idcard_read_json_gives_every_field(make_simulator, capsys) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("long"))
    sim.place("long")
    assert main(["idcard", "read", "--port", sim.path, "--driver", "serial", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = card_data("long")
    assert data["id_number"] == expected["id_number"] and data["address"] == expected["address"]
    assert data["nation"] == "维吾尔" and data["valid_until"] == "2038-05-10"


def test_idcard_read_of_an_expired_card_fails_with_the_plain_reason(make_simulator, capsys) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("expired"))
    sim.place("expired")
    assert main(["idcard", "read", "--port", sim.path]) == 1
    assert "过期" in capsys.readouterr().err


def test_idcard_check_says_the_reader_is_ready(make_simulator, capsys) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator()
    assert main(["idcard", "check", "--port", sim.path]) == 0
    assert "正常" in capsys.readouterr().out


def test_idcard_check_of_a_faulty_security_module_exits_1(make_simulator, capsys) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sam_fault=True)
    assert main(["idcard", "check", "--port", sim.path, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["state"] == "sam_fault"


def test_idcard_check_tells_unplugged_from_not_configured(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["idcard", "check", "--port", str(tmp_path / "ttyUSB0")]) == 1
    unplugged = capsys.readouterr().out
    assert main(["idcard", "check"]) == 1
    not_configured = capsys.readouterr().out
    assert "找不到身份证读卡器" in unplugged and "没有配置" in not_configured


def test_idcard_check_uses_the_reader_from_the_environment(
    make_simulator, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator()
    monkeypatch.setenv("KIOSK_IDCARD_DRIVER", "serial")
    monkeypatch.setenv("KIOSK_IDCARD_PORT", sim.path)
    assert main(["idcard", "check"]) == 0


def test_idcard_read_on_an_unplugged_reader_tells_staff_plainly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["idcard", "read", "--port", str(tmp_path / "ttyUSB0")]) == 1
    err = capsys.readouterr().err
    assert "找不到身份证读卡器" in err and "Traceback" not in err


def test_handwriting_recognize_lists_candidates_best_first(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["handwriting", "recognize", str(STROKES_DIR / "李.json"), "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("1. 李")


def test_handwriting_recognize_json_has_chars_and_scores(capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(["handwriting", "recognize", str(STROKES_DIR / "李.json"), "--top", "4", "--json"])
        == 0
    )
    candidates = json.loads(capsys.readouterr().out)["candidates"]
    assert len(candidates) == 4 and candidates[0]["char"] == "李"
    assert all(isinstance(c["score"], float) for c in candidates)


def test_handwriting_recognize_explains_a_bad_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.json"
    bad.write_text("{nope", encoding="utf-8")
    assert main(["handwriting", "recognize", str(bad)]) == 1
    assert "不是有效的 JSON" in capsys.readouterr().err


def test_handwriting_recognize_without_the_model_says_why(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = [
        "handwriting",
        "recognize",
        str(STROKES_DIR / "李.json"),
        "--model",
        str(tmp_path / "m"),
    ]
    assert main(args) == 1
    assert "字库文件" in capsys.readouterr().err
