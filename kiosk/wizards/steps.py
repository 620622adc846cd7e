"""A wizard as data: one table of steps, and everything else derived from it.

A :class:`Step` says what a page asks (its kind and the pack's text key), where its options come
from (a list in the content pack, with ids and voice synonyms), how an answer is checked (one
function per rule), which payload field it fills and when it is shown (a predicate on the
answers so far). From a :class:`Wizard` — the ordered steps — follow the page list
(:func:`pages`), the progress 第N步/共M步 (:func:`position`), the payload (:func:`payload`), the
field → page map that 修改 uses (:func:`field_steps`, :func:`step_for_field`) and the review rows
(:func:`review_rows`). The screens only render a step by its kind (``screens/wizard.py``).

Nothing here imports Kivy (tests/test_layering.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.content import ContentPack, Option
from offline_cache.outbox import Receipt

Answers = Mapping[str, Any]
# What queues a finished wizard (``kiosk.submissions.submit`` with the pack and outbox bound).
Submit = Callable[[str, dict[str, Any]], Receipt]


class Kind(StrEnum):
    """How a page asks; ``screens/wizard.py`` has one renderer per kind."""

    CHOICE = "choice"  # pick one; the page moves on by itself
    YES_NO = "yes_no"  # 是 / 不是, stored as a bool
    MULTI = "multi"  # tick any number, then 下一步
    DIGITS = "digits"  # the big number keypad
    TEXT = "text"  # the pinyin keyboard
    PLACE = "place"  # district → town → village from the pack, then the rest as text
    REVIEW = "review"  # every answer so far, each with 修改
    CONSENT = "consent"  # 同意 / 不同意
    RESULT = "result"  # what the wizard's own screen shows at the end (assessment, checklist)
    DAY = "day"  # home visit: day tiles with what is left
    SLOT = "slot"  # home visit: half-day tiles with what is left


@dataclass(frozen=True)
class Context:
    """What a wizard's rules may look at besides the answers."""

    pack: ContentPack
    staff_id: str | None = None
    # Today by the terminal clock (kiosk.terminal_clock), for 今天/明天/后天 and age checks;
    # None: dates only, and the system date where a day is needed.
    today: date | None = None


Predicate = Callable[[Answers, Context], bool]
Rule = Callable[[str, Context], str | None]
Encoder = Callable[[Any, Context], Any]
Formatter = Callable[[Answers, Context], str]


def always(_answers: Answers, _ctx: Context) -> bool:
    """The default ``shown``: the step is on every path."""
    return True


def as_given(value: Any, _ctx: Context) -> Any:
    """The default encoder: the answer goes into the payload as it is."""
    return value


@dataclass(frozen=True)
class Step:
    """One page of a wizard.

    ``fills`` are dotted payload paths (``"applicant.name"``); the answer is kept in the draft
    under ``answer`` (the step id unless said otherwise; a ``PLACE`` keeps ``<answer>_district``,
    ``_town``, ``_village`` and ``_detail``). ``options`` names a pick-list of the pack
    (:meth:`ContentPack.screen_options`), so labels and voice synonyms come from one place.
    """

    id: str
    kind: Kind
    question: str = ""  # key of the pack's spoken text shown as the page's title
    fills: tuple[str, ...] = ()
    options: str = ""
    validate: Rule | None = None
    shown: Predicate = always
    review: str = ""  # the label of its row on the review page; "" = no row
    review_value: Formatter | None = None  # the row's value when the answer alone won't do
    note: str = ""  # key of a hint shown under the question
    answer_key: str = ""
    default: Any = ""  # the payload value when nothing was answered (or the step is hidden)
    encode: Encoder = as_given
    omit_when_hidden: bool = False  # a hidden step leaves its fields out instead of defaulting
    max_length: int = 30
    max_length_limit: str = ""  # a ``legal_aid.limits`` entry that overrides ``max_length``
    optional: bool = False  # a text page that may be skipped (跳过)
    allow_x: bool = False  # digits: the ID-number keypad with its X key
    number: bool = False  # digits: kept as an int
    # digits: how the typed number looks in the answer box and on the review page (grouped,
    # kiosk.display_text); the answer itself stays the bare digits
    shown_as: Callable[[str], str] | None = None
    columns: int = 2
    min_col_width: float = 340
    detail_required: bool = False  # place: the 几组几号 part must be filled in
    # digits (ID number): the steps a read ID card fills too (kiosk.wizards.id_card)
    card_name: str = ""
    card_address: str = ""
    extra_options: Callable[[Context], Sequence[Option]] | None = None

    @property
    def key(self) -> str:
        """The draft key the answer is kept under."""
        return self.answer_key or self.id

    def length(self, ctx: Context) -> int:
        """The most characters the page's keyboard or keypad takes."""
        if self.max_length_limit:
            return int(ctx.pack.data("legal_aid")["limits"][self.max_length_limit])
        return self.max_length


