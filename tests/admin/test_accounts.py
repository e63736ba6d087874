"""Accounts in the browser: create, edit, deactivate and reactivate, search; always an active admin."""

import threading

from sqlalchemy import select

from app.accounts.services import set_account_active
from app.accounts.services import update_account
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import AccountError
from app.cohorts.models import Enrolment
from app.extensions import db
from tests.accounts.helpers import invite
from tests.accounts.helpers import queued_to
from tests.conftest import PASSWORD
from tests.helpers import act

NEW = {"email": "Nina.Nouvel@Demo.test", "first_name": "Nina", "last_name": "Nouvel", "roles": ["learner"], "locale": "fr", "cohort": "", "invite": "y"}


def _admin(create_user, login):
    admin = create_user(roles=Role.ADMIN, email="admin@example.org")
    assert login(admin).status_code == 302
    return admin


def _account(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_an_admin_creates_an_account_enrolled_in_a_cohort_and_invited(app, client, create_user, login, cohort):
    _admin(create_user, login)
    assert "Créer le compte" in client.get("/admin/comptes/nouveau").text
    response = client.post("/admin/comptes/nouveau", data={**NEW, "cohort": str(cohort), "roles": ["learner", "tutor"]})
    assert response.status_code == 303
    user = _account(app, "nina.nouvel@demo.test")
    assert (user.first_name, user.last_name, user.display_name, user.role_set) == ("Nina", "Nouvel", "Nina Nouvel", Role.LEARNER | Role.TUTOR)
    assert not user.has_password_hash
    assert response.headers["Location"] == f"/admin/comptes/{user.id}"
    with app.app_context():
        assert db.session.scalar(select(Enrolment.cohort_id).where(Enrolment.user_id == user.id)) == cohort
    assert len(queued_to(app, "nina.nouvel@demo.test")) == 1
    page = client.get(f"/admin/comptes/{user.id}").text
    assert "invitation non acceptée" in page and "Renvoyer l'invitation" in page
    listed = client.get("/admin/?status=invitation-en-attente").text
    assert "nina.nouvel@demo.test" in listed and "admin@example.org" not in listed


def test_creating_without_invitation_queues_nothing(app, client, create_user, login):
    _admin(create_user, login)
    data = dict(NEW)
    del data["invite"]
    assert client.post("/admin/comptes/nouveau", data=data).status_code == 303
    assert queued_to(app, "nina.nouvel@demo.test") == []


def test_bad_account_forms_say_why_and_change_nothing(app, client, create_user, login, cohort):
    _admin(create_user, login)
    cases = [
        ({**NEW, "email": "pas-une-adresse"}, "Adresse e-mail invalide"),
        ({**NEW, "email": "admin@example.org"}, "Un compte existe déjà pour admin@example.org"),
        ({**NEW, "first_name": ""}, "Indiquez le prénom."),
        ({**NEW, "roles": []}, "Cochez au moins un rôle."),
        ({**NEW, "roles": ["chef"]}, "n&#39;est pas un choix valide"),
        ({**NEW, "roles": ["tutor"], "cohort": str(cohort)}, "Seul un apprenant s&#39;inscrit dans une cohorte"),
        ({**NEW, "cohort": "999"}, "pas un choix valide"),
    ]
    for data, message in cases:
        response = client.post("/admin/comptes/nouveau", data=data)
        assert response.status_code == 400 and message in response.text, (data, message)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nina.nouvel@demo.test")) is None
        assert db.session.scalar(select(User.id).where(User.email == "pas-une-adresse")) is None


def test_an_admin_edits_names_roles_and_language(app, client, create_user, login):
    _admin(create_user, login)
    learner = create_user(email="chloe@example.org")
    response = client.post(f"/admin/comptes/{learner.id}", data={"first_name": "Chloé", "last_name": "Dupont", "roles": ["learner", "author"], "locale": "en"})
    assert response.status_code == 303
    user = _account(app, "chloe@example.org")
    assert (user.full_name, user.display_name, user.role_set, user.locale) == ("Chloé Dupont", "Chloé Dupont", Role.LEARNER | Role.AUTHOR, "en")


def test_the_last_active_admin_cannot_lose_the_role_or_be_deactivated(app, client, create_user, login):
    admin = _admin(create_user, login)
    demoted = client.post(f"/admin/comptes/{admin.id}", data={"first_name": "A", "last_name": "B", "roles": ["learner"], "locale": "fr"})
    assert demoted.status_code == 400 and "au moins un administrateur actif" in demoted.text
    client.post(f"/admin/comptes/{admin.id}/desactiver")
    assert "au moins un administrateur actif" in client.get(f"/admin/comptes/{admin.id}").text
    user = _account(app, admin.email)
    assert user.is_active and user.role_set == Role.ADMIN
    other = create_user(roles=Role.ADMIN | Role.TUTOR)
    with app.app_context():
        set_account_active(other.id, False)  # a deactivated admin does not count
        db.session.commit()
        try:
            update_account(admin.id, "A", "B", Role.LEARNER, None)
        except AccountError:
            db.session.rollback()
        else:
            raise AssertionError("the last active admin lost the role")
        set_account_active(other.id, True)
        update_account(admin.id, "A", "B", Role.LEARNER, None)  # now another one holds it
        db.session.commit()


def test_two_admins_removing_each_other_at_once_leave_one(app, create_user):
    admins = [create_user(roles=Role.ADMIN) for _ in range(2)]
    start = threading.Barrier(2, timeout=10)
    outcomes = []

    def deactivate(user_id):
        with app.app_context():
            start.wait()
            try:
                set_account_active(user_id, False)
                db.session.commit()
                outcomes.append("done")
            except AccountError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=deactivate, args=(admin.id,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User).where(User.is_active.is_(True))) == 1


