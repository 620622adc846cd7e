"""Usage statistics count sessions per day, service, category and village, and nobody in them."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import date
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.stats import CSV_COLUMNS, StatsRecorder, report, to_csv
from offline_cache.store import Store
from tests.fakes import FakeClock

DAY = date(2026, 11, 28)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "kiosk.sqlite3")


def a_day_at_the_kiosk(store: Store) -> StatsRecorder:
    clock = FakeClock()
    rec = StatsRecorder(store, village="演示村", today=lambda: DAY, monotonic=clock)
    # Resident 1: legal aid by voice, completed in 4 minutes.
    rec.session_started("s1")
    rec.voice_used("s1")
    rec.service_chosen("s1", "legal_aid")
    rec.step_reached("s1", "legal_aid", "matter")
    rec.step_reached("s1", "legal_aid", "income")
    clock.now += 240
    rec.session_completed("s1", "legal_aid", matter_category="wages", village="xinqiao")
    # Resident 2: legal aid, walked away at the income step after 1 minute.
    rec.session_started("s2")
    rec.service_chosen("s2", "legal_aid")
    rec.step_reached("s2", "legal_aid", "matter")
    rec.step_reached("s2", "legal_aid", "income")
    clock.now += 60
    rec.session_abandoned("s2")
    # Resident 3: notary checklist, completed in 2 minutes.
    rec.session_started("s3")
    rec.service_chosen("s3", "notary")
    clock.now += 120
    rec.session_completed("s3", "notary", matter_category="inheritance")
    # Resident 4: touched the screen and left from the home screen.
    rec.session_started("s4")
    clock.now += 20
    rec.session_abandoned("s4")
    return rec


def test_a_day_is_counted_per_service_category_and_village(store: Store) -> None:
    a_day_at_the_kiosk(store)
    rows = report(store, DAY, DAY)
    total = rows[0]
    assert (total.service, total.sessions_started, total.sessions_completed) == ("*", 4, 2)
    assert total.sessions_abandoned == 2
    assert total.abandoned_at_step == {"income": 1, "home": 1}
    assert total.voice_sessions == 1
    assert total.median_session_s == 90  # of 240, 60, 120, 20 s
    by = {(r.service, r.matter_category, r.village): r for r in rows[1:]}
    done = by[("legal_aid", "wages", "xinqiao")]
    assert (done.sessions_completed, done.voice_sessions, done.median_session_s) == (1, 1, 240)
    assert by[("legal_aid", "", "演示村")].sessions_started == 2
    assert by[("legal_aid", "", "演示村")].abandoned_at_step == {"income": 1}
    assert by[("notary", "inheritance", "演示村")].sessions_completed == 1
    assert report(store, date(2026, 11, 29), date(2026, 11, 30)) == []


def test_ending_a_session_twice_or_an_unknown_one_counts_nothing_more(store: Store) -> None:
    rec = a_day_at_the_kiosk(store)
    rec.session_abandoned("s1")
    rec.session_completed("nobody", "legal_aid")
    rec.step_reached("nobody", "legal_aid", "income")
    assert report(store, DAY, DAY)[0].sessions_abandoned == 2


def test_submissions_queued_and_accepted_come_from_the_outbox_metadata(store: Store) -> None:
    created = time.mktime((2026, 11, 28, 10, 0, 0, 0, 0, -1))
    with store.atomic() as conn:
        for i, status in enumerate(("queued", "accepted", "accepted")):
            conn.execute(
                "INSERT INTO outbox (submission_id, receipt_code, kind, created_at, metadata,"
                " content_sha256, status, next_attempt_at, accepted_at)"
                " VALUES (?, ?, 'legal_aid', ?, ?, 'x', ?, ?, ?)",
                (
                    f"id-{i}",
                    f"1000000{i}",
                    created,
                    json.dumps(
                        {"service": "legal_aid", "matter_category": "wages", "village": "xinqiao"}
                    ),
                    status,
                    created,
                    created + 60 if status == "accepted" else None,
                ),
            )
    rows = report(store, DAY, DAY)
    assert (rows[0].submissions_queued, rows[0].submissions_accepted) == (3, 2)
    row = next(r for r in rows if r.service == "legal_aid" and r.matter_category == "wages")
    assert (row.submissions_queued, row.submissions_accepted) == (3, 2)


IDENTIFYING = re.compile(
    r"name|phone|mobile|id_?number|id_?card|address|birth|session_?id|resident|receipt|ip_?addr",
    re.I,
)


def test_the_statistics_table_has_no_column_that_could_identify_a_resident(store: Store) -> None:
    columns = [r["name"] for r in store.query("PRAGMA table_info(usage_counts)")]
    assert columns == ["day", "service", "matter_category", "village", "metric", "step", "n"]
    assert not [c for c in columns if IDENTIFYING.search(c)]


def test_session_ids_and_personal_looking_labels_never_reach_the_disk(
    store: Store, tmp_path: Path
) -> None:
    rec = StatsRecorder(store, village="演示村", today=lambda: DAY)
    secret_session = "session-3f2a9c-unique"
    rec.session_started(secret_session)
    rec.service_chosen(secret_session, "legal_aid")
    rec.step_reached(secret_session, "legal_aid", "13812345678")  # a UI bug passing a phone
    rec.session_completed(secret_session, "legal_aid", village="张三 320402195001011234")
    store.close()
    raw = (tmp_path / "kiosk.sqlite3").read_bytes() + (
        (tmp_path / "kiosk.sqlite3-wal").read_bytes()
        if (tmp_path / "kiosk.sqlite3-wal").exists()
        else b""
    )
    for leaked in (secret_session, "13812345678", "320402195001011234", "张三"):
        assert leaked.encode("utf-8") not in raw
    assert {r.village for r in report(store, DAY, DAY)} >= {"other"}


def test_the_csv_export_has_only_aggregate_columns(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_day_at_the_kiosk(store)
    text = to_csv(report(store, DAY, DAY), "CZ-WJ-0001")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert not [c for c in CSV_COLUMNS if IDENTIFYING.search(c)]
    assert rows[0]["service"] == "*" and rows[0]["abandoned_at_step"] == "home:1;income:1"
    # Through the CLI, and the export itself is audited.
    assert (
        main(
            [
                "stats",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--csv",
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == text.replace("CZ-WJ-0001", "CZ-DEMO-0001")
    main(["audit", "list", "--json", "--data-dir", str(tmp_path)])
    assert json.loads(capsys.readouterr().out)[0]["detail"]["what"] == "stats"
