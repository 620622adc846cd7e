"""The provincial-system simulator: a real HTTP(S) server implementing docs/openapi.yaml.

It stands in for the provincial legal-aid system in tests, demos and benchmarks: it checks the
terminal's request signature, decrypts every envelope with the provincial private key, stores each
submission exactly once in its own SQLite file and answers per item. Faults are injected on
purpose (see :class:`Faults`): 5xx, answers lost after the commit, slow answers, stalls longer than
the client's timeout, 429 with Retry-After, captive-portal HTML pages and refused credentials.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import random
import re
import socket
import ssl
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jsonschema
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk import sealing
from kiosk.sync import signing
from kiosk.sync.transport import MAX_PACK_ZIP_BYTES, pack_zip_path
from offline_cache.os_errors import plain_reason
from tools.provincial_sim import health_page
from tools.provincial_sim.schema import BATCH_REQUEST, HEALTH_REPORT
from tools.provincial_sim.store import SimStore

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 20 * 1024 * 1024
# A body refused unread is still read (and thrown away) for a moment so the client, still
# sending, hears the answer instead of a reset connection; never more than this, nor longer.
MAX_DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_S = 5.0
TLS_HANDSHAKE_S = 10.0
_SIGNED_HEADERS = (
    signing.HEADER_TERMINAL,
    signing.HEADER_TIMESTAMP,
    signing.HEADER_NONCE,
    signing.HEADER_SIGNATURE,
)
# A client that goes away mid-request is normal on a village network: never a traceback.
_CLIENT_GONE = (ConnectionError, TimeoutError, ssl.SSLError, socket.timeout)
_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
_PACK_ZIP_ROUTE = re.compile(rf"^{API_PREFIX}/packs/([^/]+)/([^/]+)\.zip$")
_CAPTIVE_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>WiFi 登录</title></head>"
    "<body><h1>欢迎使用村委会免费 WiFi</h1><p>请先输入手机号登录。</p></body></html>"
).encode()


@dataclass(frozen=True)
class Faults:
    fail_rate: float = 0.0  # answer 503 before doing anything
    drop_after_commit: float = 0.0  # commit, then close the connection without an answer
    latency_ms: int = 0  # every answer this much later
    rate_limit: int = 0  # requests per second per terminal (0 = unlimited), else 429
    captive_portal: float = 0.0  # answer 200 with an HTML login page instead
    reject_auth: bool = False  # refuse every request with 401
    stall_rate: float = 0.0  # wait stall_ms before processing (longer than client timeouts)
    stall_ms: int = 2000
    pack_corrupt: float = 0.0  # share of pack downloads with a byte flipped in transit


class PackZipError(Exception):
    """The ``--pack-zip`` file can't be published; ``str()`` says why."""


@dataclass(frozen=True)
class PublishedPack:
    """A signed pack zip the simulator offers at ``/packs/latest`` and serves for download."""

    manifest: dict[str, Any]
    signature: str | None
    data: bytes
    sha256: str

    @property
    def path(self) -> str:
        return pack_zip_path(str(self.manifest["id"]), str(self.manifest["version"]))

    @classmethod
    def load(cls, path: Path, max_bytes: int = MAX_PACK_ZIP_BYTES) -> PublishedPack:
        """Read the zip once; it must be a pack (``manifest.json``) no larger than ``max_bytes``."""
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise PackZipError(f"{path.name} 有 {size} 字节，超过模拟器的上限 {max_bytes} 字节")
            data = path.read_bytes()
            with zipfile.ZipFile(path) as zf:
                manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
                try:
                    signature: str | None = zf.read("signature.json").decode("utf-8")
                except KeyError:
                    signature = None
        except OSError as exc:
            raise PackZipError(f"读不到 {path}：{plain_reason(exc)}") from None
        except KeyError:
            raise PackZipError(f"{path.name} 里没有 manifest.json，不是内容包") from None
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
            raise PackZipError(f"{path.name} 不是有效的内容包 zip：{exc}") from None
        if not (
            isinstance(manifest, dict)
            and isinstance(manifest.get("id"), str)
            and isinstance(manifest.get("version"), str)
        ):
            raise PackZipError(f"{path.name} 的 manifest.json 缺少 id 或 version")
        return cls(manifest, signature, data, hashlib.sha256(data).hexdigest())


