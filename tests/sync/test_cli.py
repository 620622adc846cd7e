"""``kiosk-admin submit | outbox | sync | status``: what staff see at the console."""

from __future__ import annotations

import copy
import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import display_text, receipts
from kiosk.submissions import queue_sealed
from offline_cache.outbox import Outbox
from tests.conftest import ROOT
from tests.sync.conftest import KIOSK_ADMIN, TERMINAL, Sim, resident
from tools.provincial_sim.keys import KeyFiles

# The migrant-worker example of docs/cli.md (a valid legal-aid application).
VALID_CASE: dict[str, Any] = {
    "applicant": {
        "name": "王大山",
        "id_number": "320402197503011213",
        "phone": "13912345678",
        "migrant_worker": True,
        "address": {
            "district": "wujin",
            "town": "xueyan",
            "village": "wuj_xueyan_chengwan",
            "detail": "三组12号",
        },
    },
    "agent": None,
    "matter": {"category": "unpaid_wages", "facts": "在工地干了半年，包工头欠了三万块工钱不给。"},
    "opposing_party": {"name": "某建筑劳务公司", "kind": "company"},
    "economy": {"household_size": 3, "monthly_income_yuan": 9000},
    "exemption_groups": [],
    "exempt_matters": [],
    "evidence": ["欠条", "微信聊天记录"],
    "consent": {"truthful": True, "verification": True},
}


def _config(tmp_path: Path, keys: KeyFiles, endpoint: str = "http://127.0.0.1:9/api/v1") -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\nid = "{TERMINAL}"\n'
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[provincial]\nendpoint = "{endpoint}"\n'
        f'credentials_file = "{keys.credentials}"\n'
        f'public_key_file = "{keys.public_key}"\n',
        encoding="utf-8",
    )
    return cfg


def kiosk_admin(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KIOSK_ADMIN, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_submit_refuses_an_invalid_application_with_the_rules_own_words_and_queues_a_valid_one(
    tmp_path: Path, keys: KeyFiles
) -> None:
    from kiosk.content import load_pack
    from kiosk.submission_rules import validate_submission
    from offline_cache import BUNDLED_PACK_DIR

    cfg = _config(tmp_path, keys)
    bad = copy.deepcopy(VALID_CASE)
    bad["applicant"]["phone"] = "1391234"
    bad["applicant"]["id_number"] = "320402197503011214"
    (tmp_path / "bad.json").write_text(json.dumps({"kind": "legal_aid", "payload": bad}), "utf-8")
    expected = validate_submission("legal_aid", bad, load_pack(BUNDLED_PACK_DIR))
    assert len(expected) >= 2

    refused = kiosk_admin("submit", tmp_path / "bad.json", "--config", cfg)
    assert refused.returncode == 1
    assert "没有保存" in refused.stderr
    for p in expected:
        assert p.message in refused.stderr
    assert "Traceback" not in refused.stderr

    (tmp_path / "good.json").write_text(json.dumps(VALID_CASE), "utf-8")
    queued = kiosk_admin(
        "submit",
        tmp_path / "good.json",
        "--kind",
        "legal_aid",
        "--staff",
        "zhang",
        "--config",
        cfg,
        "--json",
    )
    assert queued.returncode == 0, queued.stderr
    answer = json.loads(queued.stdout)
    assert answer["ok"] and receipts.is_valid(answer["receipt_code"])
    listed = json.loads(kiosk_admin("outbox", "list", "--config", cfg, "--json").stdout)
    assert [e["receipt_code"] for e in listed["entries"]] == [answer["receipt_code"]]
    entry = listed["entries"][0]
    assert entry["metadata"]["matter_category"] == "unpaid_wages"
    assert entry["staff_id"] == "zhang"
    assert "王大山" not in json.dumps(listed, ensure_ascii=False)


def test_sync_once_exit_codes_say_drained_items_remain_or_error(
    tmp_path: Path, keys: KeyFiles, outbox: Outbox, start_sim: Callable[..., Sim]
) -> None:
    codes = [queue_sealed(outbox, "legal_aid", resident(i), {}).code for i in range(3)]
    offline = _config(tmp_path, keys)  # nothing listens on port 9
    down = kiosk_admin("sync", "--once", "--config", offline, "--backoff-base", "0.05")
    assert down.returncode == 2 and "还有 3 条等待发送" in down.stdout and "连不上" in down.stdout

    sim = start_sim()
    online = _config(tmp_path, keys, sim.url)
    retried = kiosk_admin("outbox", "retry", codes[0], "--config", online)
    assert retried.returncode == 0 and "已重新排队" in retried.stdout
    time.sleep(0.1)  # the others' backoff after the failed run (base 0.05 s)
    done = kiosk_admin("sync", "--once", "--config", online, "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["drained"] and report["remaining"] == 0
    shown = kiosk_admin("outbox", "show", display_text.receipt_code(codes[0]), "--config", online)
    assert "accepted" in shown.stdout and "省系统案件号：CZLA" in shown.stdout
    status = kiosk_admin("status", codes[0], "--config", online)
    assert status.returncode == 0 and "已收到" in status.stdout

    refusing = start_sim("--reject-auth", db_name="other.sqlite3")
    queue_sealed(outbox, "legal_aid", resident(9), {})
    locked = kiosk_admin("sync", "--once", "--config", _config(tmp_path, keys, refusing.url))
    assert locked.returncode == 1 and "凭据" in locked.stderr


def test_mistyped_or_unknown_receipts_get_plain_answers(tmp_path: Path, keys: KeyFiles) -> None:
    cfg = _config(tmp_path, keys)
    typo = kiosk_admin("status", "1234 5678", "--config", cfg)
    assert typo.returncode == 1 and "没有 0 和 1" in typo.stderr
    unknown = kiosk_admin("outbox", "show", receipts.with_check("99999999999"), "--config", cfg)
    assert unknown.returncode == 1 and "没有回执号码" in unknown.stderr
