"""The simulator is an example worth copying: replay-proof across restarts, no probing, no
traceback, TLS handshakes that can't stall it, big bodies refused before they are read."""

from __future__ import annotations

import socket
import ssl
import stat
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from kiosk.sync.signing import REFUSED, TerminalCredentials, load_credentials, sign_headers
from tests.sync.conftest import Sim
from tools.provincial_sim.keys import KeyFiles
from tools.provincial_sim.server import MAX_BODY_BYTES

EMPTY = b'{"items": []}'  # authentic requests with it get 400 (no items), not 401


def _signed(creds: TerminalCredentials, url: str, body: bytes = EMPTY) -> dict[str, str]:
    path = urlsplit(url).path + "/submissions"
    return sign_headers(creds, "POST", path, body) | {"Content-Type": "application/json"}


def test_a_request_replayed_after_a_restart_is_still_refused(
    start_sim: Callable[..., Sim], keys: KeyFiles
) -> None:
    creds = load_credentials(keys.credentials)
    sim = start_sim()
    headers = _signed(creds, sim.url)
    assert (
        requests.post(f"{sim.url}/submissions", data=EMPTY, headers=headers, timeout=5).status_code
        == 400
    )
    sim.proc.terminate()
    sim.proc.wait(10)
    again = start_sim()  # same database file
    replayed = requests.post(f"{again.url}/submissions", data=EMPTY, headers=headers, timeout=5)
    assert replayed.status_code == 401 and "nonce" in replayed.json()["message"]


def test_header_names_are_case_insensitive(start_sim: Callable[..., Sim], keys: KeyFiles) -> None:
    sim = start_sim()
    headers = {
        k.lower(): v for k, v in _signed(load_credentials(keys.credentials), sim.url).items()
    }
    answer = requests.post(f"{sim.url}/submissions", data=EMPTY, headers=headers, timeout=5)
    assert answer.status_code == 400  # authenticated; only the empty batch is wrong


def test_an_unknown_terminal_gets_exactly_the_answer_of_a_wrong_signature(
    start_sim: Callable[..., Sim], keys: KeyFiles
) -> None:
    sim = start_sim()
    real = load_credentials(keys.credentials)
    stranger = TerminalCredentials("CZ-NOBODY-9999", real.secret)
    wrong_secret = TerminalCredentials(real.terminal_id, b"\x00" * 32)
    answers = [
        requests.post(f"{sim.url}/submissions", data=EMPTY, headers=_signed(c, sim.url), timeout=5)
        for c in (stranger, wrong_secret)
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].content == answers[1].content
    assert answers[0].json()["message"] == REFUSED


def test_a_big_body_from_a_stranger_is_refused_unread_and_an_oversized_one_gets_413(
    start_sim: Callable[..., Sim], keys: KeyFiles
) -> None:
    sim = start_sim()
    big = b"x" * (MAX_BODY_BYTES + 1024)
    stranger = TerminalCredentials("CZ-NOBODY-9999", b"\x01" * 32)
    refused = requests.post(
        f"{sim.url}/submissions", data=big, headers=_signed(stranger, sim.url, big), timeout=30
    )
    assert refused.status_code == 401
    creds = load_credentials(keys.credentials)
    too_big = requests.post(
        f"{sim.url}/submissions", data=big, headers=_signed(creds, sim.url, big), timeout=30
    )
    assert too_big.status_code == 413 and too_big.json()["error"] == "too_large"


def test_a_client_that_goes_away_mid_request_leaves_no_traceback(
    start_sim: Callable[..., Sim], keys: KeyFiles
) -> None:
    sim = start_sim()
    host, port = urlsplit(sim.url).hostname, urlsplit(sim.url).port
    headers = _signed(load_credentials(keys.credentials), sim.url)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((host, port)) as raw:
        raw.sendall(
            f"POST {urlsplit(sim.url).path}/submissions HTTP/1.1\r\nHost: x\r\n{head}"
            "Content-Length: 100000\r\n\r\n".encode()
            + b"{"
        )
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    time.sleep(0.5)
    assert requests.get(f"{sim.url}/packs/latest", timeout=5).status_code == 401  # still serving
    sim.proc.terminate()
    _out, err = sim.proc.communicate(timeout=10)
    assert "Traceback" not in err


def test_a_silent_client_does_not_hold_up_the_tls_handshakes_of_others(
    start_sim: Callable[..., Sim], keys: KeyFiles
) -> None:
    sim = start_sim(tls=True)
    host, port = urlsplit(sim.url).hostname, urlsplit(sim.url).port
    assert keys.tls_cert is not None
    with socket.create_connection((host, port)):  # connects, never says a word
        started = time.monotonic()
        context = ssl.create_default_context(cafile=str(keys.tls_cert))
        with (
            socket.create_connection((host, port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            assert tls.version() is not None
        assert time.monotonic() - started < 3


def test_the_simulator_database_is_private(start_sim: Callable[..., Sim]) -> None:
    sim = start_sim()
    assert stat.S_IMODE(sim.db.stat().st_mode) == 0o600