class _RateLimiter:
    """A one-second fixed window per terminal: simple and predictable for tests."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def allow(self, terminal: str) -> bool:
        if self.per_second <= 0:
            return True
        second = int(time.time())
        with self._lock:
            window, n = self._windows.get(terminal, (second, 0))
            if window != second:
                window, n = second, 0
            n += 1
            self._windows[terminal] = (window, n)
            return n <= self.per_second


class ProvincialSimulator:
    """Request handling independent of the socket server (so it is easy to reason about)."""

    def __init__(
        self,
        db_path: Path,
        private_key: X25519PrivateKey,
        terminal_secrets: Mapping[str, bytes],
        faults: Faults = Faults(),
        *,
        pack_manifest: Path | None = None,
        pack_zip: PublishedPack | None = None,
        seed: int | None = None,
    ) -> None:
        self.store = SimStore(db_path)
        self.private_key = private_key
        self.terminal_secrets = dict(terminal_secrets)
        self.faults = faults
        self.pack_manifest = pack_manifest
        self.pack_zip = pack_zip
        self.nonces: signing.Nonces = self.store  # persisted: a restart doesn't reopen replays
        self.rate = _RateLimiter(faults.rate_limit)
        self.rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._rng_lock:
            return self.rng.random() < rate

    # -- endpoints ---------------------------------------------------------------------------
    def post_submissions(self, terminal: str, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"error": "bad_request", "message": "body is not JSON"}
        problem = _check_batch(doc)
        if problem:
            return 400, {"error": "bad_request", "message": problem}
        if self.chance(self.faults.stall_rate):
            time.sleep(self.faults.stall_ms / 1000)
        results = []
        store = self.store
        with store.lock:
            store.conn.execute("BEGIN IMMEDIATE")
            try:
                for item in doc["items"]:
                    results.append(self._one(terminal, item))
                store.conn.execute("COMMIT")
            except BaseException:
                store.conn.execute("ROLLBACK")
                raise
        return 200, {"results": results}

    def _one(self, terminal: str, item: dict[str, Any]) -> dict[str, Any]:
        sid = item["submission_id"]
        envelope_b64 = item["envelope"]
        try:
            envelope = base64.b64decode(envelope_b64, validate=True)
        except (binascii.Error, ValueError):
            return {"submission_id": sid, "outcome": "rejected", "message": "envelope 不是 base64"}
        digest = hashlib.sha256(envelope).hexdigest()
        existing = self.store.find(sid)
        if existing is not None:
            if existing.content_sha256 == digest:
                self.store.count_delivery(sid)
                return {
                    "submission_id": sid,
                    "outcome": "duplicate",
                    "case_number": existing.case_number,
                }
            return {
                "submission_id": sid,
                "outcome": "conflict",
                "message": "同一编号的申请已收到，但内容不同；原申请保持不变",
            }
        if digest != item["content_sha256"]:
            return {
                "submission_id": sid,
                "outcome": "rejected",
                "message": "密文摘要不符，传输中可能损坏",
            }
        try:
            plaintext = sealing.open_sealed(self.private_key, sid, item["kind"], envelope)
            document = json.loads(plaintext.decode("utf-8"))
        except (sealing.SealingError, UnicodeDecodeError, ValueError):
            return {
                "submission_id": sid,
                "outcome": "rejected",
                "message": "密文无法解开，请检查终端上的省系统公钥",
            }
        if not isinstance(document, dict) or document.get("submission_id") != sid:
            return {"submission_id": sid, "outcome": "rejected", "message": "申请内容与编号不符"}
        case = self.store.insert(
            sid, terminal, item["kind"], item["receipt_code"], digest, document
        )
        return {"submission_id": sid, "outcome": "accepted", "case_number": case}

    def get_status_updates(self, terminal: str, query: str) -> tuple[int, dict[str, Any]]:
        params = parse_qs(query, keep_blank_values=True)
        cursor_text = params.get("cursor", ["0"])[0]
        limit_text = params.get("limit", ["200"])[0]
        if not (_DIGITS.fullmatch(cursor_text) and _DIGITS.fullmatch(limit_text)):
            return 400, {"error": "bad_request", "message": "cursor and limit must be integers"}
        cursor, limit = int(cursor_text), int(limit_text)
        if not 1 <= limit <= 1000:
            return 400, {"error": "bad_request", "message": "1 <= limit <= 1000"}
        with self.store.lock:
            updates, last, more = self.store.updates_since(terminal, cursor, limit)
        return 200, {"updates": updates, "next_cursor": str(last), "more": more}

    def post_health(self, terminal: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """Keep the terminal's latest health report (stored under the signed terminal id)."""
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"error": "bad_request", "message": "body is not JSON"}
        error = jsonschema.exceptions.best_match(_HEALTH_VALIDATOR.iter_errors(doc))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "body"
            return 400, {"error": "bad_request", "message": f"{where}: {error.message}"[:300]}
        self.store.save_health(terminal, doc)
        return 200, {"stored": True, "server_time": time.time()}

    def terminals_page(self) -> bytes:
        """``GET /terminals``: every terminal's latest health, as a Chinese HTML page."""
        return health_page.render(self.store.latest_health(), time.time())

    def get_latest_pack(self) -> tuple[int, dict[str, Any]]:
        if self.pack_zip is not None:
            pack = self.pack_zip
            return 200, {
                "manifest": pack.manifest,
                "signature": pack.signature,
                "download": {"path": pack.path, "sha256": pack.sha256, "size": len(pack.data)},
            }
        if self.pack_manifest is None or not self.pack_manifest.is_file():
            return 404, {"error": "not_found", "message": "no content pack published"}
        try:
            manifest = json.loads(self.pack_manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 404, {"error": "not_found", "message": "no content pack published"}
        sig_path = self.pack_manifest.with_name(self.pack_manifest.name + ".sig")
        signature = sig_path.read_text(encoding="utf-8").strip() if sig_path.is_file() else None
        return 200, {"manifest": manifest, "signature": signature}

    def get_pack_zip(self, pack_id: str, version: str) -> tuple[int, dict[str, Any] | bytes]:
        """The published zip, or 404 for any other pack or version (only the latest is kept)."""
        pack = self.pack_zip
        if (
            pack is None
            or pack.manifest["id"] != unquote(pack_id)
            or pack.manifest["version"] != unquote(version)
        ):
            return 404, {"error": "not_found", "message": "no such content pack"}
        data = pack.data
        if self.chance(self.faults.pack_corrupt):
            flipped = bytearray(data)
            flipped[len(flipped) // 2] ^= 0xFF
            data = bytes(flipped)
        return 200, data


_BATCH_VALIDATOR = jsonschema.Draft7Validator(BATCH_REQUEST)
_HEALTH_VALIDATOR = jsonschema.Draft7Validator(HEALTH_REPORT)


def _check_batch(doc: Any) -> str | None:
    """Why a batch body doesn't match the schema (docs/openapi.yaml), or ``None``."""
    error = jsonschema.exceptions.best_match(_BATCH_VALIDATOR.iter_errors(doc))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "body"
    return f"{where}: {error.message}"[:300]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        # The TLS handshake happens here, on this connection's own thread (the listening
        # socket doesn't do it on accept), so one slow or silent client can't hold up the rest.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(TLS_HANDSHAKE_S)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()
        # Headers and body go out in two writes; without this, Nagle + delayed ACK add ~40 ms
        # to every keep-alive answer and any benchmark measures the TCP stack, not the server.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        try:
            super().handle()
        except _CLIENT_GONE:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines carry nothing useful and the console is for the listening line

    def _send(self, code: int, doc: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self._send_bytes(code, body, "application/json", headers)

    def _send_bytes(
        self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has headers only
            self.wfile.write(body)

    def _refuse_unread(self, code: int, doc: dict[str, Any], length: int) -> None:
        """Answer without reading the body, then read and discard it for a moment (bounded)
        so the client sees the answer, and close."""
        self.close_connection = True
        self._send(code, doc, {"Connection": "close"})
        with contextlib.suppress(*_CLIENT_GONE, OSError):
            self.wfile.flush()
            self.connection.settimeout(1.0)
            deadline = time.monotonic() + DRAIN_S
            left = min(max(length, 0), MAX_DRAIN_BYTES) if length >= 0 else MAX_DRAIN_BYTES
            while left > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)

    def _drop(self) -> None:
        """Lose the answer: the server has committed but the client never hears it."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Any other method (PUT, TRACE, QUERY...) gets a proper 405 with Allow, not stdlib's 501.
        if name.startswith("do_") and name[3:].isalpha():
            return lambda: self._handle(name[3:])
        raise AttributeError(name)

    def _handle(self, method: str) -> None:
        sim = self.server.sim
        faults = sim.faults
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        parts = urlsplit(self.path)
        route = parts.path
        if route == "/terminals" and method in ("GET", "HEAD"):
            # The demo page: read-only, no signature (it shows no resident data).
            self._send_bytes(200, sim.terminals_page(), "text/html; charset=utf-8")
            return
        routes = {
            f"{API_PREFIX}/submissions": "POST",
            f"{API_PREFIX}/status-updates": "GET",
            f"{API_PREFIX}/packs/latest": "GET",
            f"{API_PREFIX}/health": "POST",
        }
        pack_zip = _PACK_ZIP_ROUTE.match(route)
        if pack_zip is not None:
            routes[route] = "GET"
        if route not in routes:
            self._refuse_unread(404, {"error": "not_found", "message": "no such endpoint"}, length)
            return
        if routes[route] != method:
            self.close_connection = True
            self._send(
                405,
                {"error": "method_not_allowed", "message": "wrong method"},
                {"Allow": routes[route], "Connection": "close"},
            )
            return
        if faults.reject_auth:
            self._refuse_unread(401, {"error": "unauthorized", "message": signing.REFUSED}, length)
            return
        # Header names are case-insensitive (RFC 9110): look each one up through the message,
        # never through a plain dict of whatever spelling the client used.
        headers = {name: self.headers.get(name, "") for name in _SIGNED_HEADERS}
        # Authenticate what can be before reading a byte of the body: a stranger can't make the
        # server read 20 MB. An unknown terminal and a wrong signature get the same answer.
        problem = signing.precheck(sim.terminal_secrets, headers)
        if problem:
            self._refuse_unread(401, _unauthorized(problem), length)
            return
        if length < 0 or length > MAX_BODY_BYTES:
            self._refuse_unread(413, {"error": "too_large", "message": "body too large"}, length)
            return
        body = self.rfile.read(length) if length else b""
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if sim.chance(faults.captive_portal):
            self._send_bytes(200, _CAPTIVE_PAGE, "text/html; charset=utf-8")
            return
        problem = signing.verify(sim.terminal_secrets, method, self.path, headers, body, sim.nonces)
        if problem:
            self._send(401, _unauthorized(problem))
            return
        terminal = headers[signing.HEADER_TERMINAL]
        if not sim.rate.allow(terminal):
            self._send(
                429, {"error": "rate_limited", "message": "too many requests"}, {"Retry-After": "1"}
            )
            return
        if sim.chance(faults.fail_rate):
            self._send(503, {"error": "unavailable", "message": "simulated server failure"})
            return
        if route.endswith("/health"):
            code, doc = sim.post_health(terminal, body)
            self._send(code, doc)
        elif route.endswith("/submissions"):
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                self._send(
                    415, {"error": "unsupported_media_type", "message": "send application/json"}
                )
                return
            code, doc = sim.post_submissions(terminal, body)
            if code == 200 and sim.chance(faults.drop_after_commit):
                self._drop()
                return
            self._send(code, doc)
        elif route.endswith("/status-updates"):
            code, doc = sim.get_status_updates(terminal, parts.query)
            self._send(code, doc)
        elif pack_zip is not None:
            code, answer = sim.get_pack_zip(pack_zip.group(1), pack_zip.group(2))
            if isinstance(answer, bytes):
                self._send_bytes(code, answer, "application/zip")
            else:
                self._send(code, answer)
        else:
            code, doc = sim.get_latest_pack()
            self._send(code, doc)


def _unauthorized(problem: str) -> dict[str, Any]:
    """The 401 body: the reason only when it says nothing about which terminals exist."""
    hidden = problem in ("unknown terminal", "bad signature")
    return {"error": "unauthorized", "message": signing.REFUSED if hidden else problem}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A county of terminals back online at once (issue 18: 300) must not find the backlog full.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], sim: ProvincialSimulator) -> None:
        self.sim = sim
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-request (or a failed TLS handshake) is not an error to print."""
        if isinstance(sys.exc_info()[1], _CLIENT_GONE):
            return
        super().handle_error(request, client_address)


def make_server(
    sim: ProvincialSimulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> ThreadingHTTPServer:
    """Bind (port 0 picks a free one); with a certificate the socket speaks TLS."""
    server = _Server((host, port), sim)
    if tls_cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls_cert), str(tls_key) if tls_key else None)
        # The handshake runs in each connection's thread (_Handler.setup), not in accept().
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    return server


def base_url(server: ThreadingHTTPServer, tls: bool) -> str:
    host, port = server.server_address[:2]
    return f"{'https' if tls else 'http'}://{host!s}:{port}{API_PREFIX}"


def run_progress(sim: ProvincialSimulator, every_s: float, stop: threading.Event) -> None:
    """The simulated case worker: moves each case one step on every ``every_s`` seconds."""
    while not stop.wait(every_s):
        sim.store.advance_statuses(every_s)
