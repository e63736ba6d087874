"""Signals through which domains react to each other without importing each other.

Receivers run synchronously, in the sender's transaction: what they write is committed (or
rolled back) with the action that caused it.
"""

from blinker import Namespace

_signals = Namespace()

quiz_attempt_submitted = _signals.signal(
    "quiz-attempt-submitted",
    doc="""A learner submitted a new quiz attempt (a resent form sends nothing).

    *sender*: the new :class:`~app.quizzes.models.QuizAttempt`; kwargs: ``user`` and ``answers``
    (its :class:`~app.quizzes.models.AttemptAnswer` rows). Both are written, with their ids, but
    not in the session (the attempt's relationships are not loaded).
    """,
)

diagnostic_submitted = _signals.signal(
    "diagnostic-submitted",
    doc="""A learner rated the self-diagnostic statements for one phase.

    *sender*: the phase (``"before"`` or ``"after"``); kwargs: ``user``, ``ratings``
    (statement id to rating).
    """,
)

learner_acted = _signals.signal(
    "learner-acted",
    doc="""A learner's actions were written to the event log (and the summary rows updated).

    *sender*: the learner's id; kwargs: ``cohort_ids`` (every open cohort they are enrolled in,
    the one whose pace they see first), ``cohort_id`` (that first one, or ``None``) and ``verbs``
    (the :class:`~app.progress.models.Verb` values of the actions).
    """,
)

enrolment_ended = _signals.signal(
    "enrolment-ended",
    doc="""A learner left a cohort (un-enrolled, or moved to another one); their work stays theirs.

    *sender*: the cohort's id; kwargs: ``user_id``.
    """,
)
