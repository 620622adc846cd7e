"""公证材料清单 as a step table: the matter, then that matter's yes/no questions, then the list.

The questions themselves are data of each matter in the pack (``notary.json``: ``questions``
with ``ask_if``), so the table has one ``question`` step that stands for however many of them
apply; :func:`notary_pages` spells the path out and :func:`question_position` counts
第N个问题，共M个 from it.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk import notary
from kiosk.content import ContentPack
from kiosk.wizards.steps import Kind, Step, Wizard

QUESTION_PREFIX = "question:"

NOTARY = Wizard(
    kind="notary",
    steps=(
        Step("matters", Kind.CHOICE, "notary.step.matter.question", options="notary.matter"),
        # No text key: the questions are each matter's own (notary.json ``questions``).
        Step("question", Kind.YES_NO),
        Step("checklist", Kind.RESULT),
    ),
)


def question_page(question_id: str) -> str:
    """The page id of one of a matter's questions (what usage statistics record)."""
    return f"{QUESTION_PREFIX}{question_id}"


def notary_pages(pack: ContentPack, matter: str | None, answers: Mapping[str, bool]) -> list[str]:
    """The pages on this path: matters, each question that applies so far, the checklist."""
    path = [NOTARY.steps[0].id]
    if matter:
        path += [question_page(q.id) for q in notary.questions(pack, matter, answers)]
        path.append(NOTARY.steps[-1].id)
    return path


def question_position(
    pack: ContentPack, matter: str, answers: Mapping[str, bool]
) -> tuple[int, int]:
    """``(n, m)`` for 第n个问题，共m个: answered so far plus the ones still to ask."""
    applicable = [q.id for q in notary.questions(pack, matter, answers)]
    pending = [q for q in applicable if q not in answers]
    return len(answers) + 1, len(answers) + len(pending)
