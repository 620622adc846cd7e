"""``kiosk-admin ask TEXT [--top N] [--json]`` — what 问一问 answers to a question.

The same index the kiosk's 问一问 uses (``voice.ask.AskIndex`` over the active pack's qa.json).
Nothing is counted or kept: the statistics count residents' misses, not an administrator's tries.
"""

from __future__ import annotations

import argparse

from kiosk.admin.cli import CliError, active_pack, emit


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


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ask",
        parents=[common],
        help="问一问：这个问题内容包里有没有答案（例：kiosk-admin ask 儿子不给赡养费怎么办）",
    )
    p.add_argument("text", nargs="+", help="the question, as a resident would say it")
    p.add_argument("--top", type=int, default=3, choices=range(1, 6), metavar="N", help="1-5")
    p.add_argument("--pack", help="content pack directory (default: the active pack)")
    p.set_defaults(func=cmd_ask)
