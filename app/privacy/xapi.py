"""The event log as xAPI 1.0.3 statements, pseudonymous, streamed in id order.

What is exported, and why:

- **Verbs.** The five ADL verbs of the design brief: experienced, completed, answered,
  passed and failed; and, for the applied activities, submitted (the answer sent; the registry's
  ``activitystrea.ms`` submit, ADL having none) and scored (the tutor's review, its ``success``
  telling validated from to be reworked). The answer and the feedback are free text and stay out. ``commented`` events (a verdict on a reading and a free comment) and
  ``responded`` events (the self-diagnostic) are left out: ADL does define both verbs, but a
  comment is free text that may name its author, which would defeat the pseudonym, and the
  self-diagnostic is a self-assessment of the person, not an activity of the course.
- **Actor.** An ``account`` on the platform's home page named by an HMAC-SHA256 of the user id
  keyed with ``SECRET_KEY`` (hex, 32 characters): the same learner gets the same name in every
  export, and nobody without the key can tell who it is. Events whose learner was anonymised
  (``actor_id`` emptied) are exported under the account name ``anonyme``, without registration.
  A new ``SECRET_KEY`` gives new names.
- **Identifiers.** The statement id is a UUID 5 of the event id under a namespace derived from the
  platform's home page, so exporting again gives the same ids (an LRS ignores the repeats); the
  registration is a UUID 5 of the cohort and the learner's pseudonym.
- **Activities.** ``<home page>/xapi/activities/<kind>/<slug>``: readings are ADL ``lesson``,
  quizzes ``assessment``, activities ``performance``, questions ``cmi.interaction`` (``choice`` or ``true-false``, from the
  question-type registry), each with its module (or, for a question, its quiz) as parent.
"""

import hashlib
import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from functools import cached_property
from urllib.parse import quote

from sqlalchemy import select

from app.activities.models import Activity as ActivityItem  # the course's item; ``Activity`` here is xAPI's
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.privacy.queries import iso_utc
from app.progress.models import LearningEvent
from app.progress.models import ObjectType
from app.progress.models import Verb
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES

XAPI_VERSION = "1.0.3"
PLATFORM = "Comprendre l'IA au travail"
LANGUAGE = "fr-FR"
#: The account name of every event whose learner was anonymised.
ANONYMOUS_ACCOUNT = "anonyme"
#: The only verbs exported (see the module docstring), with their display in both languages.
VERB_DISPLAY = {
    Verb.EXPERIENCED: {"fr-FR": "a consulté", "en-US": "experienced"},
    Verb.COMPLETED: {"fr-FR": "a terminé", "en-US": "completed"},
    Verb.ANSWERED: {"fr-FR": "a répondu à", "en-US": "answered"},
    Verb.PASSED: {"fr-FR": "a réussi", "en-US": "passed"},
    Verb.SUBMITTED: {"fr-FR": "a envoyé", "en-US": "submitted"},
    Verb.SCORED: {"fr-FR": "a été évalué sur", "en-US": "scored"},
    Verb.FAILED: {"fr-FR": "a échoué à", "en-US": "failed"},
}
#: ADL activity types.
ACTIVITY_TYPES = {
    "module": "http://adlnet.gov/expapi/activities/module",
    ObjectType.READING: "http://adlnet.gov/expapi/activities/lesson",
    ObjectType.QUIZ: "http://adlnet.gov/expapi/activities/assessment",
    # ADL's "performance": an attempted task within a particular context, the learner's own work.
    ObjectType.ACTIVITY: "http://adlnet.gov/expapi/activities/performance",
    ObjectType.QUESTION: "http://adlnet.gov/expapi/activities/cmi.interaction",
}
#: How xAPI joins the items of a multiple response.
RESPONSE_SEPARATOR = "[,]"
#: Path, under the platform's home page, of the result extension giving the order the options of
#: a choice question were shown in (the activity's ``choices`` list them in the question's own order).
SHOWN_ORDER_EXTENSION = "xapi/extensions/shown-order"


@dataclass(frozen=True)
class Activity:
    """An xAPI activity, with the activities it sits in."""

    id: str
    definition: dict
    parents: tuple["Activity", ...] = ()
    groupings: tuple["Activity", ...] = ()

    def as_object(self) -> dict:
        """Return the statement's ``object``."""
        found = {"objectType": "Activity", "id": self.id}
        if self.definition:
            found["definition"] = self.definition
        return found

    def as_context(self) -> dict:
        """Return the activity as one of another's ``contextActivities`` (type and name only)."""
        definition = {key: self.definition[key] for key in ("type", "name") if key in self.definition}
        return {"objectType": "Activity", "id": self.id, "definition": definition}

    def context_activities(self) -> dict:
        """Return the ``contextActivities`` of a statement about this activity (empty if none)."""
        found = {"parent": self.parents, "grouping": self.groupings}
        return {key: [activity.as_context() for activity in activities] for key, activities in found.items() if activities}


