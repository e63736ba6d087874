"""Invitations: an account created without a password, an email with a single-use link to choose one."""

from datetime import timedelta

from app.accounts.services import Identity
from app.accounts.services import create_account
from app.accounts.services import resend_invitation
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import AccountError
from app.extensions import db
from tests.accounts.helpers import invite
from tests.accounts.helpers import last_link
from tests.accounts.helpers import queued_to

NEW_PASSWORD = "un-mot-de-passe-tout-neuf"


def _choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"new_password": password, "confirm_password": confirm or password})


def _sign_in(client, email, password=NEW_PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password})


def test_a_new_account_gets_an_email_whose_link_lets_the_person_choose_a_password_once(app, client, course):
    invite(app)
    [message] = queued_to(app, "nouveau@demo.test")
    assert message.recipient_id is None  # account business: no consent to be contacted needed
    assert "Bonjour Nina" in message.body and "ne sert qu'une fois" in message.body
    assert message.body.count("http://127.0.0.1:5000/invitation/") == 1
    path = last_link(app, "nouveau@demo.test")
    assert _sign_in(client, "nouveau@demo.test", "").status_code == 400  # no password yet
    page = client.get(path)
    assert page.status_code == 200 and "nouveau@demo.test" in page.text and "Bienvenue, Nina" in page.text
    response = _choose(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    assert _sign_in(client, "nouveau@demo.test").status_code == 302
    client.post("/deconnexion")
    assert client.get(path).status_code == 404  # single use
    assert "Lien expiré ou déjà utilisé" in _choose(client, path, "un-autre-mot-de-passe-encore").text
    assert _sign_in(client, "nouveau@demo.test", "un-autre-mot-de-passe-encore").status_code == 400


def test_a_password_the_rule_refuses_leaves_the_link_usable(app, client, course):
    invite(app)
    path = last_link(app, "nouveau@demo.test")
    short = _choose(client, path, "court")
    assert short.status_code == 400 and "au moins 12 caractères" in short.text
    different = _choose(client, path, NEW_PASSWORD, "un-mot-de-passe-different")
    assert different.status_code == 400 and "diffèrent" in different.text
    assert _choose(client, path).status_code == 303


def test_the_link_expires_after_the_configured_days(app, client, course, clock):
    app.config["INVITATION_VALID_DAYS"] = 2
    invite(app)
    path = last_link(app, "nouveau@demo.test")
    assert "3 novembre 2026" in queued_to(app, "nouveau@demo.test")[0].body  # the email says until when
    clock.now += timedelta(days=2, seconds=-1)
    assert client.get(path).status_code == 200
    clock.now += timedelta(seconds=1)
    assert client.get(path).status_code == 404
    assert _choose(client, path).status_code == 404
    with app.app_context():
        assert not db.session.scalar(db.select(User).where(User.email == "nouveau@demo.test")).has_password_hash


def test_the_default_validity_is_seven_days(app):
    assert app.config["INVITATION_VALID_DAYS"] == 7 and app.config["PASSWORD_RESET_VALID_MINUTES"] == 60


def test_a_tampered_or_foreign_link_opens_nothing(app, client, course):
    invite(app)
    path = last_link(app, "nouveau@demo.test")
    token = path.rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for tampered in (f"/invitation/{flipped}", f"/invitation/{token[:-1]}", f"/invitation/{token}x", f"/mot-de-passe/nouveau/{token}"):
        assert client.get(tampered).status_code == 404, tampered
        assert _choose(client, tampered).status_code == 404, tampered
    assert client.get(path).status_code == 200  # the real one still works


def test_resending_replaces_the_link_and_is_refused_once_the_account_is_active(app, client, course):
    user_id = invite(app)
    first = last_link(app, "nouveau@demo.test")
    with app.app_context():
        resend_invitation(user_id)
        db.session.commit()
    second = last_link(app, "nouveau@demo.test")
    assert first != second and len(queued_to(app, "nouveau@demo.test")) == 2
    assert client.get(first).status_code == 404
    assert _choose(client, second).status_code == 303
    with app.app_context():
        try:
            resend_invitation(user_id)
        except AccountError as exc:
            assert "déjà été activé" in str(exc)
        else:
            raise AssertionError("an active account got a new invitation")


def test_the_email_is_written_in_the_language_of_the_account(app, course):
    with app.app_context():
        create_account(Identity("english@demo.test", "Ann", "Smith", Role.LEARNER, locale="en"))
        db.session.commit()
    [message] = queued_to(app, "english@demo.test")
    assert message.subject.startswith("Your access") and "Hello Ann" in message.body


def test_a_used_link_and_a_link_that_never_existed_look_the_same(app, client, course):
    invite(app)
    path = last_link(app, "nouveau@demo.test")
    assert _choose(client, path).status_code == 303
    client.get("/connexion")  # the flash of the success is read
    never = "/invitation/" + "x" * 43
    used, unknown = client.get(path), client.get(never)
    assert used.status_code == unknown.status_code == 404
    assert used.text.replace(path, "") == unknown.text.replace(never, "")  # the page names only its own address
    assert "nouveau@demo.test" not in used.text
