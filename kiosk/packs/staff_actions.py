"""What the admin screen offers a signed-in staff member for content packs, UI-free.

The screen shows :meth:`PackAdmin.overview` and the packs on the USB stick
(:meth:`PackAdmin.media_packs`); staff tap one and confirm; :meth:`PackAdmin.install_in_background`
checks and installs it off the UI thread and reports one plain sentence. The kiosk then switches
at its next idle moment (:class:`kiosk.packs.switching.PackSwitcher`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.audit import AuditLog
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import Manifest
from kiosk.packs.sources import (
    Candidate,
    install_with_audit,
    media_candidates,
    rollback_with_audit,
)
from offline_cache.pack_store import PackStore


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str  # one plain-Chinese sentence for the screen (and to read aloud)
    problems: tuple[str, ...] = ()


class PackAdmin:
    def __init__(
        self, store: PackStore[Manifest], audit: AuditLog | None, media_dir: Path | None
    ) -> None:
        self.store = store
        self.audit = audit
        self.media_dir = media_dir
        self._busy = threading.Lock()

    def overview(self) -> list[str]:
        """Lines for the admin screen: the pack in use, those kept for rollback, any problem."""
        names = {"active": "正在使用", "previous": "可回退到", "bundled": "内置"}
        lines = [
            f"{names.get(p.status, p.status)}：{p.pack_id} {p.version}（{p.valid_from} 起生效）"
            for p in self.store.list()
        ]
        problems = self.store.verify_active()
        if problems:
            lines.append("注意：" + problems[0])
        return lines

    def media_packs(self) -> list[Candidate]:
        """The packs on the USB stick (:func:`media_candidates`); may be slow on slow media."""
        return media_candidates(self.media_dir, self.store)

    def media_packs_in_background(
        self, on_done: Callable[[list[Candidate] | OSError], None]
    ) -> threading.Thread:
        """Look at the stick off the UI thread; ``on_done`` (on that thread) gets the packs, or
        the error if the stick was pulled out mid-read."""

        def scan() -> None:
            try:
                found: list[Candidate] | OSError = self.media_packs()
            except OSError as exc:
                found = exc
            on_done(found)

        thread = threading.Thread(target=scan, name="usb-scan", daemon=True)
        thread.start()
        return thread

    def install(self, path: Path, staff_id: str) -> Outcome:
        if not self._busy.acquire(blocking=False):
            return Outcome(False, "正在安装另一个内容包，请稍候。")
        try:
            result = install_with_audit(
                self.store, path, audit=self.audit, actor=f"staff:{staff_id}", origin="usb"
            )
        except PackRefused as exc:
            return Outcome(False, f"没有安装：{exc.message}", tuple(exc.problems))
        finally:
            self._busy.release()
        return Outcome(True, result.message)

    def install_in_background(
        self, path: Path, staff_id: str, on_done: Callable[[Outcome], None]
    ) -> threading.Thread:
        """Check and install off the UI thread; ``on_done`` runs on that background thread."""
        thread = threading.Thread(
            target=lambda: on_done(self.install(path, staff_id)),
            name="pack-install",
            daemon=True,
        )
        thread.start()
        return thread

    def rollback(self, staff_id: str) -> Outcome:
        try:
            result = rollback_with_audit(self.store, audit=self.audit, actor=f"staff:{staff_id}")
        except PackRefused as exc:
            return Outcome(False, exc.message)
        return Outcome(True, result.message)
