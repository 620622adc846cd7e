"""The second-generation resident ID card (二代居民身份证) as the kiosk sees it.

A certified reader hands over a 256-byte text block (UCS-2 little-endian, space padded; the
layout of GA/T 490, see :data:`TEXT_FIELDS`) and a 1024-byte photo in the proprietary WLT
format. The text is decoded here into an :class:`IdCard`; the photo is never decoded, kept or
logged. Every way a read can go wrong comes back as a :class:`ReadFailure` whose ``message`` is
one plain sentence a resident can act on — not an exception — so a screen can show it and fall
back to the keypad.

An ``IdCard`` is personal data: its ``repr``/``str`` hide every field, drivers never log it, and
it lives only in the resident's session draft.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from kiosk.validation import check_resident_id, mask_resident_id

# GB 3304 nationality codes as printed on the card (the card says 汉, not 汉族).
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统",
}  # fmt: skip

SEXES: dict[str, str] = {"1": "男", "2": "女"}
LONG_TERM = "长期"  # valid-until of a card issued to someone aged 46 or more

# (field, bytes) in order; 256 bytes in all.
TEXT_FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 30),
    ("sex", 2),
    ("nation", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("issuing_office", 30),
    ("valid_from", 16),
    ("valid_until", 16),
    ("reserved", 36),
)
# Readers upgraded in 2017/2018 also read cards with another layout; they mark it with one
# character at this byte offset of the text block (a space on a resident ID card).
CARD_TYPE_OFFSET = 248


class CardType(StrEnum):
    RESIDENT = "resident"
    FOREIGNER = "foreigner"  # 外国人永久居留身份证 (2017 'I', 2023 edition 'Y')
    HMT_PERMIT = "hmt_permit"  # 港澳台居民居住证 ('J')


CARD_TYPE_MARKS = {"I": CardType.FOREIGNER, "Y": CardType.FOREIGNER, "J": CardType.HMT_PERMIT}
CARD_TYPE_NAMES = {
    CardType.RESIDENT: "居民身份证",
    CardType.FOREIGNER: "外国人永久居留身份证",
    CardType.HMT_PERMIT: "港澳台居民居住证",
}


@dataclass(frozen=True, repr=False)
class IdCard:
    """What a resident ID card says. ``valid_until`` is ``None`` for 长期 (no end date)."""

    name: str
    sex: str  # 男 / 女
    nation_code: str
    birth_date: date
    address: str
    id_number: str
    issuing_office: str
    valid_from: date
    valid_until: date | None

    @property
    def nation(self) -> str:
        return NATIONS[self.nation_code]

    @property
    def masked_number(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def validity_text(self) -> str:
        """As printed on the back: ``2016.03.01-2036.03.01`` or ``2016.03.01-长期``."""
        end = LONG_TERM if self.valid_until is None else f"{self.valid_until:%Y.%m.%d}"
        return f"{self.valid_from:%Y.%m.%d}-{end}"

    def to_dict(self) -> dict[str, str]:
        """Every field as text (for ``kiosk-admin idcard read --json`` and the session draft)."""
        return {
            "name": self.name,
            "sex": self.sex,
            "nation_code": self.nation_code,
            "nation": self.nation,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "issuing_office": self.issuing_office,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": LONG_TERM if self.valid_until is None else self.valid_until.isoformat(),
        }

    def __repr__(self) -> str:
        # Tracebacks, debuggers and log lines print reprs: none of them may carry a resident.
        return "IdCard(<personal data hidden>)"

    __str__ = __repr__


class FailureReason(StrEnum):
    NOT_CONFIGURED = "not_configured"
    UNPLUGGED = "unplugged"
    NOT_RESPONDING = "not_responding"
    SAM_FAULT = "sam_fault"
    NO_CARD = "no_card"
    LIFT_AND_REPLACE = "lift_and_replace"
    CARD_REMOVED = "card_removed"
    COMMUNICATION = "communication"
    UNSUPPORTED_CARD = "unsupported_card"
    UNREADABLE = "unreadable"
    INVALID_NUMBER = "invalid_number"
    NUMBER_MISMATCH = "number_mismatch"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


_KEYPAD = "现在请用键盘输入身份证号。"
# What the resident is told, once per reason.
FAILURE_MESSAGES: dict[FailureReason, str] = {
    FailureReason.NOT_CONFIGURED: "这台机器没有身份证读卡器，请用键盘输入身份证号。",
    FailureReason.UNPLUGGED: "身份证读卡器没有连接好，请找工作人员看一下。" + _KEYPAD,
    FailureReason.NOT_RESPONDING: "身份证读卡器没有反应，请找工作人员看一下。" + _KEYPAD,
    FailureReason.SAM_FAULT: "身份证读卡器出了故障，请找工作人员看一下。" + _KEYPAD,
    FailureReason.NO_CARD: "没有读到身份证，请把身份证平放在读卡区上。",
    FailureReason.LIFT_AND_REPLACE: "没有读到新的身份证：如果身份证还在读卡区上，请把它拿起来，再重新放上。",
    FailureReason.CARD_REMOVED: "读卡时身份证被移开了，请放好身份证，读完之前不要拿开。",
    FailureReason.COMMUNICATION: "读卡没有成功，请把身份证拿起来，再放一次。",
    FailureReason.UNSUPPORTED_CARD: "这种证件本机还读不了，请用键盘输入证件号码。",
    FailureReason.UNREADABLE: "这张证件的内容读不出来，请用键盘输入身份证号。",
    FailureReason.INVALID_NUMBER: "这张身份证上的号码校验不通过，请找工作人员核对这张证件。",
    FailureReason.NUMBER_MISMATCH: "这张身份证上的号码和出生日期、性别对不上，请找工作人员核对。",
    FailureReason.EXPIRED: "这张身份证已经过期了，请带有效的身份证来办理，或者自己填。",
    FailureReason.CANCELLED: "已经停止读卡。",
}


@dataclass(frozen=True)
class ReadFailure:
    """Why no card came back; ``message`` is what the resident sees and hears."""

    reason: FailureReason
    message: str

    @classmethod
    def of(cls, reason: FailureReason, message: str | None = None) -> ReadFailure:
        return cls(reason, message or FAILURE_MESSAGES[reason])


ReadResult = IdCard | ReadFailure


class ReaderState(StrEnum):
    NOT_CONFIGURED = "not_configured"
    DRIVER_MISSING = "driver_missing"
    UNPLUGGED = "unplugged"
    NOT_RESPONDING = "not_responding"
    SAM_FAULT = "sam_fault"
    READY = "ready"


# What staff see on the admin screen and from ``kiosk-admin idcard check``.
STATE_MESSAGES: dict[ReaderState, str] = {
    ReaderState.NOT_CONFIGURED: "没有配置身份证读卡器：居民用键盘输入身份证号。",
    ReaderState.DRIVER_MISSING: "找不到读卡器厂家的驱动库文件：请按读卡器说明书安装，或检查配置的库文件路径。",
    ReaderState.UNPLUGGED: "找不到身份证读卡器（没插好或者端口不对）：居民暂时用键盘输入。",
    ReaderState.NOT_RESPONDING: "身份证读卡器插着，但是不应答：请重新插拔读卡器或断电重启。",
    ReaderState.SAM_FAULT: "身份证读卡器的安全模块报错：请联系读卡器厂家。",
    ReaderState.READY: "身份证读卡器正常，可以刷身份证。",
}


@dataclass(frozen=True)
class ReaderStatus:
    """A reader's state for staff; ``detail`` names the port or the SAM's status code."""

    state: ReaderState
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state is ReaderState.READY

    @property
    def message(self) -> str:
        return STATE_MESSAGES[self.state]

    def failure(self) -> ReadFailure:
        """What a resident is told when a read is tried on a reader in this (not ready) state."""
        reason = {
            ReaderState.NOT_CONFIGURED: FailureReason.NOT_CONFIGURED,
            ReaderState.NOT_RESPONDING: FailureReason.NOT_RESPONDING,
            ReaderState.SAM_FAULT: FailureReason.SAM_FAULT,
        }.get(self.state, FailureReason.UNPLUGGED)
        return ReadFailure.of(reason)


class CardReader(Protocol):
    """A resident-ID-card reader. ``read`` blocks (call it off the Kivy thread) until a card has
    been read, ``timeout_s`` passed without one, or :meth:`cancel` was called from another
    thread."""

    def status(self) -> ReaderStatus:
        """Whether the reader is there and its security module answers."""
        ...

    def read(self, timeout_s: float = 10.0) -> ReadResult:
        """Wait for a card and read it."""
        ...

    def cancel(self) -> None:
        """Make a ``read`` running on another thread return ``CANCELLED`` soon."""
        ...

    def close(self) -> None:
        """Release the port or the library."""
        ...


class CancelFlag:
    """A read's cancel switch, shared by the drivers: set from the UI thread, polled by ``read``."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; ``True`` as soon as the read was cancelled."""
        return self._event.wait(seconds)

    @property
    def is_set(self) -> bool:
        return self._event.is_set()


