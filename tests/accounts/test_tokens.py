"""The links themselves: what the database keeps, who a new link replaces, the emails that carry them."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.emails import Addressee
from app.accounts.emails import link_url
from app.accounts.emails import send_links
from app.accounts.models import AccountToken
from app.accounts.models import TokenPurpose
from app.accounts.tokens import peek_token
from app.accounts.tokens import redeem_token
from app.accounts.tokens import token_hash
from app.extensions import db
from tests.accounts.helpers import last_link
from tests.accounts.helpers import queued_to


def _send(app, user, purpose=TokenPurpose.RESET, name="Chloé"):
    with app.app_context():
        count = send_links([Addressee(user.id, user.email, name)], purpose)
        db.session.commit()
    return count, last_link(app, user.email).rsplit("/", 1)[1]


def test_only_a_hash_of_the_secret_is_kept_and_a_link_opens_once(app, create_user):
    user = create_user()
    count, token = _send(app, user)
    assert count == 1
    with app.app_context():
        row = db.session.scalar(select(AccountToken))
        assert row.token_hash == token_hash(token) != token and len(row.token_hash) == 64
        assert peek_token(token, TokenPurpose.RESET) == user.id and peek_token(token, TokenPurpose.INVITATION) is None
        assert redeem_token(token, TokenPurpose.RESET) == user.id
        assert redeem_token(token, TokenPurpose.RESET) is None  # the update that used it closed it
        assert peek_token(token, TokenPurpose.RESET) is None


def test_a_new_link_replaces_only_the_same_persons_links_of_the_same_purpose(app, create_user, clock):
    chloe, hugo = create_user(), create_user()
    _, used = _send(app, chloe)
    with app.app_context():
        redeem_token(used, TokenPurpose.RESET)
        db.session.commit()
        used_at = db.session.scalar(select(AccountToken.used_dt).where(AccountToken.token_hash == token_hash(used)))
    _, invitation = _send(app, chloe, TokenPurpose.INVITATION)
    _, hugos = _send(app, hugo)
    clock.now += timedelta(minutes=5)
    _, newer = _send(app, chloe)
    with app.app_context():
        assert peek_token(newer, TokenPurpose.RESET) == chloe.id
        assert peek_token(invitation, TokenPurpose.INVITATION) == chloe.id  # another purpose: kept
        assert peek_token(hugos, TokenPurpose.RESET) == hugo.id  # another person: kept
        # A link used before keeps the time it was used.
        assert db.session.scalar(select(AccountToken.used_dt).where(AccountToken.token_hash == token_hash(used))) == used_at


def test_links_follow_the_platform_address_with_or_without_a_final_slash(app):
    for homepage in ("https://formation.example.com", "https://formation.example.com/"):
        app.config["PLATFORM_HOMEPAGE"] = homepage
        with app.app_context():
            assert link_url(TokenPurpose.RESET, "abc") == "https://formation.example.com/mot-de-passe/nouveau/abc"
            assert link_url(TokenPurpose.INVITATION, "abc") == "https://formation.example.com/invitation/abc"


def test_the_reset_email_says_what_it_is_for_and_until_when(app, create_user, clock):
    user = create_user()
    _send(app, user, name="Chloé")
    [message] = queued_to(app, user.email)
    link = "http://127.0.0.1:5000" + last_link(app, user.email)
    assert message.subject == "Choisir un nouveau mot de passe"
    assert message.body == (
        "Bonjour Chloé,\n\nQuelqu'un, sans doute vous, a demandé à changer le mot de passe de votre compte. "
        f"Pour en choisir un nouveau, suivez ce lien :\n\n{link}\n\n"
        "Le lien ne sert qu'une fois et fonctionne jusqu'au 1 novembre 2026 à 11 h 00. "  # 10:00 UTC, in Paris
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas."
    )
    assert message.dedupe_key == "reset:" + token_hash(last_link(app, user.email).rsplit("/", 1)[1])


def test_nobody_to_write_to_queues_nothing(app):
    with app.app_context():
        assert send_links([], TokenPurpose.INVITATION) == 0


def test_a_link_with_characters_no_link_has_opens_nothing(client):
    for path in ("/invitation/%C3%A9t%C3%A9", "/mot-de-passe/nouveau/%F0%9F%94%91", "/invitation/%ED%A0%80"):
        assert client.get(path).status_code == 404, path
