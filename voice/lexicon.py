"""The pack's dialect and elderly-speech lexicon (``data/lexicon.json``), ready for the matcher.

Administrators extend what the kiosk understands by editing the pack, not the code: local words
(工钿 → 工钱, 屋里 → 家里, 小人 → 孩子), extra dialect negations, sounds a Wu accent swaps (r said
as l, n or y: 人 as 宁, 让 as 样), what residents really say for an option on a screen (indirect
requests such as 我的申请到哪一步了 for 查询办理进度), and age groups, so that 八十二岁 picks the
80-and-over option by its number rather than by how it sounds. The pack schema
(``offline_cache/pack_schema/lexicon.schema.json``) and ``kiosk.content`` check the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from voice.options import PackData


@dataclass(frozen=True)
class AgeGroup:
    """An option chosen by age: ``min_age`` ≤ age (≤ ``max_age`` when given)."""

    screen: str
    option: str
    min_age: int
    max_age: int | None = None

    def holds(self, age: int) -> bool:
        """Whether ``age`` belongs to this group."""
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True)
class Lexicon:
    """Everything from ``lexicon.json`` plus the place names of the whole pack."""

    local_words: tuple[tuple[str, str], ...] = ()
    negations: tuple[tuple[str, str], ...] = ()
    initial_folds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    syllable_folds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    phrases: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    age_groups: tuple[AgeGroup, ...] = ()
    places: tuple[str, ...] = field(default=())

    @classmethod
    def from_data(cls, data: Mapping[str, Any], places: Iterable[str] = ()) -> Lexicon:
        """Build from the parsed ``lexicon.json`` (already schema-valid)."""
        words = sorted(
            ((str(w["say"]), str(w["means"])) for w in data.get("local_words", ())),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        return cls(
            local_words=tuple(words),
            negations=tuple((str(n["say"]), str(n["means"])) for n in data.get("negations", ())),
            initial_folds=tuple(
                (str(f["from"]), tuple(str(t) for t in f["to"]))
                for f in data.get("accent_folds", ())
                if f.get("part", "initial") == "initial"
            ),
            syllable_folds=tuple(
                (str(f["from"]), tuple(str(t) for t in f["to"]))
                for f in data.get("accent_folds", ())
                if f.get("part") == "syllable"
            ),
            phrases=tuple(
                (str(p["screen"]), str(p["option"]), tuple(str(s) for s in p["say"]))
                for p in data.get("option_phrases", ())
            ),
            age_groups=tuple(
                AgeGroup(str(a["screen"]), str(a["option"]), int(a["min_age"]), a.get("max_age"))
                for a in data.get("age_groups", ())
            ),
            places=tuple(dict.fromkeys(p for p in places if len(p) >= 2)),
        )

    @classmethod
    def from_pack(cls, pack: PackData) -> Lexicon:
        """The lexicon of ``pack`` with every district, town and village name it has."""
        places: list[str] = []
        for d in pack.data("regions")["districts"]:
            places += [d["label"], *d.get("synonyms", ())]
            for t in d["towns"]:
                places += [t["label"], *t.get("synonyms", ())]
                for v in t["villages"]:
                    places += [v["label"], *v.get("synonyms", ())]
        return cls.from_data(pack.data("lexicon"), places)

    @cached_property
    def negation_table(self) -> dict[str, str]:
        """Extra dialect negations of this pack (said → Mandarin)."""
        return dict(self.negations)

    def rewrite(self, text: str) -> str:
        """Local words replaced by the Mandarin ones the options use (longest first)."""
        if not self.local_words:
            return text
        out: list[str] = []
        i = 0
        while i < len(text):
            for said, means in self.local_words:
                if text.startswith(said, i):
                    out.append(means)
                    i += len(said)
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def extra_phrases(self, screen: str | None, option_id: str) -> tuple[str, ...]:
        """What residents say for ``option_id`` on ``screen`` besides the pack's own synonyms."""
        if screen is None:
            return ()
        found: list[str] = []
        for s, o, said in self.phrases:
            if s == screen and o == option_id:
                found += said
        return tuple(found)

    def ages_on(self, screen: str | None) -> Sequence[AgeGroup]:
        """The age groups of ``screen`` (empty: ages are matched like any words there)."""
        return [a for a in self.age_groups if a.screen == screen]

    def sounds_alike(self, a: str, b: str, fold: Callable[[str], str]) -> bool:
        """Two folded pinyin syllables an accent of this area says the same way (ren ~ yin).

        ``fold`` is the matcher's own syllable fold, applied to the lexicon's sounds too so an
        entry written as plain pinyin (nin) meets the folded form (lin) the matcher compares.
        """
        for one, two in ((a, b), (b, a)):
            for source, targets in self.syllable_folds:
                if one == fold(source) and any(two == fold(t) for t in targets):
                    return True
            for source, targets in self.initial_folds:
                if one.startswith(source):
                    rest = one[len(source) :]
                    if any(two == fold(t + rest) for t in targets):
                        return True
        return False


EMPTY = Lexicon()
