"""What an administrator must see about a pack's content before signing it.

The schema and cross-checks (``kiosk.content.load_pack``) already refuse a legal statement
without its article (``basis``) and check date (``checked``). On top of that a pack is reviewed
for what a resident would stumble on (``kiosk.plain_words``: refused until fixed) and for what
nobody has confirmed yet (``"verified": false``: listed with its source, not refused, since a
starting figure is better than none).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.content import ContentPack, Unverified, unverified_figures
from kiosk.plain_words import pack_problems


@dataclass(frozen=True)
class ContentReview:
    plain_problems: list[str]
    unverified: list[Unverified]


def content_review(pack: ContentPack) -> ContentReview:
    """Readability problems (each one line) and every unverified figure of ``pack``."""
    return ContentReview(plain_problems=pack_problems(pack), unverified=unverified_figures(pack))
