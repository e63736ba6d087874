"""The cohort's pace chart: expected progress against the spread of actual progress, week by week.

Pure geometry for the server-rendered SVG: the template draws what this returns.
"""

import math
from dataclasses import dataclass

from app.alerts.queries import CohortDay
from app.cohorts.models import CohortWeek
from app.progress.weeks import PERCENTILES
from app.progress.weeks import week_ends

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 240, 40, 28, 10, 10


@dataclass(frozen=True)
class Band:
    """The spread of learners' progress at one moment: 10th-90th and 25th-75th percentiles, median."""

    label: str
    day: int
    x: float
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    values: tuple[int, ...]
    #: Items the pace expected done by then.
    expected: int


@dataclass(frozen=True)
class PaceChart:
    """What the template draws, in SVG user units."""

    width: int
    height: int
    left: int
    bottom: int
    total: int
    window_days: int
    expected: str
    bands: list[Band]
    median: str
    y_ticks: list[tuple[float, int]]


def _x(day: int, days: int) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * min(max(day, 0), days) / max(days, 1), 1)


def _y(items: float, total: int) -> float:
    return round(HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * items / max(total, 1), 1)


def _expected_at(day: CohortDay, offset: int) -> int:
    """Items the pace expects done by the end of the day before ``offset`` (a week's end)."""
    return max((n for d, n in day.expected_points if d < offset or (d == offset == 0)), default=0)


def percentiles_of_counts(counts: dict[int, int]) -> list[int]:
    """Return the nearest-rank percentiles of :data:`PERCENTILES` of values given as {value: how many}.

    The same figures as :func:`app.progress.weeks.percentiles` over the values themselves, from
    the database's count per value instead of one value per learner.
    """
    total = sum(counts.values())
    if not total:
        return [0] * len(PERCENTILES)
    ordered = sorted(counts.items())
    found = []
    for p in PERCENTILES:
        rank, seen = max(1, math.ceil(p / 100 * total)), 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                found.append(value)
                break
    return found


def pace_chart(day: CohortDay, weeks: list[CohortWeek], done_counts: dict[int, int], week_label) -> PaceChart:
    """Build the chart from the kept weeks and, for the week under way, today's spread.

    :param done_counts: how many learners have each number of items done today.
    :param week_label: callable giving the label of week ``n`` (translated by the caller).
    """
    days, total = (day.end_date - day.start_date).days, day.pace.total
    points = []
    kept = {w.week: w for w in weeks}
    for number, boundary in enumerate(week_ends(day.start_date, day.end_date), start=1):
        offset = (boundary - day.start_date).days
        if number in kept:
            points.append((week_label(number), offset, tuple(kept[number].percentiles)))
        elif boundary > day.today:
            break
    today_offset = (day.today - day.start_date).days
    if any(done_counts.values()) and 0 <= today_offset <= days and (not points or points[-1][1] < today_offset):
        points.append((None, today_offset, tuple(percentiles_of_counts(done_counts))))
    bands = [
        Band(label, offset, _x(offset, days), *(_y(v, total) for v in values), values=values, expected=_expected_at(day, offset))
        for label, offset, values in points
    ]
    expected = " ".join(f"{_x(d, days)},{_y(n, total)}" for d, n in day.expected_points)
    median = " ".join(f"{b.x},{b.p50}" for b in bands)
    ticks = sorted({0, total // 2, total})
    return PaceChart(WIDTH, HEIGHT, LEFT, BOTTOM, total, days, expected, bands, median, [(_y(t, total), t) for t in ticks])
