"""Who the provider's claims name here, without the provider: linking, creating, refusing."""

import logging
import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth import oidc
from app.auth.models import Role
from app.auth.models import User
from app.auth.oidc import SsoRefused
from app.auth.oidc import parse_role_mapping
from app.auth.oidc import roles_from_claims
from app.auth.oidc import sign_in_from_claims
from app.extensions import db

ISSUER = "https://sso.example.com"


@pytest.fixture
def sso(app):
    app.config.update(OIDC_ROLE_MAPPING="groups=lms-tutors:tutor")
    return app


def _sign_in(app, **claims):
    with app.app_context():
        user_id = sign_in_from_claims({"sub": "s-1", **claims}, ISSUER).id
        db.session.commit()
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _refused(app, **claims) -> str:
    with app.app_context(), pytest.raises(SsoRefused) as refused:
        sign_in_from_claims({"sub": "s-1", **claims}, ISSUER)
    return str(refused.value)


def test_refusals_say_exactly_why(sso, create_user):
    for email in (None, "", 42, ["a@example.org"], "pas-une-adresse"):
        assert _refused(sso, email=email) == "Le fournisseur d'identité n'a pas donné d'adresse e-mail : la connexion est impossible.", email
    assert _refused(sso, email="eve@example.org", email_verified=False) == "Le fournisseur d'identité n'a pas vérifié votre adresse e-mail : la connexion est impossible."
    sso.config["OIDC_CREATE_ACCOUNTS"] = False
    assert _refused(sso, email="eve@example.org") == "Aucun compte n'existe ici pour eve@example.org : demandez à l'administrateur de la plateforme de vous en créer un."
    sso.config["OIDC_CREATE_ACCOUNTS"] = True
    taken = create_user(email="taken@example.org")
    with sso.app_context():
        db.session.get(User, taken.id).sso_subject = f"{ISSUER}|someone-else"
        db.session.commit()
    assert _refused(sso, email="taken@example.org") == "Cette adresse e-mail est liée à une autre identité du fournisseur : contactez l'administrateur de la plateforme."
    with sso.app_context():
        assert db.session.get(User, taken.id).sso_subject == f"{ISSUER}|someone-else"


def test_a_new_account_takes_its_names_from_the_claims(sso):
    user = _sign_in(sso, email="ana@example.org", given_name="Ana", family_name="Lopez", name="Ana María Lopez")
    assert (user.display_name, user.first_name, user.last_name, user.role_set) == ("Ana María Lopez", "Ana", "Lopez", Role.LEARNER)
    assert (user.sso_subject, user.has_password_hash, user.last_login_dt is not None) == (f"{ISSUER}|s-1", False, True)


@pytest.mark.parametrize(
    ("claims", "names"),
    [
        ({"given_name": "Ana", "family_name": "Lopez"}, ("Ana Lopez", "Ana", "Lopez")),
        ({"name": "Ana L."}, ("Ana L.", "", "")),
        ({}, ("ana@example.org", "", "")),
        ({"name": "N" * 150, "given_name": "G" * 90, "family_name": "F" * 90}, ("N" * 120, "G" * 80, "F" * 80)),
    ],
)
def test_names_fall_back_and_fit_their_columns(sso, claims, names):
    user = _sign_in(sso, email="ana@example.org", **claims)
    assert (user.display_name, user.first_name, user.last_name) == names


def test_the_subject_names_the_account_even_after_an_email_change(sso):
    first = _sign_in(sso, email="ana@example.org")
    again = _sign_in(sso, email="ana.lopez@example.org")  # renamed at the provider
    assert again.id == first.id and again.email == "ana@example.org"
    with sso.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_roles_from_claims_are_added_to_the_accounts_own(sso, create_user):
    author = create_user(roles=Role.AUTHOR | Role.LEARNER, email="ana@example.org")
    user = _sign_in(sso, email="ana@example.org", groups=["lms-tutors"])
    assert user.id == author.id and user.role_set == Role.LEARNER | Role.AUTHOR | Role.TUTOR
    again = _sign_in(sso, email="ana@example.org", groups=[])
    assert again.role_set == Role.LEARNER | Role.AUTHOR | Role.TUTOR  # never taken away


def test_each_sign_in_is_written_to_the_log(sso, caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        user = _sign_in(sso, email="ana@example.org")
    assert f"account {user.id} signed in through the identity provider" in caplog.messages


def test_two_first_sign_ins_at_once_make_one_account(sso, monkeypatch):
    both_checked = threading.Barrier(2, timeout=10)
    real_lookup = oidc.find_user_by_email
    calls = threading.local()

    def lookup_then_wait(email):
        found = real_lookup(email)
        if not getattr(calls, "waited", False):  # only the first lookup of each sign-in races
            calls.waited = True
            both_checked.wait()
        return found

    monkeypatch.setattr(oidc, "find_user_by_email", lookup_then_wait)
    ids, errors = [], []

    def sign_in():
        try:
            ids.append(_sign_in(sso, email="ana@example.org").id)
        except Exception as exc:  # noqa: BLE001 (the assertion below shows it)
            errors.append(exc)

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(ids) == 2 and ids[0] == ids[1]


def test_role_values_may_hold_equals_and_colons():
    rules = parse_role_mapping("groups=cn=tuteurs:tutor,roles=urn:lms:admin:admin")
    assert roles_from_claims({"groups": ["cn=tuteurs"], "roles": "urn:lms:admin"}, rules) == Role.LEARNER | Role.TUTOR | Role.ADMIN


def test_first_sign_ins_are_written_to_the_log_and_deactivated_accounts_refused(sso, create_user, caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        _sign_in(sso, email="new@example.org")
    assert "account new@example.org created at its first sign-in through the identity provider" in caplog.messages
    gone = create_user(email="gone@example.org")
    with sso.app_context():
        db.session.get(User, gone.id).is_active = False
        db.session.commit()
    assert _refused(sso, email="gone@example.org", sub="s-2") == "Ce compte est désactivé : contactez l'administrateur de la plateforme."


def test_the_metadata_is_read_at_the_discovery_address(make_app, course):
    """Whatever the issuer's final slash, the platform asks for ``<issuer>/.well-known/openid-configuration``."""
    import http.server
    import threading as threads

    asked = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threads.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for issuer in (f"http://127.0.0.1:{server.server_port}/realms/lms", f"http://127.0.0.1:{server.server_port}/realms/lms/"):
            app = make_app(OIDC_ISSUER=issuer, OIDC_CLIENT_ID="lms", OIDC_CLIENT_SECRET="x")
            assert app.test_client().get("/connexion/sso").status_code == 503  # no metadata there
    finally:
        server.shutdown()
        server.server_close()
    assert asked == ["/realms/lms/.well-known/openid-configuration"] * 2
