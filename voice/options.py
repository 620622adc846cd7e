"""What the voice code needs from a choice on screen: an id, a label and what residents say instead.

The content pack (``kiosk.content.Option``) is the usual source; the matcher accepts any object
with these three attributes so it can be tested and used from the CLI without a pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class OptionLike(Protocol):
    """Anything with ``id``, ``label`` and ``synonyms`` (read-only is enough)."""

    @property
    def id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def synonyms(self) -> tuple[str, ...]: ...


class PackData(Protocol):
    """What voice reads from a content pack (``kiosk.content.ContentPack`` is one): a data file by
    name. A Protocol, not an import, because ``kiosk`` imports ``voice`` (dependencies point one
    way, tests/test_layering.py)."""

    def data(self, name: str) -> Any: ...


@dataclass(frozen=True)
class VoiceOption:
    """A plain option when no content pack is involved (CLI ``--options``, commands, tests)."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()


def options_from_labels(labels: list[str]) -> list[VoiceOption]:
    """``["法律援助", "公证"]`` -> options whose id is their position (``"1"``, ``"2"`` ...)."""
    return [VoiceOption(str(i), label) for i, label in enumerate(labels, start=1)]


def phrases_of(option: OptionLike) -> tuple[str, ...]:
    """The label first, then every synonym, without duplicates or blanks."""
    seen: dict[str, None] = {}
    for phrase in (option.label, *option.synonyms):
        phrase = phrase.strip()
        if phrase:
            seen.setdefault(phrase, None)
    return tuple(seen)
