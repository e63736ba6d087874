"""Bulk import of people from a CSV file: a preview naming every bad line, then all or nothing."""

import io
import re

from sqlalchemy import func
from sqlalchemy import select

from app.accounts.importing import TEMPLATE
from app.accounts.importing import plan_import
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import get_or_create_cohort
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.conftest import END
from tests.conftest import START

GOOD = "\ufeffemail;prenom;nom;roles;cohorte\nana@example.org;Ana;Lopez;apprenant;Cohorte de novembre\nbob@example.org;Bob;Martin;tuteur|apprenant;\n"


def _admin(create_user, login):
    assert login(create_user(roles=Role.ADMIN, email="admin@example.org")).status_code == 302


def _preview(client, text: str | bytes, name="personnes.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/admin/comptes/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _content(page: str) -> str:
    found = re.search(r'<input id="content" name="content" type="hidden" value="([^"]*)"', page, re.S)
    assert found, page
    import html

    return html.unescape(found.group(1))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_page_documents_the_format_and_offers_a_template(app, client, create_user, login):
    _admin(create_user, login)
    page = client.get("/admin/comptes/import").text
    assert "email;prenom;nom;roles;cohorte" in page and 'href="/admin/comptes/import/modele.csv"' in page
    template = client.get("/admin/comptes/import/modele.csv")
    assert template.mimetype == "text/csv" and "attachment" in template.headers["Content-Disposition"]
    assert template.data.decode("utf-8-sig") == TEMPLATE
    with app.app_context():
        get_or_create_cohort("Cohorte de janvier", START, END)
        plan = plan_import(template.data.decode("utf-8"))  # the template, BOM included, is a valid file
        assert plan.problems == [] and len(plan.people) == 2


def test_a_preview_changes_nothing_then_the_confirmation_imports_enrols_and_invites(app, client, create_user, login, cohort):
    _admin(create_user, login)
    preview = _preview(client, GOOD)
    assert preview.status_code == 200
    assert "Comptes à créer : 2" in preview.text and "Aperçu : rien n" in preview.text
    with app.app_context():
        assert _count(User) == 1 and _count(OutboxMessage) == 0
    response = client.post("/admin/comptes/import/confirmer", data={"content": _content(preview.text), "enrol": "y", "invite": "y"})
    assert response.status_code == 303
    assert "2 comptes créés, 0 mis à jour, 1 inscriptions, 2 invitations envoyées" in client.get("/admin/").text
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.email == "bob@example.org"))
        assert (bob.full_name, bob.role_set, bob.has_password_hash) == ("Bob Martin", Role.LEARNER | Role.TUTOR, False)
        ana_id = db.session.scalar(select(User.id).where(User.email == "ana@example.org"))
        assert db.session.scalars(select(Enrolment.user_id).where(Enrolment.cohort_id == cohort)).all() == [ana_id]
        assert sorted(db.session.scalars(select(OutboxMessage.to_address))) == ["ana@example.org", "bob@example.org"]


def test_existing_accounts_are_updated_not_duplicated_and_keep_their_roles(app, client, create_user, login, cohort):
    _admin(create_user, login)
    create_user(roles=Role.AUTHOR, email="ana@example.org", name="Ana L.")
    preview = _preview(client, GOOD.replace(";", ","))  # commas work as well
    assert "Comptes existants à mettre à jour (noms, rôles ajoutés) : 1" in preview.text
    assert client.post("/admin/comptes/import/confirmer", data={"content": _content(preview.text), "enrol": "y"}).status_code == 303
    again = _preview(client, GOOD)
    assert client.post("/admin/comptes/import/confirmer", data={"content": _content(again.text), "enrol": "y"}).status_code == 303
    with app.app_context():
        assert _count(User) == 3 and _count(Enrolment) == 1
        ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
        assert (ana.full_name, ana.display_name, ana.role_set) == ("Ana Lopez", "Ana Lopez", Role.AUTHOR | Role.LEARNER)
        assert ana.has_password_hash  # the existing password is untouched
        assert _count(OutboxMessage) == 0  # no invitation asked


def test_every_bad_line_is_named_with_its_reason_and_nothing_is_imported(app, client, create_user, login, cohort):
    _admin(create_user, login)
    text = (
        "email;prenom;nom;roles;cohorte\n"
        "ana@example.org;Ana;Lopez;;\n"
        "pas-une-adresse;Léa;Petit;;\n"
        "ana@example.org;Ana;Bis;;\n"
        "cam@example.org;;Sans-prénom;;\n"
        "dan@example.org;Dan;Roy;chef;\n"
        "eve@example.org;Eve;Moreau;apprenant;Cohorte inconnue\n"
        "fay@example.org;Fay;Noir;tuteur;Cohorte de novembre\n"
        "gus@example.org;Gus;Blanc;;;en trop\n"
        f"hal@example.org;{'H' * 81};Long;;\n"
    )
    response = _preview(client, text)
    assert response.status_code == 400 and "8 lignes à corriger : rien n" in response.text
    expected = [
        "ligne 3 : adresse e-mail invalide : « pas-une-adresse »",
        "ligne 4 : ana@example.org figure déjà ligne 2",
        "ligne 5 : prénom et nom sont obligatoires",
        "ligne 6 : rôle inconnu : « chef »",
        "ligne 7 : aucune cohorte ouverte ne s&#39;appelle « Cohorte inconnue »",
        "ligne 8 : inscription dans une cohorte sans le rôle apprenant",
        "ligne 9 : 6 colonnes au lieu de 5 au plus",
        "ligne 10 : prénom ou nom trop long (80 caractères au plus)",
    ]
    for reason in expected:
        assert reason in response.text, reason
    assert 'name="content"' not in response.text  # nothing to confirm
    with app.app_context():
        assert _count(User) == 1


def test_a_file_that_went_bad_since_its_preview_imports_nothing(app, client, create_user, login, cohort):
    _admin(create_user, login)
    content = _content(_preview(client, GOOD).text)
    with app.app_context():
        db.session.get(Cohort, cohort).is_closed = True
        db.session.commit()
    response = client.post("/admin/comptes/import/confirmer", data={"content": content, "enrol": "y", "invite": "y"})
    assert response.status_code == 400 and "ligne 2 : aucune cohorte ouverte" in response.text
    with app.app_context():
        assert _count(User) == 1 and _count(OutboxMessage) == 0


def test_files_that_cannot_be_read_are_refused_with_a_message(client, create_user, login):
    _admin(create_user, login)
    latin1 = _preview(client, "email;prenom;nom\nzoé@example.org;Zoé;Hébert\n".encode("latin-1"))
    assert latin1.status_code == 400 and "encodé en UTF-8" in latin1.text
    assert "le fichier ne contient personne" in _preview(client, "email;prenom;nom;roles;cohorte\n").text
    assert ".csv ou un .txt" in _preview(client, GOOD, name="personnes.xlsx").text
    empty = client.post("/admin/comptes/import/confirmer", data={})
    assert empty.status_code == 303 and empty.headers["Location"] == "/admin/comptes/import"
