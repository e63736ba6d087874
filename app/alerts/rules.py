"""The alert rules of DESIGN.md section 5, as pure functions over a learner's facts.

Each finding carries its kind and the figures behind it, so that the reason can be shown in plain
words ("7 jours de retard : 3 éléments sur 11 faits, le rythme en attendait 8 ; dernière activité
le 12 mars") in the reader's language, with its plurals (« 1 élément sur 3 fait »). No database, no clock: the caller passes "today".
"""

import enum
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.cohorts.pace import Standing
from app.dates import date_text


class AlertKind(enum.StrEnum):
    """The kinds of alert, one open alert per learner and kind."""

    NOT_STARTED = "not_started"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    STRUGGLING = "struggling"
    #: Tutor-side: an answer to an activity waits for the tutor's review (no reminder to the learner).
    REVIEW_WAITING = "review_waiting"


@dataclass(frozen=True)
class Thresholds:
    """A cohort's alert thresholds, in days (failures for ``struggling``); defaults from the brief."""

    not_started_days: int = 3
    behind_days: int = 3
    at_risk_days: int = 7
    inactive_days: int = 7
    struggling_failures: int = 2
    review_days: int = 3


@dataclass(frozen=True)
class LearnerFacts:
    """What the rules look at for one learner on one day."""

    start_date: date
    today: date
    standing: Standing
    last_activity: date | None
    #: Titles of the quizzes not yet passed, with the failed attempts since the last pass.
    quiz_failures: dict[str, int] = field(default_factory=dict)
    #: The learner's oldest answer waiting for the tutor: the activity's title and the day it was sent.
    waiting_review: tuple[str, date] | None = None


@dataclass(frozen=True)
class Finding:
    """One rule that fires, with the figures behind it."""

    kind: AlertKind
    figures: dict

    def reason(self) -> str:
        """Explain the finding in plain words, with its figures, in the current language."""
        return reason_of(self.kind, self.figures)

    def stored_figures(self) -> dict:
        """Return the figures as JSON-ready values (dates as ISO strings)."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in self.figures.items()}


#: Figures that hold a date (stored as ISO strings).
_DATE_FIGURES = ("last", "start", "sent")


def reason_of(kind: str, figures: dict) -> str:
    """Explain an alert of ``kind`` from its figures, live or as stored (ISO dates)."""
    values = dict(figures)
    for key in _DATE_FIGURES:
        if isinstance(values.get(key), str):
            values[key] = date.fromisoformat(values[key])
    return _REASONS[AlertKind(kind)](values)


def evaluate(facts: LearnerFacts, thresholds: Thresholds) -> list[Finding]:
    """Return the alerts a learner's facts call for; "at risk" replaces "behind"."""
    findings = []
    s = facts.standing
    unfinished = s.done < s.total
    started = facts.last_activity is not None and facts.last_activity >= facts.start_date
    idle_days = (facts.today - facts.last_activity).days if facts.last_activity else None
    pace = {"days": s.days_behind, "done": s.done, "total": s.total, "expected": s.expected, "last": facts.last_activity}
    if not started and (facts.today - facts.start_date).days >= thresholds.not_started_days:
        findings.append(Finding(AlertKind.NOT_STARTED, {"days": (facts.today - facts.start_date).days, "start": facts.start_date}))
    inactive = unfinished and started and idle_days is not None and idle_days >= thresholds.inactive_days
    if s.days_behind >= thresholds.at_risk_days or inactive:
        findings.append(Finding(AlertKind.AT_RISK, {**pace, "idle": idle_days if inactive else None}))
    elif s.days_behind >= thresholds.behind_days:
        findings.append(Finding(AlertKind.BEHIND, pace))
    failed = [{"quiz": title, "failures": n} for title, n in sorted(facts.quiz_failures.items()) if n >= thresholds.struggling_failures]
    if failed:  # one alert of each kind per learner, however many quizzes
        findings.append(Finding(AlertKind.STRUGGLING, {"quizzes": failed}))
    if facts.waiting_review is not None:
        title, sent = facts.waiting_review
        if (facts.today - sent).days >= thresholds.review_days:
            findings.append(Finding(AlertKind.REVIEW_WAITING, {"activity": title, "days": (facts.today - sent).days, "sent": sent}))
    return findings


