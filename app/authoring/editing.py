"""The module and reading editors: one handler for preview, save, publish and discard, per kind a form.

Each kind says how its form is filled from the file text and how the text is written back; the
handler does the rest the same way for both.
"""

from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from markupsafe import Markup

from app.authoring.forms import ActivityForm
from app.authoring.forms import ModuleForm
from app.authoring.forms import ReadingForm
from app.authoring.services import EditConflict
from app.authoring.services import Item
from app.authoring.services import Working
from app.authoring.services import diff
from app.authoring.services import discard_draft
from app.authoring.services import publish
from app.authoring.services import save_draft
from app.authoring.services import working_copy
from app.authoring.sources import activity_source
from app.authoring.sources import activity_values
from app.authoring.sources import module_source
from app.authoring.sources import module_values
from app.authoring.sources import reading_source
from app.authoring.sources import reading_values
from app.clock import now_utc
from app.contentfile import ContentError
from app.contentfile import ContentInvalid
from app.extensions import db
from app.markdown import render_preview


class ModuleEditor:
    """``module.toml``: title, summary, objectives (one per line), minutes."""

    form_class = ModuleForm

    @staticmethod
    def fill(form: ModuleForm, source: str) -> None:
        """Set the form's fields from a module file's text."""
        values = module_values(source)
        form.title.data, form.summary.data = values.get("title", ""), values.get("summary", "")
        form.objectives.data = "\n".join(values.get("objectives", []))
        form.estimated_minutes.data = values.get("estimated_minutes")

    @staticmethod
    def source(form: ModuleForm, item: Item) -> str:
        """Write the module file's text from the form."""
        objectives = [line.strip() for line in form.objectives.data.splitlines() if line.strip()]
        return module_source({"slug": item.row.slug, "title": form.title.data.strip(), "summary": form.summary.data.strip(),
                              "objectives": objectives, "estimated_minutes": form.estimated_minutes.data})

    @staticmethod
    def preview(form: ModuleForm) -> Markup | None:
        """Modules have no Markdown: the template shows the card from the form's values."""
        return None


class ReadingEditor:
    """A reading file: front matter and Markdown body."""

    form_class = ReadingForm

    @staticmethod
    def fill(form: ReadingForm, source: str) -> None:
        """Set the form's fields from a reading file's text."""
        front, body = reading_values(source)
        form.title.data, form.estimated_minutes.data = front.get("title", ""), front.get("estimated_minutes")
        form.source_first.data, form.source_last.data = (front.get("source_lines") or [None, None])[:2]
        form.interviewee.data, form.role.data, form.organisation.data = (front.get(k) for k in ("interviewee", "role", "organisation"))
        form.body.data = body

    @staticmethod
    def source(form: ReadingForm, item: Item) -> str:
        """Write the reading file's text from the form."""
        front = {"slug": item.row.slug, "title": form.title.data.strip(), "estimated_minutes": form.estimated_minutes.data,
                 "source_lines": [form.source_first.data, form.source_last.data],
                 **{k: (form[k].data or "").strip() or None for k in ("interviewee", "role", "organisation")}}
        return reading_source(front, form.body.data)

    @staticmethod
    def preview(form: ReadingForm) -> Markup | None:
        """The body as learners will see it, through the one sanitising renderer (or why it cannot be)."""
        return render_preview(form.body.data or "")


class ActivityEditor:
    """An activity file: its fields, the brief (Markdown) and the criteria (one per line)."""

    form_class = ActivityForm

    @staticmethod
    def fill(form: ActivityForm, source: str) -> None:
        """Set the form's fields from an activity file's text."""
        values = activity_values(source)
        form.title.data, form.estimated_minutes.data = values.get("title", ""), values.get("estimated_minutes")
        form.source_first.data, form.source_last.data = (values.get("source_lines") or [None, None])[:2]
        form.accepts_file.data, form.brief.data = values.get("accepts_file", False), values.get("brief", "")
        form.criteria.data = "\n".join(values.get("criteria", []))

    @staticmethod
    def source(form: ActivityForm, item: Item) -> str:
        """Write the activity file's text from the form."""
        criteria = [line.strip() for line in form.criteria.data.splitlines() if line.strip()]
        return activity_source({"slug": item.row.slug, "title": form.title.data.strip(), "estimated_minutes": form.estimated_minutes.data,
                                "source_lines": [form.source_first.data, form.source_last.data], "accepts_file": form.accepts_file.data,
                                "brief": form.brief.data, "criteria": criteria})

    @staticmethod
    def preview(form: ActivityForm) -> Markup | None:
        """The brief as learners will see it."""
        return render_preview(form.brief.data or "")


EDITORS = {"module": ModuleEditor, "reading": ReadingEditor, "activity": ActivityEditor}


@dataclass
class EditorOutcome:
    """What an editor page shows after a request (or where to go next); shared by every editor."""

    form: object
    working: Working
    status: int = 200
    errors: list[ContentError] = field(default_factory=list)
    conflict: EditConflict | None = None
    mine: str | None = None
    conflict_diff: list = field(default_factory=list)
    redirect_to: bool = False
    message: str = ""

    @property
    def is_stale(self) -> bool:
        """The draft started from an older published revision than the live one."""
        return self.working.is_stale


@dataclass
class EditorPage(EditorOutcome):
    """The module and reading editors' outcome, with the rendered preview."""

    preview: Markup | None = None


def handle(item: Item, author_id: int) -> EditorPage:
    """Run one request of an editor: show, preview, save, publish or discard; commit what changes."""
    editor = EDITORS[item.kind.kind.value]
    working = working_copy(item)
    form = editor.form_class()
    if not form.is_submitted():
        editor.fill(form, working.source)
        form.version.data, form.base.data = working.version, working.base
        return EditorPage(form, working, preview=editor.preview(form))
    if form.discard.data and _csrf_ok(form):
        discard_draft(item)
        db.session.commit()
        return EditorPage(form, working, redirect_to=True, message=_("Brouillon abandonné : le texte publié est inchangé."))
    if not form.validate():
        return EditorPage(form, working, status=400, preview=editor.preview(form))
    source = editor.source(form, item)
    if form.preview.data:
        return EditorPage(form, working, preview=editor.preview(form))
    return _save_or_publish(item, form, working, source, author_id)


def _csrf_ok(form) -> bool:
    """Check only the form's CSRF token (discarding needs no other field)."""
    token = getattr(form, "csrf_token", None)  # absent when CSRF is off (tests)
    return token is None or token.validate(form)


def _save_or_publish(item: Item, form, working: Working, source: str, author_id: int) -> EditorPage:
    version, base = form.versions()
    editor = EDITORS[item.kind.kind.value]
    try:
        if form.publish.data:
            publish(item, source, version=version, base=base, author_id=author_id)
            message = _("Publié : les apprenants voient maintenant la révision %(n)d.", n=item.row.revision)
        else:
            save_draft(item, source, version=version, base=base, author_id=author_id, now=now_utc())
            message = _("Brouillon enregistré. Les apprenants voient toujours la version publiée.")
    except ContentInvalid as exc:
        return EditorPage(form, working, status=400, preview=editor.preview(form), errors=exc.errors)
    except EditConflict as exc:
        db.session.rollback()
        form.version.data, form.base.data = exc.version, exc.base  # sending again replaces theirs, knowingly
        return EditorPage(form, working_copy(item), status=409, preview=editor.preview(form), conflict=exc, mine=source,
                          conflict_diff=diff(exc.theirs, source))
    db.session.commit()
    return EditorPage(form, working, redirect_to=True, message=message)
