"""Installed content packs in the data directory, switched atomically, with one-step rollback.

Layout under ``<data_dir>/packs/``::

    state.json        {"active": "<name>" | null, "history": [older names...], "installed": {...}}
    versions/<name>/  one complete, verified pack per installed version (never modified)
    staging/          work area of an install in progress (emptied by the next install)
    locks/            install lock, and one "being served" lock per version a kiosk has loaded

Crash safety comes from the order of the steps: a new version is staged, verified and fsynced
in ``staging/``, moved into ``versions/`` with one ``rename``, and only then does ``state.json``
change, itself via temp file + fsync + ``rename``. A crash at any moment leaves ``state.json``
either naming the old version or the new one, and whichever it names is complete on disk.
``state.json`` with ``active: null`` (or no file at all) means the bundled pack.

The bundled pack (``offline_cache/packs/changzhou``) ships inside the application and is trusted
as the code is: it is not signed, but its ``manifest.json`` hashes are checked in CI (a stale
manifest fails the test suite), and it is the fallback whenever nothing valid is installed.

What a pack *is* — reading its manifest, unpacking a zip safely, checking signature, hashes and
schema — is not decided here: the store is given those checks (:class:`PackChecks`) by whoever
builds it, normally :func:`kiosk.packs.checks.open_pack_store`, so "valid" means "the kiosk's own
loader accepts it" while this layer imports nothing of the domain.

A running kiosk never switches under a resident: it calls :meth:`PackStore.begin_serving` at
start, polls :meth:`PackStore.pending_switch` when idle between residents, and only then calls
``begin_serving`` again to move to the new pack.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

from offline_cache.durable import fsync_dir, write_atomically
from offline_cache.pack_errors import PackRefused
from offline_cache.store import explain_os_error

log = logging.getLogger(__name__)

STATE_NAME = "state.json"
KEEP_PREVIOUS = 3  # versions kept for rollback besides the active one


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


class PackManifest(Protocol):
    """What the store reads from a pack's manifest (listing it, refusing a downgrade)."""

    @property
    def pack_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def created(self) -> str: ...
    @property
    def valid_from(self) -> str: ...
    @property
    def semver(self) -> _Ordered: ...
    def label(self) -> str: ...


M = TypeVar("M", bound=PackManifest)
M_co = TypeVar("M_co", bound=PackManifest, covariant=True)


class VerifiedPackLike(Protocol[M_co]):
    @property
    def manifest(self) -> M_co: ...
    @property
    def signer_fingerprint(self) -> str: ...


class PackChecks(Protocol[M_co]):
    """The pack format as the store needs it; every refusal is a :class:`PackRefused`."""

    def is_pack(self, directory: Path) -> bool:
        """Cheap: does the directory hold a pack at all (no parsing, no hashing)?"""
        ...

    def read_manifest(self, directory: Path) -> M_co: ...

    def unpack(self, source: Path, dest: Path) -> None:
        """Put a pack zip or directory into the empty ``dest``, within the size limits, fsynced."""
        ...

    def verify(
        self,
        directory: Path,
        trusted_keys: Sequence[str],
        *,
        now: datetime | None = None,
        require_signature: bool = True,
        integrity_only: bool = False,
    ) -> VerifiedPackLike[M_co]:
        """Refuse unless signed by a trusted key, intact and (unless ``integrity_only``) usable."""
        ...


@dataclass(frozen=True)
class InstallResult(Generic[M]):
    manifest: M
    previous: M | None  # what was active before (the bundled pack's manifest if none)
    directory: Path
    signer_fingerprint: str
    message: str


@dataclass(frozen=True)
class RollbackResult(Generic[M]):
    from_manifest: M
    to_manifest: M | None
    directory: Path
    message: str


@dataclass(frozen=True)
class PackInfo:
    name: str  # directory name under versions/, or "bundled"
    status: str  # active | previous | bundled
    pack_id: str
    version: str
    region: str
    created: str
    valid_from: str
    installed_at: str | None
    signer_fingerprint: str | None
    directory: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "id": self.pack_id,
            "version": self.version,
            "region": self.region,
            "created": self.created,
            "valid_from": self.valid_from,
            "installed_at": self.installed_at,
            "signer": self.signer_fingerprint,
            "directory": str(self.directory),
        }


