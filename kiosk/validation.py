"""Checks on what a resident types or says: ID numbers, phone numbers, names, free text.

Every problem comes back as one plain-Chinese sentence a resident can act on ("身份证号最后一位
对不上，请再核对一下"), never an exception text. The functions are pure; they never log their input
because it is personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

# Full-width digits and letters that a pinyin keyboard or voice input may produce.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦ",
    "0123456789XxABCDEF",
)
_SEPARATORS = " \t-－—\u3000()（）"


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking a resident ID number."""

    number: str  # normalised (18 characters, upper-case X) when valid, else what was typed
    problem: str | None
    birth_date: date | None = None
    sex: str | None = None  # "男" / "女"
    age: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def age_on(birth: date, today: date) -> int:
    """Completed years of age on ``today`` (a 29 February birthday counts from 1 March)."""
    years = today.year - birth.year
    if (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years


def mask_resident_id(number: str) -> str:
    """Enough of an ID to recognise it on screen, never the whole of it: ``3204**********1212``."""
    return number[:4] + "*" * 10 + number[-4:] if len(number) == 18 else "*" * len(number)


def normalize_id(text: str) -> str:
    cleaned = text.translate(_FULLWIDTH)
    return "".join(ch for ch in cleaned if ch not in _SEPARATORS).upper()


def check_resident_id(text: str, today: date | None = None) -> IdCheck:
    """Check an 18-character resident ID (GB 11643-1999) and derive birth date, sex and age."""
    today = today or date.today()
    if not text or not text.strip():
        return IdCheck(text, "请输入身份证号码。")
    number = normalize_id(text)
    if len(number) == 15 and number.isdigit():
        return IdCheck(text, "这是老的15位身份证号，请输入现在18位的身份证号码。")
    if len(number) != 18:
        return IdCheck(text, f"身份证号码应当是18位，您输入了{len(number)}位，请再核对一下。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdCheck(text, "身份证号码只能是数字，最后一位可以是X，请再核对一下。")
    try:
        ric.validate(number)
    except InvalidComponent:
        # python-stdnum also requires the area code to have existed in the birth year. Codes
        # were assigned when IDs were issued (mid-1980s on), so every resident born before
        # their county's current code would be refused — most of our elderly. Accept any
        # area code that existed at some time; the birth date must still be a real date.
        problem = _component_problem(number)
        if problem is not None:
            return IdCheck(text, problem)
    except InvalidChecksum:
        return IdCheck(text, "身份证号码对不上（最后一位校验码不对），请一位一位再核对一下。")
    except (InvalidLength, InvalidFormat):
        return IdCheck(text, "身份证号码格式不对，请再核对一下。")
    except ValidationError:
        return IdCheck(text, "身份证号码不对，请再核对一下。")
    birth = ric.get_birth_date(number)
    if birth > today:
        return IdCheck(text, "身份证号码里的出生日期比今天还晚，请再核对一下。")
    age = age_on(birth, today)
    if age > 130:
        return IdCheck(text, "身份证号码里的出生年份不对，请再核对一下。")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdCheck(number, None, birth, sex, age)


def _component_problem(number: str) -> str | None:
    try:
        ric.get_birth_date(number)
    except InvalidComponent:
        return "身份证号码里的出生日期不对（第7到14位），请再核对一下。"
    info = {k: v for _, props in numdb.get("cn/loc").info(number[:6]) for k, v in props.items()}
    if "county" not in info:
        return "身份证号码前6位（地区码）不对，请再核对一下。"
    return None


@dataclass(frozen=True)
class PhoneCheck:
    number: str  # normalised: 11-digit mobile, or 0519-XXXXXXXX landline
    kind: str | None  # "mobile" / "landline"
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0519([2-9]\d{7})$")


def check_phone(text: str) -> PhoneCheck:
    """A mainland mobile number or a Changzhou (0519) landline with 8 digits."""
    if not text or not text.strip():
        return PhoneCheck(text, None, "请输入联系电话。")
    cleaned = "".join(ch for ch in text.translate(_FULLWIDTH) if ch not in _SEPARATORS + "+")
    if not cleaned.isdigit():
        return PhoneCheck(text, None, "电话号码只能是数字，请再核对一下。")
    if cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    elif cleaned.startswith("86") and len(cleaned) == 13:
        cleaned = cleaned[2:]
    if _MOBILE.match(cleaned):
        return PhoneCheck(cleaned, "mobile", None)
    landline = _LANDLINE.match(cleaned)
    if landline:
        return PhoneCheck(f"0519-{landline.group(1)}", "landline", None)
    if len(cleaned) == 8 and cleaned[0] in "23456789":
        # A local number typed without the area code: the station is in Changzhou.
        return PhoneCheck(f"0519-{cleaned}", "landline", None)
    if cleaned.startswith("1"):
        return PhoneCheck(text, None, f"手机号应当是11位，您输入了{len(cleaned)}位，请再核对一下。")
    if cleaned.startswith("0") and not cleaned.startswith("0519"):
        return PhoneCheck(text, None, "座机只能留常州本地号码（区号0519），外地的请留手机号。")
    return PhoneCheck(text, None, "电话号码不对：请留11位手机号，或者0519开头的座机号。")


# -- free text -----------------------------------------------------------------------------------
def is_emoji(ch: str) -> bool:
    """Pictographs and their joiners: the provincial system and the printer can't take them."""
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x1F1E6 <= cp <= 0x1F1FF
        or cp in (0x200D, 0xFE0F, 0xFE0E, 0x20E3)
        or 0xE0020 <= cp <= 0xE007F
    )


def text_problem(
    value: str | None,
    what: str,
    *,
    required: bool = True,
    max_chars: int = 200,
    min_chars: int = 1,
    multiline: bool = False,
) -> str | None:
    """The reason ``value`` can't be accepted as ``what`` (e.g. "姓名"), or ``None``."""
    if value is None or not value.strip():
        return f"请填写{what}。" if required else None
    text = value.strip()
    for ch in text:
        if is_emoji(ch):
            return f"{what}里不能有表情符号，请只用文字。"
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn") and not (multiline and ch in "\n"):
            return f"{what}里有不能显示的字符，请删掉重新输入。"
    length = len(text)
    if length > max_chars:
        return f"{what}太长了（{length}个字），最多{max_chars}个字，请简短一些。"
    if length < min_chars:
        return f"{what}太短了，至少要{min_chars}个字。"
    return None


_NAME_ALLOWED = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002ebefA-Za-z·•．. ]+$")


