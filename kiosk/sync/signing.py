"""Per-terminal request signatures (HMAC-SHA256) with a replay window.

The string signed is ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nSHA256(BODY)`` with the terminal's
secret. The server accepts a timestamp within ``REPLAY_WINDOW_S`` of its clock and each nonce once
inside that window, so a captured request can't be replayed and a body can't be swapped.
See docs/sync-protocol.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from offline_cache.os_errors import plain_reason

REPLAY_WINDOW_S = 300
HEADER_TERMINAL = "X-Kiosk-Terminal"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"


class CredentialsError(Exception):
    """Terminal credentials can't be read; ``str()`` is plain Chinese."""


@dataclass(frozen=True)
class TerminalCredentials:
    terminal_id: str
    secret: bytes

    def to_json(self) -> str:
        return json.dumps(
            {"terminal_id": self.terminal_id, "secret": base64.b64encode(self.secret).decode()},
            indent=2,
        )


def new_credentials(terminal_id: str) -> TerminalCredentials:
    return TerminalCredentials(terminal_id, secrets.token_bytes(32))


def load_credentials(path: Path) -> TerminalCredentials:
    """Read ``{"terminal_id": ..., "secret": base64}``."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return TerminalCredentials(
            str(doc["terminal_id"]), base64.b64decode(doc["secret"], validate=True)
        )
    except OSError as exc:
        raise CredentialsError(f"读不到终端凭据文件 {path}：{plain_reason(exc)}。") from exc
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise CredentialsError(f"终端凭据文件 {path} 格式不对。") from exc


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, body_digest(body)]).encode()


def signature(
    secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> str:
    return hmac.new(
        secret, string_to_sign(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def sign_headers(
    creds: TerminalCredentials,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers authenticating one request (``path`` includes the query string)."""
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    return {
        HEADER_TERMINAL: creds.terminal_id,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(creds.secret, method, path, ts, nonce, body),
    }


class Nonces(Protocol):
    """Where a server remembers the nonces it has seen (in memory, or on disk across restarts)."""

    def first_use(self, terminal_id: str, nonce: str, now: float) -> bool: ...


class NonceCache:
    """Nonces seen inside the replay window (server side), forgotten once they expire."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def first_use(self, terminal_id: str, nonce: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 10_000:
                cutoff = now - 2 * REPLAY_WINDOW_S
                self._seen = {k: t for k, t in self._seen.items() if t > cutoff}
            key = (terminal_id, nonce)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


# Stands in for an unknown terminal's secret so refusing it costs the same HMAC as a known one.
_NO_SECRET = secrets.token_bytes(32)


def precheck(
    secrets_by_terminal: Mapping[str, bytes],
    headers: Mapping[str, str],
    *,
    now: float | None = None,
) -> str | None:
    """Server side, before the body is read: the headers are all there, name a known terminal
    and carry a fresh timestamp. ``None`` if so, else the reason (never for the client: see
    :data:`REFUSED`)."""
    now = time.time() if now is None else now
    terminal = headers.get(HEADER_TERMINAL, "")
    ts = headers.get(HEADER_TIMESTAMP, "")
    if not (terminal and ts and headers.get(HEADER_NONCE) and headers.get(HEADER_SIGNATURE)):
        return "missing signature headers"
    try:
        ts_value = int(ts)
    except ValueError:
        return "bad timestamp"
    if abs(now - ts_value) > REPLAY_WINDOW_S:
        return "timestamp outside the replay window"
    if terminal not in secrets_by_terminal:
        return "unknown terminal"
    return None


# What a refused client is told, whatever the reason: whether a terminal id exists, or which
# check failed, is no business of someone probing the server.
REFUSED = "terminal credentials refused"


def verify(
    secrets_by_terminal: Mapping[str, bytes],
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    nonces: Nonces,
    *,
    now: float | None = None,
) -> str | None:
    """Server side: ``None`` if the request is authentic, else the reason (for the server's own
    log; the client gets :data:`REFUSED`)."""
    now = time.time() if now is None else now
    terminal = headers.get(HEADER_TERMINAL, "")
    ts = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    sig = headers.get(HEADER_SIGNATURE, "")
    problem = precheck(secrets_by_terminal, headers, now=now)
    secret = secrets_by_terminal.get(terminal, _NO_SECRET)
    expected = signature(secret, method, path, ts, nonce, body)
    if problem:
        return problem
    if not hmac.compare_digest(expected, sig):
        return "bad signature"
    if not nonces.first_use(terminal, nonce, now):
        return "nonce already used"
    return None
