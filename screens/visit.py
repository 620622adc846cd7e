"""预约上门服务: who needs the visit → service → day tiles (next working days) → slot tiles with
what is left → ID, name, address and phone → confirm → receipt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from kivy.uix.gridlayout import GridLayout

from kiosk.session import STAFF_OVERRIDE, book_home_visit, visit_steps
from kiosk.validation import check_phone, check_resident_id, name_problem
from screens.base import TourStep
from screens.widgets import BigButton, BodyLabel, NoteLabel, nav_button
from screens.wizard import WizardScreen


class VisitScreen(WizardScreen):
    kind = "visit_booking"

    def __init__(
        self,
        *,
        submit: Callable[[str, dict[str, Any]], Any],
        ledger: Any,
        home_district: str,
        on_step: Callable[[str, str], None] | None = None,
        today: Callable[[], date] = date.today,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.submit = submit
        self.ledger = ledger
        self.home_district = home_district
        self.on_step = on_step
        self.today = today
        self.title = "预约上门服务"
        self.slots: list[Any] = []

    def steps(self) -> list[str]:
        if self.pack is None or self.ledger is None:
            return ["unavailable"]
        return visit_steps(self.answers, self.session.staff_id)

    def _district(self) -> str | None:
        chosen = self.answer("address_district")
        if chosen:
            return str(chosen)
        ids = {o.id for o in self.pack.districts()}
        return self.home_district if self.home_district in ids else None

    def _load_slots(self) -> list[Any]:
        self.slots = self.ledger.available_slots(
            self.answer("service"), self._district(), today=self.today(), include_full=True
        )
        return self.slots

    def render(self, step: str) -> None:
        self.voice_options_id = ""
        if step == "unavailable":
            self.header("暂时不能预约")
            self.message("本机暂时不能预约上门服务。请拨打 12348，或找工作人员。")
            self.nav(next_text=None)
            return
        vs = self.pack.data("visits")
        if step == "who":
            self.voice_options_id = "visit.eligibility"
            options = [(e["id"], e["label"]) for e in vs["eligibility"]]
            if self.session.staff_id:  # only staff may book outside the rules, with a reason
                options.append((STAFF_OVERRIDE, "工作人员破例预约"))
            self.choice_page(
                "请问是谁需要上门服务？",
                "who",
                options,
                note="上门服务是给行动不便的老人、残疾人和重病患者的。",
            )
        elif step == "override_reason":
            from kiosk.validation import text_problem

            least = int(vs["booking"]["override_reason_min_chars"])
            self.text_page(
                "破例预约的理由（写清楚为什么需要上门）：",
                "override_reason",
                max_length=200,
                validate=lambda v: text_problem(
                    v, "破例预约的理由", min_chars=least, max_chars=200
                ),
            )
        elif step == "service":
            self.voice_options_id = "visit.service"
            self.choice_page(
                "要预约哪一项上门服务？", "service", [(s["id"], s["label"]) for s in vs["services"]]
            )
        elif step == "day":
            self.day_page()
        elif step == "slot":
            self.slot_page()
        elif step == "id_number":
            self.digits_page(
                "请输入需要上门的那一位的身份证号码。",
                "id_number",
                allow_x=True,
                note="最后一位是 X 的，点“X”键。",
                validate=lambda v: check_resident_id(v).problem,
            )
        elif step == "name":
            self.text_page("请输入需要上门的那一位的姓名。", "name", validate=name_problem)
        elif step == "address":
            self.address_page(
                "上门的地址在哪里？",
                "address",
                district_hint=self.home_district,
                detail_required=True,  # the team has to find the door
            )
        elif step == "phone":
            self.digits_page(
                "请留一个联系电话，上门前工作人员会先打给您。",
                "phone",
                max_length=12,
                validate=lambda v: check_phone(v).problem,
            )
        elif step == "confirm":
            self.confirm_page()

    def day_page(self) -> None:
        self.header("哪一天上门？点一个日子（只列工作日）")
        by_day: dict[str, list[Any]] = {}
        for s in self._load_slots():
            by_day.setdefault(s.date, []).append(s)
        tiles = []
        for day, slots in sorted(by_day.items()):
            d = date.fromisoformat(day)
            tiles.append((day, f"{d.month}月{d.day}日\n星期{slots[0].weekday}", slots))
        grid = self._capacity_grid(tiles, "day", self._pick_day, cols=4, spacing=20, rows_px=1.8)
        if not by_day:
            self.message("最近两周没有空的名额了，请过几天再来，或者拨打 12348。")
        self.page.add(grid)
        self.nav(next_text="下一步" if self.answer("day") else None)

    def _capacity_grid(
        self,
        tiles: list[tuple[str, str, list[Any]]],
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
        self.choices = []
        for key, heading, slots in tiles:
            left = sum(s.remaining for s in slots)
            label = f"{heading}\n" + (f"还剩{left}个" if left else "已约满")
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

    def slot_page(self) -> None:
        day = self.answer("day")
        d = date.fromisoformat(day)
        self.header(f"{d.month}月{d.day}日，上午还是下午？")
        periods: dict[str, list[Any]] = {}
        for s in self.slots or self._load_slots():
            if s.date == day:
                periods.setdefault(s.period, []).append(s)
        tiles = [
            (period, f"{slots[0].period_label}\n{slots[0].start}–{slots[0].end}", slots)
            for period, slots in periods.items()
        ]
        grid = self._capacity_grid(tiles, "slot", self._pick_slot, cols=2, spacing=40, rows_px=2)
        self.page.add(grid)
        self.nav(next_text="下一步" if self.answer("slot") else None)

    def _pick_slot(self, period: str) -> None:
        self.set_answer("slot", period)
        self.go_next()

    def _summary(self) -> list[tuple[str, str, str]]:
        vs = self.pack.data("visits")
        labels = {
            x["id"]: x["label"] for k in ("eligibility", "services", "periods") for x in vs[k]
        }
        a = self.answers
        day = a.get("day")
        when = ""
        if day:
            d = date.fromisoformat(day)
            when = f"{d.month}月{d.day}日 {labels.get(a.get('slot', ''), '')}"
        return [
            ("谁需要上门", labels.get(a.get("who", ""), ""), "who"),
            ("上门服务", labels.get(a.get("service", ""), ""), "service"),
            ("时间", when, "day"),
            ("身份证号", a.get("id_number", ""), "id_number"),
            ("姓名", a.get("name", ""), "name"),
            ("地址", self.address_label("address"), "address"),
            ("电话", a.get("phone", ""), "phone"),
        ]

    def confirm_page(self) -> None:
        self.header("请核对，对的话点“确认预约”")
        from screens.widgets import row

        for label, value, step in self._summary():
            text = BodyLabel(text=f"{label}：{value}")
            edit = BigButton(text="修改", size_hint_x=None, width=self.style.touch_px * 1.4)
            edit.bind(on_release=lambda _w, s=step: self.show(s))
            self.page.add(row(text, edit, height=self.style.touch_px))
        self.page.add(BodyLabel(text=self.pack.data("visits")["booking"]["text"]))
        if self.session.staff_id:
            self.page.add(NoteLabel(text=f"代为填写：工号 {self.session.staff_id}"))
        self.nav(next_text=None, extra=[nav_button("确认预约", self.send, role="accent")])

    def send(self) -> None:

        try:
            booking, receipt = book_home_visit(
                self.ledger, self.submit, self.answers, staff_id=self.session.staff_id
            )
        except Exception as exc:  # rules, a full slot or storage trouble: keep the answers
            self.show("confirm")
            self.message(f"没能预约：{exc}")
            return
        summary = {label: value for label, value, _ in self._summary()}
        lines = [
            f"{summary['时间']}，{summary['上门服务']}上门服务。",
            f"现在是“{booking.status_label}”。" + self.pack.data("visits")["booking"]["text"],
        ]
        self.finish_submitted(receipt, "上门服务预约已提交", lines)

    def spoken_text(self) -> str:
        if self.step_id == "confirm":
            return (
                "请核对："
                + "；".join(f"{k}，{v}" for k, v, _ in self._summary())
                + "。对的话请点“确认预约”。"
            )
        return super().spoken_text()

    def tour_steps(self) -> Iterator[TourStep]:
        if self.steps() == ["unavailable"]:
            yield "unavailable", lambda: self.show("unavailable")
            return
        vs = self.pack.data("visits")
        districts = self.pack.districts()
        d = next((o.id for o in districts if o.id == self.home_district), districts[0].id)
        t = self.pack.towns(d)[0].id
        v = self.pack.villages(d, t)[0].id
        demo: dict[str, Any] = {
            "who": vs["eligibility"][0]["id"],
            "service": vs["services"][0]["id"],
            "id_number": "320483194403150026",
            "name": "王秀兰",
            "phone": "13812345678",
            "address_district": d,
            "address_town": t,
            "address_village": v,
            "_address_level": "detail",
        }

        def fill(step: str) -> None:
            if step == "day":
                slots = [s for s in self._load_slots() if s.remaining > 0]
                if slots:
                    self.set_answer("day", slots[0].date)
                    self.set_answer("slot", slots[0].period)
                return
            for key, value in demo.items():
                if (
                    key == step
                    or key.startswith(step + "_")
                    or (step == "address" and key.startswith("_address"))
                ):
                    self.set_answer(key, value)

        yield from self.walk(fill)