@dataclass
class ActivityCatalogue:
    """Every activity an event may name, loaded once, with one query per kind (never one per event)."""

    homepage: str
    activities: dict[tuple[str, int], Activity] = field(default_factory=dict)

    def iri(self, kind: str, *names: str) -> str:
        """Return the IRI of an activity of ``kind`` named by ``names``."""
        return "/".join([self.homepage, "xapi", "activities", kind, *(quote(str(name), safe="") for name in names)])

    @classmethod
    def load(cls, homepage: str) -> "ActivityCatalogue":
        """Load the modules, readings, quizzes and questions of the course, archived ones included."""
        catalogue = cls(homepage.rstrip("/"))
        modules = {row.id: catalogue._activity("module", row.title, row.slug) for row in db.session.execute(select(Module.id, Module.slug, Module.title))}
        for row in db.session.execute(select(Reading.id, Reading.slug, Reading.title, Reading.module_id)):
            catalogue.add(ObjectType.READING, row.id, catalogue._activity(ObjectType.READING, row.title, row.slug, parents=(modules[row.module_id],)))
        quizzes = {}
        for row in db.session.execute(select(Quiz.id, Quiz.title, Quiz.module_id, Module.slug).join(Module, Module.id == Quiz.module_id)):
            quizzes[row.id] = (row.slug, catalogue._activity(ObjectType.QUIZ, row.title, row.slug, parents=(modules[row.module_id],)))
            catalogue.add(ObjectType.QUIZ, row.id, quizzes[row.id][1])
        for row in db.session.execute(select(ActivityItem.id, ActivityItem.slug, ActivityItem.title, ActivityItem.module_id)):
            catalogue.add(ObjectType.ACTIVITY, row.id, catalogue._activity(ObjectType.ACTIVITY, row.title, row.slug, parents=(modules[row.module_id],)))
        for row in db.session.execute(select(Question.id, Question.key, Question.type, Question.prompt, Question.data, Question.quiz_id)):
            slug, quiz = quizzes[row.quiz_id]
            definition = {"type": ACTIVITY_TYPES[ObjectType.QUESTION], "name": {LANGUAGE: row.prompt}, **interaction(row.type, row.data)}
            activity = Activity(catalogue.iri(ObjectType.QUESTION, slug, row.key), definition, parents=(quiz,), groupings=quiz.parents)
            catalogue.add(ObjectType.QUESTION, row.id, activity)
        return catalogue

    def _activity(self, kind: str, title: str, slug: str, parents: tuple[Activity, ...] = ()) -> Activity:
        return Activity(self.iri(kind, slug), {"type": ACTIVITY_TYPES[kind], "name": {LANGUAGE: title}}, parents)

    def add(self, object_type: str, object_id: int, activity: Activity) -> None:
        """Register the activity an event on ``object_type`` ``object_id`` names."""
        self.activities[(object_type, object_id)] = activity

    def get(self, object_type: str, object_id: int) -> Activity:
        """Return the activity of an event's object (named by its id if it no longer exists)."""
        found = self.activities.get((object_type, object_id))
        if found is None:
            kind = ACTIVITY_TYPES.get(object_type)
            found = Activity(self.iri(object_type, str(object_id)), {"type": kind} if kind else {})
        return found


def interaction(type_name: str, data: dict) -> dict:
    """Return the interaction part of a question's definition: type, right answers, options."""
    question_type = QUESTION_TYPES.get(type_name)
    if question_type is None:
        return {"interactionType": "other"}
    kind = question_type.xapi_interaction_type
    found = {"interactionType": kind, "correctResponsesPattern": [RESPONSE_SEPARATOR.join(sorted(question_type.correct_keys(data)))]}
    if kind == "choice":
        found["choices"] = [{"id": choice.key, "description": {LANGUAGE: choice.text}} for choice in question_type.choices(data)]
    return found


