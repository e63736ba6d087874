"""The learner's own record: "Mon parcours"."""

from flask import Blueprint
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.progress.queries import archived_work
from app.progress.queries import modules_progress

bp = Blueprint("progress", __name__, template_folder="templates")


@bp.route("/")
@login_required
def my_progress():
    """Show readings done and best quiz score per module, and overall completion."""
    modules = modules_progress(current_user.id)
    done = sum(m.items_done for m in modules)
    total = sum(m.items_total for m in modules)
    return render_template(
        "progress/my_progress.html", modules=modules, done=done, total=total, archived=archived_work(current_user.id), title=_("Mon parcours")
    )
