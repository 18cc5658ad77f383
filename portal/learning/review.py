"""What a graded attempt may show the learner, decided here so a template cannot leak it.

After a pass everything is shown: which choices are correct and every explanation. After a
fail the learner sees, per question, whether it was right, the choices they picked with the
explanations attached to those choices, and the question's own explanation only when they got
it right (for a wrong answer it usually names the answer). Which choices are correct is never
shown after a fail: a failed attempt must not become the answer key for the next one, or
`max_attempts`, `draw` and `shuffle` would be pointless.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.learning.grading import GradeResult, QuestionResult


@dataclass(frozen=True)
class ReviewedChoice:
    text: str
    picked: bool
    correct: bool | None  # None: not revealed
    explain: str  # "" when there is none or it is not shown


@dataclass(frozen=True)
class ReviewedQuestion:
    number: int
    id: str
    prompt: str
    right: bool
    choices: tuple[ReviewedChoice, ...]  # in display order
    explain: str  # "" when there is none or it is not shown


def review(result: GradeResult) -> tuple[ReviewedQuestion, ...]:
    """The graded questions as the result page may show them (see the module docstring)."""
    return tuple(_review_question(r, reveal=result.passed) for r in result.questions)


def _review_question(graded: QuestionResult, reveal: bool) -> ReviewedQuestion:
    choices = tuple(
        ReviewedChoice(
            text=choice.text,
            picked=choice.key in graded.selected,
            correct=choice.correct if reveal else None,
            explain=choice.explain if reveal or choice.key in graded.selected else "",
        )
        for choice in graded.choices
    )
    question = graded.question
    return ReviewedQuestion(
        number=graded.number,
        id=question.id,
        prompt=question.prompt,
        right=graded.correct,
        choices=choices,
        explain=question.explain if reveal or graded.correct else "",
    )
