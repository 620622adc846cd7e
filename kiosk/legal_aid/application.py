"""The legal-aid application (法律援助法 Art. 41): its fields, parsing and validation.

The payload is a plain JSON object — the same shape from the touch screen, from ``kiosk-admin
legal-aid assess CASE.json`` and in the sealed outbox entry (documented in docs/cli.md); a field
not in :data:`LEGAL_AID_FIELDS` is refused:

```
{
  "applicant": {"name", "id_number", "phone", "migrant_worker": bool,
                "address": {"district", "town", "village", "detail"}},
  "agent": null | {"name", "id_number", "phone", "relation"},
  "matter": {"category", "facts"},
  "opposing_party": {"name", "kind": "person|company|government|unknown"},
  "economy": null | {"household_size", "monthly_income_yuan", "yearly_income_yuan"?},
  "exemption_groups": [group ids], "exempt_matters": [exempt matter ids],
  "evidence": [short texts], "consent": {"truthful": true, "verification": true},
  "oral": bool
}
```

``yearly_income_yuan`` is there when the resident gave a yearly figure (farm income comes once a
year); ``monthly_income_yuan`` is then that figure divided by twelve (filled in when left out, a
different one refused), and only the monthly figure is tested, so the verdict is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.validation import (
    Problem,
    Shape,
    check_phone,
    check_resident_id,
    clean_text,
    name_problem,
    text_problem,
    unknown_field_problems,
)

AGENT_RELATIONS_MAX = 10
EVIDENCE_MAX_ITEMS = 20
EVIDENCE_ITEM_MAX_CHARS = 40


@dataclass(frozen=True)
class Address:
    district: str
    town: str
    village: str
    detail: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    age: int
    sex: str


@dataclass(frozen=True)
class Application:
    applicant: Person
    address: Address
    migrant_worker: bool
    agent: Person | None
    agent_relation: str | None
    category: str
    facts: str
    opposing_name: str
    opposing_kind: str
    household_size: int | None
    monthly_income_yuan: float | None
    exemption_groups: tuple[str, ...] = ()
    exempt_matters: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    oral: bool = False
    yearly_income_yuan: float | None = None  # when the resident gave the income per year


_PERSON: Shape = {"name": None, "id_number": None, "phone": None}
LEGAL_AID_FIELDS: Shape = {
    "applicant": {
        **_PERSON,
        "migrant_worker": None,
        "address": {"district": None, "town": None, "village": None, "detail": None},
    },
    "agent": {**_PERSON, "relation": None},
    "matter": {"category": None, "facts": None},
    "opposing_party": {"name": None, "kind": None},
    "economy": {"household_size": None, "monthly_income_yuan": None, "yearly_income_yuan": None},
    "exemption_groups": None,
    "exempt_matters": None,
    "evidence": None,
    "consent": {"truthful": None, "verification": None},
    "oral": None,
}


def _obj(payload: Any, key: str, problems: list[Problem], path: str) -> dict[str, Any]:
    value = payload.get(key) if isinstance(payload, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(path, "格式不对，应当是一组内容（JSON 对象）。"))
        return {}
    return value


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _person(
    obj: dict[str, Any],
    path: str,
    who: str,
    problems: list[Problem],
    today: date,
    name_max: int,
    phone_required: bool = True,
) -> Person | None:
    before = len(problems)
    name = _str(obj, "name")
    p = name_problem(name, f"{who}姓名", max_chars=name_max)
    if p:
        problems.append(Problem(f"{path}.name", p))
    id_text = _str(obj, "id_number") or ""
    idc = check_resident_id(id_text, today)
    if idc.problem:
        problems.append(Problem(f"{path}.id_number", idc.problem))
    phone_text = _str(obj, "phone") or ""
    phone_number = ""
    if phone_text.strip() or phone_required:
        phone = check_phone(phone_text)
        if phone.problem:
            problems.append(Problem(f"{path}.phone", phone.problem))
        phone_number = phone.number
    if len(problems) > before or name is None or idc.age is None or idc.sex is None:
        return None
    return Person(clean_text(name), idc.number, phone_number, idc.age, idc.sex)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def household_size_problem(size: int | None, pack: ContentPack) -> str | None:
    """How many live in the household: a whole number from 1 to the pack's maximum."""
    most = int(pack.data("legal_aid")["limits"]["household_size_max"])
    if size is None or not 1 <= size <= most:
        return f"家里几口人，请填1到{most}之间的数。"
    return None


def income_problem(income: float | None, pack: ContentPack) -> str | None:
    """The household's monthly income in yuan: 0 (no income) up to the pack's maximum."""
    most = int(pack.data("legal_aid")["limits"]["monthly_income_max_yuan"])
    if income is None or income < 0:
        return "全家每月收入请输入钱数（元），没有收入就输入0。"
    if income > most:
        return f"全家每月收入最多填{most}元，请再核对一下。"
    return None


MONTHS_PER_YEAR = 12


