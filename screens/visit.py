"""预约上门服务: the step table ``kiosk.wizards.visit.VISIT`` rendered by
:class:`~screens.wizard.WizardScreen`; what is special here is the day tiles (next working days)
and the half-day tiles, each saying what is left, and booking on 确认预约 → receipt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from kivy.uix.gridlayout import GridLayout

from kiosk import display_text
from kiosk.printing.layouts import booking_slip
from kiosk.printing.slip import Slip
from kiosk.submissions import failure_text
from kiosk.visits import BookingError, BookingLedger, Slot
from kiosk.wizards.steps import Context, Kind, Step, Submit, review_rows
from kiosk.wizards.visit import VISIT, book_home_visit, day_words
from screens.base import TourStep
from screens.widgets import BigButton, BodyLabel, NoteLabel, ems, nav_button
from screens.wizard import WizardScreen


class VisitScreen(WizardScreen):
    wizard = VISIT
    unavailable_title = "暂时不能预约"
    unavailable_text = "本机暂时不能预约上门服务。请拨打 12348，或找工作人员。"

    def __init__(
        self,
        *,
        submit: Submit,
        ledger: BookingLedger | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.submit = submit
        self.ledger = ledger
        self.title = "预约上门服务"
        self.slots: list[Slot] = []
        self.renderers[Kind.DAY] = self.render_day
        self.renderers[Kind.SLOT] = self.render_slot

    def available(self) -> bool:
        return self.pack is not None and self.ledger is not None

    def context(self) -> Context:
        return replace(super().context(), today=self.today())

    def question_values(self, step: Step) -> dict[str, object]:
        day = self.answer("day")
        return {"date": day_words(day, self.today())} if step.kind is Kind.SLOT and day else {}

    def _booking_text(self) -> str:
        return str(self.context().pack.data("visits")["booking"]["text"])

    def _district(self) -> str | None:
        chosen = self.answer("address_district")
        if chosen:
            return str(chosen)
        ids = {o.id for o in self.context().pack.districts()}
        return self.home_district if self.home_district in ids else None

    def _load_slots(self) -> list[Slot]:
        assert self.ledger is not None
        self.slots = self.ledger.available_slots(
            self.answer("service"), self._district(), today=self.today(), include_full=True
        )
        return self.slots

    # -- day and half-day tiles ----------------------------------------------------------------
    def render_day(self, step: Step) -> None:
        self.header(self.question_for(step))
        by_day: dict[str, list[Slot]] = {}
        for s in self._load_slots():
            by_day.setdefault(s.date, []).append(s)
        tiles = [
            (day, f"{display_text.day_word(day, self.today())}\n{day_words(day)}", slots)
            for day, slots in sorted(by_day.items())
        ]
        grid = self._capacity_grid(tiles, "day", self._pick_day, cols=4, spacing=20, rows_px=1.8)
        if not by_day:
            self.message("最近两周没有空的名额了，请过几天再来，或者拨打 12348。")
        self.page.add(grid)
        self.nav(next_text="下一步" if self.answer("day") else None)

    def _capacity_grid(
        self,
        tiles: list[tuple[str, str, list[Slot]]],
        answer_key: str,
        pick: Callable[[str], None],
        *,
        cols: int,
        spacing: int,
        rows_px: float,
    ) -> GridLayout:
        """Day or half-day tiles, each saying what is left (never colour alone); full ones off."""
        grid = GridLayout(cols=cols, spacing=spacing, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        # Fewer columns when a tile would be too narrow for its longest line (还能约4户 at 特大).
        lines = [line for _k, h, _s in tiles for line in h.split("\n")] + ["还能约4户"]
        tile_px = (max(ems(line) for line in lines) + 1) * self.style.body_px

        def fit(_g: Any, width: float) -> None:
            grid.cols = max(1, min(cols, int((width + spacing) // (tile_px + spacing))))

        grid.bind(width=fit)
        self.choices = []
        for key, heading, slots in tiles:
            left = sum(s.remaining for s in slots)
            label = f"{heading}\n" + (f"还能约{left}户" if left else "已约满")
            chosen = self.answer(answer_key) == key
            button = BigButton(
                text=("✓ " if chosen else "") + label,
                role="accent" if chosen else "normal",
                size_hint_y=None,
                height=self.style.touch_px * rows_px,
                disabled=left == 0,
            )
            button.option_id = key
            button.bind(on_release=lambda _w, k=key: pick(k))
            grid.add_widget(button)
            self.choices.append((key, label.replace("\n", "，")))
        return grid

    def _pick_day(self, day: str) -> None:
        self.set_answer("day", day)
        self.set_answer("slot", None)
        self.go_next()

    def render_slot(self, step: Step) -> None:
        day = self.answer("day")
        self.header(self.question_for(step))
        periods: dict[str, list[Slot]] = {}
        for s in self.slots or self._load_slots():
            if s.date == day:
                periods.setdefault(s.period, []).append(s)
        tiles = [
            (
                period,
                f"{slots[0].period_label}\n{display_text.clock_range(slots[0].start, slots[0].end)}",
                slots,
            )
            for period, slots in periods.items()
        ]
        grid = self._capacity_grid(tiles, "slot", self._pick_slot, cols=2, spacing=40, rows_px=2)
        self.page.add(grid)
        self.nav(next_text="下一步" if self.answer("slot") else None)

    def _pick_slot(self, period: str) -> None:
        self.set_answer("slot", period)
        self.go_next()

    # -- confirm and book ----------------------------------------------------------------------
    def review_footer(self) -> None:
        self.page.add(BodyLabel(text=self._booking_text()))
        if self.session.staff_id:
            self.page.add(NoteLabel(text=f"代为填写：工号 {self.session.staff_id}"))
        self.nav(next_text=None, extra=[nav_button("确认预约", self.send, role="accent")])

    def send(self) -> None:
        assert self.ledger is not None
        try:
            booking, receipt = book_home_visit(
                self.ledger, self.submit, self.answers, staff_id=self.session.staff_id
            )
        except Exception as exc:  # rules, a full slot or storage trouble: keep the answers
            self.show("confirm")
            self.message(f"没能预约：{failure_text(exc, (BookingError,))}")
            return
        summary = {r.label: r.value for r in review_rows(self.wizard, self.answers, self.context())}
        lines = [
            f"{summary['时间']}，{summary['上门服务']}上门服务。",
            f"现在是“{booking.status_label}”。" + self._booking_text(),
        ]
        pack = self.context().pack
        booked = replace(booking, receipt_code=receipt.code)

        def slip(station: str) -> Slip:
            return booking_slip(booked, pack, station=station, today=self.today())

        self.finish_submitted(receipt, "上门服务预约已提交", lines, slip=slip)

    def spoken_text(self) -> str:
        if self.step_id == "confirm":
            rows = review_rows(self.wizard, self.answers, self.context())
            return (
                "请核对："
                + "；".join(f"{r.label}，{r.value}" for r in rows)
                + "。对的话请点“确认预约”。"
            )
        return super().spoken_text()

    def tour_steps(self) -> Iterator[TourStep]:
        if not self.available():
            yield "unavailable", lambda: self.show("unavailable")
            return
        vs = self.context().pack.data("visits")
        demo: dict[str, Any] = {
            "who": vs["eligibility"][0]["id"],
            "service": vs["services"][0]["id"],
            "id_number": "320483194403150026",
            "name": "王秀兰",
            "phone": "13812345678",
            **self.demo_address(),
        }
        answer = self.demo_fill(demo)

        def fill(step: str) -> None:
            if step == "day":
                slots = [s for s in self._load_slots() if s.remaining > 0]
                if slots:
                    self.set_answer("day", slots[0].date)
                    self.set_answer("slot", slots[0].period)
                return
            answer(step)

        yield from self.walk(fill)
        yield from self.states_tour(demo)
