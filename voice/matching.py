"""Turn what the recognizer heard into one of the screen's options — or into nothing.

Pure functions. Recognition errors on this kind of speech are mostly homophones (办理社保卡 heard
as 半里射爆卡), local accents that merge sounds, filler words, and dropped or extra characters.
So both sides are compared as toneless pinyin, folded the way southern (Wu-area) speakers merge
sounds (z/zh, c/ch, s/sh, n/l, f/h, in/ing, en/eng, an/ang), with filler words removed, using
rapidfuzz's edit-distance ratios. A score below ``ACCEPT_SCORE`` but above ``CONFIRM_SCORE`` is
returned with ``needs_confirmation`` so the kiosk asks 您是说"…"吗？ instead of guessing.

Before any score, the safety rules of :mod:`voice.rules` run: negations bind to what follows
them and refuse that option, a question back is never an answer, a place that belongs elsewhere
in the pack is not taken for a similar-sounding one here, and on binary pages (consent, yes/no,
confirm, submit) only an unambiguous answer is taken without asking. The pack's
:class:`voice.lexicon.Lexicon` adds local words, accent sounds, per-option phrases and age groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from voice.lexicon import EMPTY, Lexicon
from voice.options import OptionLike, phrases_of
from voice.rules import (
    PageKind,
    ask_again_text,
    has_negation,
    is_question,
    negated_scopes,
    normalise_negations,
    other_place_text,
    refused_text,
)

OptT = TypeVar("OptT", bound=OptionLike)

# Tuned on tests/speech/matching_corpus.tsv (see docs/voice.md for the figures): at 80 no
# out-of-grammar utterance in the corpus is accepted, and below 62 suggestions are mostly wrong.
ACCEPT_SCORE = 80.0
CONFIRM_SCORE = 62.0
# Two different options this close are ambiguous: ask rather than pick one.
AMBIGUITY_MARGIN = 6.0
# On binary pages (consent, yes/no, confirm, submit) only the words of an answer themselves are
# taken without asking back.
BINARY_ACCEPT_SCORE = 100.0
SOUND_ALIKE_SCORE = 99.0
# A name of a place elsewhere in the pack that makes up this much of what was said is that place.
OTHER_PLACE_SHARE = 0.6
# Below this mean word confidence from Vosk, ask even when the words match an option exactly.
LOW_ASR_CONFIDENCE = 0.5

# Words residents wrap around what they want. Longest first so 我想要 goes before 我想.
FILLERS: tuple[str, ...] = tuple(
    sorted(
        {
            "嗯", "啊", "呃", "额", "哦", "噢", "唉", "哎", "诶", "欸", "呀", "吧", "呢", "啦", "嘛",
            "那个", "这个", "就是", "就是说", "然后", "还有",
            "我想", "我要", "我想要", "想要", "我想问", "我问一下", "问一下",
            "帮我", "给我", "帮帮我", "请问", "麻烦", "麻烦你", "麻烦您", "你好", "您好",
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


class Reason(StrEnum):
    """Why a result is what it is, when a safety rule decided it (empty: the scores did)."""

    NONE = ""
    QUESTION = "question"  # a question back (好不好？): ask again in plain words
    NEGATED = "negated"  # the option was refused (勿要法律援助)
    OTHER_PLACE = "other_place"  # a place that is elsewhere in the pack, not on this page
    AGE = "age"  # an age said as a number, matched by the pack's age groups
    UNSURE = "unsure"  # a binary page and the answer was not unambiguous


@dataclass(frozen=True)
class MatchResult(Generic[OptT]):
    """The outcome for one transcript.

    ``option`` is ``None`` when nothing on the screen is close enough. When ``needs_confirmation``
    is true, ``option`` is the best guess and the kiosk must ask :func:`confirmation_prompt` first.
    When ``asked_back`` is true nothing may be acted on and the kiosk says ``say`` (the choices
    again in plain words); ``say`` is also set for a confirmation (您是说“…”吗？). ``reason`` names
    the safety rule that decided, if one did.
    """

    option: OptT | None
    score: float
    needs_confirmation: bool
    heard: str
    phrase: str | None = None
    runner_up: OptT | None = None
    asked_back: bool = False
    reason: Reason = Reason.NONE
    say: str | None = None

    @property
    def accepted(self) -> bool:
        """Matched with enough confidence to act on without asking."""
        return self.option is not None and not self.needs_confirmation and not self.asked_back


def _asked_back(heard: str, reason: Reason, say: str) -> MatchResult[Any]:
    """Nothing may be acted on: the kiosk says ``say`` and listens again."""
    return MatchResult(None, 0.0, False, heard, asked_back=True, reason=reason, say=say)


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


@lru_cache(maxsize=16384)
def _cost(lexicon: Lexicon, a: str, b: str) -> float:
    """:func:`_syllable_cost`, with the sounds the pack's lexicon says an accent swaps nearly free."""
    cost = _syllable_cost(a, b)
    if cost > 0.1 and lexicon.sounds_alike(a, b, _fold_syllable):
        return 0.1
    return cost


