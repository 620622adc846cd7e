"""Receipt codes: easy to say, unique per terminal, every single slip caught."""

from hypothesis import given
from hypothesis import strategies as st

from kiosk import receipts

counters = st.integers(min_value=1, max_value=receipts.CAPACITY)


@given(counters)
def test_codes_are_eight_digits_without_zero_or_one(counter: int) -> None:
    code = receipts.code_for_counter(counter)
    assert len(code) == 8
    assert set(code) <= set("23456789")
    assert receipts.is_valid(code)


@given(counters, st.integers(min_value=0, max_value=7), st.sampled_from("23456789"))
def test_every_single_character_change_is_detected(counter: int, pos: int, ch: str) -> None:
    code = receipts.code_for_counter(counter)
    changed = code[:pos] + ch + code[pos + 1 :]
    assert receipts.is_valid(changed) == (changed == code)


def test_codes_are_unique_over_many_counters() -> None:
    codes = {receipts.code_for_counter(n) for n in range(1, 50_001)}
    assert len(codes) == 50_000


def test_neighbouring_receipts_do_not_look_alike() -> None:
    a, b = receipts.code_for_counter(100), receipts.code_for_counter(101)
    assert sum(x != y for x, y in zip(a, b, strict=True)) >= 3


def test_spaces_and_dashes_are_forgiven_and_problems_are_plain() -> None:
    code = receipts.code_for_counter(7)
    assert receipts.is_valid(f"{code[:4]} - {code[4:]}")
    assert receipts.problem("1234") == "回执号码里没有 0 和 1，请再看一下回执单。"
    assert "8 位" in (receipts.problem("2345") or "")
    assert receipts.problem(code) is None


def test_spoken_form_reads_digit_by_digit() -> None:
    assert receipts.spoken("23456789") == "二，三，四，五，六，七，八，九"
