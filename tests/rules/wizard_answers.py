"""Answers a resident gives on the wizard pages, shared by the wizard tests (never real people)."""

from __future__ import annotations

from datetime import date

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
