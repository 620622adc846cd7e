"""The nightly maintenance restart's rules, with a fake clock (kiosk.appliance.maintenance)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from kiosk.appliance.maintenance import (
    RECHECK_AT_MOST,
    RETRY_AFTER,
    Activity,
    NightlyRestart,
    Restart,
    Wait,
    parse_time_of_day,
)
from kiosk.config import ConfigError, load_config

QUIET_S = 90
NIGHT = datetime(2026, 3, 10)
IDLE_ON_HOME = Activity(
    on_home=True, resident_input=False, staff_signed_in=False, seconds_since_touch=3600
)


def at(hh_mm: str, day: datetime = NIGHT) -> datetime:
    h, m = (int(x) for x in hh_mm.split(":"))
    return day.replace(hour=h, minute=m)


def rules(started: datetime) -> NightlyRestart:
    return NightlyRestart(time(3, 30), started, quiet_s=QUIET_S)


def test_an_idle_kiosk_restarts_at_the_quiet_hour() -> None:
    r = rules(started=at("08:00") - timedelta(days=1))
    assert isinstance(r.decide(at("03:30"), IDLE_ON_HOME), Restart)


def test_before_the_quiet_hour_it_waits_until_then_looking_again_now_and_then() -> None:
    r = rules(started=at("08:00") - timedelta(days=1))
    assert r.decide(at("03:25"), IDLE_ON_HOME) == Wait(300)
    assert r.decide(at("22:00") - timedelta(days=1), IDLE_ON_HOME) == Wait(
        RECHECK_AT_MOST.total_seconds()
    )


@pytest.mark.parametrize(
    "busy",
    [
        Activity(
            on_home=False, resident_input=False, staff_signed_in=False, seconds_since_touch=600
        ),
        Activity(on_home=True, resident_input=True, staff_signed_in=False, seconds_since_touch=600),
        Activity(on_home=True, resident_input=False, staff_signed_in=True, seconds_since_touch=600),
        Activity(on_home=True, resident_input=False, staff_signed_in=False, seconds_since_touch=20),
    ],
    ids=["another screen", "a draft", "staff signed in", "touched just now"],
)
def test_a_kiosk_in_use_is_left_alone_and_tried_again_a_few_minutes_later(busy: Activity) -> None:
    r = rules(started=at("08:00") - timedelta(days=1))
    assert r.decide(at("03:30"), busy) == Wait(RETRY_AFTER.total_seconds())
    # Five minutes later the resident has gone: now it restarts.
    assert isinstance(r.decide(at("03:35"), IDLE_ON_HOME), Restart)


def test_a_night_busy_until_the_window_closes_is_skipped_until_the_next_night() -> None:
    r = rules(started=at("08:00") - timedelta(days=1))
    assert isinstance(r.decide(at("05:29"), IDLE_ON_HOME), Restart)
    assert isinstance(r.decide(at("05:30"), IDLE_ON_HOME), Wait)
    assert isinstance(r.decide(at("09:00"), IDLE_ON_HOME), Wait)
    assert isinstance(r.decide(at("03:31", NIGHT + timedelta(days=1)), IDLE_ON_HOME), Restart)


def test_the_new_process_does_not_restart_again_the_same_night() -> None:
    r = rules(started=at("03:31"))  # systemd has just started it after the restart
    for hh_mm in ("03:36", "04:00", "05:00"):
        assert isinstance(r.decide(at(hh_mm), IDLE_ON_HOME), Wait)
    assert isinstance(r.decide(at("03:30", NIGHT + timedelta(days=1)), IDLE_ON_HOME), Restart)


def test_a_kiosk_switched_on_shortly_before_the_quiet_hour_is_fresh_enough() -> None:
    r = rules(started=at("03:00"))
    assert isinstance(r.decide(at("03:30"), IDLE_ON_HOME), Wait)


def test_a_clock_set_back_to_before_the_start_never_makes_it_restart_in_a_loop() -> None:
    r = rules(started=at("10:00"))
    assert isinstance(r.decide(at("03:30"), IDLE_ON_HOME), Wait)


def test_the_quiet_hour_is_read_from_the_config_and_empty_means_never(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[appliance]\nmaintenance_restart = "03:30"\n', encoding="utf-8")
    assert load_config(cfg, env={}).maintenance_restart == time(3, 30)
    assert load_config(None, env={}).maintenance_restart is None
    env = {"KIOSK_APPLIANCE_MAINTENANCE_RESTART": "04:05"}
    assert load_config(None, env=env).maintenance_restart == time(4, 5)


@pytest.mark.parametrize("text", ["3点半", "25:00", "03:3", "0330", "03:60"])
def test_a_wrong_quiet_hour_is_refused_with_a_plain_message_naming_the_key(text: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(None, env={"KIOSK_APPLIANCE_MAINTENANCE_RESTART": text})
    assert err.value.key == "appliance.maintenance_restart" and "03:30" in str(err.value)


def test_a_quiet_hour_may_be_written_with_one_digit_for_the_hour() -> None:
    assert parse_time_of_day("3:30") == time(3, 30)
    assert parse_time_of_day("  ") is None
