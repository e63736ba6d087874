"""Two-factor sign-in for local accounts: TOTP codes from an authenticator app (RFC 6238), and recovery codes.

pyotp makes the codes; what is ours is that each one works once. The last time step used is kept
on the account and a code is accepted only by the update that moves it forward, so a code seen
over a shoulder, or the same form sent twice at once, signs in once. A recovery code is used by the
update that marks it, for the same reason. Only hashes of the recovery codes are kept.

People who sign in through the organisation's identity provider rely on its own factors.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import RecoveryCode
from app.auth.models import Role
from app.auth.models import User
from app.clock import now_utc
from app.extensions import db

#: Name shown in the authenticator app next to the account.
ISSUER = "Comprendre l'IA au travail"
#: Recovery codes given when two-factor sign-in is turned on (each works once).
RECOVERY_CODES = 10
#: Codes from one step before or after the current one are accepted (clocks drift).
VALID_WINDOW = 1
#: Pixels per module of the QR code (with segno's quiet zone of 4 modules, about 200 px wide).
QR_SCALE = 4
#: Roles for which ``TWO_FACTOR_REQUIRED`` makes two-factor sign-in mandatory.
STAFF_ROLES = Role.ADMIN | Role.TUTOR


#: Set in the session of a sign-in that must turn two-factor on before going anywhere else
#: (``TWO_FACTOR_REQUIRED``); checked on every request without a query.
MUST_SET_UP_KEY = "must_set_up_2fa"


class TwoFactorError(ValueError):
    """A code was refused; the message is meant for the person."""


def new_secret() -> str:
    """Return a fresh shared secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """Return the ``otpauth://`` address an authenticator app reads (from the QR code or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """Return the QR code of ``uri`` as inline SVG (no image file, no script)."""
    return segno.make(uri).svg_inline(scale=QR_SCALE)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """Return the time step whose code ``code`` is, within the drift allowed, or ``None``."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def normalise_recovery_code(code: str) -> str:
    """Return a recovery code as stored: lower case, without spaces or dashes."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_codes(user_id: int) -> list[str]:
    """Replace the account's recovery codes with new ones; return them (shown once)."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    db.session.execute(insert(RecoveryCode), [{"user_id": user_id, "code_hash": _code_hash(code)} for code in codes])
    return codes


def enable(user_id: int, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with the app's first code; return the recovery codes.

    :raise TwoFactorError: if the code is not the secret's (the app was not set up right).
    """
    step = matching_step(secret, code, now_utc())
    if step is None:
        raise TwoFactorError(_refused())
    turned_on = db.session.execute(
        update(User).where(User.id == user_id, User.totp_enabled_dt.is_(None)).values(totp_secret=secret, totp_enabled_dt=now_utc(), totp_last_step=step)
    )
    if turned_on.rowcount != 1:
        raise TwoFactorError(_already_on())
    current_app.logger.info("account %s turned two-factor sign-in on", user_id)
    return _new_recovery_codes(user_id)


def disable(user_id: int) -> None:
    """Turn two-factor sign-in off (its secret and recovery codes are deleted)."""
    db.session.execute(update(User).where(User.id == user_id).values(totp_secret=None, totp_enabled_dt=None, totp_last_step=None))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    current_app.logger.info("account %s has two-factor sign-in off", user_id)


def regenerate_recovery_codes(user_id: int) -> list[str]:
    """Replace the recovery codes (the old ones stop working); return the new ones."""
    return _new_recovery_codes(user_id)


def check_second_factor(user_id: int, code: str) -> bool:
    """Use a code from the app, or a recovery code, to finish a sign-in; tell whether it was accepted.

    Each code works once: the update that records its use decides.
    """
    user = db.session.get(User, user_id)
    if user is None or user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, now_utc())
    if step is not None:
        moved = db.session.execute(
            update(User).where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step)).values(totp_last_step=step)
        )
        return moved.rowcount == 1
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _code_hash(code), RecoveryCode.used_dt.is_(None))
        .values(used_dt=now_utc())
    )
    return used.rowcount == 1


def recovery_codes_left(user_id: int) -> int:
    """Return how many recovery codes the account can still use."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_dt.is_(None)))


def required_for(roles: int) -> bool:
    """Tell whether ``TWO_FACTOR_REQUIRED`` makes two-factor sign-in mandatory for someone with ``roles``."""
    return bool(current_app.config["TWO_FACTOR_REQUIRED"]) and bool(Role(roles) & STAFF_ROLES)


def _refused() -> str:
    return _("Ce code n'est pas le bon : saisissez le code à 6 chiffres que l'application affiche maintenant.")


def _already_on() -> str:
    return _("La double authentification est déjà activée sur ce compte.")
