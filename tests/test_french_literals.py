"""Every French message of the code goes through Flask-Babel, so that it can be translated.

The test reads ``app/**/*.py`` with :mod:`ast` and fails on a string constant that looks French
(accented letters, French quotes or common French words) and is not the message of a gettext
call (``_``, ``_l``, ``gettext``, ``ngettext``...). Docstrings are documentation, not messages.
The few French strings that are not interface messages are listed below, each with its reason.
"""

import ast
import re
from pathlib import Path

from app.demo_progress import DEMO_ANSWER
from app.demo_progress import DEMO_FEEDBACK
from tests.conftest import ROOT

GETTEXT_CALLS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
_ACCENTED_WORD = re.compile(r"[a-zA-Z]*[àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒ][a-zA-Zàâäçéèêëîïôöùûüÿœæ]*")
_FRENCH_WORDS = re.compile(
    r"\b(le|la|les|des|une|est|sont|pas|aucun|aucune|dans|avec|sur|du|aux|fichier|ligne|lignes|doit|invalide|"
    r"introuvable|manquant|manquante|inconnu|inconnue|vide|refusé|refusée|erreur|erreurs)\b|\b[nldc]'[a-z]",
    re.IGNORECASE,
)

#: French strings that are not interface messages: file -> strings (exact) and why.
ALLOWED = {
    # Data, not messages: the demo's people and cohort, stored once in the database.
    "app/demo.py": {"Cohorte de démonstration"},
    "app/demo_progress.py": {"Léa Martin", "Inès Petit", "Chloé Richard", DEMO_ANSWER, DEMO_FEEDBACK},
    # Each language is named in itself, whatever the interface's language (marked with its own lang).
    "app/accounts/forms.py": {"Français"},
    # The platform's name, shown in the authenticator app next to the account (not translated there).
    "app/auth/two_factor.py": {"Comprendre l'IA au travail"},
    # The course's name, printed on every certificate as it is (the course is French).
    "app/certificates/services.py": {"Comprendre l'IA au travail"},
    # Stored in place of an anonymised learner's name: a database value, not shown through gettext.
    "app/privacy/services.py": {"Apprenant anonymisé"},
    # xAPI language maps carry both languages in the exported statement itself.
    "app/privacy/xapi.py": {"a consulté", "a terminé", "a répondu à", "a réussi", "a échoué à", "a envoyé", "a été évalué sur", "Comprendre l'IA au travail"},
    # The import report's item labels, as the readings' and modules' (« lecture x », « module x »).
    "app/activities/services.py": {"activité "},
    # An outbox diagnostic stored with the message for the operator, like the SMTP server's own errors.
    "app/outbox/services.py": {"consentement retiré avant l'envoi"},
    # Course content, not messages: the feedback written into imported questions that have none,
    # in the course's language (authors then edit it like the rest of the quiz).
    "app/quizzes/gift.py": {
        "Bonne réponse.",
        "Ce n'est pas la réponse attendue.",
        "Relisez la lecture associée à cette question : elle donne la réponse.",
    },
    # A configuration default: the sender's display name in the From header.
    "app/config.py": {"Comprendre l'IA au travail <formation@localhost>"},
}


#: Files whose messages are still to be wrapped (none left: every file of app/ is scanned).
#: A file may be listed here only while it is being converted; the test then guards it.
PENDING: set[str] = set()


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """Ids of the constants that are messages of gettext calls, docstrings, or click help texts."""
    exempt = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) in GETTEXT_CALLS:
            messages = node.args[:2] if _called_name(node) in {"ngettext", "lazy_ngettext"} else node.args[:1]
            exempt.update(id(sub) for arg in messages for sub in ast.walk(arg))
        if isinstance(node, ast.Call):
            # click's help texts are read before any application exists (and click needs a real str).
            exempt.update(id(sub) for kw in node.keywords if kw.arg == "help" for sub in ast.walk(kw.value))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
    return exempt


def looks_french(text: str) -> bool:
    """Tell whether ``text`` reads as a French message (a lone letter or punctuation does not)."""
    if any(len(word) > 1 for word in _ACCENTED_WORD.findall(text)):
        return True
    return bool(re.search(r"«\s*\w", text)) or bool(_FRENCH_WORDS.search(text) and " " in text.strip())


def untranslated_literals(root: Path = ROOT) -> list[str]:
    """Return ``file:line: text`` for every French-looking literal left outside gettext."""
    found = []
    for path in sorted((root / "app").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in PENDING and root == ROOT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        exempt = _exempt_nodes(tree)
        allowed = ALLOWED.get(rel, set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt:
                if node.value not in allowed and looks_french(node.value):
                    found.append(f"{rel}:{node.lineno}: {node.value[:80]!r}")
    return found


def formatted_messages(root: Path = ROOT) -> list[str]:
    """Return the gettext calls whose message is an f-string: the catalogue would never match them."""
    found = []
    for path in sorted((root / "app").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
            if isinstance(node, ast.Call) and _called_name(node) in GETTEXT_CALLS and node.args and isinstance(node.args[0], ast.JoinedStr):
                found.append(f"{rel}:{node.lineno}")
    return found


def test_no_french_message_bypasses_flask_babel():
    left = untranslated_literals()
    assert not left, f"{len(left)} French literal(s) outside gettext; wrap them in _() / ngettext():\n" + "\n".join(left)


def test_no_gettext_message_is_an_f_string():
    assert not formatted_messages()


def test_the_scan_sees_what_it_must(tmp_path):
    """The scanner itself: a bare French message is caught, a wrapped one or a docstring is not."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "sample.py").write_text(
        '"""Un module."""\n'
        "from flask_babel import gettext as _\n"
        'A = _("Ligne %(line)d : réponse vide", line=3)\n'
        'B = f"Ligne {A} : fichier introuvable"\n'
        'C = "le fichier est vide"\n'
        'D = "œ"\n'
        'E = "application/zip"\n',
        encoding="utf-8",
    )
    found = untranslated_literals(tmp_path)
    assert sorted(line.split(":")[1] for line in found) == ["4", "5"], found
    assert looks_french("« Quiz »") and not looks_french("« ") and not looks_french("Quiz exported")
