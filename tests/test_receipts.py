"""Receipt codes: easy to say, unpredictable, unique per terminal, every single slip caught."""

from hypothesis import given
from hypothesis import strategies as st

from kiosk import display_text, receipts

codes = st.text(alphabet=receipts.ALPHABET, min_size=11, max_size=11).map(receipts.with_check)


def test_new_codes_are_twelve_digits_without_zero_or_one_and_valid() -> None:
    for _ in range(200):
        code = receipts.new_code()
        assert len(code) == 12
        assert set(code) <= set("23456789")
        assert receipts.is_valid(code)


@given(codes, st.integers(min_value=0, max_value=11), st.sampled_from("23456789"))
def test_every_single_character_change_is_detected(code: str, pos: int, ch: str) -> None:
    changed = code[:pos] + ch + code[pos + 1 :]
    assert receipts.is_valid(changed) == (changed == code)


def test_codes_are_random_not_a_sequence_every_terminal_repeats() -> None:
    drawn = [receipts.new_code() for _ in range(2_000)]
    assert len(set(drawn)) == len(drawn)
    # Each data position uses the whole alphabet: no position is fixed or counter-driven.
    for pos in range(receipts.DATA_LEN):
        assert {code[pos] for code in drawn} == set(receipts.ALPHABET)


def test_codes_are_shown_in_three_groups_of_four() -> None:
    assert display_text.receipt_code("234567892345") == "2345 6789 2345"
    assert display_text.receipt_code("234567") == "2345 67"  # while it is being typed


def test_spaces_and_dashes_are_forgiven_and_problems_are_plain() -> None:
    code = receipts.new_code()
    assert receipts.is_valid(f"{code[:4]} - {code[4:8]} {code[8:]}")
    assert receipts.problem("1234") == "回执号码里没有 0 和 1，请再看一下回执单。"
    assert "12 位" in (receipts.problem("2345") or "")
    assert receipts.problem(code) is None


def test_an_old_eight_digit_slip_is_still_accepted_when_typed() -> None:
    old = receipts.with_check("2345678")
    assert receipts.problem(old) is None and receipts.normalize(old) == old


def test_spoken_form_reads_digit_by_digit() -> None:
    assert display_text.digits_spoken("23456789") == "二，三，四，五，六，七，八，九"
