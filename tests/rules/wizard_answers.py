"""Answers a resident gives on the wizard pages, shared by the wizard tests (never real people)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.rules.ids import make_id

# What a person always types, whoever they are: name, ID, phone, address.
PERSONAL = {
    "name": "王大山",
    "id_number": make_id(date(1975, 3, 1)),
    "phone": "13912345678",
    "address_district": "wujin",
    "address_town": "xueyan",
    "address_village": "wuj_xueyan_chengwan",
    "address_detail": "三组12号",
}
# Someone applying for the person above.
AGENT = {
    "agent_name": "王小山",
    "agent_id_number": make_id(date(2000, 5, 5)),
    "agent_phone": "13812345678",
    "agent_relation": "child",
}

# 不是 to every plain exemption question (the old 都不是), and 是 低保户 to the first.
NO_GROUP = {
    f"exempt_{q}": False for q in ("assistance", "no_income", "service", "health", "family")
}
LAW_GROUP = {"exempt_assistance": True, "exempt_assistance_which": "dibao"}
# The pages those answers go through.
NO_GROUP_PAGES = list(NO_GROUP)
LAW_GROUP_PAGES = list(LAW_GROUP)


def home_visit_answers(day: date, period: str) -> dict[str, Any]:
    """The home-visit wizard's answers for an elderly woman booking legal aid on ``day``."""
    return {
        "who": "elderly",
        "service": "legal_aid",
        "day": day,
        "slot": period,
        "id_number": make_id(date(1940, 3, 3), male=False),
        "name": "李秀英",
        "address_district": "wujin",
        "address_town": "xueyan",
        "address_village": "wuj_xueyan_chengwan",
        "address_detail": "二组5号",
        "phone": "13912345678",
    }


def legal_aid_answers(*, migrant: bool = False) -> dict[str, Any]:
    """The legal-aid wizard's answers for an unpaid-wages application (the person above). A
    migrant worker claiming wages is exempt from the income test, so never sees those pages."""
    answers: dict[str, Any] = {
        "role": "self",
        **NO_GROUP,
        "matter": "unpaid_wages",
        "migrant": migrant,
        "exempt_matter": "none",
        **PERSONAL,
        "opposing": "company",
        "opposing_name": "某建筑劳务公司",
        "facts": "包工头欠了三万块工钱。",
        "evidence": ["iou"],
        "consent": True,
    }
    if not migrant:
        answers.update(household=3, income_period="month", income=4500)
    return answers
