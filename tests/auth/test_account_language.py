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


def test_the_profile_offers_the_language_and_an_unknown_one_changes_nothing(app, client, create_user, login):
    user = create_user(name="Chloé Dupont")
    login(user)
    page = client.get("/profil").text
    assert '<option lang="fr" selected value="fr">Français</option>' in page and '<option lang="en" value="en">English</option>' in page
    refused = client.post("/profil", data={"profil-display_name": "Chloé", "profil-locale": "de"})
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    assert _locale(app, user) is None
    response = client.post("/profil", data={"profil-display_name": "Chloé", "profil-locale": "en"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/profil")
    assert _locale(app, user) == "en"
    assert '<option lang="en" selected value="en">English</option>' in client.get("/profil").text
    assert '<html lang="en">' in client.get("/profil").text  # this session follows at once


def test_the_language_switch_refuses_an_unknown_language(app, client, create_user, login):
    user = create_user()
    login(user)
    client.post("/langue", data={"lang": "de", "next": "/parametres/"})
    assert _locale(app, user) is None
    response = client.post("/langue", data={"lang": "en", "next": "/parametres/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/parametres/")
    assert _locale(app, user) == "en"


def test_an_anonymous_choice_is_kept_in_the_session_only(app, client, create_user, login):
    assert client.post("/langue", data={"lang": "en", "next": "/connexion"}).status_code == 302
    assert '<html lang="en">' in client.get("/connexion").text
    user = create_user()
    login(user)
    assert _locale(app, user) is None
    assert '<html lang="en">' in client.get("/parametres/").text  # the session's choice still holds
