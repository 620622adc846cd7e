"""问一问: a resident's question in free words → the best vetted answers of the content pack.

Nothing is generated. Every answer is an entry of the pack's ``data/qa.json`` (question variants,
the answer read out verbatim, its legal basis with the article, the date it was checked); this
module only ranks them. Ranking is BM25 (``bm25s``) over two kinds of tokens per text:

- words from jieba, with the pack's legal terms (``terms``) added to its dictionary so 宅基地,
  人身安全保护令 or 工伤认定 stay whole instead of being cut into common characters;
- toneless, accent-folded pinyin syllable pairs (the matcher's :func:`voice.matching.sound_key`), so a
  recognition homophone (宅急地, 公正) or a Wu accent still meets the entry's words.

Below :data:`FOUND_SCORE` nothing is offered and the pack's ``not_found`` text is said (12348, a
home visit, staff). A miss is counted through ``on_miss`` — a counter with no text, so the bureau
knows how often residents ask what the pack can't answer yet without anyone's question being kept.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from voice.lexicon import EMPTY, Lexicon
from voice.matching import clean, sound_key
from voice.options import PackData

# Tuned on tests/speech/ask_questions.tsv (docs/voice.md): every in-scope question there scores
# above it for its entry, and no out-of-scope question reaches it.
FOUND_SCORE = 5.5
# An answer this far below the best is not worth a button of its own.
KEEP_RATIO = 0.25
DEFAULT_TOP = 3

# Words that say nothing about which answer is wanted (question words, pronouns, particles).
STOPWORDS = frozenset(
    """我 你 您 他 她 它 我们 你们 他们 的 了 吗 呢 吧 啊 呀 嘛 么 是 有 要 能 能不能 可以 可不可以 怎么 怎么办
    怎么样 怎样 什么 啥 哪里 哪儿 哪 哪个 多少 为什么 会 会不会 还 还能 就 都 和 跟 与 被 把 给 在 这 那 这个 那个
    个 一 去 到 让 说 问 请问 问问 想 想问 知道 一下 该 应该 如何 吧 嗯 呃 哦 呢 得 着 过 也 又 很 太 最
    算 算不算 行 行不行 对 好 这样 那样 如果 要是 可能 时候 现在 已经 自己 人家 别人 一个 没 不
    到底 干什么 有用 用 弄 办 做 找 谁 看 听听 一点 多少钱 几点 几号 哪些 能要 拿到 今天 明天 一直 平时
    注意 东西 事 事情 地方 所以 就够 一定 现在""".split()  # noqa: SIM905 (a list of 150 words reads better so)
)
_TOKEN_RE = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]")


@dataclass(frozen=True)
class Basis:
    """The legal basis of an answer: a law and its article."""

    law: str
    article: str

    @property
    def spoken(self) -> str:
        """《中华人民共和国民法典》第一千一百二十七条"""
        return f"《{self.law}》{self.article}"


@dataclass(frozen=True)
class QaEntry:
    """One vetted question–answer entry of the pack."""

    id: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    basis: tuple[Basis, ...]
    checked: date

    @property
    def title(self) -> str:
        """The question as shown on its button (the first variant)."""
        return self.questions[0]

    @property
    def spoken(self) -> str:
        """What the kiosk reads out: the answer verbatim, then where it comes from."""
        sources = "、".join(b.spoken for b in self.basis)
        return f"{self.answer}依据：{sources}。"


@dataclass(frozen=True)
class AskHit:
    """An entry and how well it answers the question (BM25 score)."""

    entry: QaEntry
    score: float

    @property
    def prompt(self) -> str:
        """The big button: 您是想问“…”吗？"""
        return f"您是想问“{self.entry.title}”吗？"


@dataclass(frozen=True)
class AskResult:
    """The best answers (at most ``top``), or none and the honest not-found text."""

    hits: tuple[AskHit, ...]
    not_found_text: str

    @property
    def found(self) -> bool:
        """Whether any vetted answer was close enough to offer."""
        return bool(self.hits)

    @property
    def say(self) -> str:
        """What the kiosk says first: the questions it can answer, or that it has no answer."""
        if not self.hits:
            return self.not_found_text
        if len(self.hits) == 1:
            return self.hits[0].prompt
        shown = "”，还是“".join(h.entry.title for h in self.hits)
        return f"您是想问“{shown}”？请点一下。"


def entries_from_data(data: Mapping[str, Any]) -> list[QaEntry]:
    """The entries of a parsed ``qa.json`` (already schema-valid)."""
    return [
        QaEntry(
            id=str(e["id"]),
            topic=str(e["topic"]),
            questions=tuple(str(q) for q in e["questions"]),
            answer=str(e["answer"]),
            basis=tuple(Basis(str(b["law"]), str(b["article"])) for b in e["basis"]),
            checked=date.fromisoformat(str(e["checked"])),
        )
        for e in data["entries"]
    ]


class AskIndex:
    """The BM25 index of a pack's entries; build once (≈ 1 s with jieba's dictionary), ask often."""

    def __init__(
        self,
        entries: Sequence[QaEntry],
        *,
        terms: Iterable[str] = (),
        not_found: str,
        lexicon: Lexicon = EMPTY,
        on_miss: Callable[[], None] | None = None,
        found_score: float = FOUND_SCORE,
    ) -> None:
        import bm25s  # numpy underneath: loaded only when 问一问 is first used
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are not news

        self.entries = list(entries)
        self.not_found = not_found
        self.lexicon = lexicon
        self.on_miss = on_miss
        self.found_score = found_score
        # A tokenizer of our own: the pack's terms never leak into another user of jieba.
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for term in terms:
            self._jieba.add_word(term, freq=200000)
        self._bm25 = bm25s.BM25()
        corpus = [self.tokens(" ".join(e.questions)) for e in self.entries]
        self._bm25.index(corpus, show_progress=False)
        # Document frequencies for :meth:`confidence` (the Lucene idf BM25 itself uses).
        self._df: dict[str, int] = {}
        for doc in corpus:
            for token in set(doc):
                self._df[token] = self._df.get(token, 0) + 1

    @classmethod
    def from_pack(cls, pack: PackData, on_miss: Callable[[], None] | None = None) -> AskIndex:
        """The index of ``pack``'s ``qa.json``, reading questions through its lexicon."""
        data = pack.data("qa")
        return cls(
            entries_from_data(data),
            terms=data["terms"],
            not_found=str(data["not_found"]),
            lexicon=Lexicon.from_pack(pack),
            on_miss=on_miss,
        )

    def tokens(self, text: str) -> list[str]:
        """jieba words (legal terms whole, stopwords out) plus pinyin syllable pairs."""
        text = self.lexicon.rewrite(clean(text))
        words = [w for w in self._jieba.lcut(text) if w not in STOPWORDS and _TOKEN_RE.search(w)]
        syllables = sound_key("".join(words))
        pairs = [f"~{a}_{b}" for a, b in itertools.pairwise(syllables)]
        # Three syllables in a row are rare enough to say "this term", whatever characters the
        # recogniser wrote them with (宅急地 ~ 宅基地).
        triples = [
            f"~{a}_{b}_{c}"
            for a, b, c in zip(syllables, syllables[1:], syllables[2:], strict=False)
        ]
        return words + pairs + triples

    def scores(self, tokens: list[str]) -> list[float]:
        """BM25 score of every entry for ``tokens`` (the library's bare query, for the benchmark)."""
        if not tokens:
            return [0.0] * len(self.entries)
        return [float(s) for s in self._bm25.get_scores(tokens)]

    def _idf(self, token: str) -> float:
        n, df = len(self.entries), self._df.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def confidence(self, tokens: list[str], score: float) -> float:
        """``score`` as a share of what a document holding every query token once would get.

        Raw BM25 grows with the length of the question, so a long chat about the weather can
        outscore a short real question; words the pack has never seen count as rare ones, so
        a question mostly about something else stays low.
        """
        ideal = sum(self._idf(t) for t in set(tokens))
        return score / ideal if ideal > 0 else 0.0

    def ask(self, question: str, top: int = DEFAULT_TOP) -> AskResult:
        """The best ``top`` entries for ``question``, or none (and a miss counted)."""
        tokens = self.tokens(question)
        scored = sorted(
            zip(self.scores(tokens), self.entries, strict=True),
            key=lambda item: item[0],
            reverse=True,
        )
        hits: list[AskHit] = []
        if scored and scored[0][0] >= self.found_score:
            best = scored[0][0]
            hits = [
                AskHit(entry, round(score, 2))
                for score, entry in scored[: max(1, top)]
                if score
                >= KEEP_RATIO * best  # the best passed the threshold: offer its close rivals
            ]
        if not hits and self.on_miss is not None:
            self.on_miss()
        return AskResult(tuple(hits), self.not_found)
