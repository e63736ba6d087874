"""The recommended pace: target dates from the cohort window, days behind, the course-map banner."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from app.auth.models import User
from app.cohorts.pace import PaceDay
from app.cohorts.pace import PaceItem
from app.cohorts.pace import Standing
from app.cohorts.pace import actual_curve
from app.cohorts.pace import expected_curve
from app.cohorts.pace import schedule
from app.cohorts.pace import standing
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.extensions import db

START, END = date(2026, 11, 2), date(2026, 11, 30)  # a 28-day window


def _items(*minutes):
    return [PaceItem("reading", i, f"Lecture {i}", "m", f"l{i}", m) for i, m in enumerate(minutes, start=1)]


def test_window_is_shared_in_proportion_to_cumulative_minutes():
    scheduled = schedule(_items(10, 10, 20), START, END)
    assert [s.target_date for s in scheduled] == [date(2026, 11, 9), date(2026, 11, 16), END]


def test_an_item_is_never_due_before_its_share_is_over():
    scheduled = schedule(_items(1, 99), START, END)
    assert scheduled[0].target_date == date(2026, 11, 3)  # 0.28 of a day rounds up to one day


@pytest.mark.parametrize(
    ("done", "today", "days_behind", "expected"),
    [
        (set(), date(2026, 11, 9), 0, 1),  # the first item is due today: not late yet
        (set(), date(2026, 11, 10), 1, 1),
        (set(), date(2026, 11, 16), 7, 2),
        ({("reading", 1)}, date(2026, 11, 16), 0, 2),  # the second item is due today
        ({("reading", 1)}, date(2026, 11, 19), 3, 2),
        ({("reading", 2)}, date(2026, 11, 19), 3, 2),  # order does not matter, only how much is done
        ({("reading", 1), ("reading", 2), ("reading", 3)}, date(2026, 12, 5), 0, 3),
        (set(), date(2026, 10, 30), 0, 0),  # before the start
    ],
)
def test_days_behind_at_the_thresholds(done, today, days_behind, expected):
    result = standing(schedule(_items(10, 10, 20), START, END), done, today)
    assert (result.days_behind, result.expected) == (days_behind, expected)
    assert result.is_on_pace == (days_behind == 0)


def test_next_item_is_the_first_not_done_in_course_order():
    result = standing(schedule(_items(10, 10, 20), START, END), {("reading", 1), ("reading", 3)}, date(2026, 11, 10))
    assert result.next_item.item.id == 2 and result.done == 2


def test_curves_for_the_chart():
    scheduled = schedule(_items(10, 10, 20), START, END)
    assert expected_curve(scheduled, START) == [(0, 0), (7, 1), (14, 2), (28, 3)]
    assert actual_curve([date(2026, 11, 4), date(2026, 11, 12)], START, date(2026, 11, 20)) == [(0, 0), (2, 1), (10, 2), (18, 2)]


def _enrol(app, user_id, start, end):
    with app.app_context():
        cohort = get_or_create_cohort("Cohorte test", start, end)
        enrol(cohort, db.session.get(User, user_id))
        db.session.commit()


def test_course_map_shows_days_behind_and_next_item(app, client, learner):
    # test package: premiere (10 min), seconde (10 min), quiz (5 min) over 25 days
    _enrol(app, learner.id, date(2026, 11, 1), date(2026, 11, 26))
    app.config["CLOCK"] = lambda: datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    page = client.get("/cours/").text
    assert "4 jours de retard sur le rythme conseillé." in page  # premiere was due on 11 November
    assert "0 éléments faits sur 3 ; le rythme en attend 1 à ce jour." in page
    assert 'href="/cours/bases/premiere">Première lecture</a>' in page
    assert "mercredi 11 novembre" in page
    assert '<svg class="pace-chart"' in page


def test_course_map_says_on_pace_after_catching_up(app, client, learner):
    _enrol(app, learner.id, date(2026, 11, 1), date(2026, 11, 26))
    app.config["CLOCK"] = lambda: datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    client.post("/cours/bases/premiere/lu")
    page = client.get("/cours/").text
    assert "À jour" in page and "Vous suivez le rythme conseillé." in page
    assert 'href="/cours/bases/seconde">Seconde lecture</a>' in page


def test_no_pace_banner_without_a_cohort(client, learner):
    assert "Votre rythme" not in client.get("/cours/").text


# 9 and 16 November are target dates: the item due that day is expected, not yet late.
@pytest.mark.parametrize("today", [date(2026, 11, 1), date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 16), date(2026, 11, 19), END, date(2026, 12, 5)])
def test_pace_day_agrees_with_standing(today):
    scheduled = schedule(_items(10, 10, 20), START, END)
    day = PaceDay.build(scheduled, today)
    assert (day.today, day.total) == (today, 3)
    for done in range(4):
        keys = {("reading", i) for i in range(1, done + 1)}
        full = standing(scheduled, keys, today)
        assert day.standing(done) == Standing(full.done, full.total, full.expected, full.days_behind, None)


def test_pace_day_counts_the_item_due_today_as_expected():
    day = PaceDay.build(schedule(_items(10, 10, 20), START, END), date(2026, 11, 16))
    assert day.standing(0) == Standing(0, 3, 2, 7, None)
    assert day.standing(2).is_on_pace and day.standing(9).done == 3 and day.standing(-1).done == 0


def test_an_item_without_minutes_is_due_on_the_first_day():
    """Zero or negative minutes weigh nothing: the item is due at the start, the others share the window."""
    scheduled = schedule(_items(0, 10, -5, 10), START, END)
    assert [s.target_date for s in scheduled] == [START, date(2026, 11, 16), date(2026, 11, 16), END]


def test_items_without_any_minutes_are_all_due_at_the_end():
    assert [s.target_date for s in schedule(_items(0, 0), START, END)] == [END, END]


def test_items_done_on_or_before_the_start_count_from_day_zero():
    done = [date(2026, 10, 30), START, date(2026, 11, 4), date(2026, 11, 25)]
    assert actual_curve(done, START, date(2026, 11, 20)) == [(0, 2), (2, 3), (18, 4), (18, 4)]
