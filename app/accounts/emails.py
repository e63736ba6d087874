"""The emails that carry an account's single-use links, queued through the outbox.

They are account business, not tutoring: they go whatever the person's consent to be contacted
(``recipient_id`` stays empty, so the outbox does not check it). Each is written in the person's
language and names when its link stops working; the dedupe key names the link, so a message is
queued once per link.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert

from app.accounts.models import AccountToken
from app.accounts.models import TokenPurpose
from app.accounts.tokens import TOKEN_BYTES
from app.accounts.tokens import revoke_tokens_of
from app.accounts.tokens import token_hash
from app.auth.locale import locales_of
from app.clock import now_utc
from app.dates import datetime_text
from app.extensions import db
from app.outbox.services import queue_messages

#: The page each link opens.
LINK_ENDPOINTS = {TokenPurpose.INVITATION: "accounts.accept_invitation", TokenPurpose.RESET: "accounts.reset_password"}


@dataclass(frozen=True)
class Addressee:
    """Who a link is for."""

    user_id: int
    email: str
    name: str


def valid_for(purpose: TokenPurpose) -> timedelta:
    """Return how long a link of ``purpose`` works (``INVITATION_VALID_DAYS``, ``PASSWORD_RESET_VALID_MINUTES``)."""
    config = current_app.config
    if purpose is TokenPurpose.INVITATION:
        return timedelta(days=config["INVITATION_VALID_DAYS"])
    return timedelta(minutes=config["PASSWORD_RESET_VALID_MINUTES"])


def link_url(purpose: TokenPurpose, token: str) -> str:
    """Return the absolute address of a link (``PLATFORM_HOMEPAGE``), also outside a request."""
    path = current_app.url_map.bind("localhost").build(LINK_ENDPOINTS[purpose], {"token": token})
    return current_app.config["PLATFORM_HOMEPAGE"].rstrip("/") + path


def _texts(purpose: TokenPurpose, name: str, url: str, expires: str) -> tuple[str, str]:
    """Return the subject and body, in the current language."""
    if purpose is TokenPurpose.INVITATION:
        subject = _("Votre accès au cours « Comprendre l'IA au travail »")
        body = _(
            "Bonjour %(name)s,\n\n"
            "Un compte vous attend sur la plateforme du cours « Comprendre l'IA au travail ». "
            "Pour l'activer, choisissez votre mot de passe en suivant ce lien :\n\n%(url)s\n\n"
            "Le lien ne sert qu'une fois et fonctionne jusqu'au %(expires)s. "
            "Passé ce délai, demandez à l'administrateur de la plateforme de vous en renvoyer un.",
            name=name, url=url, expires=expires,
        )
    else:
        subject = _("Choisir un nouveau mot de passe")
        body = _(
            "Bonjour %(name)s,\n\n"
            "Quelqu'un, sans doute vous, a demandé à changer le mot de passe de votre compte. "
            "Pour en choisir un nouveau, suivez ce lien :\n\n%(url)s\n\n"
            "Le lien ne sert qu'une fois et fonctionne jusqu'au %(expires)s. "
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
            name=name, url=url, expires=expires,
        )
    return subject, body


def _new_secret(addressee: Addressee) -> tuple[Addressee, str, str]:
    """Return the person, the secret of a new link for them, and the hash that the database keeps."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return addressee, token, token_hash(token)


def send_links(addressees: list[Addressee], purpose: TokenPurpose) -> int:
    """Issue a new link to each person (their earlier ones of this purpose stop working) and queue its email.

    A few statements whatever the number of people, so that a file of thousands invites them
    in seconds. Flushes; the caller commits, so the links exist exactly when their emails do.

    :return: how many emails were queued.
    """
    if not addressees:
        return 0
    now = now_utc()
    expires_dt = now + valid_for(purpose)
    user_ids = [a.user_id for a in addressees]
    revoke_tokens_of(user_ids, purpose, now)
    issued = [_new_secret(a) for a in addressees]
    rows = [{"user_id": a.user_id, "purpose": purpose.value, "token_hash": hashed, "expires_dt": expires_dt} for a, _token, hashed in issued]
    db.session.execute(insert(AccountToken), rows)
    locales = locales_of(user_ids)
    messages = []
    for locale in sorted(set(locales.values())):  # one language switch per language, not per person
        with force_locale(locale):
            expires = datetime_text(expires_dt)
            for addressee, token, hashed in issued:
                if locales[addressee.user_id] == locale:
                    subject, body = _texts(purpose, addressee.name, link_url(purpose, token), expires)
                    messages.append({"dedupe_key": f"{purpose.value}:{hashed}", "to_address": addressee.email, "subject": subject, "body": body})
    return queue_messages(messages)
