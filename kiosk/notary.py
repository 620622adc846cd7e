"""Notary checklists: a few yes/no questions → the exact list of documents to bring.

Each notary matter in the pack has questions (``是您本人来办理吗？``), documents that may depend on
answers (``"when": {"self_applying": false}``), whether the resident must attend in person, and
notes. A document whose condition hangs on a question not answered yet is listed under "maybe"
with that question, so a checklist is useful even half-way through the questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.content import ContentPack, Option, option_of

YES_WORDS = {"yes", "y", "true", "1", "是", "是的", "对", "有", "要"}
NO_WORDS = {"no", "n", "false", "0", "否", "不是", "不", "没有", "无", "不要"}


class NotaryError(ValueError):
    """A matter or answer the pack doesn't know; ``str()`` is a plain sentence."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class Document:
    id: str
    label: str
    why: str
    where: str


@dataclass(frozen=True)
class MaybeDocument:
    document: Document
    depends_on: list[Question]


@dataclass(frozen=True)
class Office:
    id: str
    label: str
    district: str
    district_label: str
    contact: str
    verified: bool


@dataclass(frozen=True)
class Checklist:
    matter: str
    matter_label: str
    summary: str
    answers: dict[str, bool]
    documents: list[Document]
    maybe: list[MaybeDocument]
    unanswered: list[Question]
    in_person_required: bool
    in_person_reason: str
    office: Office | None
    notes: list[str]
    green_channel: str
    certificate_days: int
    where_to_apply: str
    remote_video: str = ""
    fees: str = ""
    certificate_days_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def spoken(self, pack: ContentPack) -> str:
        parts = [
            pack.spoken(
                "notary.result.documents",
                matter=self.matter_label,
                count=len(self.documents),
                documents="；".join(d.label for d in self.documents),
            )
        ]
        if self.maybe:
            parts.append(
                pack.spoken(
                    "notary.result.maybe",
                    documents="；".join(m.document.label for m in self.maybe),
                )
            )
        parts.append(pack.spoken("notary.result.in_person", reason=self.in_person_reason))
        if self.office is not None:
            parts.append(
                pack.spoken(
                    "notary.result.office",
                    district=self.office.district_label,
                    office=self.office.label,
                    contact=self.office.contact,
                )
            )
        parts.extend(self.notes)
        parts.append(
            pack.spoken(
                "notary.result.time",
                days=self.certificate_days,
                weeks=weeks_for(self.certificate_days),
            )
        )
        if self.fees:
            parts.append(self.fees)
        parts.append(pack.spoken("notary.result.green_channel"))
        return "".join(parts)


