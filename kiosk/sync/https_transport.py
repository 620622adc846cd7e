"""JSON over HTTPS to the provincial system (``requests``), signed per terminal.

Certificate verification is always on: against the configured CA file (the province's own CA or a
pinned self-signed certificate) or the system trust store. Redirects are not followed, because a
captive portal answers with one. Only a well-formed JSON answer with explicit per-item results
counts; everything else is a :class:`TransportFailure`, never an acceptance.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import ssl
import time
from collections.abc import Callable, Sequence
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from kiosk.packs.archive import mib
from kiosk.sync.signing import TerminalCredentials, sign_headers
from kiosk.sync.transport import (
    MAX_PACK_ZIP_BYTES,
    BatchAnswer,
    StatusPage,
    TransportFailure,
    pack_zip_path,
)
from kiosk.terminal_clock import TerminalClock, date_header_time, describe_skew
from offline_cache.outbox import ItemResult, OutgoingItem, StatusUpdate

OUTCOMES = ("accepted", "duplicate", "conflict", "rejected")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 64 * 1024


# Answers after which the same request will never be taken: it is malformed or too large as
# it stands. (404/405 are left transient: a wrong endpoint or a captive portal, fixed by config,
# must not set every resident's application aside.)
_PERMANENT_4XX = frozenset({400, 411, 414, 415, 422})


def _certificate_rejected(exc: BaseException) -> bool:
    """Whether an SSL error is the server's certificate failing verification (vs. a dropped
    connection, which requests reports as an SSLError too)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        text = str(current).lower()
        if "certificate verify failed" in text or ("hostname" in text and "match" in text):
            return True
        todo += [a for a in current.args if isinstance(a, BaseException)]
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                todo.append(linked)
    return False


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        # Against the province's own Date: a terminal whose clock is off still waits right.
        server_now = date_header_time(response.headers.get("Date")) or time.time()
        return max(0.0, parsedate_to_datetime(value).timestamp() - server_now)
    except (TypeError, ValueError):
        return None


