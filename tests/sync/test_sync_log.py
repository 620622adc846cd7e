"""The terminal's log says, in one plain line each, when the province is reached or lost and
when the queue empties (issue 16 item 14) — and nothing on runs where nothing changed."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent
from kiosk.sync.transport import BatchAnswer, StatusPage, TransportFailure
from offline_cache.outbox import Outbox, OutgoingItem
from tests.sync.conftest import resident
from tests.sync.test_agent_rules import accept_all

UNREACHABLE = TransportFailure("transient", "连不上省系统（网络不通）")


class Network:
    """A transport whose cable can be pulled: every request fails while it is out."""

    def __init__(self) -> None:
        self.online = False

    def send_batch(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure:
        return accept_all(items) if self.online else UNREACHABLE

    def status_updates(self, cursor: str, limit: int = 200) -> StatusPage | TransportFailure:
        return StatusPage([], cursor, False) if self.online else UNREACHABLE

    def latest_pack_manifest(self) -> None:
        return None


def info_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def test_going_offline_and_back_online_is_logged_once_each(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.sync.agent")
    queue_sealed(outbox, "legal_aid", resident(1), {})
    network = Network()
    agent = SyncAgent(outbox, network, backoff_base_s=0.0, backoff_max_s=0.0)
    agent.sync_now()
    agent.sync_now()  # still offline: nothing new to say
    lines = info_lines(caplog)
    assert len(lines) == 1
    assert "联系不上省系统" in lines[0] and "网络不通" in lines[0] and "1 条" in lines[0]
    caplog.clear()
    network.online = True
    agent.sync_now()
    lines = info_lines(caplog)
    assert any("联系上了" in line for line in lines)
    assert any("都已送到" in line for line in lines)
    caplog.clear()
    agent.sync_now()  # online with nothing to send: quiet
    assert info_lines(caplog) == []


def test_log_lines_hold_no_receipt_codes_or_resident_data(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk")
    receipt = queue_sealed(outbox, "legal_aid", resident(2), {})
    SyncAgent(outbox, Network()).sync_now()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert text, "the offline run must have logged something to check"
    for secret in (
        receipt.code,
        resident(2)["name"],
        resident(2)["phone"],
        resident(2)["id_number"],
    ):
        assert secret not in text
