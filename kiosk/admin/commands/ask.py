"""``kiosk-admin ask TEXT [--top N] [--json]``: what 问一问 answers to a question.

The same index the kiosk's 问一问 uses (``voice.ask.AskIndex`` over the active pack's qa.json).
Nothing is counted or kept: the statistics count residents' misses, not an administrator's tries.
"""

from __future__ import annotations

import argparse

from kiosk.admin.common import CliError, Subparsers, active_pack, add_command, pack_option
from kiosk.admin.output import emit


def cmd_ask(args: argparse.Namespace) -> int:
    from voice.ask import AskIndex

    question = " ".join(args.text).strip()
    if not question:
        raise CliError("请写出要问的问题。")
    result = AskIndex.from_pack(active_pack(args)).ask(question, top=args.top)
    lines = [
        f"{i}. {hit.entry.title}（{hit.entry.id}，得分 {hit.score}）\n   {hit.entry.spoken}"
        for i, hit in enumerate(result.hits, start=1)
    ]
    emit(
        args,
        "\n".join(lines) if lines else f"没有找到答案。{result.not_found_text}",
        {
            "found": result.found,
            "say": result.say,
            "hits": [
                {
                    "id": h.entry.id,
                    "question": h.entry.title,
                    "score": h.score,
                    "answer": h.entry.answer,
                    "basis": [{"law": b.law, "article": b.article} for b in h.entry.basis],
                    "checked": h.entry.checked.isoformat(),
                }
                for h in result.hits
            ],
        },
    )
    return 0 if result.found else 1


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "ask",
        cmd_ask,
        help="问一问：这个问题内容包里有没有答案（找到的最像的几条，带依据）",
        example="ask 儿子不给赡养费怎么办\nask 宅基地能不能卖 --top 5 --json",
        parents=[common, pack_option()],
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="要问的问题，照居民说的话写")
    p.add_argument(
        "--top",
        type=int,
        default=3,
        choices=range(1, 6),
        metavar="N",
        help="列出几条（1 到 5，默认 3）",
    )
