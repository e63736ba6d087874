"""The password rule: long enough and not among the commonly used ones (ASVS 2.1.1 and 2.1.7)."""

import functools
import gzip
from pathlib import Path

from flask_babel import gettext as _

#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 12
#: Longest password accepted (the forms say the same); hashing a huge one would only cost time.
MAX_PASSWORD_LENGTH = 200
#: 20,000 common passwords, lower-cased (source and license in data/README.md).
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of commonly used passwords, read once per process."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    """Tell whether ``password`` is in the list, ignoring case and surrounding spaces."""
    return password.strip().lower() in common_passwords()


def password_problem(password: str) -> str | None:
    """Return why ``password`` may not be set (a message for the person), or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Le mot de passe doit compter au moins %(count)d caractères.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Le mot de passe doit compter au plus %(count)d caractères.", count=MAX_PASSWORD_LENGTH)
    if is_common_password(password):
        return _("Ce mot de passe fait partie des plus courants : choisissez-en un autre.")
    return None
