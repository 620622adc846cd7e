"""``GET /terminals``: a read-only Chinese page of every terminal's latest health (for demos).

Rendered from what terminals sent to ``POST /api/v1/health`` (kiosk.health). Every value is
escaped: a report is data from the network, never markup.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import Any

from kiosk.health import STATE_WORDS, device_label, duration_words
from kiosk.terminal_clock import NOTEWORTHY_S, describe_skew

# A terminal not heard from for this long is shown as offline.
OFFLINE_AFTER_S = 15 * 60


def _when(t: Any) -> str:
    if not isinstance(t, int | float) or t <= 0:
        return "从未"
    return time.strftime("%m-%d %H:%M", time.localtime(t))


def _duration(s: Any) -> str:
    return duration_words(s) if isinstance(s, int | float) else "—"


def _skew(s: Any) -> str:
    if not isinstance(s, int | float) or abs(s) < NOTEWORTHY_S:
        return "准确"
    return describe_skew(s)


def _devices(devices: Any) -> str:
    if not isinstance(devices, dict) or not devices:
        return "—"
    parts = []
    for name, probe in devices.items():
        state = probe.get("state") if isinstance(probe, dict) else None
        label = device_label(str(name))
        words = STATE_WORDS.get(str(state), "未知")
        detail = probe.get("detail") if isinstance(probe, dict) else ""
        cls = "ok" if state in ("ok", "absent", "busy") else "bad"
        title = f' title="{html.escape(str(detail))}"' if detail else ""
        parts.append(f'<span class="{cls}"{title}>{html.escape(label)}：{words}</span>')
    return "<br>".join(parts)


def render(rows: Sequence[tuple[str, float, dict[str, Any]]], now: float) -> bytes:
    """The whole page as UTF-8."""
    body = []
    for terminal, received, r in rows:
        offline = now - received > OFFLINE_AFTER_S
        raw_problems = r.get("problems")
        problems: list[Any] = raw_problems if isinstance(raw_problems, list) else []
        free = r.get("disk_free_bytes")
        waiting = int(r.get("queued") or 0) + int(r.get("sending") or 0)
        cls = "bad" if offline or problems else "ok"
        status = "离线" if offline else ("需要处理" if problems else "正常")
        body.append(
            "<tr>"
            f'<td>{html.escape(terminal)}</td><td class="{cls}">{status}</td>'
            f"<td>{_when(received)}</td>"
            f"<td>{html.escape(str(r.get('app_version', '')))}<br>"
            f"{html.escape(str(r.get('pack', '')))}</td>"
            f"<td>{waiting}（最早等了 {_duration(r.get('oldest_waiting_s'))}）</td>"
            f"<td>{_when(r.get('last_success_at'))}</td>"
            f"<td>{_devices(r.get('devices'))}</td>"
            f"<td>{(free or 0) / 1024**3:.1f} GB</td>"
            f"<td>{_duration(r.get('uptime_s'))}</td>"
            f"<td>{_skew(r.get('clock_skew_s'))}</td>"
            f"<td>{'<br>'.join(html.escape(str(p)) for p in problems) or '—'}</td>"
            "</tr>"
        )
    table = "\n".join(body) or '<tr><td colspan="11">还没有终端报告健康状况。</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>各村终端运行情况</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #999; padding: 4px 8px; vertical-align: top; }}
.ok {{ color: #060; }} .bad {{ color: #b00; font-weight: bold; }}
</style></head><body>
<h1>各村终端运行情况</h1>
<p>省系统模拟器收到的最新健康报告（{len(rows)} 台终端，每 30 秒刷新；只读）。</p>
<table><tr><th>终端</th><th>状态</th><th>最近报告</th><th>版本 / 内容包</th><th>待发送</th>
<th>最近送达</th><th>设备</th><th>剩余空间</th><th>已运行</th><th>时钟</th><th>需要处理</th></tr>
{table}
</table></body></html>
"""
    return page.encode("utf-8")
