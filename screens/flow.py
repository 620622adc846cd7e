"""Which screen follows an outcome. The only place that knows the order of screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (screen name, outcome) -> next screen name. Outcomes not listed here are handled by the app
# (read aloud, speak, wipe) or ignored.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("home", "legal_aid"): "legal_aid",
    ("home", "notary"): "notary",
    ("home", "visit"): "visit",
    ("home", "status"): "status",
    ("home", "knowledge"): "knowledge",
    ("home", "hotline"): "hotline",
}

# Outcomes every screen may report that always lead to the same place.
GLOBAL: dict[str, str] = {
    "home": "home",
    "back_home": "home",
    "end_session": "home",
}


def next_screen(current: str, outcome: str) -> str | None:
    """The screen to show after ``current`` reported ``outcome``; ``None`` means stay."""
    return TRANSITIONS.get((current, outcome)) or GLOBAL.get(outcome)


class Flow:
    """Binds to every screen's ``on_outcome`` and switches the ScreenManager."""

    def __init__(self, manager: Any, on_unhandled: Callable[[str, str, dict[str, Any]], None]):
        self.manager = manager
        self.on_unhandled = on_unhandled

    def attach(self, screen: Any) -> None:
        screen.bind(on_outcome=self._on_outcome)

    def _on_outcome(self, screen: Any, outcome: str, data: dict[str, Any]) -> None:
        target = next_screen(screen.name, outcome)
        if target is not None and self.manager.has_screen(target):
            self.manager.current = target
        else:
            self.on_unhandled(screen.name, outcome, data)
