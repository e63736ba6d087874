"""Each account's language: chosen in the interface, used after every sign-in and for every email.

The interface reads the language from the session (``session["lang"]``, see the app's locale
selector), so the signed-in pages cost no query for it; the account keeps the choice so that a
later sign-in, and every email sent to the person, are in it whoever triggers them.
"""

from flask import current_app
from flask import session
from flask_login import user_logged_in
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import User
from app.extensions import db


def set_account_locale(user_id: int, lang: str) -> None:
    """Keep ``lang`` as the account's language; flushes, the caller commits.

    :raise ValueError: for a language the platform does not offer.
    """
    if lang not in current_app.config["LANGUAGES"]:
        raise ValueError(lang)
    db.session.execute(update(User).where(User.id == user_id).values(locale=lang))


def locales_of(user_ids: list[int]) -> dict[int, str]:
    """Return each account's language (the platform's default for those who chose none), in one query."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = {row.id: row.locale for row in db.session.execute(select(User.id, User.locale).where(User.id.in_(user_ids)))} if user_ids else {}
    offered = current_app.config["LANGUAGES"]
    return {user_id: chosen[user_id] if chosen.get(user_id) in offered else default for user_id in user_ids}


@user_logged_in.connect
def _use_account_locale(sender, user, **extra) -> None:
    """On sign-in, show the interface in the account's language, if the person chose one."""
    locale = getattr(user, "locale", None)
    if locale in current_app.config["LANGUAGES"]:
        session["lang"] = locale
