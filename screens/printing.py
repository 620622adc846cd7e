"""打印: the Kivy glue around :class:`kiosk.printing.desk.PrintDesk`.

The job runs on the desk's worker thread; the outcome hops back with ``Clock``. The button says
what is happening (打印 → 正在打印… → 再打一次) and the sentence of the outcome (打好了 / 纸用完了
…) is shown on the page and read aloud. Nothing on the screen is removed when the printer can't
print: the QR code and the text stay. A terminal without a printer shows no 打印 button at all —
a button that can only say "no printer" is a dead end for a resident; staff see why on the admin
screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

from screens.widgets import NoteLabel, nav_button

if TYPE_CHECKING:
    from kiosk.printing.desk import PrintDesk, PrintJob
    from kiosk.printing.slip import Slip

PRINT = "打印"
# What a resident can still do when the slip didn't print, by screen.
KEEP_THE_CODE = "您可以先把屏幕上的号码记下来，或用手机扫码。"
KEEP_THE_LIST = "您可以用手机扫屏幕上的二维码，把清单存到手机上。"
HEAR_IT_AGAIN = "内容还在屏幕上，可以点“朗读”再听一遍，或请工作人员帮您抄下来。"
PRINTING = "正在打印…"
AGAIN = "再打一次"


def print_button(
    desk: PrintDesk | None,
    make_slip: Callable[[], Slip],
    *,
    page: Any,
    say: Callable[[str], None],
    fallback: str,
    label: str = PRINT,
) -> Any | None:
    """A nav-bar 打印 for the slip ``make_slip()`` builds, or None without a printer.
    ``fallback``: what the resident can do on this screen when nothing was printed (记下号码,
    扫码, 朗读), said after the printer's own message."""
    if desk is None or not desk.configured:
        return None
    message: list[NoteLabel] = []  # the one outcome label of this button, made on first use

    def show(job: PrintJob) -> None:
        button.disabled = False
        button.text = AGAIN
        button.print_outcome = job
        if button.get_root_window() is None:
            return  # the resident has left the screen (or the session ended): don't speak up
        if not message:
            message.append(NoteLabel())
            page.add(message[0])
        text = job.message if job.printed else f"{job.message}{fallback}"
        message[0].text = text
        Clock.schedule_once(lambda _dt: _scroll_to(page, message[0]), 0)
        say(text)

    def press() -> None:
        if desk.start(make_slip(), lambda job: Clock.schedule_once(lambda _dt: show(job), 0)):
            button.text = PRINTING
            button.disabled = True

    button = nav_button(label, press)
    button.print_outcome = None  # the last job's outcome, for tests
    return button


def _scroll_to(page: Any, widget: Any) -> None:
    if widget.parent is not None and page.scroll.do_scroll_y:
        page.scroll.scroll_to(widget, animate=False)


def when_printer_answers(desk: PrintDesk | None, show: Callable[[str], None]) -> None:
    """Ask the printer its state off the Kivy thread and ``show`` the staff line when it answers
    (a silent printer takes its whole status timeout)."""
    from kiosk.printing.desk import printer_line

    if desk is None or not desk.configured:
        show(printer_line(desk))
        return
    show("小票打印机：正在询问…")
    desk.health_in_background(lambda line: Clock.schedule_once(lambda _dt: show(line), 0))
