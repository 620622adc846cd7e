"""Roles: what a signed-in ``staff`` member may open and what only an ``admin`` may."""

from __future__ import annotations

import pytest

from tests.ui.conftest import STAFF_ID, STAFF_PIN
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

CLERK_ID, CLERK_PIN = "2002", "650193"


def _sign_in(kiosk: Kiosk, staff_id: str, pin: str) -> None:
    kiosk.tap("工作人员")
    kiosk.type_digits(staff_id)
    kiosk.tap("下一步")
    kiosk.type_digits(pin)
    kiosk.tap("登录")
    assert kiosk.screen.name == "staff"


def test_a_staff_member_sees_no_admin_button_and_the_flow_refuses_the_admin_screen(
    kiosk: Kiosk,
) -> None:
    kiosk.app.services.staff.add(CLERK_ID, CLERK_PIN, role="staff")
    _sign_in(kiosk, CLERK_ID, CLERK_PIN)
    assert kiosk.app.session.staff_role == "staff"
    assert not any("管理信息" in t for t in kiosk.texts())
    # Even if something reports the outcome anyway, the admin screen is not shown.
    kiosk.screen.report("admin")
    kiosk.pump(2)
    assert kiosk.screen.name == "staff"
    kiosk.app.flow.show("admin", source="staff")
    assert kiosk.screen.name == "staff"
    assert not any(kiosk.app.kiosk_config.terminal_id in t for t in kiosk.texts())


def test_an_admin_opens_the_admin_screen_and_loses_it_after_the_session_ends(
    kiosk: Kiosk,
) -> None:
    _sign_in(kiosk, STAFF_ID, STAFF_PIN)
    kiosk.tap("管理信息")
    assert kiosk.screen.name == "admin"
    kiosk.tap("结束并清除")
    kiosk.pump(2)
    assert kiosk.app.session.staff_role is None
    kiosk.app.flow.show("admin", source="home")
    assert kiosk.screen.name == "home"
