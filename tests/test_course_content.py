"""The real course, tested as data: every interview has its reading, quizzes are complete, time fits."""

import re
import subprocess
import sys

import pytest

from app.catalogue.loader import load_course
from app.package.loader import load_package
from tests.conftest import ROOT

#: The fifteen interviews of the report, as its table of contents spells them (for Thierry de la
#: Vulpillières the contents page has an OCR slip, "Vulpillères"; the report's own link and the
#: brief use "Vulpillières").
INTERVIEWEES = {
    "assurance": ["Norbert Girard", "Frédérique Bouvier", "Erwan Medy", "Philippe Marie-Jeanne", "Jean-Philippe Eprincharde"],
    "education": ["Rémy Challe", "Yannick Petit", "Mathieu Nebra", "Thierry de la Vulpillières"],
    "relation-client": ["Jérôme Allix", "Irmine Longy", "Brice Chambard", "Guillaume Aurine"],
    "sante": ["Christian Chabrierie", "Alkéos Michail"],
}
#: The closing module crosses the sectors: a reading with a table of the interviewees, a glossary, the final assessment.
CLOSING = "synthese"
MODULES = ["introduction", *INTERVIEWEES, CLOSING]
CHECK_QUOTES = ROOT.parent / "shared" / "tools" / "check_quotes.py"
QUOTE = re.compile(r"«\s*(.+?)\s*»", re.S)
#: The optional last section of an interview reading, for what goes beyond its key ideas.
FURTHER = "## Pour approfondir"
#: A glossary entry: ``### RPA {#terme-rpa}``; a link to it from a reading.
GLOSSARY_ENTRY = re.compile(r"^### (.+?) \{#(terme-[a-z0-9]+(?:-[a-z0-9]+)*)\}$", re.M)
GLOSSARY_LINK = re.compile(r"\]\(/cours/synthese/glossaire#(terme-[a-z0-9-]+)\)")


def _words(text: str) -> int:
    """Count the words of a text, quotations left out (they are the report's, not ours)."""
    return len(re.findall(r"\w+", QUOTE.sub(" ", text)))


@pytest.fixture(scope="module")
def package():
    loaded, errors = load_package(ROOT / "course", ROOT / "quizzes")
    assert not errors, [str(e) for e in errors]
    return loaded


def _module(package, slug):
    return next(m for m in package.modules if m.slug == slug)


def test_the_modules_in_order(package):
    assert [m.slug for m in sorted(package.modules, key=lambda m: m.position)] == MODULES


@pytest.mark.parametrize("slug", list(INTERVIEWEES))
def test_every_interview_has_its_reading_after_the_chapter_reading(package, slug):
    module = _module(package, slug)
    readings = sorted(module.readings, key=lambda r: r.position)
    assert readings[0].interviewee is None, "a sector module opens with its chapter reading"
    assert [r.interviewee for r in readings[1:]] == INTERVIEWEES[slug]
    assert all(r.role and r.organisation for r in readings[1:])


def test_every_module_states_its_objectives(package):
    for module in package.modules:
        assert 3 <= len(module.objectives) <= 5, module.slug
        assert module.summary.strip()


def test_module_minutes_add_up_and_the_course_fits_four_weeks(package):
    quizzes = {q.module_slug: q for q in package.quizzes}
    for module in package.modules:
        activities = sum(a.estimated_minutes for a in package.activities_of(module))
        expected = sum(r.estimated_minutes for r in module.readings) + activities + quizzes[module.slug].estimated_minutes
        assert module.estimated_minutes == expected, module.slug
    total = sum(m.estimated_minutes for m in package.modules)
    # About four weeks at a few hours a week: more than an hour a week, at most three.
    assert 4 * 60 <= total <= 4 * 180, total


@pytest.mark.parametrize("slug", MODULES)
def test_quizzes_mix_types_and_cover_every_reading(package, slug):
    quiz = next(q for q in package.quizzes if q.module_slug == slug)
    minimum = 8 if slug in ("introduction", CLOSING) else 10
    assert len(quiz.questions) >= minimum
    assert {q.type for q in quiz.questions} == {"single_choice", "multiple_choice", "true_false"}
    assert quiz.pass_mark == 70
    own = {r.slug for r in _module(package, slug).readings}
    linked = {q.reading_slug for q in quiz.questions}
    assert linked <= own, "questions point to this module's readings"
    if slug != "introduction":
        assert linked == own, "every reading of a sector module, and of the closing module, is asked about"


