"""Which screen follows an outcome. The only place that knows the order of screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (screen name, outcome) -> next screen name. Outcomes not listed here are handled by the app
# (read aloud, speak, font size, colours, wipe) or ignored.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("home", "legal_aid"): "legal_aid",
    ("home", "notary"): "notary",
    ("home", "visit"): "visit",
    ("home", "status"): "status",
    ("home", "knowledge"): "knowledge",
    ("home", "hotline"): "hotline",
    ("home", "ask"): "ask",
    ("knowledge", "ask"): "ask",
    ("ask", "hotline"): "hotline",
    ("ask", "visit"): "visit",
    ("home", "staff"): "staff_sign_in",
    ("legal_aid", "submitted"): "receipt",
    ("visit", "submitted"): "receipt",
    ("notary", "take_home"): "receipt",
    ("staff_sign_in", "signed_in"): "staff",
    ("staff", "admin"): "admin",
    ("staff", "assist"): "home",
    ("staff", "signed_out"): "home",
    ("admin", "back"): "staff",
}

# Screens only a signed-in admin may see (packs, rollback, admin data). The flow refuses them to
# anyone else whatever asked for them, so a hidden button is not the only guard.
ADMIN_ONLY: frozenset[str] = frozenset({"admin"})

# Outcomes every screen may report that always lead to the same place.
GLOBAL: dict[str, str] = {
    "home": "home",
    "back_home": "home",
}


def next_screen(current: str, outcome: str) -> str | None:
    """The screen to show after ``current`` reported ``outcome``; ``None`` means stay."""
    return TRANSITIONS.get((current, outcome)) or GLOBAL.get(outcome)


class Flow:
    """Binds to every screen's ``on_outcome``, prepares the next screen and switches to it."""

    def __init__(
        self,
        manager: Any,
        on_unhandled: Callable[[str, str, dict[str, Any]], None],
        on_switch: Callable[[str, str], None] | None = None,
        is_admin: Callable[[], bool] = lambda: False,
    ) -> None:
        self.manager = manager
        self.on_unhandled = on_unhandled
        self.on_switch = on_switch
        self.is_admin = is_admin

    def attach(self, screen: Any) -> None:
        screen.bind(on_outcome=self._on_outcome)

    def _on_outcome(self, screen: Any, outcome: str, data: dict[str, Any]) -> None:
        target = next_screen(screen.name, outcome)
        if target is not None and self.manager.has_screen(target):
            self.show(target, data, source=screen.name)
        else:
            self.on_unhandled(screen.name, outcome, data)

    def may_show(self, target: str) -> bool:
        """Whether the signed-in role (if any) may see ``target``."""
        return target not in ADMIN_ONLY or self.is_admin()

    def show(self, target: str, data: dict[str, Any] | None = None, source: str = "") -> None:
        """Prepare ``target`` and switch to it; an admin-only screen is refused to anyone else."""
        if not self.may_show(target):
            self.on_unhandled(source, "refused", {"screen": target})
            return
        screen = self.manager.get_screen(target)
        screen.prepare(dict(data or {}))
        self.manager.current = target
        if self.on_switch is not None:
            self.on_switch(source, target)
