"""The checks wizard steps share, as step rules ``(text, context) -> problem or None``, and the
step shapes that always go with them (an ID-number page, a phone page, a name page, an address).

Each wraps the one function that holds the rule (``kiosk.validation``), so the touch screen and
``kiosk-admin submit`` refuse the same input with the same sentence.
"""

from __future__ import annotations

from typing import Any

from kiosk import display_text
from kiosk.validation import check_phone, check_resident_id, name_problem, text_problem
from kiosk.wizards.steps import Context, Kind, Step


def id_number_rule(text: str, ctx: Context) -> str | None:
    """An 18-character resident ID number with a correct check character."""
    return check_resident_id(text, ctx.today).problem


def phone_rule(text: str, _ctx: Context) -> str | None:
    """A mobile number or a Changzhou landline."""
    return check_phone(text).problem


def name_rule(text: str, _ctx: Context) -> str | None:
    """A person's name in Chinese characters (or letters)."""
    return name_problem(text)


def place_detail_rule(text: str, ctx: Context) -> str | None:
    """The 几组几号 part of an address: plain text within the pack's limit."""
    limit = int(ctx.pack.data("legal_aid")["limits"]["address_detail_max_chars"])
    return text_problem(text, "详细地址", max_chars=limit)


# -- the step shapes that carry them (an ID page is always the X keypad, 18 long, this rule) -------
ID_NUMBER_LENGTH = 18
PHONE_MAX_LENGTH = 12  # 0519 and an 8-digit number, or an 11-digit mobile


def id_number_step(step_id: str, question: str, field: str, **more: Any) -> Step:
    """A resident ID number on the keypad with its X key."""
    return Step(
        step_id,
        Kind.DIGITS,
        question,
        fills=(field,),
        validate=id_number_rule,
        allow_x=True,
        max_length=ID_NUMBER_LENGTH,
        shown_as=display_text.id_number,
        **more,
    )


def phone_step(step_id: str, question: str, field: str, **more: Any) -> Step:
    """A phone number on the keypad."""
    return Step(
        step_id,
        Kind.DIGITS,
        question,
        fills=(field,),
        validate=phone_rule,
        max_length=PHONE_MAX_LENGTH,
        shown_as=display_text.phone,
        **more,
    )


def name_step(step_id: str, question: str, field: str, **more: Any) -> Step:
    """A person's name on the pinyin keyboard."""
    return Step(step_id, Kind.TEXT, question, fills=(field,), validate=name_rule, **more)


def place_step(step_id: str, question: str, field: str, **more: Any) -> Step:
    """District → town → village from the pack, then 几组几号 as text."""
    return Step(
        step_id,
        Kind.PLACE,
        question,
        fills=(field,),
        validate=place_detail_rule,
        max_length_limit="address_detail_max_chars",
        **more,
    )


def _as_int(value: Any, _ctx: Context) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def number_step(step_id: str, question: str, field: str, **more: Any) -> Step:
    """A whole number on the keypad (kept as an int; nothing typed sends ``None``)."""
    return Step(
        step_id,
        Kind.DIGITS,
        question,
        fills=(field,),
        number=True,
        default=None,
        encode=_as_int,
        **more,
    )
