"""What changed between two packs, down to the JSON path, for an administrator's review."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.packs import archive
from kiosk.packs.manifest import Manifest, hash_files

MAX_VALUE_CHARS = 60


@dataclass
class PackDiff:
    a_label: str
    b_label: str
    manifest_changes: list[tuple[str, str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    details: dict[str, list[str]] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        return not (self.manifest_changes or self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_label,
            "b": self.b_label,
            "manifest": [{"field": f, "a": a, "b": b} for f, a, b in self.manifest_changes],
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "details": self.details,
        }

    def render(self) -> str:
        if self.identical:
            return f"{self.a_label} 与 {self.b_label} 内容相同。"
        lines = [f"从 {self.a_label} 到 {self.b_label}："]
        for name, a, b in self.manifest_changes:
            lines.append(f"  清单 {name}: {a} → {b}")
        lines += [f"  + {p}（新增）" for p in self.added]
        lines += [f"  - {p}（删除）" for p in self.removed]
        for p in self.changed:
            lines.append(f"  * {p}（改动）")
            lines += [f"      {d}" for d in self.details.get(p, [])]
        return "\n".join(lines)


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """A pack directory for ``path``: itself, or a zip extracted (safely) to a temp dir."""
    if path.is_dir():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="pack-diff-") as tmp:
        archive.extract(path, Path(tmp))
        yield Path(tmp)


def diff_packs(a: Path, b: Path, max_details: int = 200) -> PackDiff:
    with opened(a) as da, opened(b) as db:
        ma, mb = Manifest.read(da), Manifest.read(db)
        result = PackDiff(ma.label(), mb.label())
        fa, fb = ma.to_dict(), mb.to_dict()
        for key in ("id", "region", "version", "min_app_version", "valid_from", "created"):
            if fa[key] != fb[key]:
                result.manifest_changes.append((key, str(fa[key]), str(fb[key])))
        ha, hb = hash_files(da), hash_files(db)
        result.added = sorted(set(hb) - set(ha))
        result.removed = sorted(set(ha) - set(hb))
        result.changed = sorted(p for p in set(ha) & set(hb) if ha[p] != hb[p])
        for rel in result.changed:
            if rel.endswith(".json"):
                try:
                    ja = json.loads((da / rel).read_text(encoding="utf-8"))
                    jb = json.loads((db / rel).read_text(encoding="utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    continue
                lines: list[str] = []
                _walk(ja, jb, "", lines, max_details)
                result.details[rel] = lines
        return result


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _walk(a: Any, b: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}/{key}"
            if key not in a:
                out.append(f"{sub}: 新增 {_short(b[key])}")
            elif key not in b:
                out.append(f"{sub}: 删除（原为 {_short(a[key])}）")
            else:
                _walk(a[key], b[key], sub, out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            sub = f"{path}/{i}"
            if i >= len(a):
                out.append(f"{sub}: 新增 {_short(b[i])}")
            elif i >= len(b):
                out.append(f"{sub}: 删除（原为 {_short(a[i])}）")
            else:
                _walk(a[i], b[i], sub, out, limit)
    elif a != b:
        out.append(f"{path or '/'}: {_short(a)} → {_short(b)}")
    if len(out) >= limit and out[-1] != "……":
        out.append("……")
