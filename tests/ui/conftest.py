"""One real kiosk window for all UI tests (Kivy allows one Window per process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes import FakeRecognizer, FakeSpeaker
from tests.ui.harness import Kiosk, start_kiosk

STAFF_ID, STAFF_PIN = "1001", "482915"


@pytest.fixture(scope="session")
def kiosk_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    k = start_kiosk(tmp_path_factory.mktemp("kiosk-ui"))
    k.app.services.staff.add(STAFF_ID, STAFF_PIN, role="admin")
    yield k
    k.app.on_stop()


@pytest.fixture
def kiosk(kiosk_session: Kiosk) -> Iterator[Kiosk]:
    kiosk_session.reset()
    yield kiosk_session
    kiosk_session.reset()


@pytest.fixture
def voiced(kiosk: Kiosk) -> Iterator[tuple[Kiosk, FakeRecognizer, FakeSpeaker]]:
    """The kiosk with stand-ins for the microphone and the speaker (the configured voice)."""
    rate = int(kiosk.app.kiosk_config.tts_rate)
    recognizer, speaker = FakeRecognizer(), FakeSpeaker(configured_rate=rate)
    kiosk.app.use_voice(recognizer, speaker)
    kiosk.pump(2)
    yield kiosk, recognizer, speaker
    kiosk.app.use_voice(None, None)
    kiosk.pump(2)


@pytest.fixture
def at(kiosk: Kiosk) -> Iterator[Any]:
    """Show the kiosk at a window size and font scale (high contrast); back to 1920×1080 after,
    the resident's session ended."""
    from kivy.core.window import Window

    def show(size: tuple[int, int], scale: str = "xlarge") -> Kiosk:
        Window.size = size
        kiosk.app.style.apply("high_contrast", scale)
        kiosk.pump(3)
        return kiosk

    try:
        yield show
    finally:
        kiosk.app.end_session()
        Window.size = (1920, 1080)
        kiosk.app.style.apply("default", "standard")
        kiosk.pump(3)