@dataclass(frozen=True)
class Wizard:
    """The ordered steps of one service plus what no step fills (``extras``)."""

    kind: str  # the session draft's kind and the submission kind
    steps: tuple[Step, ...]
    # Payload sections that are ``None`` when none of the steps filling them is shown.
    nullable: tuple[str, ...] = ()
    extras: Callable[[Answers, Context], dict[str, Any]] = field(default=lambda _a, _c: {})

    def step(self, step_id: str) -> Step:
        """The step called ``step_id`` (``KeyError`` for an unknown one)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


# -- derived from the table ------------------------------------------------------------------------
def pages(wizard: Wizard, answers: Answers, ctx: Context) -> list[str]:
    """The page ids the resident goes through, in order, given the answers so far."""
    return [s.id for s in wizard.steps if s.shown(answers, ctx)]


def position(wizard: Wizard, step_id: str, answers: Answers, ctx: Context) -> tuple[int, int]:
    """``(n, m)`` for 第n步/共m步 (an unknown page counts as the first)."""
    shown = pages(wizard, answers, ctx)
    return (shown.index(step_id) + 1 if step_id in shown else 1), len(shown)


def field_steps(wizard: Wizard) -> dict[str, str]:
    """Payload field → the step that fills it (修改 next to a problem goes there)."""
    return {f: s.id for s in wizard.steps for f in s.fills}


def step_for_field(wizard: Wizard, problem_field: str, fallback: str) -> str:
    """The step to go back to for a problem reported on ``problem_field``.

    Problems name the field they are about, sometimes deeper than a step fills
    (``applicant.address.town``, ``evidence[1]``), so the longest filled prefix wins.
    """
    best, best_len = fallback, -1
    for path, step_id in field_steps(wizard).items():
        if _within(problem_field, path) and len(path) > best_len:
            best, best_len = step_id, len(path)
    return best


def _within(problem_field: str, path: str) -> bool:
    if not problem_field.startswith(path):
        return False
    rest = problem_field[len(path) :]
    return rest == "" or rest[0] in ".["


def answer_value(step: Step, answers: Answers) -> Any:
    """The step's raw answer (a ``PLACE`` gives its four parts as a dict)."""
    if step.kind is Kind.PLACE:
        return {part: answers.get(f"{step.key}_{part}", "") for part in PLACE_PARTS}
    return answers.get(step.key, step.default)


PLACE_PARTS = ("district", "town", "village", "detail")


