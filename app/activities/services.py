"""Activities: import from the package, the learner's answer, the tutor's review. They flush; the caller commits.

Every decision that depends on the row's state (a new version, a submission, a review) is taken
by the statement that writes it, so a double click or two tutors at once change it only once.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.activities.loader import ActivitySpec
from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.auth.models import UserRef
from app.catalogue.models import Module
from app.catalogue.services import IMPORT
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.catalogue.services import apply_file
from app.clock import now_utc
from app.db_util import insert_absent_returning
from app.extensions import db
from app.markdown import render_markdown
from app.progress.models import ObjectType
from app.progress.models import Verb
from app.progress.services import record_event
from app.progress.services import record_review


def sync_activities(specs: list[ActivitySpec], publication: Publication = IMPORT) -> SyncReport:
    """Upsert activities by slug (their folder gives their module); archive those no longer in the package."""
    report = SyncReport()
    modules = {m.dirname: m for m in db.session.scalars(select(Module))}
    activities = {a.slug: a for a in db.session.scalars(select(Activity))}
    for spec in specs:
        _sync_activity(modules[spec.dirname], spec, activities, report, publication)
    for activity in activities.values():
        if activity.slug not in {s.slug for s in specs} and not activity.is_archived:
            activity.is_archived = True
            report.archived.append(f"activité {activity.slug}")
    db.session.flush()
    return report


def publish_activity(activity: Activity, spec: ActivitySpec, publication: Publication) -> None:
    """Make ``spec`` (one activity file's new text) the published activity; flushes."""
    from app.catalogue.services import bump_course_version

    _sync_activity(activity.module, spec, {activity.slug: activity}, SyncReport(), publication)
    bump_course_version()
    db.session.flush()


def _sync_activity(module: Module, spec: ActivitySpec, activities: dict[str, Activity], report: SyncReport, publication: Publication) -> None:
    activity = activities.get(spec.slug)
    is_new = activity is None
    if is_new:
        activity = Activity(slug=spec.slug)
        db.session.add(activity)
    values = {
        "module_id": module.id, "title": spec.title, "estimated_minutes": spec.estimated_minutes, "source_first_line": spec.source_first_line,
        "source_last_line": spec.source_last_line, "position": spec.position, "criteria": list(spec.criteria), "accepts_file": spec.accepts_file,
        "filename": spec.filename,
    }
    if is_new or activity.source != spec.source:
        values["brief_html"] = str(render_markdown(spec.brief))
    apply_file(activity, values, spec.source, f"activité {spec.slug}", report, is_new, publication)


class ActivityError(ValueError):
    """An action on an answer was refused; the message says why."""


@dataclass(frozen=True)
class Attachment:
    """A file the learner joins to an answer, checked by the form (size, kind)."""

    name: str
    content_type: str
    data: bytes


def versions_of(activity_id: int, user_id: int) -> list[Submission]:
    """Return every version of the learner's answer, the latest first."""
    return list(db.session.scalars(
        select(Submission).where(Submission.activity_id == activity_id, Submission.user_id == user_id).order_by(Submission.version.desc())
    ))


def save_answer(user: UserRef, activity: Activity, answer: str, attachment: Attachment | None, *, submit: bool) -> Submission:
    """Save the learner's draft (a new version if none is open), and send it to the tutor if ``submit``.

    :raise ActivityError: the answer is waiting for the tutor or was validated already, or is empty
        when sent.
    """
    draft = _open_draft(user.id, activity.id)
    now = now_utc()
    values = {"answer": answer.strip(), "updated_dt": now}
    if attachment is not None:
        values.update(file_name=attachment.name, file_type=attachment.content_type, file_size=len(attachment.data), file_data=attachment.data)
    if submit:
        if not values["answer"] and attachment is None and not (draft and draft.file_name):
            raise ActivityError(str(_l("Écrivez votre réponse avant de l'envoyer.")))
        values.update(status=SubmissionStatus.SUBMITTED.value, submitted_dt=now)
    # The draft is written only while it is still one: a second click on « Envoyer » finds it sent.
    written = db.session.execute(
        update(Submission).where(Submission.id == draft.id, Submission.status == SubmissionStatus.DRAFT.value).values(**values)
    ).rowcount
    if written != 1:
        raise ActivityError(str(_l("Cette réponse a déjà été envoyée à votre tuteur.")))
    db.session.expire(draft)
    if submit:
        # The answer stays in its own row: free text may name its author, and the log is exported.
        record_event(user, Verb.SUBMITTED, ObjectType.ACTIVITY, activity.id, {"version": draft.version})
    return draft


def _open_draft(user_id: int, activity_id: int) -> Submission:
    """Return the learner's draft, starting the next version (from the last one's text) if none is open.

    :raise ActivityError: the latest version is waiting for the tutor or validated.
    """
    latest = db.session.scalar(
        select(Submission).where(Submission.activity_id == activity_id, Submission.user_id == user_id).order_by(Submission.version.desc()).limit(1)
    )
    if latest is not None and latest.status == SubmissionStatus.DRAFT:
        return latest
    if latest is not None and latest.status != SubmissionStatus.REWORK:  # waiting for the tutor, or validated
        raise ActivityError(str(_l("Votre tuteur a déjà validé cette activité.") if latest.status == SubmissionStatus.VALIDATED
                                else _l("Cette réponse a déjà été envoyée à votre tuteur.")))
    version = (latest.version if latest else 0) + 1
    now = now_utc()
    values = {"activity_id": activity_id, "user_id": user_id, "version": version, "status": SubmissionStatus.DRAFT.value,
              "answer": latest.answer if latest else "", "created_dt": now, "updated_dt": now}
    # Two first saves at once: the unique version lets one insert; the other takes its draft.
    draft_id = insert_absent_returning(Submission, values, ["activity_id", "user_id", "version"], "id")
    if draft_id is None:
        return _open_draft(user_id, activity_id)
    return db.session.get(Submission, draft_id)


def review_submission(submission: Submission, reviewer_id: int, decision: SubmissionStatus, feedback: str, now: datetime | None = None) -> None:
    """Record the tutor's feedback and decision on a submitted answer; a validation counts the activity done.

    :raise ActivityError: the answer is not waiting for a review any more (another tutor, or a
        second click, got there first), or the feedback is empty.
    """
    feedback = feedback.strip()
    if not feedback:
        raise ActivityError(str(_l("Écrivez un retour pour l'apprenant.")))
    if decision not in (SubmissionStatus.VALIDATED, SubmissionStatus.REWORK):
        raise ActivityError(str(_l("Choisissez « validée » ou « à retravailler ».")))
    now = now or now_utc()
    written = db.session.execute(
        update(Submission).where(Submission.id == submission.id, Submission.status == SubmissionStatus.SUBMITTED.value)
        .values(status=decision.value, feedback=feedback, reviewer_id=reviewer_id, reviewed_dt=now)
    ).rowcount
    if written != 1:
        raise ActivityError(str(_l("Cette réponse a déjà été relue.")))
    db.session.expire(submission)
    validated = decision == SubmissionStatus.VALIDATED
    record_review(submission.user_id, submission.activity_id, validated, submission.version)
