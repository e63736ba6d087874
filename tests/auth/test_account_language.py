"""A language preference per account, set from the interface and used at every later sign-in."""

from app.auth.models import User
from app.extensions import db


def _locale(app, user_ref):
    with app.app_context():
        return db.session.get(User, user_ref.id).locale


def test_the_footer_switch_keeps_the_choice_on_the_account_and_the_next_sign_in_uses_it(app, make_app, client, create_user, login):
    user = create_user()
    assert _locale(app, user) is None
    login(user)
    client.post("/langue", data={"lang": "en", "next": "/parametres/"})
    assert _locale(app, user) == "en"
    client.post("/deconnexion")
    other_browser = app.test_client()  # a fresh session: nothing but the account remembers
    other_browser.post("/connexion", data={"email": user.email, "password": "motdepasse-de-test"})
    assert '<html lang="en">' in other_browser.get("/parametres/").text


def test_settings_offer_the_language_and_an_unknown_one_changes_nothing(app, client, create_user, login):
    user = create_user()
    login(user)
    page = client.get("/parametres/").text
    assert 'name="lang" value="fr" checked' in page and 'value="en"' in page
    client.post("/langue", data={"lang": "de", "next": "/parametres/"})
    assert _locale(app, user) is None
    response = client.post("/langue", data={"lang": "en", "next": "/parametres/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/parametres/")
    assert 'name="lang" value="en" checked' in client.get("/parametres/").text


def test_an_anonymous_choice_is_kept_in_the_session_only(app, client, create_user, login):
    assert client.post("/langue", data={"lang": "en", "next": "/connexion"}).status_code == 302
    assert '<html lang="en">' in client.get("/connexion").text
    user = create_user()
    login(user)
    assert _locale(app, user) is None
    assert '<html lang="en">' in client.get("/parametres/").text  # the session's choice still holds