def _json_body(response: requests.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` if it is anything else (HTML portal page...)."""
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        return None
    try:
        doc = json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def item_to_wire(item: OutgoingItem) -> dict[str, Any]:
    return {
        "submission_id": item.submission_id,
        "kind": item.kind,
        "receipt_code": item.receipt_code,
        "created_at": item.created_at,
        "metadata": item.metadata,
        "envelope": base64.b64encode(item.envelope).decode("ascii"),
        "content_sha256": item.content_sha256,
    }


def batch_body(items: Sequence[OutgoingItem]) -> bytes:
    """The ``POST /submissions`` body; the terminal is identified by the signed headers."""
    doc = {"items": [item_to_wire(i) for i in items]}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_results(doc: dict[str, Any], sent_ids: set[str]) -> list[ItemResult] | None:
    """Explicit, well-formed per-item results for ids we sent; ``None`` if the shape is wrong."""
    raw = doc.get("results")
    if not isinstance(raw, list):
        return None
    out: list[ItemResult] = []
    for r in raw:
        if not isinstance(r, dict):
            return None
        sid, outcome = r.get("submission_id"), r.get("outcome")
        case, message = r.get("case_number"), r.get("message")
        if not isinstance(sid, str) or outcome not in OUTCOMES:
            return None
        if sid not in sent_ids:
            continue  # an answer about something we did not send proves nothing
        if outcome in ("accepted", "duplicate") and not (isinstance(case, str) and case):
            continue  # acceptance without a case number is not an explicit acceptance
        out.append(
            ItemResult(
                submission_id=sid,
                outcome=str(outcome),
                case_number=case if isinstance(case, str) else None,
                message=message if isinstance(message, str) else None,
            )
        )
    return out


class HttpsTransport:
    """The :class:`~kiosk.sync.transport.Transport` used on a real terminal."""

    def __init__(
        self,
        endpoint: str,
        credentials: TerminalCredentials,
        *,
        ca_file: Path | None = None,
        connect_timeout_s: float = 10.0,
        read_timeout_s: float = 30.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        terminal_clock: TerminalClock | None = None,
    ) -> None:
        """``terminal_clock``: the terminal's corrected clock; every answer's ``Date`` teaches it
        the offset, requests are signed with it, and a request refused for its timestamp is
        signed again once with the corrected time. Without it, ``clock`` signs as it is."""
        self.endpoint = endpoint.rstrip("/")
        self.credentials = credentials
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxy/netrc surprises from the environment
        self.verify: bool | str = str(ca_file) if ca_file else True
        self.terminal_clock = terminal_clock
        self._clock = terminal_clock.now if terminal_clock is not None else clock

    # -- plumbing ----------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        body: bytes = b"",
        *,
        accept: str = "application/json",
        stream: bool = False,
    ) -> requests.Response | TransportFailure:
        url = f"{self.endpoint}{path}"
        if query:
            url = f"{url}?{urlencode(query)}"
        parts = urlsplit(url)
        signed_path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self._exchange(method, url, signed_path, body, accept, stream)
        if (
            not isinstance(response, TransportFailure)
            and response.status_code == 401
            and self._refused_for_time(response)
        ):
            # Our clock was off: the answer's Date has just corrected it. Sign once more.
            response.close()
            response = self._exchange(method, url, signed_path, body, accept, stream)
        if isinstance(response, TransportFailure):
            return response
        return self._classify(response)

    def _refused_for_time(self, response: requests.Response) -> bool:
        """A 401 for the timestamp, when the clock has learned better from it."""
        doc = _json_body(response) or {}
        return self.terminal_clock is not None and "replay window" in str(doc.get("message", ""))

    def _exchange(
        self, method: str, url: str, signed_path: str, body: bytes, accept: str, stream: bool
    ) -> requests.Response | TransportFailure:
        """One signed request; the answer's ``Date`` teaches the terminal clock."""
        headers = sign_headers(self.credentials, method, signed_path, body, now=self._clock())
        headers["Accept"] = accept
        if body:
            headers["Content-Type"] = "application/json"
        clock = self.terminal_clock
        sent = clock.system() if clock is not None else 0.0
        try:
            response = self.session.request(
                method,
                url,
                data=body or None,
                headers=headers,
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,
                stream=stream,
            )
        except requests.exceptions.SSLError as exc:
            if _certificate_rejected(exc):
                return TransportFailure("transient", "服务器证书校验失败（可能连到了假冒的服务器）")
            # An encrypted connection the server closed mid-request (e.g. cutting off a body
            # it won't take): a network problem, not a forged certificate.
            return TransportFailure("transient", "省系统在发送途中断开了连接，稍后重发")
        except requests.exceptions.Timeout:
            return TransportFailure("transient", "省系统响应超时")
        except requests.exceptions.ConnectionError:
            return TransportFailure("transient", "连不上省系统（网络中断或服务器未开）")
        except requests.exceptions.RequestException as exc:
            return TransportFailure("transient", f"网络请求出错：{type(exc).__name__}")
        if clock is not None:
            server_time = date_header_time(response.headers.get("Date"))
            if server_time is not None:
                clock.observe(server_time, sent, clock.system())
        return response

    def _classify(self, response: requests.Response) -> requests.Response | TransportFailure:
        code = response.status_code
        if code in (401, 403):
            return TransportFailure("auth", self._auth_problem(response))
        if code == 429:
            return TransportFailure(
                "transient",
                "省系统繁忙，要求稍后再发",
                retry_after_s=_retry_after(response),
                counts_as_attempt=False,
            )
        if 300 <= code < 400:
            return TransportFailure("transient", "请求被重定向（可能需要先登录网络）")
        if code >= 500:
            return TransportFailure(
                "transient", f"省系统暂时出错（{code}）", retry_after_s=_retry_after(response)
            )
        return response

    def _auth_problem(self, response: requests.Response) -> str:
        """Tell a wrong clock (common on village terminals) from wrong credentials."""
        doc = _json_body(response) or {}
        reason = str(doc.get("message", ""))
        if "replay window" in reason:
            skew = ""
            server_now = date_header_time(response.headers.get("Date"))
            if server_now is not None:
                # The system clock itself: the corrected one was refused too (no usable Date).
                own = self.terminal_clock.system() if self.terminal_clock else self._clock()
                gap = abs(own - server_now)
                skew = (
                    f"（相差约 {gap / 60:.0f} 分钟）"
                    if gap < 7200
                    else f"（本机比省系统{describe_skew(server_now - own)}）"
                )
            return f"本机时间与省系统不一致{skew}，请先校准终端的日期和时间，再同步"
        return "省系统拒绝了本终端的凭据，请管理员检查终端密钥"

    # -- the interface -----------------------------------------------------------------------
    def send_batch(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure:
        body = batch_body(items)
        response = self._request("POST", "/submissions", body=body)
        if isinstance(response, TransportFailure):
            return response
        if response.status_code == 413:
            return TransportFailure(
                "permanent",
                "省系统不收这份申请：内容太大（413），不会再自动重发。请工作人员核对后重新办理。",
            )
        if response.status_code in _PERMANENT_4XX:
            return TransportFailure(
                "permanent",
                f"省系统不收这份申请（{response.status_code}），不会再自动重发。"
                "请工作人员联系省系统管理员。",
            )
        doc = _json_body(response)
        if response.status_code != 200 or doc is None:
            return TransportFailure(
                "transient",
                f"省系统的回答不是有效的数据（{response.status_code}，可能是网络登录页面）",
            )
        results = parse_results(doc, {i.submission_id for i in items})
        if results is None:
            return TransportFailure("transient", "省系统的回答格式不对")
        return BatchAnswer(results)

    def status_updates(self, cursor: str, limit: int = 200) -> StatusPage | TransportFailure:
        response = self._request(
            "GET", "/status-updates", query={"cursor": cursor, "limit": str(limit)}
        )
        if isinstance(response, TransportFailure):
            return response
        doc = _json_body(response)
        if response.status_code != 200 or doc is None:
            return TransportFailure("transient", "状态更新的回答不是有效的数据")
        raw, nxt = doc.get("updates"), doc.get("next_cursor")
        if not isinstance(raw, list) or not isinstance(nxt, str):
            return TransportFailure("transient", "状态更新的回答格式不对")
        updates: list[StatusUpdate] = []
        for u in raw:
            if not isinstance(u, dict):
                return TransportFailure("transient", "状态更新的回答格式不对")
            sid, status, text, at = (
                u.get("submission_id"),
                u.get("status"),
                u.get("text"),
                u.get("updated_at"),
            )
            case = u.get("case_number")
            if not (
                isinstance(sid, str)
                and isinstance(status, str)
                and isinstance(text, str)
                and isinstance(at, int | float)
            ):
                return TransportFailure("transient", "状态更新的回答格式不对")
            updates.append(
                StatusUpdate(sid, status, text, float(at), case if isinstance(case, str) else None)
            )
        return StatusPage(updates, nxt, bool(doc.get("more", False)))

    def send_health(self, report: dict[str, Any]) -> str | None:
        """``POST /health``: the terminal's health report (kiosk.health; no resident data).
        ``None`` when the province stored it, else why not (plain words)."""
        body = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response = self._request("POST", "/health", body=body)
        if isinstance(response, TransportFailure):
            return response.message
        doc = _json_body(response)
        if response.status_code != 200 or doc is None or doc.get("stored") is not True:
            return f"省系统没有收下健康状况（{response.status_code}）"
        return None

    def latest_pack_manifest(self) -> dict[str, Any] | TransportFailure | None:
        response = self._request("GET", "/packs/latest")
        if isinstance(response, TransportFailure):
            return response
        if response.status_code == 404:
            return None
        doc = _json_body(response)
        if response.status_code != 200 or doc is None or not isinstance(doc.get("manifest"), dict):
            return TransportFailure("transient", "内容包清单的回答不是有效的数据")
        return doc

    def download_pack(
        self, offer: dict[str, Any], max_bytes: int = MAX_PACK_ZIP_BYTES
    ) -> bytes | TransportFailure:
        manifest, download = offer.get("manifest"), offer.get("download")
        if not isinstance(manifest, dict) or not isinstance(download, dict):
            return TransportFailure("refused", "省系统没有提供这个内容包的下载信息")
        pack_id, version = manifest.get("id"), manifest.get("version")
        sha256, size = download.get("sha256"), download.get("size")
        if not (
            isinstance(pack_id, str)
            and pack_id
            and isinstance(version, str)
            and version
            and isinstance(sha256, str)
            and _SHA256.match(sha256)
            and isinstance(size, int)
            and not isinstance(size, bool)
            and size > 0
        ):
            return TransportFailure("refused", "内容包的下载信息不完整（缺少大小或 SHA-256）")
        if size > max_bytes:
            return TransportFailure(
                "refused",
                f"内容包有 {mib(size)}，超过下载上限 {mib(max_bytes)}，没有下载",
            )
        response = self._request(
            "GET", pack_zip_path(pack_id, version), accept="application/zip", stream=True
        )
        if isinstance(response, TransportFailure):
            return response
        with response:
            ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code == 404:
                return TransportFailure(
                    "transient", "省系统上已没有这个内容包版本（可能刚发布了更新的），下次再试"
                )
            if response.status_code != 200 or ctype != "application/zip":
                return TransportFailure(
                    "transient",
                    f"内容包下载的回答不是 zip 文件（{response.status_code}，可能是网络登录页面）",
                )
            limit = min(size, max_bytes)
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > limit:
                return TransportFailure(
                    "refused", f"下载的内容包超过了公布的大小（{size} 字节），已放弃"
                )
            digest = hashlib.sha256()
            chunks: list[bytes] = []
            received = 0
            try:
                for chunk in response.iter_content(_CHUNK):
                    received += len(chunk)
                    if received > limit:
                        return TransportFailure(
                            "refused",
                            f"下载的内容包超过了公布的大小（{size} 字节），已放弃",
                        )
                    digest.update(chunk)
                    chunks.append(chunk)
            except requests.exceptions.RequestException as exc:
                return TransportFailure("transient", f"内容包下载中断：{type(exc).__name__}")
        if received < size:
            return TransportFailure("transient", "内容包下载不完整（连接中断），下次再试")
        if digest.hexdigest() != sha256:
            return TransportFailure(
                "refused", "下载的内容包与省系统公布的 SHA-256 不符（传输中损坏或被替换），已丢弃"
            )
        return b"".join(chunks)
