"""Benchmark the people pages: no timing tells who has an account, and a file of 10,000 people imports in seconds.

Run from the repository root with the virtual environment's Python::

    .venv/bin/python -m bench.accounts [--rounds N] [--lines N]

It builds, in a fresh temporary SQLite file (or in the PostgreSQL database named by
``DATABASE_URL``, whose tables are all dropped and created again: give it a scratch database), an
app with the production password hashing (Argon2id, ``PASSWORD_HASH_PARAMETERS``) and one known
account; it prints the CPU milliseconds of one password check at those parameters, then times in-process
(around the test client's request) each page where an answer could tell a known address from an
unknown one, **alternating** the two cases request by request so that both see the same machine:

- sign-in (``POST /connexion``, wrong password): a known address against an unknown one;
- « Mot de passe oublié » (``POST /mot-de-passe-oublie``): a known address against an unknown one;
- the invitation page (``GET /invitation/<token>``): a used link of a known account against a link
  that never existed.

It prints the median of each case and their ratio (known / unknown; 1.00 is the target, within
the noise of this machine). Then it imports a generated file of ``--lines`` people (a tenth of
them already have an account) into a cohort, with enrolment and invitations, and prints the
seconds of the check (preview) and of the import. Its last line is::

    RESULT hash_cpu_ms=... signin_ratio=... reset_ratio=... invitation_ratio=... import_check_s=... import_apply_s=...
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.importing import apply_import  # noqa: E402
from app.accounts.importing import plan_import  # noqa: E402
from app.accounts.models import TokenPurpose  # noqa: E402
from app.accounts.services import Identity  # noqa: E402
from app.accounts.services import choose_password  # noqa: E402
from app.accounts.services import create_account  # noqa: E402
from app.auth.hashing import hash_password  # noqa: E402
from app.auth.hashing import verify_password  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.auth.services import create_user  # noqa: E402
from app.cohorts.services import get_or_create_cohort  # noqa: E402
from app.config import Config  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402

PASSWORD = "un-mot-de-passe-de-banc-d-essai"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.accounts", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="requests per case and page (default 60)")
    parser.add_argument("--lines", type=int, default=10_000, help="people in the imported file (default 10,000)")
    return parser.parse_args(argv)


def build_app(database_url: str):
    """Return an app on a fresh schema, with production hashing, no CSRF and no sign-in limit."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def hash_cpu_ms(rounds: int) -> float:
    """Return the median CPU milliseconds of one password check at the production parameters."""
    stored = hash_password(PASSWORD, Config.PASSWORD_HASH_PARAMETERS)
    spent = []
    for _ in range(rounds):
        start = time.process_time()  # CPU, not wall time: what a worker spends, whatever else runs
        verify_password(stored, PASSWORD)
        spent.append((time.process_time() - start) * 1000)
    return statistics.median(spent)


def timed(request) -> float:
    """Return the milliseconds one request took."""
    start = time.perf_counter()
    response = request()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code >= 500:
        raise RuntimeError(f"server error {response.status_code}")
    return elapsed


def alternate(known, unknown, rounds: int) -> tuple[float, float]:
    """Time both cases one after the other, ``rounds`` times each (after two warm-ups); return the medians."""
    for _ in range(2):
        known(), unknown()
    known_ms, unknown_ms = [], []
    for n in range(rounds):
        first, second = (known, unknown) if n % 2 == 0 else (unknown, known)  # neither always goes first
        a, b = timed(first), timed(second)
        (known_ms if first is known else unknown_ms).append(a)
        (unknown_ms if first is known else known_ms).append(b)
    return statistics.median(known_ms), statistics.median(unknown_ms)