def test_every_module_has_one_applied_activity_after_its_readings(package):
    """Practice with the tutor closes each module, before its quiz (Unow's « mettre en pratique en tutorat »)."""
    for module in package.modules:
        if module.slug == CLOSING:
            # The closing module has the final assessment (its quiz) instead of an applied activity.
            assert not package.activities_of(module)
            continue
        (activity,) = package.activities_of(module)
        assert activity.position > max(r.position for r in module.readings), module.slug
        assert 20 <= activity.estimated_minutes <= 60, activity.slug


@pytest.mark.parametrize("slug", list(INTERVIEWEES))
def test_interview_readings_follow_the_pattern(package, slug):
    """An interview reading keeps to its 3-4 key ideas; what goes further is set apart, after them."""
    for reading in _module(package, slug).readings[1:]:
        body, _, further = reading.body.partition(FURTHER)
        assert 500 <= _words(body) <= 800, (reading.slug, _words(body))
        assert _words(further) <= 400, (reading.slug, _words(further))
        assert 3 <= len(re.findall(r"^### ", body, re.M)) <= 4, reading.slug
        assert "## Ce que cela change pour vous" in body, reading.slug
        assert '!!! retenir "À retenir"' in body, reading.slug
        assert 2 <= len(QUOTE.findall(body)) <= 4, reading.slug
        assert all(len(q.split()) <= 32 for q in QUOTE.findall(body)), reading.slug


def test_self_diagnostic_statements_are_tied_to_modules(package):
    statements = package.diagnostic.statements
    assert 12 <= len(statements) <= 14
    # Every module, the closing one included, has two statements, three at most.
    counts = {slug: sum(s.module_slug == slug for s in statements) for slug in MODULES}
    assert all(2 <= n <= 3 for n in counts.values()), counts
    assert {s.module_slug for s in statements} == set(MODULES)


def test_quotations_match_the_report_and_nothing_is_copied():
    activities = sorted(str(path) for path in (ROOT / "course").glob("*/*.toml") if path.name != "module.toml")
    assert activities, "the activities' briefs and criteria are checked too"
    result = subprocess.run([sys.executable, str(CHECK_QUOTES), str(ROOT / "course"), *activities], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_course_files_parse_with_the_course_loader():
    modules, errors = load_course(ROOT / "course")
    assert not errors and len(modules) == len(MODULES)


def _course_readings(package):
    """Every reading of the course, in course order: modules by position, then readings by position."""
    for module in sorted(package.modules, key=lambda m: m.position):
        yield from sorted(module.readings, key=lambda r: r.position)


def test_the_glossary_anchors_its_terms_and_each_is_linked_once(package):
    glossary = next(r for r in _module(package, CLOSING).readings if r.slug == "glossaire")
    entries = GLOSSARY_ENTRY.findall(glossary.body)
    anchors = [anchor for _, anchor in entries]
    assert 20 <= len(entries) <= 30, len(entries)
    assert len(re.findall(r"^### ", glossary.body, re.M)) == len(entries), "every entry carries its terme- anchor"
    assert len(set(anchors)) == len(anchors), "no anchor is used twice"
    links = [(reading.slug, anchor) for reading in _course_readings(package) for anchor in GLOSSARY_LINK.findall(reading.body)]
    assert links, "the readings link to the glossary"
    assert {anchor for _, anchor in links} <= set(anchors), "every link points to an existing entry"
    linked = [anchor for _, anchor in links]
    assert len(set(linked)) == len(linked), [a for a in set(linked) if linked.count(a) > 1]
    assert not GLOSSARY_LINK.search(glossary.body), "the glossary does not link to itself"


def test_the_closing_reading_tables_the_fifteen_interviewees(package):
    reading = next(r for r in _module(package, CLOSING).readings if r.slug == "croiser-les-regards")
    rows = [line for line in reading.body.splitlines() if line.startswith("|")][2:]  # header and rule left out
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    assert all(len(row) == 4 for row in cells), "personne, secteur, une idée, une citation courte"
    named = [next(name for names in INTERVIEWEES.values() for name in names if name in row[0]) for row in cells]
    assert sorted(named) == sorted(name for names in INTERVIEWEES.values() for name in names)
    for row in cells:
        (quote,) = QUOTE.findall(row[3])
        assert len(quote.split()) <= 20, quote
    assert "## Ce que cela change pour vous" in reading.body
    assert '!!! retenir "À retenir"' in reading.body
