"""The terminal's log: plain lines on stderr, one per event, that journald and staff can read.

Kivy, left to itself, installs its own handlers, colours every line and files our messages under
a ``[Category]`` column of its own. The kiosk runs Kivy in its ``PYTHON`` log mode instead
(``KIVY_LOG_MODE``, set before Kivy is imported) and configures the standard ``logging`` module
once, here: ``LEVEL name: message``, no colour codes, no timestamps (journald adds its own).

A brand-new data directory makes Kivy "upgrade" its empty configuration and warn about it on
every first start of a terminal; that is expected, not a problem, so those lines are dropped.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

LINE_FORMAT = "%(levelname)s %(name)s: %(message)s"

# Kivy's messages when it fills in a configuration file it has just created.
_FIRST_START_NOISE = ("Older configuration version detected", "Upgrading configuration in progress")


class _DropNoise(logging.Filter):
    """Kivy's start-up chatter (versions, providers, GL details) is for developers; Kivy resets
    its own logger's level from its config, so it is filtered here rather than by level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("kivy") and record.levelno < logging.WARNING:
            return False
        message = record.getMessage()
        return not any(noise in message for noise in _FIRST_START_NOISE)


def configure(stream: TextIO | None = None, *, level: int = logging.INFO) -> logging.Handler:
    """Send every log line to ``stream`` (stderr) as one plain line; call before importing Kivy.

    Returns the handler installed on the root logger (replacing one installed by an earlier call,
    so calling twice never doubles the lines).
    """
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_kiosk_plain", False)]:
        root.removeHandler(old)
    # The process's real stderr: where Kivy was imported first (in its own log mode) it has
    # replaced sys.stderr with a stream that logs each line — writing our lines there would loop.
    handler = logging.StreamHandler(stream or sys.__stderr__ or sys.stderr)
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    handler.addFilter(_DropNoise())
    handler._kiosk_plain = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
