"""The learner's settings page: consent to be contacted."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.consent.forms import ConsentForm
from app.consent.services import consent_history
from app.consent.services import is_contactable
from app.consent.services import set_contact_consent
from app.extensions import db

bp = Blueprint("consent", __name__, template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    """Show and change the learner's consent to be contacted by a tutor."""
    form = ConsentForm()
    if form.validate_on_submit():
        if set_contact_consent(current_user, form.consent.data == "yes"):
            db.session.commit()
        flash(_("Votre choix est enregistré."), "success")
        return redirect(url_for(".settings"), code=303)
    contactable = is_contactable(current_user.id)
    if not form.is_submitted():
        form.consent.data = "yes" if contactable else "no"
    status = 400 if form.is_submitted() else 200
    return render_template(
        "consent/settings.html", form=form, contactable=contactable, history=consent_history(current_user.id), title=_("Mes paramètres")
    ), status
