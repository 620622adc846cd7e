"""Safety rules applied to a transcript before any fuzzy score: negations, questions, page kinds.

A fuzzy matcher scores 勿要法律援助 close to 法律援助 and 好不好 close to 好: on a consent page
that flips a resident's meaning into a legal act. So before anything is scored:

- dialect negations are rewritten to Mandarin (伐要/勿要/覅 → 不要, 伐是 → 不是, 呒没 → 没有), so
  a pack's 不要/不是 phrases catch them and nothing else does;
- every negation word binds to what follows it up to the next clause break
  (:func:`negated_scopes`): an option heard inside that scope is refused, never chosen;
- a question form (A不A, A没A, 好不好, …吗, …伐, …？) is never an answer (:func:`is_question`);
- on consent, yes/no, confirm and submit pages (:class:`PageKind`) only an unambiguous answer is
  taken without asking back.

Pure functions; the dialect words a pack adds come in through :class:`voice.lexicon.Lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class PageKind(StrEnum):
    """What a page asks for. Binary pages (all but ``CHOICE``) carry a legal or final act."""

    CHOICE = "choice"
    YES_NO = "yes_no"
    CONSENT = "consent"
    CONFIRM = "confirm"
    SUBMIT = "submit"

    @property
    def binary(self) -> bool:
        """An answer here is a yes or a no to something that matters: never guess."""
        return self is not PageKind.CHOICE


# Wu (Changzhou, Wuxi, Shanghai) and southern Mandarin negations → the Mandarin word a pack's
# options are written with. Longest first, so 伐要 is rewritten before 伐.
DIALECT_NEGATIONS: dict[str, str] = {
    "覅": "不要", "嫑": "不要", "勿要": "不要", "伐要": "不要", "弗要": "不要", "莫要": "不要",
    "勿是": "不是", "伐是": "不是", "弗是": "不是",
    "勿用": "不用", "伐用": "不用", "弗用": "不用",
    "呒没": "没有", "呒不": "没有", "呒得": "没有", "没得": "没有", "朆": "没有", "勿曾": "没有",
    "勿": "不", "伐": "不", "弗": "不", "呒": "没", "莫": "不",
}  # fmt: skip

# Mandarin negation words, longest first (不要 before 不). What follows them is negated.
NEGATIONS: tuple[str, ...] = ("不要", "不是", "不用", "不想", "没有", "不", "没", "别", "甭", "未")
# Words that start with a negation character but negate nothing (别人 = other people).
NOT_NEGATIONS: tuple[str, ...] = (
    "别人", "别的", "别处", "别家", "特别", "区别", "分别", "告别", "别桥",
    "没收", "埋没", "不动产", "不但", "不过", "不少", "不一定", "不管怎样", "未成年", "未婚",
    "不得了", "差不多", "不久", "没错", "没问题", "不错",
)  # fmt: skip
# After a negated word, these start a new positive clause (不是公证，是法律援助 / 不要这个要那个).
_REAFFIRM = ("而是", "是", "要", "我要", "想要")
_CLAUSE_BREAK_RE = re.compile(r"[，。！？、；,.!?;\s]+")

# A-not-A / A-没-A questions: 好不好, 是不是, 行不行, 有没有, 可不可以, 能不能.
# A不A and AB不AB (好不好, 同意不同意); not a refusal said twice (不是不是, 没有没有).
_A_NOT_A_RE = re.compile(r"(?<![不没])(?P<a>[\u4e00-\u9fff]{1,2})(?:不|没)(?P=a)")
# Sentence-final question forms: 吗 always; Wu 伐 (好伐 = 好吗); 么 but not 什么/怎么/这么;
# …了没有 (吃饭了没有).
_FINAL_PARTICLE_RE = re.compile(r"(?:吗|伐|(?<![什怎这那多])么|了没有?)[啊呀呢]?$")
_QUESTION_MARK_RE = re.compile(r"[？?]\s*$")


def normalise_negations(text: str, extra: dict[str, str] | None = None) -> str:
    """Dialect negations rewritten to Mandarin: 伐要法律援助 → 不要法律援助.

    A sentence-final 伐 is the Wu question particle (好伐 = 好吗), so it is left alone here and
    :func:`is_question` sees it. ``extra`` adds words from the pack's lexicon.
    """
    table = dict(DIALECT_NEGATIONS)
    if extra:
        table.update(extra)
    words = sorted(table, key=len, reverse=True)
    out: list[str] = []
    i = 0
    end = len(text.rstrip("？?。！!啊呀呢 "))
    while i < len(text):
        word = next((w for w in words if text.startswith(w, i)), None)
        if word is None or (word == "伐" and i > 0 and i + 1 >= end):  # 伐 last: a question
            out.append(text[i])
            i += 1
            continue
        out.append(table[word])
        i += len(word)
    return "".join(out)


@dataclass(frozen=True)
class Negation:
    """One negation word in a transcript and the words it binds to."""

    word: str
    start: int
    scope: str


def _negation_at(text: str, i: int) -> str | None:
    if any(text.startswith(w, i) for w in NOT_NEGATIONS):
        return None
    return next((w for w in NEGATIONS if text.startswith(w, i)), None)


def negated_scopes(text: str) -> tuple[list[Negation], str]:
    """Each negation with its scope, and the text left when negated parts are taken out.

    ``text`` is already normalised (:func:`normalise_negations`). The scope runs from after the
    negation word to the next clause break: punctuation, another negation, or a word that starts a
    positive clause again once the scope has content (不是公证是法律援助 → scope 公证, then
    法律援助 is positive).
    """
    negations: list[Negation] = []
    positive: list[str] = []
    i = 0
    while i < len(text):
        word = _negation_at(text, i)
        if word is None:
            positive.append(text[i])
            i += 1
            continue
        j = i + len(word)
        scope_start = j
        while j < len(text):
            if _CLAUSE_BREAK_RE.match(text[j]) or _negation_at(text, j) is not None:
                break
            if j > scope_start and any(text.startswith(w, j) for w in _REAFFIRM):
                break
            j += 1
        negations.append(Negation(word, i, text[scope_start:j]))
        i = j
    return negations, "".join(positive)


def has_negation(text: str) -> bool:
    """Whether ``text`` (normalised) contains a negation word that really negates."""
    return any(_negation_at(text, i) is not None for i in range(len(text)))


def is_question(text: str) -> bool:
    """A question back (好不好？ 是不是 法律援助吗 要伐), which is never an answer."""
    stripped = text.strip()
    if not stripped:
        return False
    if _QUESTION_MARK_RE.search(stripped):
        return True
    core = _CLAUSE_BREAK_RE.sub("", stripped)
    return bool(_A_NOT_A_RE.search(core) or _FINAL_PARTICLE_RE.search(core))


def ask_again_text(labels: list[str], page: PageKind) -> str:
    """What the kiosk says after a question back: the choices again, in plain words."""
    if page.binary and len(labels) >= 2:
        return f"我没听明白您的意思。请直接说“{labels[0]}”，或者说“{labels[1]}”，也可以用手点一下。"
    shown = "”、“".join(labels[:3])
    return f"我没听明白您的意思。请直接说您要选的那一项，比如“{shown}”，也可以用手点一下。"


def refused_text(label: str) -> str:
    """What the kiosk says when the resident refused an option (勿要法律援助)."""
    return f"好的，不选“{label}”。请说您要选哪一项，也可以用手点一下。"


def other_place_text(place: str) -> str:
    """What the kiosk says when the resident named a place that is not on this page."""
    return f"“{place}”不在这一页上。请说这一页上的地方，也可以用手点一下。"