@dataclass
class _State:
    active: str | None
    history: list[str]
    installed: dict[str, dict[str, str]]

    def to_bytes(self) -> bytes:
        doc = {"active": self.active, "history": self.history, "installed": self.installed}
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def downgrade_refusal(
    current: PackManifest | None, offered: PackManifest, *, allow_downgrade: bool = False
) -> PackRefused | None:
    """Why installing ``offered`` over ``current`` is refused as not newer, or ``None``.

    The one rule for both :meth:`PackStore.install` and ``pack verify`` (which says beforehand
    whether an install on this terminal would go through).
    """
    if current is None or allow_downgrade:
        return None
    if offered.semver < current.semver:
        return PackRefused(
            "downgrade",
            f"内容包版本 {offered.version} 低于当前的 {current.version}，不能降级安装"
            "（确需回到旧版请用 pack rollback，或由管理员加 --allow-downgrade）。",
        )
    if offered.semver == current.semver:
        return PackRefused(
            "downgrade",
            f"当前已经是版本 {current.version}，不需要重复安装"
            "（确需重装请由管理员加 --allow-downgrade）。",
        )
    return None


class PackStore(Generic[M]):
    """Install, list and roll back content packs; tell a running kiosk which one to serve."""

    def __init__(
        self,
        data_dir: Path,
        bundled_dir: Path,
        trusted_keys: Sequence[str],
        *,
        checks: PackChecks[M],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.root = Path(data_dir) / "packs"
        self.bundled_dir = Path(bundled_dir)
        self.trusted_keys = tuple(k.strip() for k in trusted_keys if k.strip())
        self.checks = checks
        self._clock = clock or (lambda: datetime.now(UTC))
        self._serving: Path | None = None
        self._serving_lock: IO[bytes] | None = None
        self._mutex = threading.Lock()
        self.last_problem: str | None = None

    # -- paths and state ---------------------------------------------------------------------
    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    @property
    def staging_dir(self) -> Path:
        return self.root / "staging"

    def _ensure_dirs(self) -> None:
        for d in (self.root, self.versions_dir, self.staging_dir, self.root / "locks"):
            d.mkdir(parents=True, exist_ok=True)

    def _read_state(self) -> _State:
        path = self.root / STATE_NAME
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return _State(None, [], {})
        except (OSError, ValueError) as exc:
            # Written by rename only, so this means disk damage: serve the bundled pack.
            log.error("pack state unreadable (%s); using the bundled pack", exc)
            self.last_problem = "内容包状态文件损坏，已改用内置内容包。"
            return _State(None, [], {})
        active = doc.get("active")
        history = [h for h in doc.get("history", []) if isinstance(h, str)]
        installed = doc.get("installed") if isinstance(doc.get("installed"), dict) else {}
        return _State(active if isinstance(active, str) else None, history, installed)

    def _write_state(self, state: _State) -> None:
        write_atomically(self.root / STATE_NAME, state.to_bytes())

    @contextlib.contextmanager
    def _install_lock(self) -> Iterator[None]:
        """One install/rollback at a time, across threads and processes (kiosk UI + CLI)."""
        try:
            self._ensure_dirs()
            f = (self.root / "locks" / "install.lock").open("ab")
        except OSError as exc:
            raise PackRefused("disk", explain_os_error(exc, self.root)) from exc
        with f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _dir_of(self, name: str | None) -> Path:
        return self.bundled_dir if name is None else self.versions_dir / name

    # -- what is active ----------------------------------------------------------------------
    def active_dir(self) -> Path:
        """The directory of the active pack (installed, else bundled). Cheap: reads one file."""
        state = self._read_state()
        if state.active and self.checks.is_pack(self.versions_dir / state.active):
            return self.versions_dir / state.active
        return self.bundled_dir

    def active_manifest(self) -> M:
        return self.checks.read_manifest(self.active_dir())

    def active_version(self) -> str:
        return self.active_manifest().version

    def _check_installed(self, directory: Path) -> VerifiedPackLike[M]:
        # Serving-time check: signature and hashes with today's trusted keys (a key removed from
        # the config stops its packs), not validity date or schema (both checked at install).
        return self.checks.verify(directory, self.trusted_keys, integrity_only=True)

    def verify_active(self) -> list[str]:
        """Problems with the active pack as it is on disk now (empty = intact)."""
        directory = self.active_dir()
        try:
            if directory == self.bundled_dir:
                self.checks.verify(directory, (), require_signature=False, integrity_only=True)
            else:
                self._check_installed(directory)
        except PackRefused as exc:
            return [exc.message, *exc.problems]
        return []

    # -- serving (the running kiosk) ---------------------------------------------------------
    def begin_serving(self, directory: Path | None = None) -> Path:
        """The pack directory the kiosk should load now; remembered for :meth:`pending_switch`.

        An installed pack whose files were damaged or whose signer is no longer trusted is
        skipped for the newest earlier version that is intact, else the bundled pack;
        ``last_problem`` then says why. ``directory`` pins a specific one (going back to the
        pack already in use when a new one fails to load).
        """
        if directory is not None:
            with self._mutex:
                self._hold_serving_lock(directory)
                self._serving = directory
                return directory
        with self._mutex:
            self.last_problem = None
            state = self._read_state()
            chosen = self.bundled_dir
            for name in [state.active, *reversed(state.history)] if state.active else []:
                candidate = self.versions_dir / name
                try:
                    self._check_installed(candidate)
                except PackRefused as exc:
                    log.error("installed pack %s not usable: %s", name, exc.message)
                    self.last_problem = f"已安装的内容包 {name} 不能使用：{exc.message}"
                    continue
                chosen = candidate
                break
            self._hold_serving_lock(chosen)
            self._serving = chosen
            return chosen

    def begin_serving_bundled(self) -> Path:
        return self.begin_serving(self.bundled_dir)

    def serving_dir(self) -> Path | None:
        return self._serving

    def pending_switch(self) -> Path | None:
        """A newer active pack than the one being served, to load at the next idle moment."""
        if self._serving is None:
            return None
        active = self.active_dir()
        return None if active == self._serving else active

    def _hold_serving_lock(self, directory: Path) -> None:
        # A shared lock per served version keeps another process's prune from deleting it.
        if self._serving_lock is not None:
            self._serving_lock.close()
            self._serving_lock = None
        if directory == self.bundled_dir:
            return
        with contextlib.suppress(OSError):
            self._ensure_dirs()
            f = (self.root / "locks" / f"{directory.name}.lock").open("ab")
            fcntl.flock(f.fileno(), fcntl.LOCK_SH)
            self._serving_lock = f

    def close(self) -> None:
        if self._serving_lock is not None:
            self._serving_lock.close()
            self._serving_lock = None

    # -- install -----------------------------------------------------------------------------
    def install(self, zip_or_dir: Path, *, allow_downgrade: bool = False) -> InstallResult[M]:
        """Verify and install a pack zip (or directory); the current pack stays active on refusal."""
        source = Path(zip_or_dir)
        if not source.exists():
            raise PackRefused("not_a_pack", f"找不到 {source}。")
        with self._install_lock():
            self._clean_staging()
            staging = self.staging_dir / f"install-{os.urandom(6).hex()}"
            try:
                staging.mkdir()
                self.checks.unpack(source, staging)
                fsync_dir(self.staging_dir)
                verified = self.checks.verify(staging, self.trusted_keys, now=self._clock())
                state = self._read_state()
                current_dir = self._dir_of(state.active)
                current = self._manifest_or_none(current_dir)
                new = verified.manifest
                refusal = downgrade_refusal(current, new, allow_downgrade=allow_downgrade)
                if refusal is not None:
                    raise refusal
                name = f"{new.pack_id}-{new.version}-{os.urandom(4).hex()}"
                final = self.versions_dir / name
                os.rename(staging, final)
                fsync_dir(self.versions_dir)
                history = [*state.history, state.active] if state.active else list(state.history)
                installed = dict(state.installed)
                installed[name] = {
                    "installed_at": self._clock().astimezone(UTC).isoformat(timespec="seconds"),
                    "signer": verified.signer_fingerprint,
                }
                # The switch: one rename of state.json.
                self._write_state(_State(name, history, installed))
            except OSError as exc:
                raise PackRefused("disk", explain_os_error(exc, self.root)) from exc
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
            self._prune()
        previous = current or self._manifest_or_none(self.bundled_dir)
        was = f"（原为 {previous.version}）" if previous else ""
        return InstallResult(
            manifest=new,
            previous=previous,
            directory=final,
            signer_fingerprint=verified.signer_fingerprint,
            message=f"已安装内容包 {new.label()}{was}，将在下一位居民开始前生效。",
        )

    def rollback(self) -> RollbackResult[M]:
        """Go back to the previous installed version (or the bundled pack when there is none)."""
        with self._install_lock():
            state = self._read_state()
            if state.active is None:
                raise PackRefused("no_rollback", "现在用的就是内置内容包，没有更早的版本可以回退。")
            from_manifest = self.checks.read_manifest(self.versions_dir / state.active)
            history = list(state.history)
            target: str | None = None
            while history:
                name = history.pop()
                try:
                    self._check_installed(self.versions_dir / name)
                except PackRefused as exc:
                    log.error("rollback skips %s: %s", name, exc.message)
                    continue
                target = name
                break
            try:
                self._write_state(_State(target, history, state.installed))
            except OSError as exc:
                raise PackRefused("disk", explain_os_error(exc, self.root)) from exc
            self._prune()
        directory = self._dir_of(target)
        to_manifest = self._manifest_or_none(directory)
        to_label = to_manifest.label() if to_manifest else "内置内容包"
        if target is None:
            to_label = f"内置内容包 {to_label}"
        return RollbackResult(
            from_manifest=from_manifest,
            to_manifest=to_manifest,
            directory=directory,
            message=f"已从 {from_manifest.label()} 回退到 {to_label}，将在下一位居民开始前生效。",
        )

    # -- listing -----------------------------------------------------------------------------
    def list(self) -> list[PackInfo]:
        """Active first, then the versions kept for rollback (newest first), then the bundled pack."""
        state = self._read_state()
        rows: list[PackInfo] = []
        names = [(state.active, "active")] if state.active else []
        names += [(h, "previous") for h in reversed(state.history)]
        for name, status in names:
            if name is None:
                continue
            m = self._manifest_or_none(self.versions_dir / name)
            if m is None:
                continue
            meta = state.installed.get(name, {})
            rows.append(
                _info(
                    name,
                    status,
                    m,
                    self.versions_dir / name,
                    meta.get("installed_at"),
                    meta.get("signer"),
                )
            )
        bundled = self._manifest_or_none(self.bundled_dir)
        if bundled is not None:
            status = "active" if not state.active else "bundled"
            rows.append(_info("bundled", status, bundled, self.bundled_dir, None, "内置"))
        return rows

    def _manifest_or_none(self, directory: Path) -> M | None:
        try:
            return self.checks.read_manifest(directory)
        except (PackRefused, OSError):
            return None

    # -- housekeeping ------------------------------------------------------------------------
    def _clean_staging(self) -> None:
        # Left by an install that crashed or was killed; only ever touched under the lock.
        for leftover in self.staging_dir.iterdir():
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)

    def _prune(self) -> None:
        """Drop versions neither active nor among the last KEEP_PREVIOUS (and not being served).

        Housekeeping only: a failure here (disk trouble) is logged and retried after the next
        install; it never turns a finished install or rollback into an error.
        """
        try:
            self._prune_unsafe()
        except OSError as exc:
            log.error("old pack versions not pruned: %s", exc)

    def _prune_unsafe(self) -> None:
        state = self._read_state()
        keep = set(state.history[-KEEP_PREVIOUS:])
        if state.active:
            keep.add(state.active)
        trimmed = state.history[-KEEP_PREVIOUS:]
        installed = {k: v for k, v in state.installed.items() if k in keep}
        if trimmed != state.history or installed != state.installed:
            self._write_state(_State(state.active, trimmed, installed))
        for path in self.versions_dir.iterdir():
            if path.name in keep or not path.is_dir():
                continue
            lock_path = self.root / "locks" / f"{path.name}.lock"
            with lock_path.open("ab") as f:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a kiosk is still serving it; try again after the next install
                shutil.rmtree(path, ignore_errors=True)
            lock_path.unlink(missing_ok=True)


def _info(
    name: str,
    status: str,
    m: PackManifest,
    directory: Path,
    installed_at: str | None,
    signer: str | None,
) -> PackInfo:
    return PackInfo(
        name=name,
        status=status,
        pack_id=m.pack_id,
        version=m.version,
        region=m.region,
        created=m.created,
        valid_from=m.valid_from,
        installed_at=installed_at,
        signer_fingerprint=signer,
        directory=directory,
    )


__all__ = [
    "InstallResult",
    "PackChecks",
    "PackInfo",
    "PackManifest",
    "PackRefused",
    "PackStore",
    "RollbackResult",
]