def test_deactivation_ends_sessions_and_sign_in_and_keeps_the_work(app, client, create_user, login, course):
    _admin(create_user, login)
    learner = create_user(email="chloe@example.org")
    learner_browser = app.test_client()
    learner_browser.post("/connexion", data={"email": learner.email, "password": PASSWORD})
    act(app, learner, "read", "premiere")
    assert client.post(f"/admin/comptes/{learner.id}/desactiver").status_code == 303
    assert learner_browser.get("/cours/").status_code == 302
    assert learner_browser.post("/connexion", data={"email": learner.email, "password": PASSWORD}).status_code == 400
    assert "désactivé" in client.get("/admin/?status=desactives").text
    with app.app_context():
        from app.progress.models import ReadingProgress

        assert db.session.scalar(select(db.func.count()).select_from(ReadingProgress).where(ReadingProgress.user_id == learner.id)) == 1
    assert client.post(f"/admin/comptes/{learner.id}/reactiver").status_code == 303
    assert learner_browser.post("/connexion", data={"email": learner.email, "password": PASSWORD}).status_code == 302


def test_resending_an_invitation_from_the_account_page(app, client, create_user, login, course):
    _admin(create_user, login)
    user_id = invite(app)
    assert client.post(f"/admin/comptes/{user_id}/invitation").status_code == 303
    assert len(queued_to(app, "nouveau@demo.test")) == 2
    assert "Nouvelle invitation envoyée" in client.get(f"/admin/comptes/{user_id}").text


def test_the_list_searches_and_filters(app, client, create_user, login, cohort, enrolled):
    _admin(create_user, login)
    enrolled(name="Camille Martin")
    create_user(roles=Role.TUTOR, email="tutrice@example.org", name="Tina Tutrice")
    invite(app, email="nouveau@demo.test")

    def listed(query):
        page = client.get("/admin/?" + query)
        assert page.status_code == 200
        return {email for email in ("admin@example.org", "tutrice@example.org", "nouveau@demo.test", "user1@example.org", "user3@example.org") if f"<td>{email}</td>" in page.text}

    everyone = listed("")
    assert {"admin@example.org", "tutrice@example.org", "nouveau@demo.test"} <= everyone
    assert listed("role=tutor") == {"tutrice@example.org"}
    assert listed("q=TUTRICE") == {"tutrice@example.org"}
    assert listed("q=nouvel") == {"nouveau@demo.test"}
    assert listed("q=%25") == set()  # a wildcard typed is a character searched
    assert listed("status=jamais-connectes") == everyone - {"admin@example.org"}
    assert listed("status=invitation-en-attente") == {"nouveau@demo.test"}
    in_cohort = listed(f"cohort={cohort}")
    assert len(in_cohort) == 1 and in_cohort <= {"user1@example.org", "user3@example.org"}
    assert client.get("/admin/?role=chef").status_code == 200  # an unknown filter filters nothing


def test_an_admin_turns_off_the_two_factor_of_someone_who_lost_their_phone(app, client, create_user, login):
    _admin(create_user, login)
    tutor = create_user(roles=Role.TUTOR, email="tutrice@example.org")
    with app.app_context():
        account = db.session.get(User, tutor.id)
        account.totp_secret, account.totp_enabled_dt = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", account.created_dt
        db.session.commit()
    assert "Désactiver sa double authentification" in client.get(f"/admin/comptes/{tutor.id}").text
    assert client.post(f"/admin/comptes/{tutor.id}/double-facteur").status_code == 303
    user = _account(app, "tutrice@example.org")
    assert user.totp_secret is None and user.totp_enabled_dt is None and user.session_version == 1
    assert app.test_client().post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_deactivated_learner_is_never_emailed_whatever_they_agreed(app, cohort, enrolled, smtp_server):
    from app.consent.services import ConsentRequired
    from app.consent.services import contactable_ids
    from app.consent.services import ensure_contactable
    from app.consent.services import is_contactable
    from app.outbox.services import queue_messages
    from app.outbox.services import send_pending
    from app.outbox.transports import configured_transport

    learner = enrolled(consent=True)
    with app.app_context():
        queue_messages([{"dedupe_key": "relance-1", "to_address": learner.email, "subject": "Relance", "body": "…", "recipient_id": learner.id}])
        set_account_active(learner.id, False)
        db.session.commit()
        assert not is_contactable(learner.id) and contactable_ids([learner.id]) == set()
        try:
            ensure_contactable(learner.id)
        except ConsentRequired:
            pass
        else:
            raise AssertionError("a deactivated learner was found contactable")
        report = send_pending(configured_transport(), is_contactable)
        assert (report.sent, report.cancelled) == (0, 1) and smtp_server.messages == []
        set_account_active(learner.id, True)
        db.session.commit()
        assert is_contactable(learner.id)  # the consent given before still holds


def test_an_account_created_without_invitation_can_be_invited_later(app, client, create_user, login):
    _admin(create_user, login)
    data = dict(NEW)
    del data["invite"]
    response = client.post("/admin/comptes/nouveau", data=data)
    page = client.get(response.headers["Location"]).text
    assert "pas encore invité : aucun mot de passe" in page and "Envoyer l'invitation" in page
    assert "pas encore invité" in client.get("/admin/").text
    assert client.post(response.headers["Location"] + "/invitation").status_code == 303
    assert len(queued_to(app, "nina.nouvel@demo.test")) == 1
    assert "Renvoyer l'invitation" in client.get(response.headers["Location"]).text
