"""``kiosk-admin voice …`` as an administrator uses it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import KioskAdmin
from tests.speech.conftest import korean_model_dir


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command here gets a data directory of its own."""
    data = tmp_path / "data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    return data


def test_match_prints_the_chosen_option(kiosk_admin: KioskAdmin) -> None:
    code, out, _ = kiosk_admin(
        "voice", "match", "--options", "法律援助|公证|上门服务", "嗯我想办公正"
    )
    assert (code, out) == (0, "公证\n")


def test_match_prints_nothing_and_exits_1_when_nothing_matches(kiosk_admin: KioskAdmin) -> None:
    code, out, _ = kiosk_admin("voice", "match", "--options", "法律援助|公证", "今天天气怎么样")
    assert (code, out) == (1, "")


def test_an_unsure_match_still_prints_the_option_and_says_it_would_ask(
    kiosk_admin: KioskAdmin,
) -> None:
    code, out, err = kiosk_admin("voice", "match", "--options", "交通事故|土地承包", "交通故")
    assert (code, out) == (0, "交通事故\n")
    assert "您是说“交通事故”吗？" in err


def test_match_against_a_screen_of_the_content_pack(kiosk_admin: KioskAdmin) -> None:
    code, out, _ = kiosk_admin("voice", "match", "--json", "--screen", "home", "免费绿狮")
    data = json.loads(out)
    assert code == 0
    assert data["option"]["id"] and not data["needs_confirmation"]
    code, out, _ = kiosk_admin("voice", "match", "--screen", "home", "--commands", "返回")
    assert (code, out) == (0, "返回\n")


def test_an_unknown_screen_is_a_plain_error(kiosk_admin: KioskAdmin) -> None:
    code, out, err = kiosk_admin("voice", "match", "--screen", "nope", "公证")
    assert code == 1 and out == ""
    assert "没有这个界面：nope" in err and "home" in err and "Traceback" not in err


def test_digits(kiosk_admin: KioskAdmin) -> None:
    assert kiosk_admin("voice", "digits", "幺三八", "洞洞幺三", "八洞洞洞")[:2] == (
        0,
        "13800138000\n",
    )
    assert kiosk_admin("voice", "digits", "--as", "amount", "两千五百块")[:2] == (
        0,
        "2500\n",
    )
    assert kiosk_admin("voice", "digits", "--as", "date", "二〇二四年三月五号")[:2] == (
        0,
        "2024-03-05\n",
    )
    code, out, err = kiosk_admin("voice", "digits", "你好")
    assert code == 1 and out == "" and "没有听出数字" in err


def test_transcribe_a_wav_with_a_grammar(
    kiosk_admin: KioskAdmin, speak_wav: Callable[..., Path]
) -> None:
    model = korean_model_dir()
    assert model is not None
    wav = speak_wav("공증 서비스")
    code, out, _ = kiosk_admin(
        "voice",
        "transcribe",
        str(wav),
        "--grammar",
        "공증 서비스|아니요|法律",
        "--model",
        str(model),
    )
    assert code == 0
    assert out.splitlines()[-1] == "공증 서비스"
    assert "模型不认识“法律”" in out


def test_transcribe_without_a_model_says_where_it_looked(
    kiosk_admin: KioskAdmin, tmp_path: Path, speak_wav: Callable[..., Path]
) -> None:
    code, out, err = kiosk_admin(
        "voice",
        "transcribe",
        str(speak_wav("아니요")),
        "--model",
        str(tmp_path / "nomodel"),
    )
    assert code == 1 and out == ""
    assert "没有找到语音模型目录" in err


def test_check_reports_a_missing_model_and_exits_1(kiosk_admin: KioskAdmin, tmp_path: Path) -> None:
    code, out, _ = kiosk_admin("voice", "check", "--model", str(tmp_path / "nomodel"))
    assert code == 1
    assert "不可用：没有找到语音模型目录" in out
    assert "麦克风：" in out and "扬声器：" in out and "朗读：" in out


def test_check_loads_the_model_and_reports_vocabulary_coverage(kiosk_admin: KioskAdmin) -> None:
    model = korean_model_dir()
    assert model is not None
    code, out, _ = kiosk_admin("voice", "check", "--json", "--model", str(model))
    data = json.loads(out)
    assert code == 0 and data["model"] == "ready"
    assert "home" in data["screens"]
    # A Korean model knows no Chinese words: every phrase of the Chinese pack is reported.
    assert data["coverage"] == 0.0
    assert data["screens"]["home"]["unknown"]


def test_match_on_a_consent_page_names_the_safety_rule_that_refused_a_question_back(
    kiosk_admin: KioskAdmin,
) -> None:
    code, out, _ = kiosk_admin(
        "voice", "match", "--screen", "yes_no", "--page", "consent", "好不好"
    )
    assert code == 1
    assert "安全规则：反问不算回答" in out and "终端会说：" in out
    code, out, _ = kiosk_admin(
        "voice",
        "match",
        "--json",
        "--screen",
        "yes_no",
        "--page",
        "yes_no",
        "勿是",
    )
    data = json.loads(out)
    assert (code, data["option"]["id"], data["page"]) == (
        0,
        "no",
        "yes_no",
    )  # 勿是 is 不是, never 是
