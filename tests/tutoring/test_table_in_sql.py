"""The learner table and the figures computed by the database give what the former Python code gave.

The reference below is the former implementation (every learner read from the source rows, then
placed, filtered, sorted and counted in Python), with the learner's id settling the ties it left
to chance. It reads the progress, consent and alert rows themselves, never the enrolment's copies,
so the comparison also checks the triggers that keep those copies.
"""

import math
import random
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from app.alerts.models import Alert
from app.alerts.queries import ITEMS_DONE
from app.alerts.queries import cohort_day
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.consent.models import ContactConsent
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.weeks import percentiles
from app.tutoring.chart import percentiles_of_counts
from app.tutoring.queries import LearnerFilter
from app.tutoring.queries import PaceStatus
from app.tutoring.queries import Page
from app.tutoring.queries import cohort_summary
from app.tutoring.queries import learner_lines
from app.tutoring.queries import learner_page
from tests.helpers import recorded_statements

NAMES = ("Élodie Martin", "élodie martin", "Émile Zola", "Zoé Durand", "Anaïs Petit", "Bruno Blanc", "bruno blanc", "Chloé Chevalier",
         "Camille 100%", "Karim_Benali", "Œdipe Roi", "Ève Lefèvre")  # fmt: skip
DAYS = (date(2026, 11, 3), date(2026, 11, 14), date(2026, 11, 21), date(2026, 11, 27))


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def build_cohort(cohort_id: int, size: int, seed: int) -> None:
    """Write ``size`` learners with varied progress, consents, alerts and accounts, straight into the tables."""
    rng = random.Random(seed)
    first = db.session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
    users, enrolments, progress, consents, alerts = [], [], [], [], []
    for user_id in range(first, first + size):
        users.append({"id": user_id, "email": f"learner{user_id}@Example.org", "display_name": rng.choice(NAMES), "password_hash": "x",
                      "roles": int(Role.LEARNER), "is_active": rng.random() > 0.15})  # fmt: skip
        enrolments.append({"cohort_id": cohort_id, "user_id": user_id})
        if rng.random() < 0.85:  # some never came: no summary row at all
            start = date(2026, 11, 1) + timedelta(days=rng.randint(0, 12))
            last = start + timedelta(days=rng.randint(0, 14))
            readings = rng.randint(0, 2)
            progress.append({"user_id": user_id, "readings_completed": readings, "quizzes_passed": rng.randint(0, 1),
                             "first_activity_dt": _at(start, 8), "last_activity_dt": _at(last, rng.choice((8, 23)))})  # fmt: skip
        for number in range(rng.choice((0, 0, 1, 2, 3))):  # consent given, withdrawn, given again...
            consents.append({"user_id": user_id, "is_given": rng.random() < 0.6, "changed_dt": _at(date(2026, 10, 20 + number), 9)})
        if rng.random() < 0.4:
            alerts.append({"cohort_id": cohort_id, "user_id": user_id, "kind": rng.choice(("behind", "at_risk", "not_started")),
                           "figures": {}, "opened_dt": _at(date(2026, 11, 2), 9), "updated_dt": _at(date(2026, 11, 2), 9),
                           "resolved_dt": _at(date(2026, 11, 5), 9) if rng.random() < 0.2 else None,
                           "snoozed_until": rng.choice((None, None, date(2026, 11, 10), date(2026, 11, 20)))})  # fmt: skip
    for model, rows in ((User, users), (Enrolment, enrolments), (ContactConsent, consents), (LearnerProgress, progress), (Alert, alerts)):
        if rows:
            db.session.execute(insert(model), rows)
    db.session.commit()


# The former implementation, as the reference -----------------------------------------------------


def _current_consent(user_id: int) -> bool:
    latest = select(ContactConsent.is_given).where(ContactConsent.user_id == user_id).order_by(ContactConsent.changed_dt.desc(), ContactConsent.id.desc())
    return bool(db.session.scalar(latest.limit(1)))


