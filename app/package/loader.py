"""Load and cross-check the whole course package (pure: no database, no Flask)."""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask_babel import gettext as _

from app.activities.loader import ActivitySpec
from app.activities.loader import load_activities
from app.catalogue.loader import ModuleSpec
from app.catalogue.loader import load_course
from app.contentfile import ContentError
from app.diagnostic.loader import FILENAME as DIAGNOSTIC_FILENAME
from app.diagnostic.loader import DiagnosticSpec
from app.diagnostic.loader import load_diagnostic
from app.quizzes.loader import QuizSpec
from app.quizzes.loader import load_quizzes


@dataclass(frozen=True)
class Package:
    """Every file of the package, parsed and cross-checked."""

    modules: list[ModuleSpec]
    quizzes: list[QuizSpec]
    diagnostic: DiagnosticSpec | None
    activities: list[ActivitySpec] = field(default_factory=list)

    def activities_of(self, module: ModuleSpec) -> list[ActivitySpec]:
        """Return the activities of ``module``, in their order."""
        return sorted((a for a in self.activities if a.dirname == module.dirname), key=lambda a: a.position)


def load_package(course_dir: Path, quizzes_dir: Path) -> tuple[Package, list[ContentError]]:
    """Parse ``course_dir`` and ``quizzes_dir``; return the package and every error found."""
    modules, errors = load_course(course_dir)
    activities, activity_errors = load_activities(course_dir)
    errors += activity_errors
    course_is_clean = not errors
    quizzes, quiz_errors = load_quizzes(quizzes_dir, skip=frozenset({DIAGNOSTIC_FILENAME}))
    diagnostic, diagnostic_errors = load_diagnostic(quizzes_dir)
    errors += quiz_errors + diagnostic_errors
    package = Package(modules, quizzes, diagnostic, activities)
    errors += _duplicates([(m.slug, m.path) for m in modules], _("module en double : %(slug)r est déjà utilisé dans %(path)s"))
    errors += _duplicates(
        [(r.slug, r.path) for m in modules for r in m.readings], _("lecture en double : %(slug)r est déjà utilisé dans %(path)s")
    )
    # Activities and readings share the course's slugs (and its URLs): an activity may take neither's.
    named = [(r.slug, r.path) for m in modules for r in m.readings] + [(a.slug, a.path) for a in activities]
    activity_paths = {a.path for a in activities}
    errors += [e for e in _duplicates(named, _("activité en double : %(slug)r est déjà utilisé dans %(path)s")) if e.path in activity_paths]
    # Links are checked only against a course that parsed cleanly: a reading with a syntax error
    # would otherwise show up again as an "unknown reading" in every quiz that names it.
    if course_is_clean:
        quiz_files = {path.stem for path in quizzes_dir.glob("*.toml")} if quizzes_dir.is_dir() else set()
        errors += _check_links(package, quiz_files)
    return package, errors


def _check_links(package: Package, quiz_files: set[str]) -> list[ContentError]:
    """Check that quizzes and statements name modules and readings that exist."""
    errors = []
    readings = [r for m in package.modules for r in m.readings]
    module_slugs = {m.slug for m in package.modules}
    reading_slugs = {r.slug for r in readings}
    for quiz in package.quizzes:
        if quiz.filename != f"{quiz.module_slug}.toml":
            errors.append(ContentError(quiz.path, None, _("le fichier du quiz du module '%(slug)s' doit s'appeler %(slug)s.toml", slug=quiz.module_slug)))
        if quiz.module_slug not in module_slugs:
            errors.append(ContentError(quiz.path, None, _("module inconnu : %(slug)r", slug=quiz.module_slug)))
        for question in quiz.questions:
            if question.reading_slug not in reading_slugs:
                errors.append(ContentError(quiz.path, question.reading_line, _("question %(key)s : lecture inconnue %(slug)r", key=question.key, slug=question.reading_slug)))
    for module in package.modules:
        # A quiz file that exists but has errors was reported already; only a missing file is new.
        if module.slug not in quiz_files:
            errors.append(ContentError(module.path, None, _("le module %(slug)s n'a pas de quiz dans quizzes/", slug=module.slug)))
    if package.diagnostic is not None:
        for statement in package.diagnostic.statements:
            if statement.module_slug and statement.module_slug not in module_slugs:
                errors.append(ContentError(package.diagnostic.path, statement.line, _("énoncé %(key)s : module inconnu %(slug)r", key=statement.key, slug=statement.module_slug)))
    return errors


def _duplicates(items: list[tuple[str, str]], message: str) -> list[ContentError]:
    """``message`` names the kind whole (so it translates), with ``%(slug)r`` and ``%(path)s``."""
    first_seen: dict[str, str] = {}
    errors = []
    for slug, path in items:
        if slug in first_seen:
            errors.append(ContentError(path, None, message % {"slug": slug, "path": first_seen[slug]}))
        else:
            first_seen[slug] = path
    return errors