# -- decoding --------------------------------------------------------------------------------------
def split_fields(block: bytes) -> dict[str, str]:
    """The text block's fields as strings, trailing padding removed."""
    if len(block) != sum(size for _, size in TEXT_FIELDS):
        raise ValueError(f"text block has {len(block)} bytes")
    fields: dict[str, str] = {}
    offset = 0
    for name, size in TEXT_FIELDS:
        raw = block[offset : offset + size]
        fields[name] = raw.decode("utf-16-le", errors="replace").rstrip(" \x00")
        offset += size
    return fields


def card_type(block: bytes) -> CardType:
    """Which card the block came from (by its type mark)."""
    mark = block[CARD_TYPE_OFFSET : CARD_TYPE_OFFSET + 2].decode("utf-16-le", errors="replace")
    return CARD_TYPE_MARKS.get(mark, CardType.RESIDENT)


def _date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def decode_text_block(block: bytes) -> ReadResult:
    """Decode a resident ID card's text block; other card types and garbage are failures."""
    if len(block) != sum(size for _, size in TEXT_FIELDS):
        return ReadFailure.of(FailureReason.UNREADABLE)
    kind = card_type(block)
    if kind is not CardType.RESIDENT:
        return ReadFailure.of(
            FailureReason.UNSUPPORTED_CARD,
            f"这是{CARD_TYPE_NAMES[kind]}，本机还读不了，请用键盘输入证件号码。",
        )
    f = split_fields(block)
    birth, valid_from = _date(f["birth"]), _date(f["valid_from"])
    valid_until = None if f["valid_until"] == LONG_TERM else _date(f["valid_until"])
    if (
        not f["name"]
        or f["sex"] not in SEXES
        or f["nation"] not in NATIONS
        or birth is None
        or valid_from is None
        or (valid_until is None and f["valid_until"] != LONG_TERM)
        or "\ufffd" in "".join(f.values())
    ):
        return ReadFailure.of(FailureReason.UNREADABLE)
    return IdCard(
        name=f["name"],
        sex=SEXES[f["sex"]],
        nation_code=f["nation"],
        birth_date=birth,
        address=f["address"],
        id_number=f["id_number"].upper(),
        issuing_office=f["issuing_office"],
        valid_from=valid_from,
        valid_until=valid_until,
    )


def check_card(card: IdCard, today: date) -> ReadFailure | None:
    """The number's check digit (python-stdnum), its agreement with the card's birth date and
    sex, and the validity period; ``None`` when the card can be used."""
    check = check_resident_id(card.id_number, today)
    if not check.ok:
        return ReadFailure.of(FailureReason.INVALID_NUMBER)
    if check.birth_date != card.birth_date or check.sex != card.sex:
        return ReadFailure.of(FailureReason.NUMBER_MISMATCH)
    if card.valid_until is not None and card.valid_until < today:
        return ReadFailure.of(
            FailureReason.EXPIRED,
            f"这张身份证{card.valid_until.year}年{card.valid_until.month}月"
            f"{card.valid_until.day}日就过期了，请带有效的身份证来办理，或者自己填。",
        )
    return None


def card_from_text_block(block: bytes, today: date | None = None) -> ReadResult:
    """Decode and check a text block: what every driver returns once the bytes are in."""
    decoded = decode_text_block(block)
    if isinstance(decoded, ReadFailure):
        return decoded
    return check_card(decoded, today or date.today()) or decoded
