"""Every choice in the bundled Changzhou pack can be made by voice, on every screen."""

from __future__ import annotations

from kiosk.content import load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.commands import COMMANDS
from voice.matching import match


def test_saying_any_label_or_synonym_chooses_that_option_without_asking() -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    problems: list[str] = []
    checked = 0
    for screen_id in pack.screen_ids():
        own = list(pack.screen_options(screen_id))
        options = own + list(COMMANDS)
        for option in own:
            for phrase in (option.label, *option.synonyms):
                checked += 1
                result = match(phrase, options)
                if result.option is None or result.option.id != option.id or not result.accepted:
                    got = result.option.id if result.option else None
                    problems.append(f"{screen_id}: “{phrase}” -> {got} ({result.score})")
    assert checked > 300
    assert not problems, problems


def test_a_command_word_is_not_taken_over_by_a_pack_option() -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    for screen_id in ("home", "legal_aid.matter", "notary.matter", "visit.service"):
        options = list(pack.screen_options(screen_id)) + list(COMMANDS)
        for command in COMMANDS[:5]:  # 返回 上一步 下一步 重听 帮助
            result = match(command.label, options)
            assert result.option is command, (screen_id, command.label, result.option)


def test_every_phrase_of_the_pack_lexicon_chooses_its_own_option_on_its_screen() -> None:
    from voice.lexicon import Lexicon

    pack = load_pack(BUNDLED_PACK_DIR)
    lexicon = Lexicon.from_pack(pack)
    problems = []
    for screen, option_id, said in lexicon.phrases:
        options = list(pack.screen_options(screen)) + list(COMMANDS)
        for phrase in said:
            result = match(phrase, options, screen=screen, lexicon=lexicon)
            if result.option is None or result.option.id != option_id or not result.accepted:
                problems.append(
                    f"{screen}: “{phrase}” -> {result.option.id if result.option else None}"
                )
    assert lexicon.phrases and not problems, problems
