"""Admin pages for accounts: the list (search, filters), create, edit, deactivate, invite, import a file."""

from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from app.accounts.importing import TEMPLATE
from app.accounts.importing import apply_import
from app.accounts.importing import plan_import
from app.accounts.queries import AccountFilter
from app.accounts.queries import account_select
from app.accounts.queries import invitations_of
from app.accounts.queries import is_awaiting_activation
from app.accounts.services import Identity
from app.accounts.services import create_account
from app.accounts.services import resend_invitation
from app.accounts.services import set_account_active
from app.accounts.services import update_account
from app.admin.account_forms import AccountActionForm
from app.admin.account_forms import AccountSearchForm
from app.admin.account_forms import EditAccountForm
from app.admin.account_forms import ImportConfirmForm
from app.admin.account_forms import ImportFileForm
from app.admin.account_forms import NewAccountForm
from app.admin.forms import open_cohort_choices
from app.admin.views import bp
from app.auth.decorators import role_required
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import AccountError
from app.auth.services import revoke_sessions
from app.auth.two_factor import disable
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import enrol
from app.extensions import db
from app.privacy.services import anonymisation_refusal
from app.web import page_arg

#: Accounts per page of the list.
ACCOUNTS_PER_PAGE = 50


def _open_cohort_choices(empty_label: str) -> list[SelectChoice]:
    return [SelectChoice("", empty_label), *open_cohort_choices()]


def _search_form() -> tuple[AccountSearchForm, AccountFilter]:
    form = AccountSearchForm(request.args)
    form.cohort.choices = _open_cohort_choices(_("Toutes"))
    if not form.validate():
        return form, AccountFilter()
    role = Role[form.role.data.upper()] if form.role.data else None
    cohort_id = int(form.cohort.data) if form.cohort.data else None
    return form, AccountFilter(text=form.q.data or "", role=role, cohort_id=cohort_id, status=form.status.data or "")


@bp.route("/")
@role_required(Role.ADMIN)
def home():
    """List accounts (search and filters), with their roles, state and pending invitations."""
    form, criteria = _search_form()
    page = db.paginate(account_select(criteria), page=page_arg(), per_page=ACCOUNTS_PER_PAGE, max_per_page=ACCOUNTS_PER_PAGE, error_out=False)
    may_anonymise = {user.id for user in page.items if anonymisation_refusal(user) is None}
    filters = {key: value for key, value in request.args.items() if key in ("q", "role", "cohort", "status") and value}
    return render_template(
        "admin/home.html", page=page, form=form, filters=filters, may_anonymise=may_anonymise, invitations=invitations_of(page.items),
        awaiting={user.id for user in page.items if is_awaiting_activation(user)}, now=now_utc(),
        title=_("Administration"),
    )


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_account():
    """Create an account, optionally enrolled in a cohort, and invite the person to choose a password."""
    form = NewAccountForm()
    form.cohort.choices = _open_cohort_choices(_("Aucune"))
    if form.validate_on_submit():
        roles = form.roles.roles
        if form.cohort.data and Role.LEARNER not in roles:
            form.cohort.errors.append(_("Seul un apprenant s'inscrit dans une cohorte : cochez le rôle apprenant."))
        else:
            try:
                user = create_account(Identity(form.email.data, form.first_name.data, form.last_name.data, roles, form.locale.data), invite=form.invite.data)
            except AccountError as exc:
                form.email.errors.append(str(exc))
            else:
                if form.cohort.data:
                    enrol(db.get_or_404(Cohort, int(form.cohort.data)), user)
                db.session.commit()
                flash(_("Compte créé ; l'invitation part par e-mail.") if form.invite.data else _("Compte créé, sans invitation."), "success")
                return redirect(url_for(".account", user_id=user.id), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/new_account.html", form=form, title=_("Nouveau compte")), status


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account(user_id: int):
    """Show an account; edit its names, roles and language."""
    found = db.get_or_404(User, user_id)
    form = EditAccountForm()
    if request.method == "GET":
        form.first_name.data, form.last_name.data = found.first_name, found.last_name
        form.roles.data = found.role_set.names
        form.locale.data = found.locale or "fr"
    if found.anonymised_dt is None and form.validate_on_submit():
        try:
            update_account(found.id, form.first_name.data, form.last_name.data, form.roles.roles, form.locale.data)
        except AccountError as exc:
            form.roles.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Compte enregistré."), "success")
            return redirect(url_for(".account", user_id=user_id), code=303)
    cohorts = db.session.scalars(select(Cohort).join(Enrolment, Enrolment.cohort_id == Cohort.id).where(Enrolment.user_id == user_id).order_by(Cohort.start_date)).all()
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/account.html", account=found, form=form, action_form=AccountActionForm(), cohorts=cohorts,
        invitation=invitations_of([found]).get(found.id), awaiting=is_awaiting_activation(found), now=now_utc(), title=found.full_name,
    ), status


