"""The whole flows a resident goes through, at the settings the guide names first: 1280×800
with 特大 and 高对比 (a small landscape terminal, the people who need it most), portrait
1080×1920 (floor-standing terminals), and the two smallest displays, 1024×768 and portrait
800×1280, at 特大 — the same taps as at 1920×1080 (test_home_and_flows).

Taps go through the harness, which turns a page with 往下翻 / 往上翻 to reach a piece a page
turn away, as a resident would; a control that can't be reached that way makes the tap fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.ui import test_home_and_flows as flows
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

SETTINGS = {
    "1280x800-xlarge-high_contrast": ((1280, 800), "high_contrast", "xlarge"),
    "1080x1920-standard-default": ((1080, 1920), "default", "standard"),
    "1080x1920-xlarge-high_contrast": ((1080, 1920), "high_contrast", "xlarge"),
    # The two smallest displays (issue 12): keys under the question, letters in halves.
    "1024x768-xlarge-high_contrast": ((1024, 768), "high_contrast", "xlarge"),
    "800x1280-xlarge-high_contrast": ((800, 1280), "high_contrast", "xlarge"),
}

FLOWS: dict[str, Callable[[Kiosk], None]] = {
    "legal_aid": flows.test_a_migrant_worker_applies_for_legal_aid_without_income_questions,
    "notary": flows.test_the_notary_checklist_goes_home_as_a_qr_code_and_a_printable_receipt,
}


@pytest.fixture(params=list(SETTINGS))
def shown_at(request: pytest.FixtureRequest, kiosk: Kiosk) -> Iterator[Kiosk]:
    from kivy.core.window import Window

    size, theme, scale = SETTINGS[request.param]
    Window.size = size
    kiosk.app.style.apply(theme, scale)
    kiosk.pump(3)
    try:
        yield kiosk
    finally:
        Window.size = (1920, 1080)
        kiosk.app.style.apply("default", "standard")
        kiosk.pump(3)


@pytest.mark.parametrize("flow", list(FLOWS))
def test_a_whole_flow_works_at_the_hardest_settings(shown_at: Kiosk, flow: str) -> None:
    FLOWS[flow](shown_at)


def test_a_home_visit_is_booked_at_1280x800_with_特大_and_高对比(kiosk: Kiosk) -> None:
    """Once per test session: the same person can't book the same visit twice."""
    from kivy.core.window import Window

    Window.size = (1280, 800)
    kiosk.app.style.apply("high_contrast", "xlarge")
    kiosk.pump(3)
    try:
        flows.test_a_home_visit_is_booked_from_day_and_slot_tiles_and_queued(kiosk)
    finally:
        Window.size = (1920, 1080)
        kiosk.app.style.apply("default", "standard")
        kiosk.pump(3)