def name_problem(value: str | None, what: str = "姓名", max_chars: int = 30) -> str | None:
    """Chinese names (and minority names with the middle dot); letters for foreign names."""
    problem = text_problem(value, what, max_chars=max_chars)
    if problem:
        return problem
    assert value is not None
    text = value.strip()
    if not _NAME_ALLOWED.match(text):
        return f"{what}只能写汉字或字母，不要带数字和符号。"
    if len(text) < 2:
        return f"{what}至少要两个字。"
    return None


def clean_text(value: str) -> str:
    """Normalise what is kept: NFC, trimmed, Windows line ends folded."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission: the field (dotted path) and a plain-Chinese message."""

    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


# A payload's shape: every field it may have; a nested shape for an object, ``None`` for a value
# (text, number, yes/no or a list). Anything else is refused: a payload is sealed and sent as
# it is, so a field no rule checks must not ride along (issue 16: a 20 MB unknown field).
Shape: TypeAlias = Mapping[str, "Shape | None"]


def unknown_field_problems(
    payload: Mapping[str, Any], shape: Shape, path: str = ""
) -> list[Problem]:
    """One problem per field ``shape`` doesn't name, at any depth, each naming its path."""
    problems: list[Problem] = []
    for key, value in payload.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in shape:
            problems.append(
                Problem(where, f"没有“{key}”这一项，请删掉它（申请里只能有规定的内容）。")
            )
            continue
        inner = shape[key]
        if inner is not None and isinstance(value, Mapping):
            problems += unknown_field_problems(value, inner, where)
    return problems
