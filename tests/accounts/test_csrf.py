"""Every form of the people pages needs its CSRF token: without it, a 400 and nothing changes."""

from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.services import enrol
from app.extensions import db
from tests.accounts.helpers import invite
from tests.accounts.helpers import last_link
from tests.conftest import PASSWORD
from tests.conftest import csrf_token_from


def test_every_new_form_refuses_a_post_without_its_token(make_app, create_user, cohort):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = create_user(roles=Role.ADMIN, email="admin@example.org")
    learner = create_user(email="chloe@example.org", name="Chloé Dupont")
    with app.app_context():
        enrol(db.session.get(Cohort, cohort), db.session.get(User, learner.id))
        db.session.commit()
    invite(app)
    invitation = last_link(app, "nouveau@demo.test")
    client = app.test_client()
    token = csrf_token_from(client.get("/connexion").text)
    assert client.post("/connexion", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    posts = {
        "/profil": {"profil-display_name": "Pirate", "profil-locale": "en"},
        "/profil/double-facteur": {"on-code": "123456"},
        "/profil/double-facteur/desactiver": {"off-current_password": PASSWORD},
        "/profil/double-facteur/codes": {"codes-current_password": PASSWORD},
        "/admin/comptes/nouveau": {"email": "x@example.org", "first_name": "X", "last_name": "Y", "roles": ["learner"], "locale": "fr"},
        f"/admin/comptes/{learner.id}": {"first_name": "Pirate", "last_name": "P", "roles": ["admin"], "locale": "fr"},
        f"/admin/comptes/{learner.id}/desactiver": {},
        f"/admin/comptes/{learner.id}/reactiver": {},
        f"/admin/comptes/{learner.id}/invitation": {},
        f"/admin/comptes/{learner.id}/double-facteur": {},
        "/admin/comptes/import/confirmer": {"content": "email;prenom;nom\nx@example.org;X;Y\n", "invite": "y"},
        f"/admin/cohortes/{cohort}/modifier": {"name": "Piratée", "start_date": "2026-11-01", "end_date": "2026-11-26"},
        f"/admin/cohortes/{cohort}/apprenants/{learner.id}": {"unenrol-submit": "Désinscrire"},
        invitation: {"new_password": "un-mot-de-passe-pirate", "confirm_password": "un-mot-de-passe-pirate"},
        "/mot-de-passe-oublie": {"email": learner.email},
    }
    for url, data in posts.items():
        response = client.post(url, data=data)
        assert response.status_code == 400 and "Formulaire expiré" in response.text, url
    with app.app_context():
        chloe = db.session.get(User, learner.id)
        assert (chloe.display_name, chloe.role_set, chloe.is_active) == ("Chloé Dupont", Role.LEARNER, True)
        assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None
        assert db.session.get(Cohort, cohort).name == "Cohorte de novembre"
        assert db.session.get(User, admin.id).display_name == "Test User"
    assert app.test_client().get(invitation).status_code == 200  # the link was not used
