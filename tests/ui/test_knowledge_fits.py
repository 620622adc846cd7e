"""法律常识 at 1920×1080: the topic list and every topic's text fit without 往下翻 (elder-ui)."""

from __future__ import annotations

from tests.ui.harness import Kiosk
from tests.ui.test_page_turning import _shown


def test_every_knowledge_topic_reads_on_one_page(kiosk: Kiosk) -> None:
    kiosk.tap("法律常识")
    kiosk.pump(3)
    assert not _shown(kiosk, "往下翻")  # every tile visible at once
    overflowing = []
    for topic in kiosk.screen.topics():
        kiosk.tap(topic["label"])
        kiosk.pump(3)
        if _shown(kiosk, "往下翻"):
            overflowing.append(topic["label"])
        kiosk.screen.show_topics()
        kiosk.pump(2)
    assert overflowing == []
