"""Memory stays flat over many page changes (issue 18: months unattended, no restart by hand).

Rounds of real page changes — the legal-aid wizard's keypad and pinyin pages, the status
keypad, the notary questions — each ended with 结束并清除. After two warm-up rounds every later
round must leave the kiosk exactly as it found it: the same live widgets, the same scheduled
Clock events, the same callbacks bound on the objects that live as long as the app (the style
every kv rule reads, the window, each screen's scroll view, the wizards' shared keypads). A
page kept alive by a callback on one of those (the leak this was written for: the shared keypad
held every keypad page it had been on) grows all three with every round.

Python objects of every kind are counted too, by type, after every round. Their total is not
compared with a slack: it swings between rounds without growing (weak references come and go in
a cycle of three rounds; what Kivy's timed caches still hold depends on how long a round took —
those are emptied before each count — and more swung in whole-suite runs, up to 13,000, near the
≈ 14,000 a leak added over three rounds). What a leak does that a swing does not is add the same
objects in *every* round: the check is on that steady growth (per type, the least any round
added). ``test_the_census_sees_a_page_kept_alive_by_a_callback`` leaks a page on purpose and
checks that all three measures see it.
"""

from __future__ import annotations

import gc
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.ui.harness import Kiosk

ROUNDS = 5
EXACT = ("widgets", "clock_events", "observers")
# One leaked keypad page is ≈ 2,300 objects (dicts, weak references, graphics instructions…),
# added again in each round: far above this, while a swing adds nothing in at least one round.
STEADY_SLACK_PER_ROUND = 500
# Clock events due sooner than this are a fade or a release delay finishing: let them run (the
# longer ones are timers that live as long as the app, e.g. Kivy's own 1 s cache purge).
SHORT_S = 1.0


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


@dataclass
class Census:
    exact: dict[str, int]
    by_type: Counter[str] = field(repr=False)

    @property
    def objects(self) -> int:
        return sum(self.by_type.values())


def census(kiosk: Kiosk) -> Census:
    from kivy.cache import Cache
    from kivy.clock import Clock
    from kivy.uix.widget import Widget

    for _ in range(50):  # bounded: ≈ 5 s at most
        kiosk.pump(1, seconds=0.1)
        if all(e.timeout >= SHORT_S for e in Clock.get_events()):
            break
    # Kivy's caches that keep an entry for a time since its last use: what they still hold
    # depends on how fast this machine ran the round, not on what the round left behind.
    for category, settings in list(Cache._categories.items()):
        if settings.get("timeout") is not None:
            Cache.remove(category)
    gc.collect()
    objects = gc.get_objects()
    observers = 0
    for dispatcher in long_lived(kiosk):
        for name in dispatcher.properties():
            observers += len(dispatcher.get_property_observers(name))
    return Census(
        exact={
            # type(), not isinstance(): a dead widget's weak proxy raises on __class__
            "widgets": sum(1 for o in objects if issubclass(type(o), Widget)),
            "clock_events": len(Clock.get_events()),
            "observers": observers,
        },
        by_type=Counter(_type_name(o) for o in objects),
    )


def _type_name(o: object) -> str:
    t = type(o)
    return f"{getattr(t, '__module__', '?')}.{t.__qualname__}"


def steady_growth(counts: list[Census]) -> Counter[str]:
    """Per type, the objects that every round added: its smallest round-on-round increase,
    times the number of rounds (types some round didn't grow are left out)."""
    grown: Counter[str] = Counter()
    rounds = list(itertools.pairwise(counts))
    for name in counts[-1].by_type:
        least = min(after.by_type[name] - before.by_type[name] for before, after in rounds)
        if least > 0:
            grown[name] = least * len(rounds)
    return grown


def settled_and_measured(
    kiosk: Kiosk, play: Callable[[Kiosk], None], warm_up: int = 4
) -> list[Census]:
    """Warm up until a round changes none of the exact counts (at most ``warm_up`` rounds: some
    screens are built in the background, whenever the kiosk is idle), then a census after each
    of ``ROUNDS`` more rounds; the first entry is the census before them."""
    play(kiosk)
    before = census(kiosk)
    for _ in range(warm_up - 1):
        play(kiosk)
        now = census(kiosk)
        settled = now.exact == before.exact
        before = now
        if settled:
            break
    counts = [before]
    for _ in range(ROUNDS):
        play(kiosk)
        counts.append(census(kiosk))
    return counts


def test_page_changes_leave_no_widgets_events_or_bindings_behind(kiosk: Kiosk) -> None:
    counts = settled_and_measured(kiosk, one_round)
    before, after = counts[0], counts[-1]
    for key in EXACT:
        assert after.exact[key] == before.exact[key], (key, before, after)
    grown = steady_growth(counts)
    totals = [c.objects for c in counts]
    assert grown.total() < STEADY_SLACK_PER_ROUND * ROUNDS, (grown.most_common(10), totals)


@pytest.fixture
def leaky_keypad(kiosk: Kiosk) -> Iterator[Callable[[Kiosk], None]]:
    """A round that leaves its ID keypad page behind the way the original leak did: a callback
    on the wizard's shared keypad, which lives as long as the app, holding the page's widgets."""
    kept: list[tuple[Any, Any]] = []

    def play(k: Kiosk) -> None:
        k.start_wage_claim()
        k.type_pinyin("zhang", "张")
        k.type_pinyin("ying", "英")
        k.tap("下一步")
        k.type_digits("320483")
        keypad, page = k.screen.keypad, list(k.screen.page.walk(restrict=True))
        callback = keypad.fbind("disabled", lambda *_a, page=page: page)
        kept.append((keypad, callback))
        k.reset()

    yield play
    for keypad, callback in kept:
        keypad.unbind_uid("disabled", callback)
    kiosk.pump(2)


def test_the_census_sees_a_page_kept_alive_by_a_callback(
    kiosk: Kiosk, leaky_keypad: Callable[[Kiosk], None]
) -> None:
    counts = settled_and_measured(kiosk, leaky_keypad, warm_up=1)
    before, after = counts[0], counts[-1]
    for key in ("widgets", "observers"):
        assert after.exact[key] > before.exact[key], (key, before, after)
    grown = steady_growth(counts)
    assert grown.total() >= STEADY_SLACK_PER_ROUND * ROUNDS, grown.most_common(10)
