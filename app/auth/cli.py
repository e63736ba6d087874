"""``flask users ...`` commands."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.auth.models import Role
from app.auth.services import AccountError
from app.auth.services import create_user
from app.extensions import db

users_cli = AppGroup("users", help="Gérer les comptes.")

ROLE_NAMES = [role.name.lower() for role in Role]


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Nom affiché.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLE_NAMES),
    default=("learner",),
    show_default=True,
    help="Rôle (répétable).",
)
@click.password_option(help="Mot de passe (demandé s'il n'est pas donné).")
def create_user_command(email: str, display_name: str, roles: tuple[str, ...], password: str) -> None:
    """Create an account with one or more roles."""
    try:
        user = create_user(email, display_name, password, Role.parse(list(roles)))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(_("Compte créé : %(email)s (%(roles)s)", email=user.email, roles=", ".join(user.role_set.names)))