def weeks_for(working_days: int) -> int:
    """Working days as the weeks a resident counts in (five working days a week, rounded up)."""
    return max(1, -(-working_days // 5))


def matters(pack: ContentPack) -> list[Option]:
    return [option_of(m) for m in pack.data("notary")["matters"]]


def _matter(pack: ContentPack, matter_id: str) -> dict[str, Any]:
    for m in pack.data("notary")["matters"]:
        if m["id"] == matter_id:
            return dict(m)
    known = "、".join(f"{m['id']}（{m['label']}）" for m in pack.data("notary")["matters"])
    raise NotaryError(f"没有这种公证事项：{matter_id}。可选：{known}")


def parse_answer(text: str) -> bool:
    """``yes``/``no`` (also 是/不是, true/false, 1/0) as a bool."""
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise NotaryError(f"回答只能是 yes 或 no（是 或 不是），不能是“{text}”")


def _holds(cond: Mapping[str, Any], answers: Mapping[str, bool]) -> bool | None:
    """True/False when decided by the answers, None while a needed answer is missing."""
    pending = False
    for q, wanted in cond.items():
        if q not in answers:
            pending = True
        elif answers[q] != wanted:
            return False
    return None if pending else True


def questions(pack: ContentPack, matter_id: str, answers: Mapping[str, bool]) -> list[Question]:
    """The questions that apply given ``answers`` so far (answered or not), in order."""
    out = []
    for q in _matter(pack, matter_id)["questions"]:
        if _holds(q.get("ask_if", {}), answers) is not False:
            out.append(Question(q["id"], q["text"]))
    return out


def next_question(
    pack: ContentPack, matter_id: str, answers: Mapping[str, bool]
) -> Question | None:
    """The next question to ask (one per page), or ``None`` when all that apply are answered."""
    for q in _matter(pack, matter_id)["questions"]:
        if q["id"] not in answers and _holds(q.get("ask_if", {}), answers) is True:
            return Question(q["id"], q["text"])
    return None


def office_for(pack: ContentPack, district: str) -> Office | None:
    for o in pack.data("notary")["offices"]:
        if o["district"] == district:
            return Office(
                id=o["id"],
                label=o["label"],
                district=district,
                district_label=str(pack.district(district)["label"]),
                contact=o["contact"],
                verified=bool(o["verified"]),
            )
    return None


def checklist(
    pack: ContentPack,
    matter_id: str,
    answers: Mapping[str, bool] | None = None,
    district: str | None = None,
) -> Checklist:
    """The document list for ``matter_id`` given the yes/no ``answers`` so far."""
    matter = _matter(pack, matter_id)
    answers = dict(answers or {})
    by_id = {q["id"]: q for q in matter["questions"]}
    for key in answers:
        if key not in by_id:
            known = "、".join(f"{q['id']}（{q['text']}）" for q in matter["questions"])
            raise NotaryError(
                f"“{matter['label']}”没有问题 {key}。可以回答：{known or '（没有问题）'}"
            )
    if district is not None:
        try:
            pack.district(district)
        except KeyError as exc:
            raise NotaryError(f"没有这个区县：{district}") from exc
    # Answers to questions that don't apply (房产在常州吗？ when there is no house) don't count.
    effective = {
        k: v for k, v in answers.items() if _holds(by_id[k].get("ask_if", {}), answers) is True
    }
    # A question that will never be asked (夫妻共同财产吗？ once the entrustment is not about a
    # house) decides every condition naming it: the document it guards is not needed. Without
    # this such a document would wait forever under "maybe" and the list never be complete.
    never_asked = {
        q for q, entry in by_id.items() if _holds(entry.get("ask_if", {}), answers) is False
    }

    def holds(cond: Mapping[str, Any]) -> bool | None:
        if any(q in never_asked for q in cond):
            return False
        return _holds(cond, effective)

    documents: list[Document] = []
    maybe: list[MaybeDocument] = []
    for d in matter["documents"]:
        doc = Document(d["id"], d["label"], d["why"], d["where"])
        cond = d.get("when", {})
        needed = holds(cond)
        if needed is True:
            documents.append(doc)
        elif needed is None:
            missing = [Question(q, by_id[q]["text"]) for q in cond if q not in effective]
            maybe.append(MaybeDocument(doc, missing))

    in_person = matter["in_person"]
    required = bool(in_person["required"])
    reason = str(in_person["reason"])
    for ex in in_person.get("exceptions", []):
        if holds(ex["when"]) is True:
            required = bool(ex["required"])
            reason = str(ex["reason"])

    notes = [n["text"] for n in matter["notes"] if holds(n.get("when", {})) is True]
    general = pack.data("notary")["general"]
    applicable = questions(pack, matter_id, effective)
    return Checklist(
        matter=matter["id"],
        matter_label=matter["label"],
        summary=matter["summary"],
        answers=effective,
        documents=documents,
        maybe=maybe,
        unanswered=[
            q
            for q in applicable
            if q.id not in effective and _holds(by_id[q.id].get("ask_if", {}), effective) is True
        ],
        in_person_required=required,
        in_person_reason=reason,
        office=office_for(pack, district) if district else None,
        notes=notes,
        green_channel=pack.data("notary")["green_channel"]["text"],
        certificate_days=int(general["certificate_days"]),
        where_to_apply=general["where_to_apply"],
        remote_video=general["remote_video"],
        fees=str(general.get("fees", "")),
        certificate_days_text=str(general["certificate_days_text"]),
    )


# -- as staff read it at the console (kiosk-admin notary …) -----------------------------------
@dataclass(frozen=True)
class MatterSummary:
    """A notary matter of the pack with the yes/no questions its checklist depends on."""

    id: str
    label: str
    summary: str
    in_person_required: bool
    questions: list[Question]


def matter_summaries(pack: ContentPack) -> list[MatterSummary]:
    """Every notary matter of the pack, in the pack's order."""
    return [
        MatterSummary(
            id=m["id"],
            label=m["label"],
            summary=m["summary"],
            in_person_required=m["in_person"]["required"],
            questions=[Question(q["id"], q["text"]) for q in m["questions"]],
        )
        for m in pack.data("notary")["matters"]
    ]


def matter_lines(summaries: list[MatterSummary]) -> list[str]:
    """Each matter and its questions, written as the ``--answer`` keys a checklist takes."""
    lines = []
    for m in summaries:
        lines.append(f"{m.id:<20} {m.label}：{m.summary}")
        lines += [f"    --answer {q.id}=yes|no   {q.text}" for q in m.questions]
    return lines


def checklist_lines(result: Checklist) -> list[str]:
    """The checklist as staff read it: documents, 看情况 ones, attendance, office, times."""
    lines = [f"{result.matter_label}公证 — 请准备（{len(result.documents)}样）："]
    for i, d in enumerate(result.documents, 1):
        lines.append(f"  {i}. {d.label}\n     为什么：{d.why}\n     去哪里办：{d.where}")
    if result.maybe:
        lines.append("看情况（回答下面的问题后确定）：")
        for m in result.maybe:
            depends = "；".join(f"{q.id}：{q.text}" for q in m.depends_on)
            lines.append(f"  - {m.document.label}（{depends}）")
    lines.append(
        ("要本人到场：" if result.in_person_required else "可以代办：") + result.in_person_reason
    )
    if result.office is not None:
        verified = "" if result.office.verified else "（未核实）"
        lines.append(f"办理地点：{result.office.label}{verified}，{result.office.contact}")
    lines += result.notes
    lines.append(result.green_channel)
    lines.append(f"出证时间：材料齐全后一般{result.certificate_days}个工作日内。")
    if result.unanswered:
        lines.append("还没回答的问题：")
        lines += [f"  --answer {q.id}=yes|no   {q.text}" for q in result.unanswered]
    return lines
