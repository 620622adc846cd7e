"""``manifest.json``: what a pack is, for which terminals, from when, and the sha256 of each file.

The manifest is the one thing the bureau signs, so every other file is covered by its hash: a
file changed, added or removed after signing is found by :func:`file_problems`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from kiosk import __version__ as APP_VERSION
from kiosk.json_messages import decode_problem
from offline_cache.durable import write_atomically
from offline_cache.pack_errors import PackRefused

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "signature.json"
FORMAT = 1
# Packs are for Changzhou terminals: a date-only valid_from starts at local midnight (UTC+8, no
# daylight saving), so the result doesn't depend on the terminal's TZ setting.
CHINA_TZ = timezone(timedelta(hours=8), "CST")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$"
)
_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, order=False)
class Version:
    """A semantic version; ordering follows semver precedence (build metadata ignored)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> Version:
        m = _SEMVER.match(text.strip()) if isinstance(text, str) else None
        if m is None:
            raise ValueError(f"{text!r} 不是语义化版本号（应像 1.2.0）")
        pre = tuple(m.group(4).split(".")) if m.group(4) else ()
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre, text.strip())

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release sorts after all its pre-releases; numeric identifiers sort before text ones.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Version) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Version) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Version) -> bool:
        return self._key() >= other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}.{self.patch}"


def parse_when(text: str, field_name: str) -> datetime:
    """``2027-01-01`` (local midnight, UTC+8) or a full ISO 8601 time with a zone."""
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=CHINA_TZ)
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        raise ValueError(
            f"{field_name} 应为日期（如 2027-01-01）或带时区的时间，现在是 {text!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA_TZ)
    return when


def safe_relative_path(name: str) -> str | None:
    """The problem with a path inside a pack, or ``None`` when it stays inside the pack."""
    if not name or "\\" in name or "\x00" in name:
        return f"路径 {name!r} 含有不允许的字符"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"路径 {name!r} 是绝对路径，会写到内容包以外"
    parts = PurePosixPath(name).parts
    if any(p in ("..", ".", "") for p in name.split("/")) or not parts:
        return f"路径 {name!r} 跳出了内容包目录"
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_ignored(rel: str) -> bool:
    """Editor and OS litter in a source directory (``.DS_Store``, ``__pycache__``) is not pack content."""
    return any(p.startswith(".") or p == "__pycache__" for p in rel.split("/"))


def list_pack_files(directory: Path, *, strict: bool = False) -> dict[str, Path]:
    """Every content file of a pack directory (not the manifest or signature), by relative path.

    ``strict`` counts hidden files too: right for a pack unpacked from a zip, where anything not
    in the manifest was added by someone; a source directory may have editor litter.
    """
    found: dict[str, Path] = {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory).as_posix()
        if (not strict and is_ignored(rel)) or rel in (MANIFEST_NAME, SIGNATURE_NAME):
            continue
        if path.is_symlink():
            raise PackRefused("unsafe_path", f"内容包里不能有符号链接：{rel}")
        if path.is_file():
            found[rel] = path
    return found


def hash_files(directory: Path) -> dict[str, str]:
    return {rel: sha256_file(p) for rel, p in list_pack_files(directory).items()}


@dataclass(frozen=True)
class Manifest:
    pack_id: str
    region: str
    version: str
    created: str
    min_app_version: str
    valid_from: str
    files: dict[str, str]

    # -- reading -----------------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackRefused("bad_manifest", f"manifest.json {decode_problem(exc)}") from None
        if not isinstance(doc, dict):
            raise PackRefused("bad_manifest", "manifest.json 应是一个 JSON 对象")
        return cls.from_dict(doc)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Manifest:
        problems: list[str] = []
        fmt = doc.get("format", FORMAT)
        if fmt != FORMAT:
            problems.append(f"format: 本程序只认识格式 {FORMAT}，这个内容包是 {fmt!r}")
        text: dict[str, str] = {}
        for key in ("id", "region", "version", "created", "min_app_version", "valid_from"):
            value = doc.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{key}: 缺少或不是文字")
            else:
                text[key] = value.strip()
        if "id" in text and not _PACK_ID.match(text["id"]):
            problems.append(f"id: {text['id']!r} 只能用小写字母、数字、- 和 _")
        for key in ("version", "min_app_version"):
            if key in text:
                try:
                    Version.parse(text[key])
                except ValueError as exc:
                    problems.append(f"{key}: {exc}")
        for key in ("created", "valid_from"):
            if key in text:
                try:
                    parse_when(text[key], key)
                except ValueError as exc:
                    problems.append(str(exc))
        files = doc.get("files")
        clean: dict[str, str] = {}
        if not isinstance(files, dict):
            problems.append("files: 缺少文件清单")
        else:
            for name, digest in files.items():
                bad = safe_relative_path(name)
                if bad:
                    problems.append(f"files: {bad}")
                elif name in (MANIFEST_NAME, SIGNATURE_NAME):
                    problems.append(f"files: 清单不能包含 {name} 本身")
                elif not isinstance(digest, str) or not _SHA256.match(digest):
                    problems.append(f"files: {name} 的 sha256 不是 64 位十六进制")
                else:
                    clean[name] = digest
        if problems:
            raise PackRefused("bad_manifest", "manifest.json 内容有误。", problems)
        return cls(
            pack_id=text["id"],
            region=text["region"],
            version=text["version"],
            created=text["created"],
            min_app_version=text["min_app_version"],
            valid_from=text["valid_from"],
            files=dict(sorted(clean.items())),
        )

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST_NAME
        if not path.is_file():
            raise PackRefused("not_a_pack", f"{directory} 里没有 manifest.json，不是内容包。")
        return cls.from_bytes(path.read_bytes())

    # -- writing -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.pack_id,
            "region": self.region,
            "version": self.version,
            "created": self.created,
            "min_app_version": self.min_app_version,
            "valid_from": self.valid_from,
            "files": dict(sorted(self.files.items())),
        }

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    # -- facts -------------------------------------------------------------------------------
    @property
    def semver(self) -> Version:
        return Version.parse(self.version)

    @property
    def valid_from_time(self) -> datetime:
        return parse_when(self.valid_from, "valid_from")

    def label(self) -> str:
        return f"{self.pack_id} {self.version}"


