"""Quiz operations: import, grading, attempts. They flush; the caller commits."""

import secrets
from fractions import Fraction

from sqlalchemy import select

from app.auth.models import UserRef
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import ContentKind
from app.catalogue.revisions import record_revision
from app.catalogue.services import IMPORT
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.catalogue.services import bump_course_version
from app.clock import now_utc
from app.db_util import insert_absent_returning
from app.db_util import insert_rows
from app.db_util import new_row
from app.extensions import db
from app.quizzes.loader import QuestionSpec
from app.quizzes.loader import QuizSpec
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from app.quizzes.question_types import get_question_type
from app.signals import quiz_attempt_submitted


def sync_quizzes(specs: list[QuizSpec], publication: Publication = IMPORT) -> SyncReport:
    """Upsert quizzes by module and questions by id; archive the ones no longer in the package.

    The package must have been validated: every module and reading named exists.
    """
    report = SyncReport()
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    readings = {r.slug: r.id for r in db.session.scalars(select(Reading))}
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz))}
    seen_modules = set()
    for spec in specs:
        module = modules[spec.module_slug]
        seen_modules.add(module.id)
        quiz = quizzes.get(module.id)
        if quiz is None:
            quiz = Quiz(module_id=module.id)
            db.session.add(quiz)
        _apply_quiz(quiz, spec, readings, report, publication)
    for module_id, quiz in quizzes.items():
        if module_id not in seen_modules and not quiz.is_archived:
            quiz.is_archived = True
            report.archived.append(f"quiz {quiz.module.slug}")
    db.session.flush()
    return report


def _apply_quiz(quiz: Quiz, spec: QuizSpec, readings: dict[str, int], report: SyncReport, publication: Publication = IMPORT) -> None:
    """Copy one quiz file's spec onto ``quiz`` (new or not); keep its text as a revision if it changed."""
    is_new = quiz.id is None
    changed = is_new or quiz.source != spec.source or quiz.is_archived
    text_changed = is_new or quiz.source != spec.source or quiz.revision == 0  # 0: created by an author, never published
    quiz.title, quiz.pass_mark, quiz.estimated_minutes = spec.title, spec.pass_mark, spec.estimated_minutes
    quiz.shuffle_options, quiz.partial_credit = spec.shuffle_options, spec.partial_credit
    quiz.filename, quiz.source, quiz.is_archived = spec.filename, spec.source, False
    db.session.flush()
    if changed:
        _sync_questions(quiz, spec.questions, readings)
    if is_new:
        report.created.append(f"quiz {spec.module_slug}")
    elif changed:
        quiz.revision += 1
        quiz.updated_dt = now_utc()
        report.updated.append(f"quiz {spec.module_slug}")
    else:
        report.unchanged += 1
    if text_changed:
        db.session.flush()
        record_revision(ContentKind.QUIZ, quiz.id, quiz.revision, spec.source, author_id=publication.author_id,
                        origin=publication.origin, restored_from=publication.restored_from)


def publish_quiz(quiz: Quiz, spec: QuizSpec, publication: Publication) -> None:
    """Make ``spec`` (one quiz file's new text) the published quiz; flushes.

    Every reading the questions name must exist (the caller validated them).
    """
    readings = {r.slug: r.id for r in db.session.scalars(select(Reading))}
    _apply_quiz(quiz, spec, readings, SyncReport(), publication)
    bump_course_version()
    db.session.flush()


def _sync_questions(quiz: Quiz, specs: list[QuestionSpec], readings: dict[str, int]) -> None:
    existing = {q.key: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(False)))}
    answered = set(db.session.scalars(select(AttemptAnswer.question_id).where(AttemptAnswer.question_id.in_([q.id for q in existing.values()])).distinct()))
    archived = {q.key: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(True)).order_by(Question.id))}
    for spec in specs:
        content = {"type": spec.type, "prompt": spec.prompt, "explanation": spec.explanation, "reading_id": readings[spec.reading_slug], "data": spec.data}
        question = existing.pop(spec.key, None)
        if question is not None and question.id in answered and _content_of(question) != content:
            # Learners answered this version: keep it, archived, for their past attempts.
            question.is_archived = True
            db.session.flush()
            question = None
        if question is None:
            question = _unchanged_archived(archived.get(spec.key), content) or Question(quiz_id=quiz.id, key=spec.key)
        for name, value in content.items():
            setattr(question, name, value)
        question.position, question.is_archived = spec.position, False
        db.session.add(question)
        db.session.flush()
    # Questions removed from the file are archived, not deleted: past answers still point to them.
    for question in existing.values():
        question.is_archived = True


