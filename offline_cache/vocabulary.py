"""The kiosk's shared words: services, submission kinds, statuses — ids and Chinese labels, once.

Every module that names a service, a kind of submission or a status takes it from here: the
outbox, the sync agent, the admin command line, the screens and the statistics. It lives in the
bottom layer because these are the words the database stores; ``kiosk``, ``voice`` and
``screens`` import it from here (dependencies point one way, docs/architecture.md). The values are
``StrEnum`` members, so they compare equal to the plain strings stored in the database, sent to
the province and written in content packs (``SubmissionKind.VISIT_BOOKING == "visit_booking"``).

Labels that residents read on the home tiles come from the content pack (``services.json``); the
labels here are the fixed ones: what staff and administrators see in lists and reports, and what
the home screen shows when no pack could be loaded.
"""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    """One of the six services on the home screen (also the statistics' service names)."""

    LEGAL_AID = "legal_aid"
    NOTARY = "notary"
    VISIT = "visit"
    STATUS = "status"
    KNOWLEDGE = "knowledge"
    HOTLINE = "hotline"

    @property
    def label(self) -> str:
        """The home tile's words when no content pack could be loaded."""
        return _SERVICE_LABELS[self]

    @property
    def short_label(self) -> str:
        """A few characters for charts and tables (the admin screen's usage bars)."""
        return _SERVICE_SHORT_LABELS[self]


_SERVICE_LABELS = {
    Service.LEGAL_AID: "申请法律援助",
    Service.NOTARY: "公证材料清单",
    Service.VISIT: "预约上门服务",
    Service.STATUS: "查询办理进度",
    Service.KNOWLEDGE: "法律常识",
    Service.HOTLINE: "12348 热线",
}
_SERVICE_SHORT_LABELS = {
    Service.LEGAL_AID: "法律援助",
    Service.NOTARY: "公证清单",
    Service.VISIT: "上门预约",
    Service.STATUS: "查询进度",
    Service.KNOWLEDGE: "法律常识",
    Service.HOTLINE: "12348",
}


class SubmissionKind(StrEnum):
    """What the outbox carries to the province (the wire value of ``kind``)."""

    LEGAL_AID = "legal_aid"
    VISIT_BOOKING = "visit_booking"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def service(self) -> Service:
        """The home-screen service a submission of this kind completes (for statistics)."""
        return _KIND_SERVICES[self]

    @classmethod
    def parse(cls, value: object) -> SubmissionKind | None:
        """The kind called ``value``, or None when there is no such kind."""
        try:
            return cls(str(value))
        except ValueError:
            return None


_KIND_LABELS = {
    SubmissionKind.LEGAL_AID: "法律援助申请",
    SubmissionKind.VISIT_BOOKING: "上门服务预约",
}
_KIND_SERVICES = {
    SubmissionKind.LEGAL_AID: Service.LEGAL_AID,
    SubmissionKind.VISIT_BOOKING: Service.VISIT,
}

#: The wire values, in the order help texts list them.
KIND_VALUES: tuple[str, ...] = tuple(k.value for k in SubmissionKind)


def kind_label(value: str) -> str:
    """The Chinese name of a kind; the raw value for one this version doesn't know."""
    kind = SubmissionKind.parse(value)
    return kind.label if kind is not None else value


class OutboxStatus(StrEnum):
    """Where one queued submission is: queued → sending → accepted | rejected."""

    QUEUED = "queued"
    SENDING = "sending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def resident_text(self) -> str:
        """What 查询办理进度 and the staff list say about it, in a resident's words."""
        return _OUTBOX_RESIDENT_TEXT[self]

    @property
    def staff_text(self) -> str:
        """The fuller sentence the admin command line prints (names the provincial system)."""
        return _OUTBOX_STAFF_TEXT[self]

    @property
    def waiting(self) -> bool:
        """Not yet answered by the province."""
        return self in (OutboxStatus.QUEUED, OutboxStatus.SENDING)


_OUTBOX_RESIDENT_TEXT = {
    OutboxStatus.QUEUED: "已保存在本机，等待上报",
    OutboxStatus.SENDING: "正在上报",
    OutboxStatus.ACCEPTED: "已上报，等待办理",
    OutboxStatus.REJECTED: "上报没有成功，工作人员会处理",
}
_OUTBOX_STAFF_TEXT = {
    OutboxStatus.QUEUED: "已保存在本机，等待联网发送到省法律援助系统",
    OutboxStatus.SENDING: "正在发送到省法律援助系统",
    OutboxStatus.ACCEPTED: "省法律援助系统已收到",
    OutboxStatus.REJECTED: "省法律援助系统未接收，请工作人员处理",
}


def outbox_resident_text(value: str) -> str:
    """The resident's words for a stored status value; the raw value for an unknown one."""
    try:
        return OutboxStatus(value).resident_text
    except ValueError:
        return value


class BookingStatus(StrEnum):
    """A home-visit booking's state in the local ledger (follows the province's answers)."""

    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    DONE = "done"

    @property
    def label(self) -> str:
        return _BOOKING_LABELS[self]

    @property
    def active(self) -> bool:
        """Still holds its slot (and blocks a second booking for the same person)."""
        return self in (BookingStatus.TENTATIVE, BookingStatus.CONFIRMED)


_BOOKING_LABELS = {
    BookingStatus.TENTATIVE: "待确认",
    BookingStatus.CONFIRMED: "已确认",
    BookingStatus.REJECTED: "未通过",
    BookingStatus.CANCELLED: "已取消",
    BookingStatus.DONE: "已上门",
}