def payload(wizard: Wizard, answers: Answers, ctx: Context) -> dict[str, Any]:
    """The submission payload: every step fills its fields, hidden steps their default."""
    out: dict[str, Any] = {}
    shown = set(pages(wizard, answers, ctx))
    live_sections = {
        f.split(".", 1)[0] for s in wizard.steps if s.id in shown for f in s.fills if "." in f
    }
    for s in wizard.steps:
        visible = s.id in shown
        if not visible and s.omit_when_hidden:
            continue
        raw = answer_value(s, answers) if visible else s.default
        value = s.encode(raw, ctx)
        for path in s.fills:
            section = path.split(".", 1)[0]
            if section in wizard.nullable and section not in live_sections:
                out[section] = None
                continue
            _put(out, path, value)
    for path, value in wizard.extras(answers, ctx).items():
        _put(out, path, value)
    return out


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    here = out
    for part in parents:
        here = here.setdefault(part, {})
    here[leaf] = value


# -- review ----------------------------------------------------------------------------------------
EMPTY = "（没填）"


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review page: what, the answer as the resident reads it, where to fix it."""

    label: str
    value: str
    step: str


def review_rows(wizard: Wizard, answers: Answers, ctx: Context) -> list[ReviewRow]:
    """A row per answered-or-asked step on the resident's path, in page order."""
    rows = []
    for s in wizard.steps:
        if not s.review or not s.shown(answers, ctx):
            continue
        text = s.review_value(answers, ctx) if s.review_value else shown_answer(s, answers, ctx)
        rows.append(ReviewRow(s.review, text if text not in (None, "") else EMPTY, s.id))
    return rows


def shown_answer(step: Step, answers: Answers, ctx: Context) -> str:
    """The answer as words: option labels instead of ids, 是/不是, the address spelled out."""
    value = answers.get(step.key)
    if step.kind is Kind.PLACE:
        return place_label(ctx.pack, answers, step.key)
    if step.kind is Kind.YES_NO:
        if value is None:
            return ""
        return next(o.label for o in ctx.pack.answers() if ctx.pack.answer_value(o.id) is value)
    if step.kind is Kind.MULTI:
        return "、".join(labels_of(options(step, ctx), value or [])) or "没有"
    if step.kind is Kind.CHOICE and value is not None:
        return "".join(labels_of(options(step, ctx), [value]))
    if value is None:
        return ""
    return step.shown_as(str(value)) if step.shown_as else str(value)


def place_label(pack: ContentPack, answers: Answers, prefix: str) -> str:
    """District, town and village names as the pack spells them, then the detail typed."""
    d, t, v = (answers.get(f"{prefix}_{k}") for k in ("district", "town", "village"))
    parts = []
    try:
        if d:
            parts.append(pack.district(d)["label"])
        if d and t:
            parts.append(pack.town(d, t)["label"])
        if d and t and v:
            parts.append(pack.village(d, t, v)["label"])
    except KeyError:
        pass  # an id from an older pack: show what is still known
    return "".join(parts) + (answers.get(f"{prefix}_detail") or "")


# -- options and texts -----------------------------------------------------------------------------
def options(step: Step, ctx: Context) -> list[Option]:
    """The step's choices from the pack, plus any the context adds (staff-only choices)."""
    found = list(ctx.pack.screen_options(step.options)) if step.options else []
    if step.extra_options is not None:
        found += list(step.extra_options(ctx))
    return found


def labels_of(choices: Sequence[Option], ids: Sequence[str]) -> list[str]:
    """The labels of ``ids`` in the order given (an id the pack no longer has is dropped)."""
    by_id = {o.id: o.label for o in choices}
    return [by_id[i] for i in ids if i in by_id]


def question_text(step: Step, ctx: Context, **values: object) -> str:
    """The page title: the pack's text for ``step.question`` with ``values`` filled in.

    A placeholder the page doesn't fill (``{matters}``, the options read aloud elsewhere) is
    left out, with the stray "。" it leaves behind after a "？".
    """
    return pack_text(ctx.pack, step.question, **values)


def pack_text(pack: ContentPack, key: str, **values: object) -> str:
    """The pack's spoken text ``key``, unfilled placeholders dropped (see :func:`question_text`)."""
    if not key:
        return ""
    filled = {name: values.get(name, "") for name in pack.placeholders(key)}
    return pack.spoken(key, **filled).replace("？。", "？")
