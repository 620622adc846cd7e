"""Memory stays flat over many page changes (issue 18: months unattended, no restart by hand).

Rounds of real page changes — the legal-aid wizard's keypad and pinyin pages, the status
keypad, the notary questions — each ended with 结束并清除. After two warm-up rounds every later
round must leave the kiosk exactly as it found it: the same live widgets, the same scheduled
Clock events, the same callbacks bound on the objects that live as long as the app (the style
every kv rule reads, the window, each screen's scroll view, the wizards' shared keypads). A
page kept alive by a callback on one of those (the leak this was written for: the shared keypad
held every keypad page it had been on) grows all three with every round.
"""

from __future__ import annotations

import gc
from typing import Any

from tests.ui.harness import Kiosk

ROUNDS = 3
EXACT = ("widgets", "clock_events", "observers")
# Python objects of every kind swing between rounds without growing: Kivy's caches and the
# bindings of whichever pages happen to be built move the count up and down by ≈ 7,500 (seen:
# 373k–381k, any order). One leaked keypad page is ≈ 2,300 objects and a round shows two, so
# three rounds of that leak add ≈ 14,000: above this bound, while the swing stays below it.
OBJECT_SLACK = 10_000
SHORT_S = 1.0  # Clock events due this soon are a fade or a release delay finishing: let them run


def one_round(kiosk: Kiosk) -> None:
    kiosk.start_wage_claim()
    kiosk.type_pinyin("zhang", "张")
    kiosk.type_pinyin("ying", "英")
    kiosk.tap("下一步")
    kiosk.type_digits("320483195603150025")  # the ID keypad page
    kiosk.tap("下一步")
    kiosk.type_digits("139")  # the phone keypad page: the same keypad, moved
    kiosk.tap("上一步")
    kiosk.tap("上一步")
    kiosk.reset()
    kiosk.tap("查询办理进度")
    kiosk.type_digits("2345678")
    kiosk.tap("查询", exact=True)
    kiosk.reset()
    kiosk.tap("公证材料清单")
    kiosk.tap("继承")
    kiosk.tap("是", exact=True)
    kiosk.reset()


def long_lived(kiosk: Kiosk) -> list[Any]:
    """The dispatchers that live as long as the app: a callback left on one of them by a page
    keeps that page alive."""
    from kivy.core.window import Window

    found: dict[int, Any] = {id(kiosk.app.style): kiosk.app.style, id(Window): Window}
    for screen in kiosk.app.manager.screens:
        page = getattr(screen, "page", None)
        more = [page.scroll] if page is not None else []
        more += getattr(screen, "_shared", {}).values()  # the wizards' shared keypads, keyboard
        more.append(getattr(screen, "keypad", None))  # the status and sign-in keypads
        found.update((id(d), d) for d in more if d is not None)
    return list(found.values())


def census(kiosk: Kiosk) -> dict[str, int]:
    from kivy.clock import Clock
    from kivy.uix.widget import Widget

    for _ in range(50):  # bounded: ≈ 5 s at most
        kiosk.pump(1, seconds=0.1)
        if all(e.timeout > SHORT_S for e in Clock.get_events()):
            break
    gc.collect()
    objects = gc.get_objects()
    observers = 0
    for dispatcher in long_lived(kiosk):
        for name in dispatcher.properties():
            observers += len(dispatcher.get_property_observers(name))
    return {
        # type(), not isinstance(): a dead widget's weak proxy raises on __class__
        "widgets": sum(1 for o in objects if issubclass(type(o), Widget)),
        "clock_events": len(Clock.get_events()),
        "observers": observers,
        "objects": len(objects),
    }


def test_page_changes_leave_no_widgets_events_or_bindings_behind(kiosk: Kiosk) -> None:
    # Warm-up: every screen, shared keypad and cache built (some screens are built in the
    # background, whenever the kiosk is idle) — until a round changes nothing, at most four.
    one_round(kiosk)
    before = census(kiosk)
    for _ in range(3):
        one_round(kiosk)
        now = census(kiosk)
        settled = all(now[key] == before[key] for key in EXACT)
        before = now
        if settled:
            break
    for _ in range(ROUNDS):
        one_round(kiosk)
    after = census(kiosk)
    for key in EXACT:
        assert after[key] == before[key], (key, before, after)
    assert after["objects"] - before["objects"] < OBJECT_SLACK, (before, after)
