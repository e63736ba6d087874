"""Two-factor sign-in: an authenticator app's codes and recovery codes, each working once."""

import re
import threading
from datetime import timedelta

import pyotp
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.auth.two_factor import check_second_factor
from app.clock import now_utc
from app.extensions import db
from tests.conftest import PASSWORD


def _secret_from(page: str) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert found, page
    return found.group(1)


def _code(app, secret: str, steps: int = 0) -> str:
    with app.app_context():
        return pyotp.TOTP(secret).at(now_utc(), counter_offset=steps)


def _turn_on(app, client) -> tuple[str, list[str]]:
    """Turn two-factor on for the signed-in account; return its secret and recovery codes."""
    page = client.get("/profil/double-facteur").text
    assert "<svg" in page  # the QR code, inline
    secret = _secret_from(page)
    response = client.post("/profil/double-facteur", data={"on-code": _code(app, secret)})
    assert response.status_code == 200, response.text
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", response.text)
    assert len(codes) == 10
    return secret, codes


def _password_step(client, email):
    return client.post("/connexion", data={"email": email, "password": PASSWORD})


def test_turning_it_on_needs_a_right_code_from_the_app(app, client, learner):
    secret = _secret_from(client.get("/profil/double-facteur").text)
    assert _secret_from(client.get("/profil/double-facteur").text) == secret  # the same until it is on
    wrong = client.post("/profil/double-facteur", data={"on-code": "000000" if _code(app, secret) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Ce code n&#39;est pas le bon" in wrong.text
    with app.app_context():
        assert db.session.get(User, learner.id).totp_enabled_dt is None
    _turn_on(app, client)
    with app.app_context():
        assert db.session.get(User, learner.id).totp_secret == secret
    assert "Activée" in client.get("/profil").text


def test_sign_in_then_asks_for_a_code_that_works_once(app, client, learner):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    browser = app.test_client()
    response = _password_step(browser, learner.email)
    assert response.status_code == 303 and response.headers["Location"] == "/connexion/code"
    assert browser.get("/cours/").status_code == 302  # not signed in yet
    code = _code(app, secret, 1)  # a step ahead: the step of the code that turned it on is used
    assert browser.post("/connexion/code", data={"code": code}).status_code == 302
    assert browser.get("/cours/").status_code == 200
    again = app.test_client()
    _password_step(again, learner.email)
    refused = again.post("/connexion/code", data={"code": code})
    assert refused.status_code == 400 and "Code incorrect ou déjà utilisé." in refused.text
    assert again.get("/cours/").status_code == 302


def test_a_recovery_code_replaces_the_app_once(app, client, learner):
    _, codes = _turn_on(app, client)
    client.post("/deconnexion")
    for n, expected in ((1, 302), (2, 400)):
        browser = app.test_client()
        _password_step(browser, learner.email)
        assert browser.post("/connexion/code", data={"code": codes[0].upper().replace("-", " ")}).status_code == expected, n
    browser = app.test_client()
    _password_step(browser, learner.email)
    assert browser.post("/connexion/code", data={"code": codes[1]}).status_code == 302
    assert "Il vous reste 8 codes de secours." in browser.get("/profil/double-facteur").text


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(app, client, learner, clock):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    assert app.test_client().get("/connexion/code").status_code == 303  # no password given
    browser = app.test_client()
    _password_step(browser, learner.email)
    clock.now += timedelta(minutes=6)
    response = browser.post("/connexion/code", data={"code": _code(app, secret)})
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    assert browser.get("/cours/").status_code == 302


def test_turning_it_off_or_renewing_codes_needs_the_password(app, client, learner):
    _, codes = _turn_on(app, client)
    refused = client.post("/profil/double-facteur/desactiver", data={"off-current_password": "pas-le-bon-mot-de-passe"})
    assert refused.status_code == 400 and "Le mot de passe actuel est incorrect." in refused.text
    renewed = client.post("/profil/double-facteur/codes", data={"codes-current_password": PASSWORD})
    new_codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", renewed.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    with app.app_context():
        assert not check_second_factor(learner.id, codes[0])  # the old ones stopped working
    assert client.post("/profil/double-facteur/desactiver", data={"off-current_password": PASSWORD}).status_code == 303
    client.post("/deconnexion")
    assert _password_step(app.test_client(), learner.email).status_code == 302  # the password alone again


def test_the_setting_makes_it_mandatory_for_admins_and_tutors_only(make_app, create_user):
    app = make_app(TWO_FACTOR_REQUIRED=True)
    tutor, learner = create_user(roles=Role.TUTOR, email="tuteur@example.org"), create_user(email="apprenant@example.org")
    staff = app.test_client()
    assert _password_step(staff, tutor.email).status_code == 302
    for url in ("/tutorat/", "/cours/", "/profil"):
        response = staff.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/profil/double-facteur", url
    _turn_on(app, staff)
    assert staff.get("/tutorat/").status_code == 200
    other = app.test_client()
    _password_step(other, learner.email)
    assert other.get("/cours/").status_code == 200


def test_the_same_code_sent_twice_at_once_is_accepted_once(app, client, learner):
    secret, _ = _turn_on(app, client)
    code = _code(app, secret, 1)
    start = threading.Barrier(2, timeout=10)
    outcomes = []

    def use():
        with app.app_context():
            start.wait()
            outcomes.append(check_second_factor(learner.id, code))
            db.session.commit()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]


def test_code_guesses_are_rate_limited(make_app, create_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="4 per minute", LOGIN_ACCOUNT_RATE_LIMIT="4 per minute")
    user = create_user()
    with app.app_context():
        account = db.session.scalar(select(User).where(User.id == user.id))
        account.totp_secret, account.totp_enabled_dt = pyotp.random_base32(32), now_utc()
        db.session.commit()
    browser = app.test_client()
    assert _password_step(browser, user.email).status_code == 303
    statuses = [browser.post("/connexion/code", data={"code": "12345a"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def _pending(app, learner, client):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    browser = app.test_client()
    assert _password_step(browser, learner.email).headers["Location"] == "/connexion/code"
    return secret, browser


def test_the_code_step_ends_when_the_account_is_deactivated_or_its_sessions_revoked(app, client, learner):
    from app.accounts.services import set_account_active
    from app.auth.services import revoke_sessions

    secret, browser = _pending(app, learner, client)
    with app.app_context():
        revoke_sessions(learner.id)  # a password change elsewhere, say
        db.session.commit()
    assert browser.post("/connexion/code", data={"code": _code(app, secret, 1)}).headers["Location"] == "/connexion"
    secret_again, browser = secret, app.test_client()
    _password_step(browser, learner.email)
    with app.app_context():
        set_account_active(learner.id, False)
        db.session.commit()
    assert browser.post("/connexion/code", data={"code": _code(app, secret_again, 1)}).headers["Location"] == "/connexion"
    assert browser.get("/cours/").status_code == 302


def test_the_code_step_leads_where_the_sign_in_was_going(app, client, learner):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    browser = app.test_client()
    browser.post("/connexion?next=/cours/bases/premiere", data={"email": learner.email, "password": PASSWORD})
    response = browser.post("/connexion/code", data={"code": _code(app, secret, 1)})
    assert response.headers["Location"] == "/cours/bases/premiere"


def test_a_forged_code_step_names_no_one(app, client, learner):
    browser = app.test_client()
    for pending in ({"user": "1", "version": 0, "at": 0, "next": "/"}, "not a dict", {"user": learner.id}):
        with browser.session_transaction() as session:
            session["pending_sign_in"] = pending
        assert browser.get("/connexion/code").headers["Location"] == "/connexion"


def test_the_code_step_lasts_exactly_the_configured_minutes(app, client, learner, clock):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    for wait, still_there in ((timedelta(minutes=4), True), (timedelta(minutes=5), True), (timedelta(minutes=5, seconds=1), False)):
        browser = app.test_client()
        _password_step(browser, learner.email)
        clock.now += wait
        response = browser.get("/connexion/code")
        assert (response.status_code == 200) is still_there, wait
        if not still_there:
            with browser.session_transaction() as session:
                assert "pending_sign_in" not in session  # forgotten, not only refused
        clock.now -= wait


def test_a_code_step_survives_only_while_its_account_is_active(app, client, learner):
    _pending(app, learner, client)
    browser = app.test_client()
    _password_step(browser, learner.email)
    with app.app_context():
        db.session.get(User, learner.id).is_active = False  # without revoking its sessions
        db.session.commit()
    assert browser.get("/connexion/code").status_code == 303


def test_a_well_formed_code_step_with_no_destination_leads_home(app, client, learner):
    secret, _ = _turn_on(app, client)
    client.post("/deconnexion")
    browser = app.test_client()
    with app.app_context():
        version, now = db.session.get(User, learner.id).session_version, now_utc().timestamp()
    with browser.session_transaction() as session:
        session["pending_sign_in"] = {"user": str(learner.id), "version": version, "at": now}  # an id that is not a number
    assert browser.get("/connexion/code").status_code == 303
    with browser.session_transaction() as session:
        session["pending_sign_in"] = {"user": learner.id, "version": version, "at": now}
    assert browser.post("/connexion/code", data={"code": _code(app, secret, 1)}).headers["Location"] == "/"


def test_a_malformed_code_step_is_forgotten(app):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["pending_sign_in"] = "not a dict"
    assert browser.get("/connexion/code").status_code == 303
    with browser.session_transaction() as session:
        assert "pending_sign_in" not in session