def _align_cost(
    heard: tuple[str, ...], phrase: tuple[str, ...], *, inside: bool, lexicon: Lexicon = EMPTY
) -> float:
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
                prev[j - 1] + _cost(lexicon, p, heard[j - 1]),
            )
        prev = cur
    return min(prev) if inside else prev[cols]


def _similarity(heard: tuple[str, ...], phrase: tuple[str, ...], lexicon: Lexicon = EMPTY) -> float:
    """0..100: how well ``phrase`` explains ``heard``.

    Syllables are compared whole (a homophone costs nothing, a near sound a little, an unrelated
    sound a full edit), which keeps unrelated sentences far from every option even when they
    share letters. When the resident said more than the phrase (交通事故赔偿), the best-aligned
    part counts, scaled down by how much of the utterance is left unexplained, so a short option
    hidden in a long unrelated sentence (你吃饭了没有) doesn't win.
    """
    if not heard or not phrase:
        return 0.0
    whole = 1.0 - _align_cost(heard, phrase, inside=False, lexicon=lexicon) / max(
        len(heard), len(phrase)
    )
    best = whole
    if len(heard) > len(phrase) >= 2:
        inside = 1.0 - _align_cost(heard, phrase, inside=True, lexicon=lexicon) / len(phrase)
        coverage = len(phrase) / len(heard)
        best = max(whole, inside * (0.55 + 0.45 * coverage))
    return 100.0 * max(0.0, best)


