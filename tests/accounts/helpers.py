"""What the account tests share: creating invited people, reading the links out of queued emails."""

import re

from sqlalchemy import select

from app.accounts.services import Identity
from app.accounts.services import create_account
from app.auth.models import Role
from app.extensions import db
from app.outbox.models import OutboxMessage

LINK = re.compile(r"https?://\S+/(invitation|mot-de-passe/nouveau)/([A-Za-z0-9_-]+)")


def invite(app, email="nouveau@demo.test", roles=Role.LEARNER, first_name="Nina", last_name="Nouvel"):
    """Create an account by invitation, as an admin does; return its id."""
    with app.app_context():
        user = create_account(Identity(email, first_name, last_name, roles))
        db.session.commit()
        return user.id


def queued_to(app, address: str) -> list[OutboxMessage]:
    """Return the messages queued for ``address``, oldest first."""
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(messages)


def link_path(body: str) -> str:
    """Return the path of the link in an email body."""
    found = LINK.search(body)
    assert found, body
    return f"/{found.group(1)}/{found.group(2)}"


def last_link(app, address: str) -> str:
    """Return the path of the link in the last email queued for ``address``."""
    return link_path(queued_to(app, address)[-1].body)
