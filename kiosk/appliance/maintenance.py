"""The nightly maintenance restart: when it is due, and whether now is a good moment.

A terminal runs for months; a fresh process each night is the second line of defence against
anything that slowly grows (issue 18). The restart happens at the configured quiet hour, only
while nobody is using the kiosk; otherwise it is tried again a few minutes later, until the
night's window closes. systemd (``Restart=always``) starts the new process.

Pure: the caller passes the time and a snapshot of what the kiosk is doing, so the rules are
tested with a fake clock (``tests/appliance/test_maintenance.py``); ``screens/maintenance.py``
is the Kivy glue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

# Read from the config before Kivy starts; defined in the package so that these rules load only
# after home's first frame (docs/performance.md).
from kiosk.appliance import parse_time_of_day as parse_time_of_day

# Attempts go on for this long after the configured time; a busy night skips to the next one
# rather than restarting in the morning, when residents arrive.
WINDOW = timedelta(hours=2)
# A resident on the kiosk at the quiet hour: look again this much later.
RETRY_AFTER = timedelta(minutes=5)
# The wall clock can be set (network time, staff): never sleep longer than this before looking
# again, so a changed clock is noticed soon.
RECHECK_AT_MOST = timedelta(minutes=10)
# A process started less than this before the quiet hour is already fresh: leave it running.
MIN_UPTIME = timedelta(hours=1)
# EX_TEMPFAIL: "try again later". The unit lists it in SuccessExitStatus= so the journal shows a
# planned restart, not a failure; Restart=always brings the kiosk back either way.
EXIT_CODE = 75


@dataclass(frozen=True)
class Activity:
    """What the kiosk is doing right now, as far as a restart is concerned."""

    on_home: bool
    resident_input: bool  # a draft that a restart would lose
    staff_signed_in: bool
    seconds_since_touch: float


@dataclass(frozen=True)
class Restart:
    """Restart now."""

    reason: str


@dataclass(frozen=True)
class Wait:
    """Look again in ``seconds``."""

    seconds: float


class NightlyRestart:
    """Decides, each time it is asked, whether the kiosk should restart now."""

    def __init__(self, at: time, started: datetime, *, quiet_s: float) -> None:
        """``at``: the quiet hour; ``started``: when this process started (wall clock);
        ``quiet_s``: how long nobody must have touched the screen (the idle timeout)."""
        self.at = at
        self.started = started
        self.quiet_s = quiet_s

    def is_quiet(self, activity: Activity) -> bool:
        """Nobody would notice a restart: home screen, nothing entered, no staff, no touches."""
        return (
            activity.on_home
            and not activity.resident_input
            and not activity.staff_signed_in
            and activity.seconds_since_touch >= self.quiet_s
        )

    def decide(self, now: datetime, activity: Activity) -> Restart | Wait:
        """Restart now, or when to ask again."""
        tonight = datetime.combine(now.date(), self.at)
        if tonight > now:
            tonight -= timedelta(days=1)  # the latest quiet hour that has begun
        if tonight - self.started >= MIN_UPTIME and now < tonight + WINDOW:
            if self.is_quiet(activity):
                return Restart(f"夜间例行重启（设定在 {self.at:%H:%M}）")
            return Wait(RETRY_AFTER.total_seconds())
        next_time = tonight + timedelta(days=1)
        return Wait(min(next_time - now, RECHECK_AT_MOST).total_seconds())