@dataclass(frozen=True)
class Pseudonyms:
    """The keyed names and derived identifiers of an export."""

    homepage: str
    secret: bytes

    @cached_property
    def namespace(self) -> uuid.UUID:
        """The UUID namespace of this platform's statements."""
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.homepage}/xapi")

    def name(self, user_id: int) -> str:
        """Return the learner's pseudonym: HMAC-SHA256 of the id keyed with the secret, hex, 32 characters."""
        return hmac.new(self.secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def actor(self, user_id: int | None) -> dict:
        """Return the statement's ``actor`` (``anonyme`` for an anonymised learner's event)."""
        name = ANONYMOUS_ACCOUNT if user_id is None else self.name(user_id)
        return {"objectType": "Agent", "account": {"homePage": self.homepage, "name": name}}

    def statement_id(self, event_id: int) -> str:
        """Return the statement id of an event: the same in every export."""
        return str(uuid.uuid5(self.namespace, f"statement/{event_id}"))

    def registration(self, cohort_id: int, user_id: int) -> str:
        """Return the registration of a learner in a cohort (from the pseudonym, not the id)."""
        return str(uuid.uuid5(self.namespace, f"registration/{cohort_id}/{self.name(user_id)}"))


def result_of(raw: dict | None) -> dict | None:
    """Turn an event's stored result into an xAPI ``result`` (``None`` when there is nothing to say)."""
    if not raw:
        return None
    result = {}
    if isinstance(raw.get("score"), dict):
        result["score"] = {key: raw["score"][key] for key in ("scaled", "raw", "min", "max") if raw["score"].get(key) is not None}
    for key in ("success", "completion"):
        if raw.get(key) is not None:
            result[key] = bool(raw[key])
    response = raw.get("response")
    if response is not None:
        result["response"] = RESPONSE_SEPARATOR.join(map(str, response)) if isinstance(response, list) else str(response)
    return result or None


def build_statement(event, catalogue: ActivityCatalogue, pseudonyms: Pseudonyms) -> dict:
    """Return the xAPI statement of one event row (see :func:`event_rows`)."""
    activity = catalogue.get(event.object_type, event.object_id)
    context = {"platform": PLATFORM, "language": LANGUAGE}
    if event.cohort_id is not None and event.actor_id is not None:
        context["registration"] = pseudonyms.registration(event.cohort_id, event.actor_id)
    if activities := activity.context_activities():
        context["contextActivities"] = activities
    statement = {
        "id": pseudonyms.statement_id(event.id),
        "actor": pseudonyms.actor(event.actor_id),
        "verb": {"id": Verb(event.verb).iri, "display": VERB_DISPLAY[Verb(event.verb)]},
        "object": activity.as_object(),
        "context": context,
        "timestamp": iso_utc(event.created_dt),
        "version": XAPI_VERSION,
    }
    if result := result_of(event.result):
        statement["result"] = result
    shown = (event.result or {}).get("shown_order")
    if isinstance(shown, list) and shown:
        statement.setdefault("result", {})["extensions"] = {f"{catalogue.homepage}/{SHOWN_ORDER_EXTENSION}": RESPONSE_SEPARATOR.join(map(str, shown))}
    return statement


_EVENT_COLUMNS = (
    LearningEvent.id, LearningEvent.actor_id, LearningEvent.verb, LearningEvent.object_type, LearningEvent.object_id,
    LearningEvent.result, LearningEvent.cohort_id, LearningEvent.created_dt,
)


def event_rows(*, since: datetime | None = None, cohort_id: int | None = None, batch_size: int = 1000) -> Iterator:
    """Yield the exportable events in id order, ``batch_size`` rows per query (keyset pagination).

    Rows are plain tuples, not ORM objects, so memory stays bounded by one batch however long the log.
    """
    query = select(*_EVENT_COLUMNS).where(LearningEvent.verb.in_([verb.value for verb in VERB_DISPLAY])).order_by(LearningEvent.id).limit(batch_size)
    if since is not None:
        query = query.where(LearningEvent.created_dt >= since)
    if cohort_id is not None:
        query = query.where(LearningEvent.cohort_id == cohort_id)
    after = 0
    while rows := db.session.execute(query.where(LearningEvent.id > after)).all():
        yield from rows
        after = rows[-1].id


def export_statements(homepage: str, secret: str, **filters) -> Iterator[dict]:
    """Yield one xAPI statement per exportable event, in id order.

    :param homepage: the platform's home page (``PLATFORM_HOMEPAGE``).
    :param secret: the key of the pseudonyms (``SECRET_KEY``).
    :param filters: ``since``, ``cohort_id`` and ``batch_size`` of :func:`event_rows`.
    """
    catalogue = ActivityCatalogue.load(homepage)
    pseudonyms = Pseudonyms(catalogue.homepage, secret.encode())
    for event in event_rows(**filters):
        yield build_statement(event, catalogue, pseudonyms)
