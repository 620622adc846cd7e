"""The running kiosk's side of pack installs: load at start, switch only between residents.

The composition root builds one :class:`PackSwitcher`, loads the first pack with :meth:`start`,
and the UI calls :meth:`switch_if_pending` when it is idle (no resident session: the home screen
after a wipe). An install made meanwhile — by staff on the admin screen, by ``kiosk-admin`` or by
the sync puller — only becomes visible to residents then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.content import ContentPack, PackError, load_pack
from kiosk.packs.manifest import Manifest
from offline_cache.pack_store import PackStore

log = logging.getLogger(__name__)


class PackSwitcher:
    def __init__(
        self, store: PackStore[Manifest], loader: Callable[[Path], ContentPack] = load_pack
    ) -> None:
        self.store = store
        self._load = loader
        self._lock = threading.Lock()
        self.pack: ContentPack | None = None
        self.problem: str | None = None  # plain words for the admin screen, or None
        self._rejected: Path | None = None  # a new pack that failed once isn't retried each idle

    def start(self) -> ContentPack:
        """The pack to serve now: the active installed one if it is intact and loads, else bundled.

        Raises :class:`PackError` only when even the bundled pack can't be loaded (a broken
        installation of the program itself).
        """
        with self._lock:
            directory = self.store.begin_serving()
            self.problem = self.store.last_problem
            try:
                self.pack = self._load(directory)
            except PackError as exc:
                if directory == self.store.bundled_dir:
                    raise
                log.error("已安装的内容包 %s 不能用：%s", directory.name, exc)
                self.problem = f"已安装的内容包不能加载，改用内置内容包：{exc}"
                self.store.begin_serving_bundled()
                self.pack = self._load(self.store.bundled_dir)
            return self.pack

    def switch_if_pending(self) -> ContentPack | None:
        """Call only between residents. The new pack when one was installed since, else ``None``.

        If the new pack can't be loaded the kiosk keeps the one it has (and says why in
        ``problem``), so a resident never meets a half-switched terminal.
        """
        with self._lock:
            target = self.store.pending_switch()
            if target is None or target == self._rejected:
                return None
            previous = self.store.serving_dir()
            directory = self.store.begin_serving()
            if directory == previous:
                # The new one failed its integrity check; keep serving the old.
                self._rejected = target
                self.problem = self.store.last_problem
                return None
            try:
                pack = self._load(directory)
            except PackError as exc:
                log.error("新内容包 %s 不能用：%s", directory.name, exc)
                self.problem = f"新内容包不能加载，继续使用原来的：{exc}"
                self._rejected = target
                if previous is not None:
                    self.store.begin_serving(previous)
                return None
            self.pack = pack
            self.problem = self.store.last_problem
            return pack