def reference_lines(day) -> list[dict]:
    """Every learner of the cohort placed from the source rows, as the former ``learner_lines`` did."""
    rows = db.session.execute(
        select(User.id, User.display_name, User.email, ITEMS_DONE, LearnerProgress.first_activity_dt, LearnerProgress.last_activity_dt, User.is_active)
        .select_from(Enrolment).join(User, User.id == Enrolment.user_id).outerjoin(LearnerProgress, LearnerProgress.user_id == Enrolment.user_id)
        .where(Enrolment.cohort_id == day.cohort_id)
    )  # fmt: skip
    alerts: dict[int, list[str]] = {}
    for alert in db.session.scalars(select(Alert).where(Alert.cohort_id == day.cohort_id).order_by(Alert.user_id, Alert.kind)):
        if alert.is_open(day.today):
            alerts.setdefault(alert.user_id, []).append(alert.kind)
    lines = []
    for user_id, name, email, done, first, last, active in rows:
        standing = day.pace.standing(done)
        lines.append({"user_id": user_id, "name": name, "email": email, "done": standing.done, "days_behind": standing.days_behind,
                      "first": first, "last": last, "contactable": _current_consent(user_id), "alerts": tuple(alerts.get(user_id, ())),
                      "status": _status(day, standing.done, standing.days_behind, first, last), "active": active})  # fmt: skip
    return lines


def _status(day, done, days_behind, first, last) -> PaceStatus:
    if done >= day.pace.total:
        return PaceStatus.COMPLETED
    idle = (day.today - day.local_date(last)).days if last else None
    if days_behind >= day.thresholds.at_risk_days or (idle is not None and idle >= day.thresholds.inactive_days):
        return PaceStatus.AT_RISK
    if first is None:
        return PaceStatus.NOT_STARTED
    return PaceStatus.BEHIND if days_behind > 0 else PaceStatus.ON_PACE


def _keeps(wanted: LearnerFilter, line: dict) -> bool:
    if wanted.status == PaceStatus.BEHIND.value:
        if line["days_behind"] <= 0:
            return False
    elif wanted.status and line["status"].value != wanted.status:
        return False
    if wanted.contact and line["contactable"] != (wanted.contact == "oui"):
        return False
    if wanted.alert == "oui" and not line["alerts"]:
        return False
    needle = wanted.search.strip().lower()
    return not needle or needle in line["name"].lower() or needle in line["email"].lower()


_SORT_KEYS = {
    "nom": lambda line: (line["name"].lower(),),
    "progression": lambda line: (line["done"], line["name"].lower()),
    "retard": lambda line: (line["days_behind"], line["name"].lower()),
    "activite": lambda line: (line["last"].timestamp() if line["last"] else -math.inf, line["name"].lower()),
}


def reference_selection(lines: list[dict], wanted: LearnerFilter) -> list[int]:
    """The ids the former ``select_lines`` kept, in its order (the id settling its ties, in the same direction)."""
    kept = [line for line in lines if _keeps(wanted, line)]
    kept.sort(key=lambda line: (*_SORT_KEYS[wanted.sort](line), line["user_id"]), reverse=wanted.order == "desc")
    return [line["user_id"] for line in kept]


def reference_figures(lines: list[dict]) -> dict:
    statuses = [line["status"] for line in lines]
    at_risk = statuses.count(PaceStatus.AT_RISK)
    behind = sum(1 for line in lines if line["days_behind"] > 0 and line["status"] not in (PaceStatus.AT_RISK, PaceStatus.COMPLETED))
    return {"enrolled": len(lines), "started": sum(1 for line in lines if line["first"] is not None), "completed": statuses.count(PaceStatus.COMPLETED),
            "on_pace": len(lines) - at_risk - behind, "behind": behind, "at_risk": at_risk,
            "contactable": sum(1 for line in lines if line["contactable"]), "with_alerts": sum(1 for line in lines if line["alerts"])}  # fmt: skip


# The comparisons ---------------------------------------------------------------------------------


@pytest.fixture
def varied(app, cohort):
    """The cohort with 60 varied learners."""
    with app.app_context():
        build_cohort(cohort, 60, seed=11)
    return cohort


FILTERS = [LearnerFilter(status, contact, alert, search)
           for status in ("", *(s.value for s in PaceStatus)) for contact in ("", "oui", "non") for alert in ("", "oui")
           for search in ("", "ÉLODIE", "  blanc ", "example.org", "100%", "_", "zzz")]  # fmt: skip
SORTED = [LearnerFilter(sort=sort, order=order) for sort in _SORT_KEYS for order in ("asc", "desc")]


@pytest.mark.parametrize("today", DAYS)
def test_every_filter_keeps_and_counts_what_the_former_code_kept(app, varied, clock, today):
    clock.set(today, 10)
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, varied), clock())
        reference = reference_lines(day)
        assert len({line["status"] for line in reference}) >= 3  # a varied cohort, whatever the day
        for wanted in FILTERS:
            expected = reference_selection(reference, wanted)
            assert [line.user_id for line in learner_lines(day, wanted=wanted)] == expected, wanted
            assert cohort_summary(day, wanted).matching == len(expected), wanted


