"""The admin anonymises a learner from the account list, after a confirmation page."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.auth.services import create_user as create_account
from app.catalogue.models import Reading
from app.consent.models import ContactConsent
from app.consent.services import set_contact_consent
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.services import give_feedback
from tests.conftest import PASSWORD
from tests.conftest import csrf_token_from


@pytest.fixture
def admin(client, create_user, login):
    user = create_user(roles=Role.ADMIN, email="admin@example.org", name="Ada Admin")
    login(user)
    return user


@pytest.fixture
def camille(app, course, create_user):
    """A learner who consented to be contacted and commented on a reading."""
    ref = create_user(email="camille@example.org", name="Camille Martin")
    with app.app_context():
        user = db.session.get(User, ref.id)
        set_contact_consent(user, True)
        give_feedback(user, db.session.scalar(select(Reading).where(Reading.slug == "premiere")), FeedbackRating.CLEAR, "Très clair, merci")
        db.session.commit()
    return ref


def _url(user) -> str:
    return f"/admin/comptes/{user.id}/anonymiser"


def _account(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_account_list_offers_anonymisation_for_learners_only(client, admin, camille, create_user):
    tutor = create_user(roles=Role.TUTOR, email="theo@example.org")
    page = client.get("/admin/").text
    assert f'href="{_url(camille)}"' in page
    assert f'href="{_url(admin)}"' not in page and f'href="{_url(tutor)}"' not in page
    assert '<span class="visually-hidden"> Camille Martin (camille@example.org)</span>' in page


def test_the_confirmation_page_says_what_will_be_erased(client, admin, camille):
    response = client.get(_url(camille))
    assert response.status_code == 200
    page = response.text
    assert "Camille Martin" in page and "camille@example.org" in page
    assert "1 changement de l'accord pour être contacté (supprimé)." in page
    assert "1 commentaire sur les lectures." in page
    assert "1 action du journal" in page
    assert 'name="confirm"' in page and 'name="csrf_token"' in page


def test_confirming_anonymises_and_goes_back_to_the_list(app, client, admin, camille):
    response = client.post(_url(camille), data={"confirm": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    page = client.get("/admin/").text
    assert "Le compte a été anonymisé." in page
    assert "camille@example.org" not in page and "Apprenant anonymisé" in page and "anonymisé le" in page
    account = _account(app, camille.id)
    assert (account.email, account.is_active, account.anonymised_dt is not None) == (f"anonyme-{camille.id}@anonyme.invalid", False, True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactConsent)) == 0


def test_without_the_box_ticked_nothing_changes(app, client, admin, camille):
    response = client.post(_url(camille), data={})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer l'anonymisation." in response.text and 'aria-invalid="true"' in response.text
    assert _account(app, camille.id).email == "camille@example.org"


def test_an_admin_account_is_refused(app, client, admin, create_user):
    other = create_user(roles=Role.ADMIN | Role.LEARNER, email="other-admin@example.org")
    page = client.get(_url(other))
    assert page.status_code == 200
    assert "Un compte administrateur ne peut pas être anonymisé." in page.text and 'name="confirm"' not in page.text
    response = client.post(_url(other), data={"confirm": "y"})
    assert response.status_code == 400 and "Un compte administrateur ne peut pas être anonymisé." in response.text
    assert _account(app, other.id).email == "other-admin@example.org"
    assert _account(app, admin.id).anonymised_dt is None


def test_an_anonymised_account_cannot_be_anonymised_again(app, client, admin, camille):
    client.post(_url(camille), data={"confirm": "y"})
    first = _account(app, camille.id).anonymised_dt
    response = client.post(_url(camille), data={"confirm": "y"})
    assert response.status_code == 400 and "Ce compte est déjà anonymisé." in response.text
    assert _account(app, camille.id).anonymised_dt == first


def test_an_unknown_account_is_404(client, admin):
    assert client.get("/admin/comptes/999/anonymiser").status_code == 404
    assert client.post("/admin/comptes/999/anonymiser", data={"confirm": "y"}).status_code == 404


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR, Role.AUTHOR])
def test_only_admins_may_anonymise(app, client, camille, create_user, login, role):
    login(create_user(roles=role, email="someone@example.org"))
    assert client.get(_url(camille)).status_code == 403
    assert client.post(_url(camille), data={"confirm": "y"}).status_code == 403
    assert _account(app, camille.id).email == "camille@example.org"


def test_the_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        create_account("admin@example.org", "Ada Admin", PASSWORD, Role.ADMIN)
        learner_id = create_account("lea@example.org", "Léa", PASSWORD).id
        db.session.commit()
    token = csrf_token_from(client.get("/connexion").text)
    assert client.post("/connexion", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token}).status_code == 302
    url = f"/admin/comptes/{learner_id}/anonymiser"
    assert client.post(url, data={"confirm": "y"}).status_code == 400
    assert _account(app, learner_id).anonymised_dt is None
    token = csrf_token_from(client.get(url).text)
    assert client.post(url, data={"confirm": "y", "csrf_token": token}).status_code == 303
    assert _account(app, learner_id).anonymised_dt is not None
