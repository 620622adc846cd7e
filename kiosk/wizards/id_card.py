"""What a read ID card puts into a wizard's draft: name, number and the address matched to the
pack's district → town → village by name.

A step that reads a card names the steps it fills (``Step.card_name``, ``Step.card_address``);
the answers returned here go into the session draft only (wiped with it). Nothing here imports
Kivy (tests/test_layering.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.content import ContentPack, Option
from kiosk.devices.idcard import IdCard
from kiosk.validation import check_resident_id
from kiosk.wizards.steps import Answers, Context, Step, Wizard, pages

# Suffixes a pack label may carry that a card leaves out, or the other way round (湖塘 / 湖塘镇).
_PLACE_SUFFIXES = ("街道", "社区", "区", "镇", "乡", "村", "市", "县")
# What a card prints right after a place's name that belongs to the name, not to the detail:
# 东安村委会东安村123号 is the 东安村 committee, then the natural village and the house.
_AFTER_NAME = ("村民委员会", "居民委员会", "村委会", "居委会", "委会", *_PLACE_SUFFIXES)


@dataclass(frozen=True)
class PlaceMatch:
    """How much of a card's address the pack's regions account for; ``detail`` is the rest
    (几组几号) and is set only when the village was found."""

    district: str | None = None
    town: str | None = None
    village: str | None = None
    detail: str = ""

    @property
    def complete(self) -> bool:
        return self.village is not None


def _names(option: Option) -> list[str]:
    """The label, and the label without its administrative suffix, longest first."""
    names = [option.label, *option.synonyms]
    for name in list(names):
        for suffix in _PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.append(name[: -len(suffix)])
    return sorted(set(names), key=len, reverse=True)


def _find(options: list[Option], text: str) -> tuple[Option, int] | None:
    """The option whose name occurs earliest in ``text``, and where its name ends."""
    best: tuple[Option, int, int] | None = None
    for option in options:
        for name in _names(option):
            at = text.find(name)
            if at >= 0 and (best is None or at < best[1]):
                end = at + len(name)
                # A card keeps the suffix the pack left out: skip it too.
                for suffix in _AFTER_NAME:
                    if text.startswith(suffix, end):
                        end += len(suffix)
                        break
                best = (option, at, end)
                break
    return (best[0], best[2]) if best is not None else None


def match_address(pack: ContentPack, address: str) -> PlaceMatch:
    """The pack's district, town and village named in ``address``, as far as they are found."""
    district = _find(pack.districts(), address)
    if district is None:
        return PlaceMatch()
    d, rest = district[0].id, address[district[1] :]
    town = _find(pack.towns(d), rest)
    if town is None:
        return PlaceMatch(d)
    t, rest = town[0].id, rest[town[1] :]
    village = _find(pack.villages(d, t), rest)
    if village is None:
        return PlaceMatch(d, t)
    return PlaceMatch(d, t, village[0].id, rest[village[1] :].strip())


def reads_card(step: Step) -> bool:
    """Whether the page offers 刷身份证 (an ID-number page that knows what a card fills)."""
    return step.allow_x and bool(step.card_name or step.card_address)


def card_answers(wizard: Wizard, step: Step, card: IdCard, ctx: Context) -> dict[str, Any]:
    """The draft answers a confirmed card gives: the number on ``step``, the name on its
    ``card_name`` step, and the address parts found on its ``card_address`` step (the resident
    picks the rest there)."""
    answers: dict[str, Any] = {step.key: card.id_number}
    if step.card_name:
        answers[wizard.step(step.card_name).key] = card.name
    if step.card_address:
        place_step = wizard.step(step.card_address)
        prefix = place_step.key
        found = match_address(ctx.pack, card.address)
        detail = found.detail[: place_step.length(ctx)]
        if detail and place_step.validate is not None and place_step.validate(detail, ctx):
            detail = ""  # the resident types what the pack's rule won't take
        answers.update(
            {
                f"{prefix}_district": found.district,
                f"{prefix}_town": found.town,
                f"{prefix}_village": found.village,
                f"{prefix}_detail": detail or None,
                # The address page opens where the resident still has to pick.
                f"_{prefix}_level": _open_level(found),
            }
        )
    return answers


def _open_level(found: PlaceMatch) -> str:
    if found.village is not None:
        return "detail"
    if found.town is not None:
        return "village"
    return "town" if found.district is not None else "district"


def sex_and_age(number: str, today: date) -> str:
    """（女，70岁） after a name on the read-back: from the checked number (python-stdnum, via
    ``check_resident_id``), the age on ``today`` — the terminal's date; "" for a number that
    doesn't check."""
    found = check_resident_id(number, today)
    if not found.ok:
        return ""
    return f"（{found.sex}，{found.age}岁）"


def card_step_on(wizard: Wizard, step_id: str, answers: Answers, ctx: Context) -> Step | None:
    """The card-reading step whose 刷身份证 tile page ``step_id`` shows: the first page on the
    path of that person's ID number and name (the applicant's name comes before the number)."""
    shown = pages(wizard, answers, ctx)
    for step in wizard.steps:
        if not reads_card(step) or step.id not in shown:
            continue
        own = [s for s in (step.id, step.card_name) if s in shown]
        if min(own, key=shown.index) == step_id:
            return step
    return None


def page_after_card(wizard: Wizard, step: Step, answers: Answers, ctx: Context) -> str:
    """Where a confirmed card leads: past the number and name pages it filled (the address page
    is still shown: the resident checks it and adds what the card left open)."""
    shown = pages(wizard, answers, ctx)
    last = max(shown.index(s) for s in (step.id, step.card_name) if s in shown)
    return shown[last + 1] if last + 1 < len(shown) else shown[last]