def _account_action(user_id: int, action, message: str):
    """Run a button's action on an account, then go back to it with what happened."""
    db.get_or_404(User, user_id)
    if AccountActionForm().validate_on_submit():
        try:
            action(user_id)
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for(".account", user_id=user_id), code=303)


@bp.route("/comptes/<int:user_id>/desactiver", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate_account(user_id: int):
    """Deactivate an account: it can no longer sign in, its sessions end, its work is kept."""
    return _account_action(user_id, lambda uid: set_account_active(uid, False), _("Compte désactivé : ses sessions sont fermées, son travail est conservé."))


@bp.route("/comptes/<int:user_id>/reactiver", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate_account(user_id: int):
    """Let a deactivated account sign in again."""
    return _account_action(user_id, lambda uid: set_account_active(uid, True), _("Compte réactivé."))


@bp.route("/comptes/<int:user_id>/invitation", methods=["POST"])
@role_required(Role.ADMIN)
def resend_account_invitation(user_id: int):
    """Send a new invitation link (the earlier one stops working)."""
    return _account_action(user_id, resend_invitation, _("Nouvelle invitation envoyée ; le lien précédent ne fonctionne plus."))


@bp.route("/comptes/<int:user_id>/double-facteur", methods=["POST"])
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """Turn off the two-factor sign-in of someone who lost their phone and their recovery codes."""

    def reset(uid: int) -> None:
        disable(uid)
        revoke_sessions(uid)

    return _account_action(user_id, reset, _("Double authentification désactivée : la personne se connecte avec son seul mot de passe et peut la réactiver."))


@bp.route("/comptes/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_accounts():
    """Check a CSV file of people and show what importing it would do (nothing changes yet)."""
    form = ImportFileForm()
    plan = text = None
    if form.validate_on_submit():
        text = form.read_text()
        if text is not None:
            plan = plan_import(text)
    confirm = ImportConfirmForm(formdata=None, content=text) if plan is not None and not plan.problems else None
    status = 400 if form.is_submitted() and (plan is None or plan.problems) else 200
    return render_template("admin/import.html", form=form, plan=plan, confirm=confirm, title=_("Importer des comptes")), status


@bp.route("/comptes/import/confirmer", methods=["POST"])
@role_required(Role.ADMIN)
def confirm_import():
    """Apply the checked file, all or nothing (it is checked again: the accounts may have changed)."""
    confirm = ImportConfirmForm()
    if not confirm.validate_on_submit():
        flash(_("Rien n'a été importé : choisissez le fichier à nouveau."), "error")
        return redirect(url_for(".import_accounts"), code=303)
    plan = plan_import(confirm.content.data)
    if plan.problems:
        return render_template("admin/import.html", form=ImportFileForm(formdata=None), plan=plan, confirm=None, title=_("Importer des comptes")), 400
    report = apply_import(plan, enrol=confirm.enrol.data, invite=confirm.invite.data)
    db.session.commit()
    flash(
        _("Importation faite : %(created)d comptes créés, %(updated)d mis à jour, %(enrolled)d inscriptions, %(invited)d invitations envoyées.",
          created=report.created, updated=report.updated, enrolled=report.enrolled, invited=report.invited),
        "success",
    )
    return redirect(url_for(".home"), code=303)


@bp.route("/comptes/import/modele.csv")
@role_required(Role.ADMIN)
def import_template():
    """Download a file in the expected format, with two example lines."""
    return Response("\ufeff" + TEMPLATE, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=modele-comptes.csv"})
