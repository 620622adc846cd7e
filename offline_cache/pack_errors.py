"""Why a pack was refused, in words an administrator can act on.

Defined here, below both, because the pack store refuses for reasons of its own (a full disk,
a downgrade, nothing to roll back to) and the pack checks of :mod:`kiosk.packs` it is given
refuse with the same exception: whoever installs a pack catches one type.
"""

from __future__ import annotations


class PackRefused(Exception):
    """A pack cannot be used; the pack that is active stays active.

    ``reason`` is a stable code for scripts and tests (``unsigned``, ``untrusted_key``,
    ``bad_signature``, ``files_changed``, ``downgrade``, ``not_yet_valid``, ``app_too_old``,
    ``schema``, ``unsafe_path``, ``too_large``, ``bad_manifest``, ``not_a_pack``, ``no_rollback``,
    ``disk``); ``str()`` is one plain-Chinese sentence followed by the individual ``problems``.
    """

    def __init__(self, reason: str, message: str, problems: list[str] | None = None) -> None:
        self.reason = reason
        self.message = message
        self.problems = list(problems or [])
        text = message
        if self.problems:
            shown = self.problems[:20]
            text += "\n" + "\n".join(f"  - {p}" for p in shown)
            if len(self.problems) > len(shown):
                text += f"\n  - ……另有 {len(self.problems) - len(shown)} 处问题"
        super().__init__(text)
