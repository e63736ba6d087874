"""Every learner action writes an event with its summary rows; pages never read the event log."""

import pytest
from sqlalchemy import select

from app.catalogue.models import Reading
from app.catalogue.services import bump_course_version
from app.catalogue.services import course_stamp
from app.extensions import db
from app.progress.models import LearningEvent
from app.progress.queries import pace_items_of
from tests.helpers import recorded_statements


@pytest.fixture
def statements(app):
    """Collect the SQL statements run while a test makes requests."""
    with recorded_statements(app) as seen:
        yield seen


def test_events_carry_actor_verb_object_result_and_time(app, client, learner):
    client.get("/cours/bases/premiere")
    client.post("/cours/bases/premiere/lu")
    with app.app_context():
        events = list(db.session.scalars(select(LearningEvent).order_by(LearningEvent.id)))
    assert [(e.verb, e.object_type) for e in events] == [("experienced", "reading"), ("completed", "reading")]
    assert all(e.actor_id == learner.id and e.created_dt is not None for e in events)
    assert events[1].result == {"completion": True}


def test_event_records_the_learners_cohort(app, client, learner):
    from datetime import date

    from app.auth.models import User
    from app.cohorts.services import enrol
    from app.cohorts.services import get_or_create_cohort

    with app.app_context():
        cohort = get_or_create_cohort("Cohorte A", date(2026, 11, 1), date(2026, 12, 1))
        enrol(cohort, db.session.get(User, learner.id))
        db.session.commit()
        cohort_id = cohort.id
    client.post("/cours/bases/premiere/lu")
    with app.app_context():
        assert db.session.scalar(select(LearningEvent.cohort_id)) == cohort_id


def test_failed_write_leaves_neither_event_nor_progress(app, client, learner, monkeypatch):
    import app.progress.services as services

    def broken_touch(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "touch_learner", broken_touch)
    assert client.post("/cours/bases/premiere/lu").status_code == 500
    with app.app_context():
        assert db.session.scalar(select(LearningEvent)) is None
        from app.progress.models import ReadingProgress

        assert db.session.scalar(select(ReadingProgress)) is None


@pytest.mark.parametrize("url", ["/cours/", "/cours/bases/", "/cours/bases/premiere", "/parcours/", "/quiz/bases"])
def test_pages_never_read_the_event_log(client, learner, statements, url):
    client.get("/cours/bases/premiere")  # the first view writes an event: not what is measured
    statements.clear()
    assert client.get(url).status_code == 200
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads, "the page ran no query at all?"
    assert not any("learning_event" in s for s in reads)


def test_reading_page_needs_one_query(client, learner, statements):
    client.get("/cours/bases/premiere")
    statements.clear()
    client.get("/cours/bases/premiere")
    assert len(statements) == 1, statements  # the user and their state on the reading, together


@pytest.mark.parametrize("cohorts", [0, 1, 2])
def test_an_action_reports_every_open_cohort_and_looks_them_up_only_when_several(app, course, create_user, cohorts):
    from datetime import UTC
    from datetime import date
    from datetime import datetime

    from app.auth.models import User
    from app.catalogue.models import Reading
    from app.cohorts.models import Cohort
    from app.cohorts.services import enrol
    from app.cohorts.services import get_or_create_cohort
    from app.progress.services import complete_reading
    from app.signals import learner_acted

    learner = create_user()
    app.config["CLOCK"] = lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # both cohorts running
    with app.app_context():
        user = db.session.get(User, learner.id)
        ends = [date(2026, 12, 20), date(2026, 12, 10)][:cohorts]  # the second ends first: its pace is seen
        ids = [get_or_create_cohort(f"Cohorte {n}", date(2026, 11, 1), end).id for n, end in enumerate(ends)]
        for cohort_id in ids:
            enrol(db.session.get(Cohort, cohort_id), user)
        db.session.commit()
        reported = []
        with learner_acted.connected_to(lambda sender, **kw: reported.append((kw["cohort_id"], kw["cohort_ids"])), sender=learner.id):
            with recorded_statements(app) as seen:
                complete_reading(user, db.session.scalar(select(Reading).where(Reading.slug == "premiere")))
    expected = ids[::-1]
    assert reported == [(expected[0] if expected else None, expected)]
    # A query of its own (not the cohort the learner's row returns when it is written).
    assert sum("FROM cohort" in s and s.lstrip().startswith("SELECT") for s in seen) == (1 if cohorts > 1 else 0)


def test_the_course_items_for_the_alerts_follow_each_publication(app, course):
    with app.app_context():
        first = course_stamp()
        titles = [item.title for item in pace_items_of(first)]
        db.session.scalar(select(Reading).where(Reading.slug == "premiere")).title = "Lecture renommée"
        bump_course_version()
        db.session.commit()
        assert [item.title for item in pace_items_of(first)] == titles  # what was read under that stamp
        renamed = [item.title for item in pace_items_of(course_stamp())]
    assert "Lecture renommée" in renamed and "Lecture renommée" not in titles
