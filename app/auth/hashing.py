"""Password hashes: Argon2id (argon2-cffi) for every new one; Werkzeug's older ones still checked.

Hashes made before Argon2id (Werkzeug's ``scrypt:...`` and ``pbkdf2:...``) and Argon2id hashes
made with other parameters than today's are replaced at the account's next sign-in (see
:func:`app.auth.services.upgrade_password_hash`): only then is the password known.
"""

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from werkzeug.security import check_password_hash

#: How every Argon2 hash starts (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``); Werkzeug's start
#: with their method name.
_ARGON2_PREFIX = "$argon2"

#: Reads the parameters from the hash it checks, so one instance checks hashes of any parameters.
_VERIFIER = PasswordHasher()


def _key(parameters: dict) -> tuple[int, int, int]:
    """The parameters as ``(memory_cost, time_cost, parallelism)``: what the caches below are keyed by."""
    return parameters["memory_cost"], parameters["time_cost"], parameters["parallelism"]


@functools.cache
def _hasher(memory_cost: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_cost, time_cost=time_cost, parallelism=parallelism)


def password_hasher(parameters: dict) -> PasswordHasher:
    """Return the Argon2id hasher of ``parameters`` (``PASSWORD_HASH_PARAMETERS``), built once."""
    return _hasher(*_key(parameters))


def hash_password(password: str, parameters: dict) -> str:
    """Return a salted Argon2id hash of ``password`` made with ``parameters``."""
    return password_hasher(parameters).hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Tell whether ``password`` matches ``stored``, an Argon2 hash or an older Werkzeug one."""
    if not stored.startswith(_ARGON2_PREFIX):
        return check_password_hash(stored, password)
    try:
        return _VERIFIER.verify(stored, password)
    except (VerificationError, InvalidHashError):  # a wrong password, or a damaged hash
        return False


def needs_rehash(stored: str, parameters: dict) -> bool:
    """Tell whether ``stored`` (a hash that just matched) was made otherwise than with ``parameters``."""
    return not stored.startswith(_ARGON2_PREFIX) or password_hasher(parameters).check_needs_rehash(stored)


@functools.cache
def _dummy_hash(memory_cost: int, time_cost: int, parallelism: int) -> str:
    return _hasher(memory_cost, time_cost, parallelism).hash(secrets.token_hex(16))


def check_against_dummy(password: str, parameters: dict) -> bool:
    """Spend the time of a real password check, for an account that does not exist; always false.

    The dummy hash is made with the accounts' own algorithm and ``parameters``, so it costs the same.
    """
    verify_password(_dummy_hash(*_key(parameters)), password)
    return False
