"""What a learner sees after an attempt: each question, right or wrong, and why."""

from dataclasses import dataclass

from app.quizzes.models import AttemptAnswer
from app.quizzes.question_types import Choice
from app.quizzes.question_types import get_question_type


@dataclass(frozen=True)
class ChoiceReview:
    """One option as reviewed: chosen or not, right or not, and its feedback."""

    choice: Choice
    is_chosen: bool

    @property
    def shows_feedback(self) -> bool:
        """Feedback is shown for chosen options and for right options the learner missed."""
        return self.is_chosen or self.choice.is_correct


@dataclass(frozen=True)
class AnswerReview:
    """One question of an attempt, with the learner's answer and the explanation."""

    answer: AttemptAnswer
    choices: list[ChoiceReview]

    @property
    def question(self):
        """The question answered."""
        return self.answer.question


def review_answers(answers: list[AttemptAnswer]) -> list[AnswerReview]:
    """Build the review of an attempt's answers."""
    reviews = []
    for answer in answers:
        question_type = get_question_type(answer.question.type)
        chosen = set(answer.response)
        # In the order the learner saw them (attempts made before shuffling: the question's order).
        choices = [ChoiceReview(c, c.key in chosen) for c in question_type.choices(answer.question.data, answer.shown_order)]
        reviews.append(AnswerReview(answer, choices))
    return reviews
