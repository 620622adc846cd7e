"""No full garbage collection stalls a touch (issue 5: touch → next frame).

A full collection of the kiosk's heap takes 100–300 ms on the terminal's CPU. Left to CPython,
one started every few pages — inside the touch that builds the next page. The kiosk runs them
right after the touched page is on screen instead (screens/quiet_gc.py).
"""

from __future__ import annotations

import gc
from typing import Any

from tests.ui.harness import Kiosk


def test_full_collections_wait_until_the_touched_page_has_been_drawn(kiosk: Kiosk) -> None:
    during_touch: list[bool] = []  # one entry per full collection: was a touch being handled?
    touching = [False]

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            during_touch.append(touching[0])

    def tap(text: str, exact: bool = False) -> None:
        from kivy.tests.common import UnitTestTouch

        widget = kiosk.find(text, exact=exact)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touching[0] = True
        try:  # the finger down and up, and the new page built by the button's handler
            touch.touch_down()
            touch.touch_up()
        finally:
            touching[0] = False
        kiosk.draw()  # the new page's frame
        kiosk.pump(2)

    gc.callbacks.append(watch)
    try:
        for _ in range(8):  # a morning's worth of page changes, compressed
            tap("申请法律援助")
            tap("给自己申请")
            tap("是", exact=True)  # 家是低保户…吗？ then 是哪一种
            tap("低保户")
            tap("上一步")
            tap("上一步")
            kiosk.app.end_session()
            kiosk.draw()
            tap("法律常识")
            tap("讨工钱")
            kiosk.app.end_session()
            kiosk.draw()
    finally:
        gc.callbacks.remove(watch)
    assert during_touch, "no full collection at all: garbage would pile up"
    assert not any(during_touch), f"{during_touch.count(True)} full collections inside a touch"


def test_a_new_page_is_drawn_and_then_the_screen_stays_still(kiosk: Kiosk) -> None:
    """Nothing animates by itself: every redraw of a 1920×1080 frame costs a software renderer
    tens of milliseconds of CPU that the next touch then waits for. (Kivy's fading scroll bar
    alone redrew every page ~20 times in the second after it appeared.)"""
    import time

    from kivy.core.window import Window

    flips = [0]

    def count(*_: Any) -> None:
        flips[0] += 1

    Window.bind(on_flip=count)
    try:
        for target in ("申请法律援助", "给自己申请"):
            kiosk.tap(target)
            flips[0] = 0
            for _ in range(60):  # ≈ 1.2 s of frames
                kiosk.draw()
                time.sleep(0.02)
            # The new page, its texts, the page buttons appearing: a handful of frames at most
            # (a loaded machine spreads them over a few more). An animation redraws on nearly
            # all 60 frames, which this still catches.
            assert flips[0] <= 16, f"{flips[0]} redraws in the second after {target}"
    finally:
        Window.unbind(on_flip=count)
