"""The safety rules run before any fuzzy score: a resident's meaning is never flipped."""

from __future__ import annotations

import pytest

from kiosk.content import ContentPack, Option
from voice.commands import COMMANDS
from voice.lexicon import Lexicon
from voice.matching import Reason, match, match_yes_no
from voice.options import VoiceOption
from voice.rules import PageKind, is_question, negated_scopes, normalise_negations


@pytest.fixture(scope="module")
def lexicon(pack: ContentPack) -> Lexicon:
    return Lexicon.from_pack(pack)


def _on(pack: ContentPack, screen: str) -> list[Option]:
    return list(pack.screen_options(screen)) + ([] if screen == "yes_no" else list(COMMANDS))


# -- negations ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "said",
    ["勿要法律援助", "伐要法律援助", "弗要法律援助", "覅法律援助", "不要法律援助", "我不要申请法律援助",
     "别给我办法律援助", "没有要法律援助", "不是法律援助"],
)  # fmt: skip
def test_a_negated_option_is_never_chosen_in_mandarin_or_wu(
    said: str, pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match(said, _on(pack, "home"), screen="home", lexicon=lexicon)
    assert result.option is None or result.option.id != "legal_aid", result
    assert not result.accepted


def test_refusing_an_option_says_so_and_asks_again(pack: ContentPack, lexicon: Lexicon) -> None:
    result = match("勿要法律援助", _on(pack, "home"), screen="home", lexicon=lexicon)
    assert result.asked_back and result.reason is Reason.NEGATED
    assert result.say is not None and "不选“申请法律援助”" in result.say


def test_a_negation_binds_only_to_what_follows_it_up_to_the_next_clause(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match("不是公证，是法律援助", _on(pack, "home"), screen="home", lexicon=lexicon)
    assert result.option is not None and result.option.id == "legal_aid"
    negations, positive = negated_scopes("不是公证是法律援助")
    assert [n.scope for n in negations] == ["公证"]
    assert positive == "是法律援助"


@pytest.mark.parametrize(
    "said", ["伐要", "勿要", "覅", "弗要", "伐是", "勿是", "不要", "伐好", "呒没"]
)
@pytest.mark.parametrize("page", [PageKind.YES_NO, PageKind.CONSENT, PageKind.CONFIRM])
def test_on_a_yes_no_page_a_wu_negation_is_no_and_never_yes(
    said: str, page: PageKind, pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match(said, _on(pack, "yes_no"), page=page, screen="yes_no", lexicon=lexicon)
    assert result.option is not None and result.option.id == "no", result
    assert match_yes_no(said, lexicon=lexicon) is False


def test_words_that_only_start_like_a_negation_negate_nothing(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    role = match("帮别人申请", _on(pack, "legal_aid.applicant_role"), lexicon=lexicon)
    assert role.option is not None and role.option.id == "agent" and role.accepted
    town = match("别桥", _on(pack, "region.town/liyang"), lexicon=lexicon)
    assert town.option is not None and town.option.id == "bieqiao" and town.accepted
    assert match_yes_no("没错") is True


def test_an_option_whose_own_words_hold_a_negation_is_still_chosen(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match("没签合同", _on(pack, "legal_aid.matter"), screen="legal_aid.matter")
    assert result.option is not None and result.option.id == "labour_relation" and result.accepted


def test_dialect_negations_are_rewritten_but_a_final_wu_question_particle_is_kept() -> None:
    assert normalise_negations("伐要法律援助") == "不要法律援助"
    assert normalise_negations("覅") == "不要"
    assert normalise_negations("好伐") == "好伐"


# -- questions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "said",
    ["好不好", "行不行", "是不是", "对不对", "要不要", "有没有", "可不可以", "能不能", "好伐", "是吗",
     "要伐？", "同意啊？", "是的吗"],
)  # fmt: skip
def test_a_question_back_is_never_an_answer_on_a_yes_no_page(
    said: str, pack: ContentPack, lexicon: Lexicon
) -> None:
    for page in (PageKind.YES_NO, PageKind.CONSENT, PageKind.SUBMIT):
        result = match(said, _on(pack, "yes_no"), page=page, screen="yes_no", lexicon=lexicon)
        assert result.option is None and result.asked_back, (said, page, result)
        assert result.reason is Reason.QUESTION
        assert result.say is not None and "“是”" in result.say and "“不是”" in result.say
    assert match_yes_no(said) is None


def test_a_question_about_an_option_asks_again_in_plain_words(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match("法律援助好不好", _on(pack, "home"), screen="home", lexicon=lexicon)
    assert result.option is None and result.asked_back
    assert result.say is not None and "申请法律援助" in result.say


def test_a_repeated_no_is_not_mistaken_for_a_question() -> None:
    assert not is_question("不是不是")
    assert not is_question("不对不对")
    assert match_yes_no("不是不是") is False


def test_an_option_that_is_itself_a_question_is_still_chosen(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match("结果出来没有", _on(pack, "home"), screen="home", lexicon=lexicon)
    assert result.option is not None and result.option.id == "status" and result.accepted


# -- places elsewhere in the pack --------------------------------------------------------------
@pytest.mark.parametrize(
    ("screen", "said"),
    [("region.town/zhonglou", "湖塘"), ("region.town/zhonglou", "湖塘镇"), ("region.town/wujin", "奔牛"),
     ("region.town/tianning", "邹区"), ("region.district", "湖塘")],
)  # fmt: skip
def test_a_place_in_another_district_is_not_taken_for_a_town_here(
    screen: str, said: str, pack: ContentPack, lexicon: Lexicon
) -> None:
    result = match(said, _on(pack, screen), screen=screen, lexicon=lexicon)
    assert result.option is None and result.asked_back, result
    assert result.reason is Reason.OTHER_PLACE
    assert result.say is not None and said in result.say


def test_the_same_place_on_its_own_page_is_chosen(pack: ContentPack, lexicon: Lexicon) -> None:
    screen = "region.town/wujin"
    result = match("湖塘", _on(pack, screen), screen=screen, lexicon=lexicon)
    assert result.option is not None and result.option.id == "hutang" and result.accepted


# -- binary pages ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "page", [PageKind.CONSENT, PageKind.YES_NO, PageKind.CONFIRM, PageKind.SUBMIT]
)
def test_on_a_binary_page_only_the_answer_itself_is_taken_without_asking(
    page: PageKind, pack: ContentPack, lexicon: Lexicon
) -> None:
    options = _on(pack, "yes_no")
    said = match("是的", options, page=page, screen="yes_no", lexicon=lexicon)
    assert said.accepted and said.option is not None and said.option.id == "yes"
    alike = match("事的", options, page=page, screen="yes_no", lexicon=lexicon)
    assert alike.option is not None and alike.option.id == "yes" and alike.needs_confirmation
    assert alike.say == "您是说“是”吗？"
    mixed = match("是的，不要", options, page=page, screen="yes_no", lexicon=lexicon)
    assert not mixed.accepted or (mixed.option is not None and mixed.option.id == "no")


def test_the_same_near_answer_on_a_choice_page_is_taken() -> None:
    options = [VoiceOption("a", "同意"), VoiceOption("b", "不同意")]
    assert match("同一", options).accepted
    consent = match("同一", options, page=PageKind.CONSENT)
    assert consent.needs_confirmation and consent.say == "您是说“同意”吗？"
    refused = match("勿同意", options, page=PageKind.CONSENT)
    assert refused.option is not None and refused.option.id == "b"


def test_chit_chat_near_an_option_is_never_taken_on_a_consent_page(
    pack: ContentPack, lexicon: Lexicon
) -> None:
    for said in ("是这样的啊我跟你讲", "有点事", "对面的人", "好像下雨了"):
        result = match(
            said, _on(pack, "yes_no"), page=PageKind.CONSENT, screen="yes_no", lexicon=lexicon
        )
        assert not result.accepted, (said, result)


# -- ages --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("said", "chosen"),
    [("我今年八十二岁", "elderly"), ("八十岁了", "elderly"), ("九十一周岁", "elderly")],
)
def test_an_age_said_as_a_number_picks_its_age_group(
    said: str, chosen: str, pack: ContentPack, lexicon: Lexicon
) -> None:
    screen = "visit.eligibility"
    result = match(said, _on(pack, screen), screen=screen, lexicon=lexicon)
    assert result.option is not None and result.option.id == chosen and result.accepted


@pytest.mark.parametrize("said", ["七十八岁", "我今年七十九了", "快八十了", "六十八岁"])
def test_an_age_outside_every_group_is_asked_about_not_matched_by_sound(
    said: str, pack: ContentPack, lexicon: Lexicon
) -> None:
    screen = "visit.eligibility"
    result = match(said, _on(pack, screen), screen=screen, lexicon=lexicon)
    assert result.option is None and result.asked_back and result.reason is Reason.AGE


def test_a_two_syllable_question_back_is_not_an_answer_but_a_refusal_said_twice_is() -> None:
    # 同意不同意？ asks back (AB不AB); 没有没有 and 不是不是 are a resident's firm no.
    from voice.rules import is_question

    assert is_question("同意不同意啊") and is_question("同不同意")
    assert not is_question("没有没有") and not is_question("不是不是")
    assert not is_question("不同意不同意")
