"""Check and redeem the single-use links of invitations and password resets (``emails`` issues them).

The secret travels only in the email; the database keeps its SHA-256, so neither a copy of the
database nor its logs open an account. Redeeming is one conditional update (unused, unexpired,
of this purpose): of two requests with the same link, only one finds it still open.
"""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy import update

from app.accounts.models import AccountToken
from app.accounts.models import TokenPurpose
from app.clock import now_utc
from app.extensions import db

#: Bytes of randomness in a link's secret (256 bits).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """Return what the database keeps of a link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def _open(token: str, purpose: TokenPurpose, now: datetime):
    return (
        AccountToken.token_hash == token_hash(token),
        AccountToken.purpose == purpose.value,
        AccountToken.used_dt.is_(None),
        AccountToken.expires_dt > now,
    )


def peek_token(token: str, purpose: TokenPurpose) -> int | None:
    """Return the account a link still opens, without using it (to show its form), or ``None``."""
    return db.session.scalar(select(AccountToken.user_id).where(*_open(token, purpose, now_utc())))


def redeem_token(token: str, purpose: TokenPurpose) -> int | None:
    """Use a link: return the account it opens, or ``None`` if it is unknown, used, replaced or expired.

    The update decides, so a link used twice at once opens the account once.
    """
    now = now_utc()
    used = db.session.execute(update(AccountToken).where(*_open(token, purpose, now)).values(used_dt=now).returning(AccountToken.user_id)).first()
    return None if used is None else used.user_id


def revoke_tokens_of(user_ids: list[int], purpose: TokenPurpose, now: datetime) -> None:
    """Close every open link of these accounts for ``purpose`` (a new one replaces them, or the need is gone)."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id.in_(user_ids), AccountToken.purpose == purpose.value, AccountToken.used_dt.is_(None))
        .values(used_dt=now)
    )
