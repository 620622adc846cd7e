"""The simulator honours docs/openapi.yaml: Schemathesis throws generated requests at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth

from kiosk.sync.signing import (
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TERMINAL,
    HEADER_TIMESTAMP,
    REFUSED,
    TerminalCredentials,
    load_credentials,
    sign_headers,
)
from tests.conftest import ROOT
from tools.provincial_sim.keys import KeyFiles
from tools.provincial_sim.schema import BATCH_REQUEST

OPENAPI = ROOT / "docs" / "openapi.yaml"
AUTH_HEADERS = (HEADER_TERMINAL, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)
schema = schemathesis.openapi.from_path(str(OPENAPI))


class _Signed(requests.auth.AuthBase):
    """Signs the final prepared request, exactly as a terminal does.

    Only when Schemathesis put all four auth headers in (with made-up values): a negative case
    that leaves one out must reach the server without it.
    """

    def __init__(self, creds: TerminalCredentials) -> None:
        self.creds = creds

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if not all(h in r.headers for h in AUTH_HEADERS):
            return r
        parts = urlsplit(r.url or "")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = r.body if isinstance(r.body, bytes) else (r.body or "").encode()
        r.headers.update(sign_headers(self.creds, r.method or "GET", path, body))
        return r


@pytest.fixture(scope="module")
def signed_sim(
    keys: KeyFiles, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, requests.Session]]:
    from tests.sync.conftest import _start_sim

    sim = _start_sim(keys, tmp_path_factory.mktemp("oas") / "sim.sqlite3", [], tls=False)
    session = requests.Session()
    session.auth = _Signed(load_credentials(keys.credentials))
    try:
        yield sim.url, session
    finally:
        sim.proc.terminate()
        sim.proc.wait(30)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_simulator_answers_every_generated_request_as_the_openapi_document_says(
    case: Any, signed_sim: tuple[str, requests.Session]
) -> None:
    url, session = signed_sim
    # ``ignored_auth`` replays the request with broken credentials through the same session,
    # which our signing hook would repair; refusal of bad signatures is tested directly below.
    case.call_and_validate(
        base_url=url, session=session, timeout=10, excluded_checks=[ignored_auth]
    )


def test_openapi_batch_schema_is_the_one_the_simulator_enforces() -> None:
    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    item = dict(schemas["SubmissionItem"])
    batch = dict(schemas["BatchRequest"])
    batch["properties"] = {"items": {**batch["properties"]["items"], "items": item}}
    for d in (item, batch):
        for p in d["properties"].values():
            p.pop("description", None)
    assert batch == BATCH_REQUEST


def test_unsigned_tampered_and_replayed_requests_are_refused(
    signed_sim: tuple[str, requests.Session], keys: KeyFiles
) -> None:
    url, session = signed_sim
    assert requests.get(f"{url}/status-updates", timeout=5).status_code == 401
    creds = load_credentials(keys.credentials)
    path = urlsplit(url).path + "/submissions"
    body = b'{"items": []}'
    headers = sign_headers(creds, "POST", path, body) | {"Content-Type": "application/json"}
    swapped = requests.post(
        f"{url}/submissions", data=b'{"items": [1]}', headers=headers, timeout=5
    )
    assert swapped.status_code == 401 and swapped.json()["message"] == REFUSED
    first = requests.post(f"{url}/submissions", data=body, headers=headers, timeout=5)
    assert first.status_code == 400  # authentic (the body is just empty)
    replayed = requests.post(f"{url}/submissions", data=body, headers=headers, timeout=5)
    assert replayed.status_code == 401 and "nonce" in replayed.json()["message"]
    stale = sign_headers(creds, "GET", urlsplit(url).path + "/status-updates", b"", now=1.0)
    old = requests.get(f"{url}/status-updates", headers=stale, timeout=5)
    assert old.status_code == 401 and "replay window" in old.json()["message"]
    assert session.get(f"{url}/status-updates", timeout=5).status_code == 401  # hook needs headers