def _pace_reason(figures: dict) -> str:
    text = ngettext("%(num)d jour de retard", "%(num)d jours de retard", figures["days"])
    text += ngettext(
        " : %(num)d élément sur %(total)d fait, le rythme en attendait %(expected)d",
        " : %(num)d éléments sur %(total)d faits, le rythme en attendait %(expected)d",
        figures["done"],
        total=figures["total"],
        expected=figures["expected"],
    )
    if figures.get("idle"):
        text += ngettext(" ; aucune activité depuis %(num)d jour", " ; aucune activité depuis %(num)d jours", figures["idle"])
    if figures["last"]:
        text += _(" ; dernière activité le %(date)s", date=date_text(figures["last"], "day_month"))
    return text + "."


_REASONS = {
    AlertKind.NOT_STARTED: lambda f: _(
        "Pas encore commencé : aucune activité depuis le début de la cohorte le %(date)s (%(days)d jours).",
        date=date_text(f["start"], "day_month"),
        days=f["days"],
    ),
    AlertKind.BEHIND: _pace_reason,
    AlertKind.AT_RISK: _pace_reason,
    AlertKind.STRUGGLING: lambda f: " ; ".join(_("« %(quiz)s » échoué %(failures)d fois de suite", **q) for q in f["quizzes"]) + ".",
    AlertKind.REVIEW_WAITING: lambda f: ngettext(
        "Réponse à « %(activity)s » envoyée le %(date)s, en attente de relecture depuis %(num)d jour.",
        "Réponse à « %(activity)s » envoyée le %(date)s, en attente de relecture depuis %(num)d jours.",
        f["days"], activity=f["activity"], date=date_text(f["sent"], "day_month"),
    ),
}

#: Short names of the kinds, for tables and filters.
KIND_LABELS = {
    AlertKind.NOT_STARTED: _l("pas commencé"),
    AlertKind.BEHIND: _l("en retard"),
    AlertKind.AT_RISK: _l("à risque"),
    AlertKind.STRUGGLING: _l("en difficulté"),
    AlertKind.REVIEW_WAITING: _l("relecture en attente"),
}


# A tutor's "handled" covers the problem as it stood then. The same rule firing later with figures
# at least one threshold worse is a new problem and opens a new alert; anything less is the
# problem already handled. "Not started" only gets worse as "behind" or "at risk", other kinds.
# ``resolved`` holds the figures of an alert of the same kind, so it has the same keys.
def _failed_again(resolved: dict, figures: dict, t: Thresholds) -> bool:
    """Some quiz was failed again, as many times as the rule asks, since the alert was handled."""
    before = {q["quiz"]: q["failures"] for q in resolved["quizzes"]}
    return any(q["failures"] - before.get(q["quiz"], 0) >= t.struggling_failures for q in figures["quizzes"])


def _further_behind(resolved: dict, figures: dict, t: Thresholds) -> bool:
    """The learner lost another "behind" threshold of days on the pace since it was handled."""
    return figures["days"] - resolved["days"] >= t.behind_days


def _further_at_risk(resolved: dict, figures: dict, t: Thresholds) -> bool:
    """Another "at risk" threshold of days behind, or of idle days, since it was handled."""
    more_idle = (figures["idle"] or 0) - (resolved["idle"] or 0)
    return figures["days"] - resolved["days"] >= t.at_risk_days or more_idle >= t.inactive_days


_WORSENED = {
    AlertKind.NOT_STARTED: lambda resolved, figures, t: False,
    AlertKind.BEHIND: _further_behind,
    AlertKind.AT_RISK: _further_at_risk,
    AlertKind.STRUGGLING: _failed_again,
    # Handled by the tutor who then reviews it: the review closes it, nothing gets "worse" meanwhile.
    AlertKind.REVIEW_WAITING: lambda resolved, figures, t: False,
}


def is_worse(kind: str, resolved: dict | None, figures: dict, thresholds: Thresholds) -> bool:
    """Tell whether ``figures`` (stored form) call for a new alert after one resolved at ``resolved``."""
    return resolved is not None and _WORSENED[AlertKind(kind)](resolved, figures, thresholds)