def enumeration(app, rounds: int) -> dict[str, float]:
    """Print, per page, the medians of a known and an unknown address, and their ratio."""
    with app.app_context():
        create_user("connu@example.org", "Personne Connue", PASSWORD, Role.LEARNER)
        invited = create_account(Identity("invitee@example.org", "Ina", "Vitée", Role.LEARNER))
        db.session.commit()
        from app.outbox.models import OutboxMessage

        body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.to_address == "invitee@example.org"))
        used = body.split("/invitation/")[1].split()[0]
        choose_password(used, TokenPurpose.INVITATION, PASSWORD)
        db.session.commit()
        assert invited.id
    client = app.test_client()
    pages = {
        "signin": (
            lambda: client.post("/connexion", data={"email": "connu@example.org", "password": "pas-le-bon-mot-de-passe"}),
            lambda: client.post("/connexion", data={"email": "inconnu@example.org", "password": "pas-le-bon-mot-de-passe"}),
        ),
        "reset": (
            lambda: client.post("/mot-de-passe-oublie", data={"email": "connu@example.org"}),
            lambda: client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.org"}),
        ),
        "invitation": (
            lambda: client.get(f"/invitation/{used}"),
            lambda: client.get(f"/invitation/{secrets.token_urlsafe(32)}"),
        ),
    }
    ratios = {}
    print(f"{'page':<12}{'known ms':>10}{'unknown ms':>12}{'ratio':>8}")
    for name, (known, unknown) in pages.items():
        known_ms, unknown_ms = alternate(known, unknown, rounds)
        ratios[name] = known_ms / unknown_ms
        print(f"{name:<12}{known_ms:>10.2f}{unknown_ms:>12.2f}{ratios[name]:>8.2f}")
    return ratios


def people_file(lines: int, existing: int) -> str:
    """Return a CSV of ``lines`` people; the first ``existing`` have an account already."""
    rows = ["email;prenom;nom;roles;cohorte"]
    rows += [f"personne{n}@example.org;Prénom{n};Nom{n};{'tuteur|apprenant' if n % 50 == 0 else 'apprenant'};Cohorte du banc" for n in range(lines)]
    return "\ufeff" + "\n".join(rows) + "\n"


def import_figures(app, lines: int) -> tuple[float, float]:
    """Import a file of ``lines`` people with enrolment and invitations; return the seconds of the check and of the import."""
    existing = lines // 10
    with app.app_context():
        get_or_create_cohort("Cohorte du banc", date(2027, 1, 4), date(2027, 2, 26))
        plan = plan_import(people_file(existing, 0))  # the people who already have an account
        apply_import(plan, enrol=False, invite=False)
        db.session.commit()
    text = people_file(lines, existing)
    with app.app_context():
        start = time.perf_counter()
        plan = plan_import(text)
        checked = time.perf_counter() - start
        if plan.problems:
            raise RuntimeError(f"the generated file has problems: {plan.problems[:3]}")
        start = time.perf_counter()
        report = apply_import(plan, enrol=True, invite=True)
        db.session.commit()
        applied = time.perf_counter() - start
    print(f"import of {lines:,} lines ({report.created:,} created, {report.updated:,} updated, {report.enrolled:,} enrolled, {report.invited:,} invited):")
    print(f"  check (preview) {checked:.2f} s, import {applied:.2f} s")
    return checked, applied


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print the figures."""
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as scratch:
        database_url = normalise_database_url(url) if url else f"sqlite:///{Path(scratch) / 'bench.sqlite'}"
        print(f"database: {database_url.split('@')[-1]}")
        cost = hash_cpu_ms(args.rounds)
        print(f"password check (Argon2id {Config.PASSWORD_HASH_PARAMETERS}): {cost:.1f} ms of CPU")
        ratios = enumeration(build_app(database_url), args.rounds)
        checked, applied = import_figures(build_app(database_url), args.lines)
    print(
        f"RESULT hash_cpu_ms={cost:.1f} signin_ratio={ratios['signin']:.2f} reset_ratio={ratios['reset']:.2f} invitation_ratio={ratios['invitation']:.2f} "
        f"import_check_s={checked:.2f} import_apply_s={applied:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
