"""One contract for the sync transport, run on ``kiosk.sync.https_transport.HttpsTransport``
(against the provincial-system simulator) and on ``tests.fakes.ScriptedTransport`` scripted to
accept everything: the agent tests' stand-in answers the way the real transport does."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from kiosk.submissions import queue_sealed
from kiosk.sync.https_transport import HttpsTransport
from kiosk.sync.signing import load_credentials
from kiosk.sync.transport import BatchAnswer, StatusPage, Transport, TransportFailure
from offline_cache.outbox import ItemResult, Outbox, OutgoingItem
from tests.fakes import ScriptedTransport
from tests.sync.conftest import Sim, resident
from tools.provincial_sim.keys import KeyFiles


def accept_all(items: Sequence[OutgoingItem]) -> BatchAnswer:
    return BatchAnswer(
        [ItemResult(i.submission_id, "accepted", f"C{i.receipt_code}") for i in items]
    )


@pytest.fixture(params=["real", "fake"])
def transport(
    request: pytest.FixtureRequest, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> Transport:
    if request.param == "real":
        sim = start_sim()
        return HttpsTransport(
            sim.url,
            load_credentials(keys.credentials),
            connect_timeout_s=2.0,
            read_timeout_s=5.0,
        )
    return ScriptedTransport(accept_all)


def test_each_item_sent_gets_an_explicit_answer_with_a_case_number(
    transport: Transport, outbox: Outbox
) -> None:
    codes = {queue_sealed(outbox, "legal_aid", resident(i), {}).code for i in range(2)}
    items = outbox.claim_due(10)
    answer = transport.send_batch(items)
    assert isinstance(answer, BatchAnswer)
    assert {r.submission_id for r in answer.results} == {i.submission_id for i in items}
    assert all(r.outcome == "accepted" and r.case_number for r in answer.results)
    assert {i.receipt_code for i in items} == codes


def test_status_updates_come_as_a_page_with_a_cursor_to_continue_from(
    transport: Transport,
) -> None:
    page = transport.status_updates("0")
    assert isinstance(page, StatusPage)
    assert isinstance(page.next_cursor, str) and page.next_cursor
    assert page.updates == [] and not page.more


def test_with_no_pack_on_offer_there_is_nothing_to_download(transport: Transport) -> None:
    assert transport.latest_pack_manifest() is None
    refused = transport.download_pack({})
    assert isinstance(refused, TransportFailure) and refused.kind == "refused"
