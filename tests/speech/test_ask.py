"""问一问: a question in free words finds a vetted answer of the pack — or says honestly that none is there."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.content import ContentPack
from kiosk.stats import StatsRecorder
from offline_cache.store import Store
from voice.ask import AskIndex

HERE = Path(__file__).resolve().parent
# Topics the issue asks the bundled pack to cover (qa.json topic ids).
TOPICS = {"family", "land", "sannong", "work", "traffic", "neighbour", "fraud", "service"}


@pytest.fixture(scope="module")
def index(pack: ContentPack) -> AskIndex:
    return AskIndex.from_pack(pack)


def _questions() -> list[tuple[str, str]]:
    rows = []
    for line in (HERE / "ask_questions.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, question = line.split("\t")
            rows.append((expected, question))
    return rows


def test_the_bundled_pack_has_at_least_150_sourced_entries_on_every_topic(
    pack: ContentPack,
) -> None:
    entries = pack.data("qa")["entries"]
    assert len(entries) >= 150
    assert {e["topic"] for e in entries} == TOPICS
    for e in entries:
        assert e["basis"] and all(
            b["article"].startswith("第") or b["law"].startswith("本服务站") for b in e["basis"]
        ), e["id"]
        assert date.fromisoformat(e["checked"]) <= date(2026, 12, 31)


def test_the_question_set_is_written_differently_from_the_entries(pack: ContentPack) -> None:
    own = {q for e in pack.data("qa")["entries"] for q in e["questions"]}
    rows = _questions()
    in_scope = [q for expected, q in rows if expected != "-"]
    assert len(in_scope) >= 100 and len(rows) - len(in_scope) >= 30
    assert not [q for q in in_scope if q in own]


def test_the_question_set_finds_the_right_entry_in_the_top_three_and_nothing_out_of_scope(
    index: AskIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    right = 0
    per_topic: Counter[str] = Counter()
    per_topic_right: Counter[str] = Counter()
    topic_of = {e.id: e.topic for e in index.entries}
    misses: list[str] = []
    false_found: list[str] = []
    rows = _questions()
    for expected, question in rows:
        result = index.ask(question)
        ids = [h.entry.id for h in result.hits]
        if expected == "-":
            if result.found:
                false_found.append(f"{question} -> {ids}")
            continue
        per_topic[topic_of[expected]] += 1
        if expected in ids:
            right += 1
            per_topic_right[topic_of[expected]] += 1
        else:
            misses.append(f"{question} -> {ids} (expected {expected})")
    in_scope = sum(per_topic.values())
    with capsys.disabled():
        print(
            f"\n问一问 question set: {in_scope} questions, right entry in top 3 {right / in_scope:.1%};"
            f" {len(rows) - in_scope} out of scope, answered anyway {len(false_found)}"
        )
        print(
            "  by topic: "
            + ", ".join(f"{t} {per_topic_right[t]}/{n}" for t, n in per_topic.items())
        )
    assert right / in_scope >= 0.95, misses
    assert not false_found


def test_an_answer_is_read_verbatim_with_its_legal_basis(
    index: AskIndex, pack: ContentPack
) -> None:
    result = index.ask("我儿子不给我生活费，我能告他吗")
    assert result.found and len(result.hits) <= 3
    best = result.hits[0].entry
    raw = next(e for e in pack.data("qa")["entries"] if e["id"] == best.id)
    assert best.spoken.startswith(raw["answer"])
    assert all(f"《{b['law']}》{b['article']}" in best.spoken for b in raw["basis"])
    assert result.hits[0].prompt == f"您是想问“{raw['questions'][0]}”吗？"


def test_a_recognition_homophone_still_finds_the_entry(index: AskIndex) -> None:
    result = index.ask("宅急地")  # 宅基地 as a recogniser may write it
    assert result.found and result.hits[0].entry.id.startswith("homestead")


def test_a_question_out_of_scope_offers_12348_a_home_visit_and_staff(index: AskIndex) -> None:
    result = index.ask("明天会不会下雨")
    assert not result.found
    assert "12348" in result.say and "上门" in result.say and "工作人员" in result.say


def test_a_miss_is_counted_without_the_question(pack: ContentPack, tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    stats = StatsRecorder(store, village="演示村", today=lambda: date(2026, 12, 1))
    index = AskIndex.from_pack(pack, on_miss=stats.ask_missed)
    index.ask("猪肉多少钱一斤")
    index.ask("我儿子不给我生活费，我能告他吗")  # found: not a miss
    with store.atomic() as conn:
        rows = conn.execute("SELECT * FROM usage_counts WHERE metric = 'ask_missed'").fetchall()
    assert [tuple(r)[-1] for r in rows] == [1]
    dump = "\n".join(str(tuple(r)) for r in conn.execute("SELECT * FROM usage_counts"))
    assert "猪肉" not in dump


def test_kiosk_admin_ask_prints_the_answers_and_says_not_found_with_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "--json", "--top", "2", "包工头跑了工钱找谁要"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] and 1 <= len(data["hits"]) <= 2
    assert data["hits"][0]["id"] == "wages_contractor_fled"
    assert data["hits"][0]["basis"]
    assert main(["ask", "今天天气怎么样"]) == 1
    assert "12348" in capsys.readouterr().out
