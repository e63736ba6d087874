"""Author pages for the package as a whole: download it as a zip, upload one, confirm it.

The routes join the authoring blueprint (``bp`` from :mod:`app.authoring.views`).
"""

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring.package_forms import ConfirmPackageForm
from app.authoring.package_forms import PackageUploadForm
from app.authoring.views import bp
from app.catalogue.services import SyncReport
from app.clock import now_utc
from app.contentfile import ContentInvalid
from app.extensions import db
from app.package import uploads  # the module, not its names: uploads.KINDS, uploads.apply_upload read as what they are
from app.package.archive import DEFAULT_LIMITS
from app.package.archive import ArchiveRefused
from app.package.models import PackageUpload


@bp.route("/paquet/", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def package():
    """Offer the published package as a zip; check an uploaded one and show what it would change."""
    form, problems = PackageUploadForm(), []
    if form.validate_on_submit():
        try:
            upload = uploads.stage_upload(current_user.id, *form.read_upload())
        except ArchiveRefused as exc:
            problems = _refused(form, exc.messages, _("Archive refusée : voir la liste en haut de la page."))
        except ContentInvalid as exc:
            problems = _refused(
                form,
                [str(error) for error in exc.errors],
                ngettext("Paquet refusé : %(num)d erreur, voir la liste en haut de la page.",
                         "Paquet refusé : %(num)d erreurs, voir la liste en haut de la page.", len(exc.errors)),
            )
        else:
            db.session.commit()
            return redirect(url_for(".package_review", token=upload.token), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "authoring/package.html",
        form=form,
        problems=problems,
        limits=DEFAULT_LIMITS,
        pending=uploads.pending_uploads(current_user.id),
        title=_("Paquet de cours"),
    ), status


def _refused(form: PackageUploadForm, problems: list[str], field_error: str) -> list[str]:
    """Undo the request's work, point the file field at the list of problems; return the list."""
    db.session.rollback()
    form.file.errors.append(field_error)
    return problems


@bp.route("/paquet/telechargement")
@role_required(Role.AUTHOR)
def package_download():
    """Send the published package as a zip (read-only, hence a GET); the same content gives the same bytes."""
    name = uploads.package_file_name(now_utc())
    return Response(uploads.package_zip(), mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/paquet/<token>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def package_review(token: str):
    """Show what an uploaded package would change; apply it when its author confirms."""
    upload = _own_upload(token)
    form, refusal, errors = ConfirmPackageForm(), None, []
    if form.validate_on_submit():
        try:
            report = uploads.apply_upload(upload)
        except ContentInvalid as exc:
            db.session.rollback()
            errors = exc.errors
        except uploads.UploadRefused as exc:
            db.session.commit()  # keeps a summary refreshed against the new content
            refusal = str(exc)
        else:
            db.session.commit()
            flash(_applied_message(report), "success")
            return redirect(url_for(".home"), code=303)
    status = 200 if not form.is_submitted() else 409 if refusal else 400
    return render_template(
        "authoring/package_review.html",
        upload=upload,
        form=form,
        refusal=refusal,
        errors=errors,
        kinds=uploads.KINDS,
        title=_("Paquet envoyé"),
    ), status


def _own_upload(token: str) -> PackageUpload:
    """Return the signed-in author's upload named by ``token``.

    :raise 404: if there is none; :raise 403: if another author sent it.
    """
    upload = db.first_or_404(select(PackageUpload).where(PackageUpload.token == token).options(defer(PackageUpload.data)))
    if upload.author_id != current_user.id:
        abort(403)
    return upload


def _applied_message(report: SyncReport) -> str:
    return _(
        "Paquet appliqué. Créés : %(c)d ; mis à jour : %(u)d ; archivés : %(a)d ; inchangés : %(n)d.",
        c=len(report.created),
        u=len(report.updated),
        a=len(report.archived),
        n=report.unchanged,
    )
