"""Every screen and wizard page meets the elder-friendly numbers at 1920×1080 and 1280×800,
in both colour themes and all three font scales (elder-ui.md).

Sizes and positions depend on the window size and font scale, never on the colour theme; colours
depend on the theme only. So the layout is audited in every size × scale, and every theme is
audited over every screen state (switching the theme re-renders every label of every screen,
which is what makes doing it inside the size × scale loop slow).
"""

from __future__ import annotations

import pytest

from screens.theme import FONT_SCALE_ORDER, THEMES
from tests.ui.audit import audit
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

SIZES = ((1920, 1080), (1280, 800))


def states(kiosk: Kiosk) -> list[tuple[str, object]]:
    """(name, action) for every screen state the tour captures, plus the two pop-ups."""
    app = kiosk.app
    out: list[tuple[str, object]] = []
    for name in app.screen_names():
        screen = app.manager.get_screen(name)
        for stem, action in list(screen.tour_steps()):

            def go(n: str = name, act: object = action) -> None:
                app.manager.current = n
                act()  # type: ignore[operator]

            out.append((f"{name}-{stem}", go))

    def idle_warning() -> None:
        app.manager.current = "home"
        app._show_idle_warning(25)

    def confirm() -> None:
        app.manager.current = "legal_aid"
        app.session.draft("legal_aid").set("name", "某")
        app.confirm_end_session()

    out += [("idle-warning", idle_warning), ("confirm-end", confirm)]
    return out


def close_popups(kiosk: Kiosk) -> None:
    for view in (kiosk.app.idle_warning, kiosk.app.confirm_view):
        if view is not None and view.parent is not None:
            view.dismiss(animation=False)


def run_audit(kiosk: Kiosk, size: tuple[int, int], combos: list[tuple[str, str]]) -> list[str]:
    from kivy.core.window import Window

    style = kiosk.app.style
    failures: list[str] = []
    Window.size = size
    try:
        for theme, scale in combos:
            style.apply(theme, scale)
            for state, action in states(kiosk):
                close_popups(kiosk)
                action()  # type: ignore[operator]
                kiosk.pump(2)
                found = audit(kiosk.roots(), style, size)
                failures += [f"{state} [{theme}/{scale}] {p}" for p in found]
    finally:
        close_popups(kiosk)
        Window.size = (1920, 1080)
        style.apply("default", "standard")
        kiosk.pump(2)
    return list(dict.fromkeys(failures))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_the_numbers_in_every_font_scale(
    kiosk: Kiosk, size: tuple[int, int]
) -> None:
    problems = run_audit(kiosk, size, [("default", scale) for scale in FONT_SCALE_ORDER])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_every_screen_keeps_7_to_1_contrast_in_every_theme(kiosk: Kiosk) -> None:
    problems: list[str] = []
    for theme in THEMES:
        problems += run_audit(kiosk, SIZES[1], [(theme, "xlarge")])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
