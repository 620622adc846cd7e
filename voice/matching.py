"""Turn what the recognizer heard into one of the screen's options — or into nothing.

Pure functions. Recognition errors on this kind of speech are mostly homophones (办理社保卡 heard
as 半里射爆卡), local accents that merge sounds, filler words, and dropped or extra characters.
So both sides are compared as toneless pinyin, folded the way southern (Wu-area) speakers merge
sounds (z/zh, c/ch, s/sh, n/l, f/h, in/ing, en/eng, an/ang), with filler words removed, using
rapidfuzz's edit-distance ratios. A score below ``ACCEPT_SCORE`` but above ``CONFIRM_SCORE`` is
returned with ``needs_confirmation`` so the kiosk asks 您是说"…"吗？ instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from voice.options import OptionLike, phrases_of

OptT = TypeVar("OptT", bound=OptionLike)

# Tuned on tests/voice/matching_corpus.tsv (see docs/voice.md for the figures): at 80 no
# out-of-grammar utterance in the corpus is accepted, and below 62 suggestions are mostly wrong.
ACCEPT_SCORE = 80.0
CONFIRM_SCORE = 62.0
# Two different options this close are ambiguous: ask rather than pick one.
AMBIGUITY_MARGIN = 6.0
# Below this mean word confidence from Vosk, ask even when the words match an option exactly.
LOW_ASR_CONFIDENCE = 0.5

# Words residents wrap around what they want. Longest first so 我想要 goes before 我想.
FILLERS: tuple[str, ...] = tuple(
    sorted(
        {
            "嗯", "啊", "呃", "额", "哦", "噢", "唉", "哎", "诶", "欸", "呀", "吧", "呢", "啦", "嘛",
            "那个", "这个", "就是", "就是说", "然后", "还有",
            "我想", "我要", "我想要", "想要", "我想问", "我问一下", "问一下",
            "帮我", "给我", "帮帮我", "请", "请问", "麻烦", "麻烦你", "麻烦您", "你好", "您好",
            "一下", "我来", "我是来", "的话", "的事", "的事情", "的问题", "方面的", "有关",
            "怎么办", "咋办", "找一下", "看看", "看一下", "我选", "选",
            # Particles recognizers insert and drop freely; no label depends on them.
            "的", "了", "我的",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_FILLER_RE = re.compile("|".join(re.escape(f) for f in FILLERS))
_NOT_SPOKEN_RE = re.compile(r"[\s\u3000，。！？、；：“”‘’（）《》…,.!?;:'\"()\[\]<>-]+")

_YES_WORDS = ("是", "是的", "对", "对的", "对了", "对对", "没错", "好", "好的", "可以", "确定", "行", "嗯对", "就是它", "就是这个")  # fmt: skip
_NO_WORDS = ("不是", "不对", "不要", "错了", "不", "不是的", "没有", "取消", "不行", "搞错了", "不用")  # fmt: skip


@dataclass(frozen=True)
class MatchResult(Generic[OptT]):
    """The outcome for one transcript.

    ``option`` is ``None`` when nothing on the screen is close enough. When ``needs_confirmation``
    is true, ``option`` is the best guess and the kiosk must ask :func:`confirmation_prompt` first.
    """

    option: OptT | None
    score: float
    needs_confirmation: bool
    heard: str
    phrase: str | None = None
    runner_up: OptT | None = None

    @property
    def accepted(self) -> bool:
        """Matched with enough confidence to act on without asking."""
        return self.option is not None and not self.needs_confirmation


def clean(text: str) -> str:
    """Drop spaces and punctuation (Vosk puts spaces between words)."""
    return _NOT_SPOKEN_RE.sub("", text)


# 是是是, 不是不是, 对对对: a word said again and again counts once.
_REPEATED_RE = re.compile(r"(.{2,}?)\1+|(.)\2{2,}")


def strip_fillers(text: str) -> str:
    """Remove filler words and repeats; keep the original if nothing would be left."""
    cleaned = clean(text)
    stripped = _FILLER_RE.sub("", cleaned)
    stripped = _REPEATED_RE.sub(lambda m: m.group(1) or m.group(2), stripped)
    return stripped or cleaned


def _fold_syllable(syllable: str) -> str:
    s = syllable
    for retroflex, flat in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(retroflex):
            s = flat + s[2:]
            break
    if s.startswith("n") and len(s) > 1:
        s = "l" + s[1:]
    elif s.startswith("h"):
        s = "f" + s[1:]
    if len(s) >= 3 and s.endswith("ng") and s[-3] in "aei":
        s = s[:-1]
    return s


# Digits left over after _spoken_numbers() (幺 is how 1 is said inside numbers).
_DIGIT_SOUNDS = dict(
    zip(
        "0123456789", ["ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu"], strict=True
    )
)
_NUMBER_RE = re.compile(r"\d+")


def _spoken_numbers(text: str) -> str:
    """Numbers in labels as people say them: 12348 digit by digit, 80岁 as 八十岁."""

    def say(m: re.Match[str]) -> str:
        number = m.group(0)
        if len(number) >= 5 or (len(number) > 1 and number.startswith("0")):
            return "".join("零一二三四五六七八九"[int(d)] for d in number)
        import cn2an  # slow to import; only needed when a number is in the text

        return str(cn2an.an2cn(number, "low"))

    return _NUMBER_RE.sub(say, text)


def _non_chinese(chunk: str) -> list[str]:
    return [_DIGIT_SOUNDS.get(c, c) for c in chunk.lower() if c.isalnum()]


@lru_cache(maxsize=4096)
def sound_key(text: str) -> tuple[str, ...]:
    """Toneless, accent-folded pinyin syllables of ``text`` (fillers and punctuation removed)."""
    spoken = _spoken_numbers(strip_fillers(text)).replace("幺", "一")
    syllables = lazy_pinyin(spoken, style=Style.NORMAL, errors=cast(Any, _non_chinese))
    return tuple(_fold_syllable(s) for s in syllables if s)


@lru_cache(maxsize=8192)
def _syllable_cost(a: str, b: str) -> float:
    """0 for the same (folded) syllable, up to 1 for unrelated ones (ba/pa is cheap, ba/xiu not)."""
    if a == b:
        return 0.0
    return min(1.0, 1.6 * (1.0 - fuzz.ratio(a, b) / 100.0))


def _align_cost(heard: tuple[str, ...], phrase: tuple[str, ...], *, inside: bool) -> float:
    """Edit distance over syllables with graded substitutions.

    With ``inside`` the phrase may sit anywhere in what was heard (extra words before or after
    cost nothing here; the caller charges for them separately).
    """
    rows, cols = len(phrase), len(heard)
    prev = [0.0 if inside else float(j) for j in range(cols + 1)]
    for i in range(1, rows + 1):
        cur = [float(i)] + [0.0] * cols
        p = phrase[i - 1]
        for j in range(1, cols + 1):
            cur[j] = min(
                prev[j] + 1.0,
                cur[j - 1] + 1.0,
                prev[j - 1] + _syllable_cost(p, heard[j - 1]),
            )
        prev = cur
    return min(prev) if inside else prev[cols]


def _similarity(heard: tuple[str, ...], phrase: tuple[str, ...]) -> float:
    """0..100: how well ``phrase`` explains ``heard``.

    Syllables are compared whole (a homophone costs nothing, a near sound a little, an unrelated
    sound a full edit), which keeps unrelated sentences far from every option even when they
    share letters. When the resident said more than the phrase (交通事故赔偿), the best-aligned
    part counts, scaled down by how much of the utterance is left unexplained, so a short option
    hidden in a long unrelated sentence (你吃饭了没有) doesn't win.
    """
    if not heard or not phrase:
        return 0.0
    whole = 1.0 - _align_cost(heard, phrase, inside=False) / max(len(heard), len(phrase))
    best = whole
    if len(heard) > len(phrase) >= 2:
        inside = 1.0 - _align_cost(heard, phrase, inside=True) / len(phrase)
        coverage = len(phrase) / len(heard)
        best = max(whole, inside * (0.55 + 0.45 * coverage))
    return 100.0 * max(0.0, best)


def match(
    transcript: str,
    options: Sequence[OptT],
    *,
    accept: float = ACCEPT_SCORE,
    confirm: float = CONFIRM_SCORE,
    asr_confidence: float | None = None,
) -> MatchResult[OptT]:
    """The option the resident most likely meant, compared by sound (see module docstring).

    ``asr_confidence`` is the recognizer's own word confidence (``Transcript.confidence``): when
    Vosk itself was unsure, even a perfect text match is confirmed before acting on it.
    """
    heard_text = strip_fillers(transcript)
    heard = sound_key(transcript)
    # (score, option, phrase) per option; the earlier option wins a tie (pack before commands).
    scored: list[tuple[float, OptT, str]] = []
    for option in options:
        top = max(
            ((_similarity(heard, sound_key(phrase)), phrase) for phrase in phrases_of(option)),
            key=lambda item: item[0],
            default=(0.0, ""),
        )
        if heard_text and strip_fillers(top[1]) == heard_text:
            top = (100.0, top[1])
        scored.append((top[0], option, top[1]))
    if not scored:
        return MatchResult(None, 0.0, False, heard_text)
    best = max(scored, key=lambda item: item[0])  # max keeps the first of equals
    score, option, phrase = best
    if score < confirm:
        return MatchResult(None, round(score, 1), False, heard_text)
    rivals = [s for s in scored if s[1].id != option.id]
    second = max(rivals, key=lambda item: item[0]) if rivals else None
    # The same words under two ids (a pack's 是 and the command 是) are not a real choice.
    ambiguous = (
        second is not None
        and score < 100.0
        and score - second[0] < AMBIGUITY_MARGIN
        and sound_key(second[2]) != sound_key(phrase)
    )
    unsure_ear = asr_confidence is not None and asr_confidence < LOW_ASR_CONFIDENCE
    return MatchResult(
        option,
        round(score, 1),
        needs_confirmation=score < accept or ambiguous or unsure_ear,
        heard=heard_text,
        phrase=phrase,
        runner_up=second[1] if second else None,
    )


def confirmation_prompt(option: OptionLike) -> str:
    """What the kiosk says (and shows) when it is not sure: 您是说"公证"吗？"""
    return f"您是说“{option.label}”吗？"


def match_yes_no(transcript: str) -> bool | None:
    """The answer to 您是说"…"吗？: ``True`` for 是/对…, ``False`` for 不是/不对…, else ``None``.

    Negative words are checked first because 不是 contains 是.
    """
    text = clean(transcript)
    for filler in ("嗯", "啊", "呃", "哦", "呀", "吧", "呢", "啦"):
        text = text.strip(filler) or text
    if not text:
        return None
    if any(text == w or text.startswith(w) for w in _NO_WORDS if len(w) > 1) or text == "不":
        return False
    if text.startswith("不") and len(text) <= 3:
        return False
    if any(text == w or text.startswith(w) for w in _YES_WORDS):
        return True
    heard = sound_key(text)
    yes = max(fuzz.ratio(" ".join(heard), " ".join(sound_key(w))) for w in _YES_WORDS)
    no = max(fuzz.ratio(" ".join(heard), " ".join(sound_key(w))) for w in _NO_WORDS)
    if max(yes, no) < 80:
        return None
    return yes > no
