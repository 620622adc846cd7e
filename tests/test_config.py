"""Configuration problems are one plain line naming the key."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_work_without_a_file() -> None:
    cfg = load_config(None, env={})
    assert cfg.idle_timeout_s == 90
    assert cfg.font_scale == "standard"
    assert cfg.db_path.name == "kiosk.sqlite3"


def test_file_values_and_env_override(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        '[terminal]\nid = "CZ-1"\nstation_name = "前黄村工作室"\n[session]\nidle_timeout_s = 120\n',
    )
    cfg = load_config(p, env={"KIOSK_SESSION_IDLE_TIMEOUT_S": "150"})
    assert cfg.terminal_id == "CZ-1"
    assert cfg.station_name == "前黄村工作室"
    assert cfg.idle_timeout_s == 150


@pytest.mark.parametrize(
    ("text", "env", "key"),
    [
        ('[session]\nidle_timeout_s = "abc"\n', {}, "session.idle_timeout_s"),
        ("[session]\nidle_timeout_s = 5\n", {}, "session.idle_timeout_s"),
        ("", {"KIOSK_SESSION_IDLE_TIMEOUT_S": "ninety"}, "session.idle_timeout_s"),
        ('[ui]\nfont_scale = "huge"\n', {}, "ui.font_scale"),
        ('[terminal]\nid = ""\n', {}, "terminal.id"),
        ('[terminal]\nid = "终端一"\n', {}, "terminal.id"),
        ('[terminal]\nstaton_name = "x"\n', {}, "terminal.staton_name"),
        ('[provincial]\nendpoint = "http://example.org/api"\n', {}, "provincial.endpoint"),
        ("[session]\nidle_warning_s = 100\n", {}, "session.idle_warning_s"),
        ("this is not toml = = \n", {}, "config"),
    ],
)
def test_bad_value_names_the_key_in_one_line(
    tmp_path: Path, text: str, env: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env=env)
    assert info.value.key == key
    assert key in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "nope.toml", env={})


def test_main_prints_one_line_and_exits_2_on_bad_config(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    p = write(tmp_path, "[session]\nidle_timeout_s = -1\n")
    out = subprocess.run(
        [sys.executable, "main.py", "--config", str(p), "--data-dir", str(tmp_path / "d")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "session.idle_timeout_s" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1@evil.example/api",
        "http://localhost.evil.example/api",
        "http://127.0.0.1.evil.example/api",
        "http://user:secret@127.0.0.1/api",
        "https://user@province.example/api",
        "ftp://127.0.0.1/api",
        "http://[::1:bad/api",
        "https:///api",
    ],
)
def test_an_endpoint_that_only_looks_local_or_hides_a_host_is_refused(
    tmp_path: Path, endpoint: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, f'[provincial]\nendpoint = "{endpoint}"\n'), env={})
    assert info.value.key == "provincial.endpoint"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://province.example/api/v1",
        "http://127.0.0.1:8765/api/v1",
        "http://127.5.0.1/api",
        "http://localhost:8765/api",
        "http://[::1]:8765/api",
    ],
)
def test_https_or_plain_http_to_this_machine_is_accepted(tmp_path: Path, endpoint: str) -> None:
    cfg = load_config(write(tmp_path, f'[provincial]\nendpoint = "{endpoint}"\n'), env={})
    assert cfg.provincial_endpoint == endpoint


def test_a_development_checkout_keeps_its_data_where_make_run_does(tmp_path: Path) -> None:
    # make run, make tour, main.py --tour and .venv/bin/kiosk-admin must all meet in var/kiosk.
    cfg = load_config(None, env={})
    repo = Path(__file__).resolve().parent.parent
    assert cfg.data_dir == repo / "var" / "kiosk"
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    assert "var/kiosk" in makefile