def yearly_income_problem(income: float | None, pack: ContentPack) -> str | None:
    """The household's yearly income in yuan: 0 up to twelve times the monthly maximum."""
    most = int(pack.data("legal_aid")["limits"]["monthly_income_max_yuan"]) * MONTHS_PER_YEAR
    if income is None or income < 0:
        return "全家一年收入请输入钱数（元），没有收入就输入0。"
    if income > most:
        return f"全家一年收入最多填{most}元，请再核对一下。"
    return None


def _id_list(
    payload: dict[str, Any], key: str, known: set[str], what: str, problems: list[Problem]
) -> tuple[str, ...]:
    value = payload.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(key, f"{what}应当是一串编号。"))
        return ()
    out: list[str] = []
    for i, v in enumerate(value):
        if v not in known:
            problems.append(Problem(f"{key}[{i}]", f"没有这种{what}：{v}"))
        elif v not in out:
            out.append(v)
    return tuple(out)


def parse_application(
    payload: dict[str, Any], pack: ContentPack, today: date | None = None
) -> Application | None:
    """The application, or ``None`` with nothing usable; see :func:`application_problems`."""
    app, problems = _parse(payload, pack, today or date.today())
    return app if not problems else None


def application_problems(
    payload: dict[str, Any], pack: ContentPack, today: date | None = None
) -> list[Problem]:
    """Every problem with the payload, each naming its field, in plain Chinese."""
    return _parse(payload, pack, today or date.today())[1]