def _content_of(question: Question) -> dict:
    return {"type": question.type, "prompt": question.prompt, "explanation": question.explanation, "reading_id": question.reading_id, "data": question.data}


def _unchanged_archived(question: Question | None, content: dict) -> Question | None:
    """Bring back an archived question if it comes back exactly as it was (a restore)."""
    return question if question is not None and _content_of(question) == content else None


#: A quiz that shuffles its options shows each attempt one of this many orders, drawn at random:
#: enough that no position can be learnt or passed on, few enough that the questions' markup is
#: rendered once per order and shared by every learner (see the quiz page).
ORDER_VARIANTS = 16


def new_attempt_token() -> str:
    """Return the random token that identifies one rendering of a quiz form: ``<variant>.<random>``."""
    return f"{secrets.randbelow(ORDER_VARIANTS)}.{secrets.token_urlsafe(24)}"


def order_seed(token: str) -> str:
    """Return the part of an attempt token that draws its order: the variant, else the whole token.

    A learner could send a token of their own choosing, and so pick one of the orders: that
    changes nothing, since answers are graded by option key, never by position.
    """
    variant, dot, _rest = token.partition(".")
    return variant if dot and variant.isdigit() and int(variant) < ORDER_VARIANTS else token


def find_attempt(user: UserRef, token: str) -> QuizAttempt | None:
    """Return the attempt ``user`` already submitted with ``token``, if any."""
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.token == token))


def shown_orders(quiz: Quiz, token: str) -> dict[int, list[str]]:
    """Return, by question id, the option keys in the order the attempt ``token`` shows them.

    The order is drawn from the attempt's token (its variant, see :func:`order_seed`, and the
    question's key), so the page sent again with the same token, a reload of a refused form or
    its grading all see the same order without storing anything before the attempt is submitted;
    the submitted attempt then keeps it.
    """
    def seed(question: Question) -> str | None:
        return f"{order_seed(token)}/{question.key}" if quiz.shuffle_options else None

    return {q.id: get_question_type(q.type).shown_order(q.data, seed(q)) for q in quiz.questions}


def submit_attempt(user: UserRef, quiz: Quiz, responses: dict[int, list[str]], token: str) -> tuple[QuizAttempt, bool]:
    """Grade and store an attempt; a second submission with the same token returns the first.

    Two statements whatever the number of questions: the attempt, whose insert the unique token
    settles (a double click inserts nothing the second time, without a read first or a savepoint),
    then every answer in one insert. The new attempt and its answers are not in the session: their
    values stay readable after the commit, with no query to load them again.

    :param responses: chosen option keys by question id.
    :return: the attempt and whether it was created by this call.
    """
    questions = quiz.questions
    orders = shown_orders(quiz, token)
    graded = [(q, responses.get(q.id, [])) for q in questions]
    credits = [get_question_type(q.type).credit(q.data, r, quiz.partial_credit) for q, r in graded]
    earned = sum(credits, Fraction(0))
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        token=token,
        quiz_revision=quiz.revision,
        correct_count=sum(credit == 1 for credit in credits),
        question_count=len(questions),
        score=float(earned / len(questions)) if questions else 0.0,
        # Exact: a float score can fall a hair under a mark it reaches (7 of 10 against 70 %).
        is_passed=earned * 100 >= quiz.pass_mark * len(questions),
        submitted_dt=now_utc(),
    )
    attempt.id = insert_absent_returning(QuizAttempt, new_row(attempt), ["user_id", "token"], "id")
    if attempt.id is None:
        # Sent again, or a twin request (double click) inserted the same token first: use its attempt.
        return find_attempt(user, token), False
    answers = [
        AttemptAnswer(attempt_id=attempt.id, question_id=q.id, position=position, response=response, shown_order=orders[q.id],
                      is_correct=credit == 1, credit=float(credit))
        for position, ((q, response), credit) in enumerate(zip(graded, credits, strict=True), start=1)
    ]
    insert_rows(AttemptAnswer, [new_row(a) for a in answers])
    quiz_attempt_submitted.send(attempt, user=user, answers=answers)
    return attempt, True