def now_utc_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_problems(directory: Path, manifest: Manifest, *, strict: bool = False) -> list[str]:
    """Every file changed, added or removed since the manifest was written (empty = intact)."""
    on_disk = list_pack_files(directory, strict=strict)
    problems: list[str] = []
    for rel in sorted(set(manifest.files) - set(on_disk)):
        problems.append(f"{rel}: 清单里有，但文件不见了（被删除）")
    for rel in sorted(set(on_disk) - set(manifest.files)):
        problems.append(f"{rel}: 清单里没有这个文件（被添加）")
    for rel in sorted(set(on_disk) & set(manifest.files)):
        if sha256_file(on_disk[rel]) != manifest.files[rel]:
            problems.append(f"{rel}: 内容与清单的 sha256 不符（被改动）")
    return problems


def regenerate(
    directory: Path,
    *,
    pack_id: str | None = None,
    region: str | None = None,
    version: str | None = None,
    min_app_version: str | None = None,
    valid_from: str | None = None,
) -> tuple[Manifest, bool]:
    """Rewrite ``directory/manifest.json`` from the files on disk; return it and whether it changed.

    ``created`` only moves when something else changed, so regenerating an unchanged pack leaves
    the file byte-for-byte alone (no noise in version control).
    """
    old: Manifest | None = None
    if (directory / MANIFEST_NAME).is_file():
        old = Manifest.read(directory)
    missing = [
        name
        for name, value, fallback in (
            ("--id", pack_id, old and old.pack_id),
            ("--region", region, old and old.region),
            ("--version", version, old and old.version),
        )
        if not (value or fallback)
    ]
    if missing:
        raise PackRefused("bad_manifest", f"还没有 manifest.json，请给出 {'、'.join(missing)}。")
    candidate = Manifest.from_dict(
        {
            "id": pack_id or (old.pack_id if old else ""),
            "region": region or (old.region if old else ""),
            "version": version or (old.version if old else ""),
            "created": old.created if old else now_utc_text(),
            "min_app_version": min_app_version or (old.min_app_version if old else APP_VERSION),
            "valid_from": valid_from
            or (old.valid_from if old else datetime.now(CHINA_TZ).date().isoformat()),
            "files": hash_files(directory),
        }
    )
    if old is not None and candidate == old:
        return old, False
    candidate = replace(candidate, created=now_utc_text())
    write_atomically(directory / MANIFEST_NAME, candidate.to_bytes())
    return candidate, True
