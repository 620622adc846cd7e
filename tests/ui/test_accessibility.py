"""The audit is the gate: every screen state the tour captures meets the elder-friendly numbers
on every supported display (screens/displays.py), in every font scale and both themes.

Sizes and positions depend on the window size and font scale, never on the colour theme; colours
depend on the theme only. So the layout is audited per display in every scale, and the themes
over every state at each display's largest scale (switching the theme re-renders every label of
every screen, which is what makes doing it inside the size × scale loop slow). The full product
of display × scale × theme is `make tour` (main.py --tour DIR --audit).

Every supported display passes whole (issue 12): 1024×768 and 800×1280 were the last.
"""

from __future__ import annotations

import pytest

from screens.audit import audit
from screens.displays import DISPLAYS, FONT_SCALES, THEME_NAMES, Display
from screens.tour import close_popups as close_app_popups
from screens.tour import step_name, tour_steps
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui


def close_popups(kiosk: Kiosk) -> None:
    close_app_popups(kiosk.app)


def states(kiosk: Kiosk) -> list[tuple[str, object]]:
    """(name, action) for every screen state the tour captures (screens/tour.py)."""
    app = kiosk.app
    return [(stem, (lambda act=action: act(app))) for stem, action in tour_steps(app)]


def run_audit(kiosk: Kiosk, display: Display, combos: list[tuple[str, str]]) -> list[str]:
    from kivy.core.window import Window

    app = kiosk.app
    style = app.style
    failures: list[str] = []
    Window.size = display.size
    try:
        for theme, scale in combos:
            style.apply(theme, scale)
            for stem, action in tour_steps(app):
                action(app)
                kiosk.pump(3)
                found = audit(kiosk.roots(), style, display.size, display.target_min)
                failures += [f"{step_name(stem)} [{theme}/{scale}]: {p}" for p in found]
    finally:
        close_app_popups(app)
        Window.size = (1920, 1080)
        style.apply("default", "standard")
        kiosk.pump(2)
    return list(dict.fromkeys(failures))


@pytest.mark.parametrize("display", [pytest.param(d, id=d.name) for d in DISPLAYS])
def test_every_screen_state_passes_the_audit_in_every_font_scale(
    kiosk: Kiosk, display: Display
) -> None:
    problems = run_audit(kiosk, display, [("default", scale) for scale in FONT_SCALES])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


# At 特大 (the largest layouts) in both themes, on every display.
@pytest.mark.parametrize("display", [pytest.param(d, id=d.name) for d in DISPLAYS])
def test_every_screen_state_passes_the_audit_in_every_theme(kiosk: Kiosk, display: Display) -> None:
    problems = run_audit(kiosk, display, [(theme, "xlarge") for theme in THEME_NAMES])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