@pytest.mark.parametrize("today", DAYS)
def test_every_sort_orders_as_the_former_code_did(app, varied, clock, today):
    clock.set(today, 10)
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, varied), clock())
        reference = reference_lines(day)
        by_id = {line["user_id"]: line for line in reference}
        for wanted in [*SORTED, LearnerFilter("en_retard", "oui", sort="activite", order="desc"), LearnerFilter(search="a", sort="nom")]:
            lines = learner_lines(day, wanted=wanted)
            assert [line.user_id for line in lines] == reference_selection(reference, wanted), wanted
        for line in learner_lines(day):  # and each line says what the former one said
            old = by_id[line.user_id]
            assert (line.name, line.email, line.done, line.days_behind, line.first_activity_dt, line.last_activity_dt, line.is_contactable,
                    line.alerts, line.status, line.is_active) == (old["name"], old["email"], old["done"], old["days_behind"], old["first"],
                    old["last"], old["contactable"], old["alerts"], old["status"], old["active"])  # fmt: skip


@pytest.mark.parametrize("today", DAYS)
def test_figures_and_todays_spread_are_the_former_ones(app, varied, clock, today):
    clock.set(today, 10)
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, varied), clock())
        reference = reference_lines(day)
        summary = cohort_summary(day, LearnerFilter())
        assert summary.figures.__dict__ == reference_figures(reference)
        assert summary.matching == len(reference)
        assert percentiles_of_counts(summary.done_counts) == percentiles([line["done"] for line in reference])


def test_the_cohort_holds_every_case(app, varied, clock):
    seen = set()
    for today in DAYS:
        clock.set(today, 10)
        with app.app_context():
            lines = reference_lines(cohort_day(db.session.get(Cohort, varied), clock()))
        seen |= {line["status"] for line in lines}
    assert seen == set(PaceStatus)
    assert {line["active"] for line in lines} == {True, False} and {line["contactable"] for line in lines} == {True, False}
    assert any(line["first"] is None for line in lines) and any(line["alerts"] for line in lines)


def test_pages_cut_the_sorted_selection_in_order(app, varied, clock):
    clock.set(date(2026, 11, 14), 10)
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, varied), clock())
        for wanted in [*SORTED, LearnerFilter("en_retard", "oui"), LearnerFilter(search="e", order="asc")]:
            everyone = [line.user_id for line in learner_lines(day, wanted=wanted)]
            summary = cohort_summary(day, wanted)
            pages = [learner_page(day, wanted, summary, number, 7) for number in range(1, 12)]
            assert [line.user_id for page in pages[: math.ceil(len(everyone) / 7)] for line in page.items] == everyone, wanted
            assert {page.pages for page in pages} == {math.ceil(len(everyone) / 7)}
            assert [line.user_id for line in pages[-1].items] == everyone[-(len(everyone) % 7 or 7) :]  # past the end: the last page
            assert learner_page(day, wanted, summary, -3, 7).number == 1
        nobody = LearnerFilter(search="zzz")
        assert learner_page(day, nobody, cohort_summary(day, nobody), 2, 7) == Page([], 1, 1, 0)


def test_a_count_above_the_course_counts_as_finished(app, varied, clock):
    clock.set(date(2026, 11, 14), 10)
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, varied), clock())
        user_id = db.session.scalar(select(LearnerProgress.user_id).limit(1))
        db.session.execute(update(LearnerProgress).where(LearnerProgress.user_id == user_id).values(readings_completed=day.pace.total + 2))
        (line,) = learner_lines(day, [user_id])
        assert (line.done, line.days_behind, line.status) == (day.pace.total, 0, PaceStatus.COMPLETED)
        assert cohort_summary(day, LearnerFilter(status="termine")).done_counts.get(day.pace.total + 2) is None


def _statements(app, client, url) -> int:
    with recorded_statements(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_statements_do_not_grow_with_the_cohort(app, client, tutored, clock):
    urls = [f"/tutorat/cohortes/{tutored.cohort_id}", f"/tutorat/cohortes/{tutored.cohort_id}?statut=en_retard&contact=oui&alerte=oui&q=e&tri=activite&ordre=desc&page=2"]
    small = [_statements(app, client, url) for url in urls]
    with app.app_context():
        build_cohort(tutored.cohort_id, 400, seed=3)
    assert [_statements(app, client, url) for url in urls] == small
    assert max(small) <= 20