def _parse(
    payload: dict[str, Any], pack: ContentPack, today: date
) -> tuple[Application | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(payload, dict):
        return None, [Problem("", "申请内容格式不对（应当是 JSON 对象）。")]
    problems += unknown_field_problems(payload, LEGAL_AID_FIELDS)
    la = pack.data("legal_aid")
    limits = la["limits"]

    applicant_obj = _obj(payload, "applicant", problems, "applicant")
    if not applicant_obj:
        problems.append(Problem("applicant", "请填写申请人的情况。"))
    # A child or a bedridden elder often has no phone of their own: with an agent applying,
    # the agent's phone is the contact.
    has_agent = isinstance(payload.get("agent"), dict)
    applicant = _person(
        applicant_obj,
        "applicant",
        "申请人",
        problems,
        today,
        limits["name_max_chars"],
        phone_required=not has_agent,
    )
    migrant = applicant_obj.get("migrant_worker", False)
    if not isinstance(migrant, bool):
        problems.append(Problem("applicant.migrant_worker", "是不是农民工，只能回答是或不是。"))
        migrant = False

    address = _address(applicant_obj, pack, problems, limits["address_detail_max_chars"])

    agent: Person | None = None
    relation: str | None = None
    agent_raw = payload.get("agent")
    if agent_raw is not None:
        agent_obj = _obj(payload, "agent", problems, "agent")
        if agent_obj:
            agent = _person(
                agent_obj, "agent", "代为申请人", problems, today, limits["name_max_chars"]
            )
            relation = _str(agent_obj, "relation")
            p = text_problem(relation, "您和申请人的关系", max_chars=AGENT_RELATIONS_MAX)
            if p:
                problems.append(Problem("agent.relation", p))
            if agent and applicant and agent.id_number == applicant.id_number:
                problems.append(
                    Problem(
                        "agent.id_number",
                        "代为申请人和申请人是同一个人；给自己申请的，不用填代为申请人。",
                    )
                )

    matter_obj = _obj(payload, "matter", problems, "matter")
    category = _str(matter_obj, "category") or ""
    matter_ids = {m["id"] for m in la["matters"]}
    if not category:
        problems.append(Problem("matter.category", "请选择您遇到的是哪一类事。"))
    elif category not in matter_ids:
        problems.append(Problem("matter.category", f"没有这一类事：{category}"))
    facts = _str(matter_obj, "facts")
    p = text_problem(facts, "事情经过", max_chars=limits["facts_max_chars"], multiline=True)
    if p:
        problems.append(Problem("matter.facts", p))

    opposing = _obj(payload, "opposing_party", problems, "opposing_party")
    opposing_kind = _str(opposing, "kind") or "unknown"
    kinds = la["opposing_kinds"]
    if opposing_kind not in {k["id"] for k in kinds}:
        labels = [str(k["label"]) for k in kinds]
        problems.append(
            Problem(
                "opposing_party.kind", f"对方只能是{'、'.join(labels[:-1])}，或者{labels[-1]}。"
            )
        )
    opposing_name = _str(opposing, "name") or ""
    p = text_problem(opposing_name, "对方名称", required=False, max_chars=60)
    if p:
        problems.append(Problem("opposing_party.name", p))

    groups = _id_list(
        payload,
        "exemption_groups",
        {g["id"] for g in la["exemption_groups"]},
        "人群",
        problems,
    )
    exempt_matters = _id_list(
        payload, "exempt_matters", {m["id"] for m in la["exempt_matters"]}, "免审事项", problems
    )

    household_size: int | None = None
    income: float | None = None
    yearly: float | None = None
    economy_raw = payload.get("economy")
    if economy_raw is not None:
        economy = _obj(payload, "economy", problems, "economy")
        if economy:
            household_size = _int(economy.get("household_size"))
            p = household_size_problem(household_size, pack)
            if p:
                problems.append(Problem("economy.household_size", p))
                household_size = None
            income = _number(economy.get("monthly_income_yuan"))
            if economy.get("yearly_income_yuan") is not None:
                # None (with its problem already said) when the yearly figure is wrong.
                income = _monthly_from_yearly(economy, income, pack, problems)
                yearly = _number(economy.get("yearly_income_yuan")) if income is not None else None
                p = income_problem(income, pack) if income is not None else None
            else:
                p = income_problem(income, pack)
            if p:
                problems.append(Problem("economy.monthly_income_yuan", p))
                income = None

    evidence_raw = payload.get("evidence") or []
    evidence: list[str] = []
    if not isinstance(evidence_raw, list) or not all(isinstance(e, str) for e in evidence_raw):
        problems.append(Problem("evidence", "手上的材料应当是一串简短的文字。"))
    else:
        if len(evidence_raw) > EVIDENCE_MAX_ITEMS:
            problems.append(Problem("evidence", f"材料最多列{EVIDENCE_MAX_ITEMS}样。"))
        for i, e in enumerate(evidence_raw):
            p = text_problem(e, "材料名称", max_chars=EVIDENCE_ITEM_MAX_CHARS)
            if p:
                problems.append(Problem(f"evidence[{i}]", p))
            else:
                evidence.append(clean_text(e))

    consent = _obj(payload, "consent", problems, "consent")
    if consent.get("truthful") is not True:
        problems.append(
            Problem("consent.truthful", "请确认您说的情况都是真实的（法律援助法第四十一条）。")
        )
    if consent.get("verification") is not True:
        problems.append(
            Problem("consent.verification", "请同意法律援助机构核查您的经济状况，才能提交申请。")
        )
    oral = payload.get("oral", False)
    if not isinstance(oral, bool):
        problems.append(Problem("oral", "是否口头申请，只能是或不是。"))
        oral = False

    if problems or applicant is None or address is None or facts is None:
        return None, problems
    return (
        Application(
            applicant=applicant,
            address=address,
            migrant_worker=migrant,
            agent=agent,
            agent_relation=clean_text(relation) if relation else None,
            category=category,
            facts=clean_text(facts),
            opposing_name=clean_text(opposing_name),
            opposing_kind=opposing_kind,
            household_size=household_size,
            monthly_income_yuan=income,
            exemption_groups=groups,
            exempt_matters=exempt_matters,
            evidence=tuple(evidence),
            oral=oral,
            yearly_income_yuan=yearly if income is not None else None,
        ),
        problems,
    )


def _monthly_from_yearly(
    economy: dict[str, Any], monthly: float | None, pack: ContentPack, problems: list[Problem]
) -> float | None:
    """The monthly income a yearly figure gives (one twelfth), checked against any monthly one."""
    yearly = _number(economy.get("yearly_income_yuan"))
    p = yearly_income_problem(yearly, pack)
    if p is not None or yearly is None:
        problems.append(Problem("economy.yearly_income_yuan", p or "请输入钱数（元）。"))
        return None
    computed = round(yearly / MONTHS_PER_YEAR, 2)
    if monthly is not None and abs(monthly - computed) > 0.01:
        problems.append(
            Problem(
                "economy.monthly_income_yuan",
                f"每月收入应当是一年收入的十二分之一（{yearly:g}元 ÷ 12 = {computed:g}元）。",
            )
        )
        return None
    return computed


def _address(
    applicant: dict[str, Any], pack: ContentPack, problems: list[Problem], detail_max: int
) -> Address | None:
    raw = applicant.get("address")
    if not isinstance(raw, dict):
        problems.append(
            Problem("applicant.address", "请选择您住在哪个区、镇（街道）、村（社区）。")
        )
        return None
    district = _str(raw, "district") or ""
    town = _str(raw, "town") or ""
    village = _str(raw, "village") or ""
    detail = _str(raw, "detail") or ""
    try:
        pack.district(district)
    except KeyError:
        problems.append(Problem("applicant.address.district", "请选择您住在哪个区（市）。"))
        return None
    try:
        pack.town(district, town)
    except KeyError:
        problems.append(Problem("applicant.address.town", "请选择您住在哪个镇（街道）。"))
        return None
    try:
        pack.village(district, town, village)
    except KeyError:
        problems.append(Problem("applicant.address.village", "请选择您住在哪个村（社区）。"))
        return None
    p = text_problem(detail, "详细地址", required=False, max_chars=detail_max)
    if p:
        problems.append(Problem("applicant.address.detail", p))
        return None
    return Address(district, town, village, clean_text(detail))
