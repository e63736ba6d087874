"""The learner's page to rate their tutors."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.extensions import db
from app.tutor_feedback.forms import RatingForm
from app.tutor_feedback.services import RateableTutor
from app.tutor_feedback.services import rate_tutor
from app.tutor_feedback.services import tutors_to_rate

bp = Blueprint("tutor_feedback", __name__, template_folder="templates")


def _prefix(tutor: RateableTutor) -> str:
    return f"t{tutor.tutor_id}"


def _sent(tutors: list[RateableTutor]) -> tuple[RatingForm | None, RateableTutor | None]:
    """Return the form the learner sent and its tutor (each tutor's form has a prefix of its own)."""
    for tutor in tutors:
        form = RatingForm(prefix=_prefix(tutor))
        if form.tutor_id.data == str(tutor.tutor_id):
            return form, tutor
    return None, None


def _blank(tutor: RateableTutor) -> RatingForm:
    """A tutor's form filled with the learner's rating so far."""
    form = RatingForm(prefix=_prefix(tutor), formdata=None)
    form.tutor_id.data = str(tutor.tutor_id)
    if tutor.rating is not None:
        form.helpfulness.data, form.clarity.data, form.comment.data = tutor.rating.helpfulness, tutor.rating.clarity, tutor.rating.comment
    return form


@bp.route("/avis-tuteur", methods=["GET", "POST"])
@login_required
def rate():
    """List the learner's tutors, each with its rating form once it opens (course done, or an answer reviewed)."""
    tutors = tutors_to_rate(current_user.id)
    sent, target = _sent(tutors) if request.method == "POST" else (None, None)
    if sent is not None and target.is_open and sent.validate():
        rate_tutor(current_user.id, target.tutor_id, sent.helpfulness.data, sent.clarity.data, sent.comment.data)
        db.session.commit()
        flash(_("Merci, votre avis sur %(name)s est enregistré.", name=target.name), "success")
        return redirect(url_for(".rate"), code=303)
    forms = {t.tutor_id: sent if target is t else _blank(t) for t in tutors}
    status = 400 if request.method == "POST" else 200
    return render_template("tutor_feedback/rate.html", tutors=tutors, forms=forms, title=_("Mon avis sur mon tuteur")), status
