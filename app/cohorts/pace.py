"""The recommended pace: each course item gets a target date inside the cohort's window.

The window is shared out in proportion to cumulative estimated minutes (as Open edX personalised
schedules and Canvas course pacing do with weeks). Pure functions: no database, no clock.
"""

import math
from dataclasses import dataclass
from datetime import date
from datetime import timedelta


@dataclass(frozen=True)
class PaceItem:
    """A reading, an activity or a quiz, in course order, with its estimated minutes."""

    kind: str  # "reading", "activity" or "quiz"
    id: int
    title: str
    module_slug: str
    slug: str
    minutes: int

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the item across kinds."""
        return (self.kind, self.id)


@dataclass(frozen=True)
class ScheduledItem:
    """An item and the date by which the pace expects it done."""

    item: PaceItem
    target_date: date


@dataclass(frozen=True)
class Standing:
    """Where a learner stands against the pace on a given day."""

    done: int
    total: int
    expected: int
    days_behind: int
    next_item: ScheduledItem | None

    @property
    def is_on_pace(self) -> bool:
        """No day behind the recommended pace."""
        return self.days_behind == 0


def schedule(items: list[PaceItem], start: date, end: date) -> list[ScheduledItem]:
    """Give each item the date when the cohort window's share of its cumulative minutes ends.

    The last item falls on ``end``; an item is never due before its share of the window is over.
    """
    total = sum(max(item.minutes, 0) for item in items)
    days = (end - start).days
    scheduled, cumulative = [], 0
    for item in items:
        cumulative += max(item.minutes, 0)
        offset = math.ceil(days * cumulative / total) if total else days
        scheduled.append(ScheduledItem(item, start + timedelta(days=offset)))
    return scheduled


def standing(scheduled: list[ScheduledItem], done_keys: set[tuple[str, int]], today: date) -> Standing:
    """Compare what the learner has done with what the pace expects by ``today``.

    With ``k`` items done, the learner is behind from the day after the target date of the pace's
    ``k+1``-th item: ``days_behind = max(0, today - target_date(k+1))``. The order in which items
    were done does not matter; the next item suggested is the first one not done, in course order.
    """
    done = sum(1 for s in scheduled if s.item.key in done_keys)
    expected = sum(1 for s in scheduled if s.target_date <= today)
    slot = scheduled[done] if done < len(scheduled) else None
    days_behind = max(0, (today - slot.target_date).days) if slot else 0
    next_item = next((s for s in scheduled if s.item.key not in done_keys), None)
    return Standing(done, len(scheduled), expected, days_behind, next_item)


def expected_curve(scheduled: list[ScheduledItem], start: date) -> list[tuple[int, int]]:
    """Return (day offset, items expected done) points of the pace, from the start."""
    points = [(0, 0)]
    for count, s in enumerate(scheduled, start=1):
        points.append(((s.target_date - start).days, count))
    return points


def actual_curve(done_dates: list[date], start: date, today: date) -> list[tuple[int, int]]:
    """Return (day offset, items done) points from the dates the learner finished items."""
    points = [(0, sum(1 for d in done_dates if d <= start))]
    for count, day in enumerate(sorted(d for d in done_dates if d > start), start=points[0][1] + 1):
        points.append(((min(day, today) - start).days, count))
    points.append(((today - start).days, points[-1][1]))
    return points


@dataclass(frozen=True)
class PaceDay:
    """The pace on one day, precomputed so that a whole cohort is placed without a loop per item.

    Only how many items a learner has done matters for days behind (see :func:`standing`).
    """

    today: date
    total: int
    expected: int
    #: ``behind[k]`` is the days behind of a learner with ``k`` items done.
    behind: tuple[int, ...]

    @classmethod
    def build(cls, scheduled: list[ScheduledItem], today: date) -> "PaceDay":
        """Precompute the pace of ``today`` for every possible count of items done."""
        behind = tuple(max(0, (today - s.target_date).days) for s in scheduled) + (0,)
        expected = sum(1 for s in scheduled if s.target_date <= today)
        return cls(today, len(scheduled), expected, behind)

    def standing(self, done: int) -> Standing:
        """Return the standing of a learner with ``done`` items done (no next item)."""
        done = min(max(done, 0), self.total)
        return Standing(done, self.total, self.expected, self.behind[done], None)