def _contains(heard: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(heard[i : i + n] == part for i in range(len(heard) - n + 1))


def _normalised(text: str, lexicon: Lexicon) -> str:
    """Dialect negations and local words rewritten to the Mandarin the options are written in."""
    return lexicon.rewrite(normalise_negations(clean(text), lexicon.negation_table))


def _phrase_score(heard: str, phrase: str, lexicon: Lexicon) -> float:
    if not heard:
        return 0.0
    if strip_fillers(phrase) == strip_fillers(heard):
        return 100.0
    # The same sounds in other characters (事的 for 是的) score just under the words themselves,
    # so a binary page can tell a word said from a word that merely sounds the same.
    return min(SOUND_ALIKE_SCORE, _similarity(sound_key(heard), sound_key(phrase), lexicon))


def _other_place(heard: str, here: set[tuple[str, ...]], lexicon: Lexicon) -> str | None:
    """A place named elsewhere in the pack that is most of what was said, if any (a part of a
    name on this page, 茶山 of 茶山社区, is not elsewhere)."""
    key = sound_key(heard)
    if not key:
        return None
    for place in lexicon.places:
        place_key = sound_key(place)
        if (
            len(place_key) >= 2
            and not any(_contains(h, place_key) for h in here)
            and len(place_key) >= OTHER_PLACE_SHARE * len(key)
            and _contains(key, place_key)
        ):
            return place
    return None


def _age_result(
    text: str, options: Sequence[OptT], screen: str | None, lexicon: Lexicon, heard: str
) -> MatchResult[OptT] | None:
    groups = lexicon.ages_on(screen)
    if not groups:
        return None
    from voice.digits import spoken_age

    age = spoken_age(text)
    if age is None:
        return None
    by_id = {o.id: o for o in options}
    if not age.approximate:
        for group in groups:
            if group.holds(age.years) and group.option in by_id:
                return MatchResult(
                    by_id[group.option], 100.0, False, heard, f"{age.years}岁", reason=Reason.AGE
                )
    # An age that fits no group (or 快八十了): never the option that merely sounds nearest.
    return _asked_back(
        heard,
        Reason.AGE,
        f"您说的是{age.spoken}。请说您属于这一页上的哪一种情况，也可以用手点一下。",
    )


def match(
    transcript: str,
    options: Sequence[OptT],
    *,
    accept: float = ACCEPT_SCORE,
    confirm: float = CONFIRM_SCORE,
    asr_confidence: float | None = None,
    page: PageKind = PageKind.CHOICE,
    screen: str | None = None,
    lexicon: Lexicon | None = None,
) -> MatchResult[OptT]:
    """The option the resident most likely meant, compared by sound (see module docstring).

    ``asr_confidence`` is the recognizer's own word confidence (``Transcript.confidence``): when
    Vosk itself was unsure, even a perfect text match is confirmed before acting on it. ``page``
    says what the page asks for (binary pages take only unambiguous answers); ``screen`` is the
    pack's screen id (``ContentPack.screen_ids``) whose lexicon phrases and age groups apply;
    ``lexicon`` is :meth:`Lexicon.from_pack` of the pack the kiosk serves.
    """
    lex = lexicon or EMPTY
    norm = _normalised(transcript, lex)
    heard_text = strip_fillers(norm)
    labels = [o.label for o in options]
    # (option, phrase) pairs, the pack's phrases first, then the lexicon's for this screen.
    phrases = [
        (option, phrase)
        for option in options
        for phrase in dict.fromkeys((*phrases_of(option), *lex.extra_phrases(screen, option.id)))
    ]
    said_exactly = any(strip_fillers(_normalised(p, lex)) == heard_text for _, p in phrases)
    if is_question(transcript) and not said_exactly:
        return _asked_back(heard_text, Reason.QUESTION, ask_again_text(labels, page))
    negations, positive = negated_scopes(norm)
    aged = (
        None if negations or said_exactly else _age_result(norm, options, screen, lex, heard_text)
    )
    if aged is not None:
        return aged
    # More negations than a phrase holds: the extra one refuses it (勿要没有固定收入的老年人).
    said_negations = len(negated_scopes(strip_fillers(norm))[0])
    # Each phrase meets the words it could be: one with its own negation (不是, 没签合同) meets
    # all that was said; any other only what was said outside a negation's scope.
    per_option: dict[str, tuple[float, OptT, str]] = {}
    refused: dict[str, tuple[float, OptT]] = {}
    negative_ids: set[str] = set()
    said_negative: set[str] = set()  # options whose own negated phrase was said (没签合同)
    negative_best: set[str] = set()  # options best explained by a phrase with a negation
    for option, phrase in phrases:
        p = _normalised(phrase, lex)
        if has_negation(p):
            negative_ids.add(option.id)
            score = _phrase_score(norm, p, lex)
            if said_negations > len(negated_scopes(strip_fillers(p))[0]):
                if score >= confirm and score > refused.get(option.id, (0.0,))[0]:
                    refused[option.id] = (score, option)
            elif score >= accept:
                said_negative.add(option.id)
        else:
            score = _phrase_score(positive, p, lex)
            if negations:  # explains less than a phrase that explains the negation too
                score = max(0.0, score - 1.0)
            for negation in negations:
                refusal = _phrase_score(negation.scope, p, lex)
                if refusal >= confirm and refusal > refused.get(option.id, (0.0,))[0]:
                    refused[option.id] = (refusal, option)
        if option.id not in per_option or score > per_option[option.id][0]:
            per_option[option.id] = (score, option, phrase)
            if has_negation(p):
                negative_best.add(option.id)
            else:
                negative_best.discard(option.id)
    for option_id in said_negative:
        refused.pop(option_id, None)
    scored = [v for k, v in per_option.items() if k not in refused]
    if refused and not said_negative:
        return _after_refusal(
            refused, scored, negative_ids, heard_text, page=page, accept=accept, confirm=confirm
        )
    if not scored:
        return MatchResult(None, 0.0, False, heard_text)
    best = max(scored, key=lambda item: item[0])  # max keeps the first of equals
    score, option, phrase = best
    here = {sound_key(p) for _, p in phrases}
    place = _other_place(norm, here, lex) if score < 100.0 else None
    if place is not None:
        return _asked_back(heard_text, Reason.OTHER_PLACE, other_place_text(place))
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
    # On a binary page a positive answer next to a negation (是的，不要) is not unambiguous.
    mixed = page.binary and option.id not in negative_best and bool(negations)
    strict = page.binary and (score < BINARY_ACCEPT_SCORE or mixed)
    unsure = score < accept or ambiguous or unsure_ear or strict
    return MatchResult(
        option,
        round(score, 1),
        needs_confirmation=unsure,
        heard=heard_text,
        phrase=phrase,
        runner_up=second[1] if second else None,
        reason=Reason.UNSURE if strict else Reason.NONE,
        say=confirmation_prompt(option) if unsure else None,
    )


def _after_refusal(
    refused: dict[str, tuple[float, OptT]],
    scored: list[tuple[float, OptT, str]],
    negative_ids: set[str],
    heard: str,
    *,
    page: PageKind,
    accept: float,
    confirm: float,
) -> MatchResult[OptT]:
    """Something was refused (伐要 / 勿要法律援助): never that option, whatever it scored."""
    refusal, refused_option = max(refused.values(), key=lambda item: item[0])
    if page.binary:
        # On a yes/no page refusing the yes is the no: the page's one negative option.
        negative = [s for s in scored if s[1].id in negative_ids]
        if len(negative) == 1 or len({s[1].id for s in negative}) == 1:
            option = negative[0][1]
            sure = refusal >= BINARY_ACCEPT_SCORE
            return MatchResult(
                option,
                round(max(refusal, negative[0][0]), 1),
                needs_confirmation=not sure,
                heard=heard,
                phrase=negative[0][2],
                reason=Reason.NEGATED,
                say=None if sure else confirmation_prompt(option),
            )
    else:
        # 不是公证，是法律援助: what was said outside the negation can still be the choice.
        best = max(scored, key=lambda item: item[0], default=None)
        if best is not None and best[0] >= accept:
            return MatchResult(best[1], round(best[0], 1), False, heard, best[2])
    return _asked_back(heard, Reason.NEGATED, refused_text(refused_option.label))


def confirmation_prompt(option: OptionLike) -> str:
    """What the kiosk says (and shows) when it is not sure: 您是说"公证"吗？"""
    return f"您是说“{option.label}”吗？"


def match_yes_no(transcript: str, *, lexicon: Lexicon | None = None) -> bool | None:
    """The answer to 您是说"…"吗？: ``True`` for 是/对…, ``False`` for 不是/不对…, else ``None``.

    Dialect negations count as negations (伐要, 勿是 → no, never yes); a question back (是不是？
    好伐？) is no answer at all. Negative words are checked first because 不是 contains 是.
    """
    if is_question(transcript):
        return None
    lex = lexicon or EMPTY
    text = _normalised(transcript, lex)
    for filler in ("嗯", "啊", "呃", "哦", "呀", "吧", "呢", "啦"):
        text = text.strip(filler) or text
    if not text:
        return None
    if text in _YES_WORDS:  # 没错 starts like a negation but is a yes
        return True
    if any(text == w or text.startswith(w) for w in _NO_WORDS if len(w) > 1) or text in (
        "不",
        "没",
    ):
        return False
    if text.startswith(("不", "没")) and len(text) <= 3:
        return False
    if has_negation(text):  # 是的，不要 / 好是好，不过不要: not a clear yes
        return None
    if any(text == w or text.startswith(w) for w in _YES_WORDS):
        return True
    heard = sound_key(text)
    yes = max(fuzz.ratio(" ".join(heard), " ".join(sound_key(w))) for w in _YES_WORDS)
    no = max(fuzz.ratio(" ".join(heard), " ".join(sound_key(w))) for w in _NO_WORDS)
    if max(yes, no) < 80:
        return None
    return yes > no
